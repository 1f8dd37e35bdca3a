"""Download links for every export format, and the public version's preview:
what will be redacted, side by side with the document a reader would get."""

from __future__ import annotations

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse, Response

from cairn.services.incidents import show_incident
from cairn.services.portable import export_file, redactions
from cairn.web.auth import PageContextDep
from cairn.web.deps import TemplatesDep
from cairn.web.exports import download
from cairn.web.security_headers import page_policy_with

router = APIRouter(default_response_class=HTMLResponse, include_in_schema=False)


@router.get("/incidents/{key}/export/{fmt}", name="export_download")
def export_download(
    key: str, fmt: str, ctx: PageContextDep, public: bool = False, diagrams: bool = True, view: bool = False,
) -> Response:
    """`?public=1` for the public version, `?diagrams=0` without charts, `?view=1` to open HTML in the browser."""
    return download(export_file(ctx, key, fmt, public=public, diagrams=diagrams), inline=view)


@router.get("/incidents/{key}/public", name="public_preview")
def public_preview(request: Request, key: str, ctx: PageContextDep, templates: TemplatesDep) -> Response:
    doc = show_incident(ctx, key)
    response = templates.TemplateResponse(request, "public_preview.html", {"doc": doc, "redactions": redactions(ctx, key)})
    response.headers["Content-Security-Policy"] = page_policy_with("frame-src 'self'")
    return response
