"""The headers every response carries unless it sets its own."""

from __future__ import annotations

# Pages load scripts and styles only from Cairn itself, never inline and never
# from elsewhere: markup that slips into user content stays inert.
SECURITY_HEADERS = {
    "Content-Security-Policy": (
        "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' https: data:; "
        "connect-src 'self'; form-action 'self'; base-uri 'none'; frame-ancestors 'none'"
    ),
    # For browsers that predate frame-ancestors; a response framed by Cairn
    # itself (the HTML export) sets SAMEORIGIN beside its own policy.
    "X-Frame-Options": "DENY",
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "same-origin",
    # Pages and API answers show what one signed-in user may see: no browser,
    # proxy or shared disk cache keeps a copy (ETags still work for clients).
    "Cache-Control": "no-store",
}

# Cairn's own static files and Swagger UI's: the same for everyone, so they
# may be cached; every other response gets SECURITY_HEADERS' Cache-Control.
PUBLIC_ASSETS = ("/static/", "/api/docs/assets/")


def page_policy_with(*directives: str) -> str:
    """The page policy plus directives one page needs (e.g. framing an export)."""
    return "; ".join([SECURITY_HEADERS["Content-Security-Policy"], *directives])
