"""The headers every response carries unless it sets its own."""

from __future__ import annotations

# Pages load scripts and styles only from Cairn itself, never inline and never
# from elsewhere: markup that slips into user content stays inert.
SECURITY_HEADERS = {
    "Content-Security-Policy": (
        "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' https: data:; "
        "connect-src 'self'; form-action 'self'; base-uri 'none'; frame-ancestors 'none'"
    ),
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "same-origin",
}


def page_policy_with(*directives: str) -> str:
    """The page policy plus directives one page needs (e.g. framing an export)."""
    return "; ".join([SECURITY_HEADERS["Content-Security-Policy"], *directives])
