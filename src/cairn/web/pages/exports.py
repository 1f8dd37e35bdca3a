"""Download links for every export format, and the public version's preview:
what will be redacted, side by side with the document a reader would get."""

from __future__ import annotations

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse, Response

from cairn.errors import InvalidInput
from cairn.services.incidents import show_incident
from cairn.services.portable import export_file, redactions
from cairn.web.auth import PageContextDep
from cairn.web.deps import TemplatesDep
from cairn.web.exports import download
from cairn.web.security_headers import page_policy_with

router = APIRouter(default_response_class=HTMLResponse, include_in_schema=False)


def _flag(request: Request, name: str, default: bool) -> bool:
    value = request.query_params.get(name)
    if value is None:
        return default
    if value.lower() in ("1", "true", "yes", "on"):
        return True
    if value.lower() in ("0", "false", "no", "off"):
        return False
    raise InvalidInput(f"query parameter {name!r}: expected 1 or 0, got {value[:20]!r}")


@router.get("/incidents/{key}/export/{fmt}", name="export_download")
def export_download(request: Request, key: str, fmt: str, ctx: PageContextDep) -> Response:
    """`?public=1` for the public version, `?diagrams=0` without charts, `?view=1` to open HTML in the browser."""
    exported = export_file(
        ctx, key, fmt, public=_flag(request, "public", False), diagrams=_flag(request, "diagrams", True),
    )
    return download(exported, inline=_flag(request, "view", False))


@router.get("/incidents/{key}/public", name="public_preview")
def public_preview(request: Request, key: str, ctx: PageContextDep, templates: TemplatesDep) -> Response:
    doc = show_incident(ctx, key)
    response = templates.TemplateResponse(request, "public_preview.html", {"doc": doc, "redactions": redactions(ctx, key)})
    response.headers["Content-Security-Policy"] = page_policy_with("frame-src 'self'")
    return response
