"""/api/docs and /api/openapi.json: the API reference, for signed-in users.

Like every other page, the reference needs a sign-in (a browser session; the
schema also answers to an API token): it maps every route and parameter, which
is more than an anonymous visitor needs to see. Swagger UI 5 (it reads OpenAPI
3.1, as FastAPI writes; 4.x did not) comes from the swagger-ui-bundle-v2
package installed from PyPI, so the page works without any outside network;
its static files are public, like the rest of /static.
"""

from __future__ import annotations

from pathlib import Path

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse, JSONResponse

from cairn.web.auth import ApiContextDep, PageContextDep
from cairn.web.deps import TemplatesDep

router = APIRouter(default_response_class=HTMLResponse, include_in_schema=False)

# Swagger UI sets style attributes from script; its own page needs that much.
DOCS_POLICY = (
    "default-src 'none'; script-src 'self'; style-src 'self' 'unsafe-inline'; img-src 'self' data:; "
    "connect-src 'self'; base-uri 'none'; frame-ancestors 'none'"
)


def swagger_dir() -> Path:
    from swagger_ui_bundle import swagger_ui_path

    return Path(swagger_ui_path)


@router.get("/api/docs", name="api_docs")
def api_docs(request: Request, templates: TemplatesDep, _ctx: PageContextDep) -> HTMLResponse:
    schema = request.url_for("api_openapi").path
    response = templates.TemplateResponse(request, "api_docs.html", {"openapi": schema})
    response.headers["Content-Security-Policy"] = DOCS_POLICY
    return response


@router.get("/api/openapi.json", name="api_openapi", response_class=JSONResponse)
def api_openapi(request: Request, _ctx: ApiContextDep) -> JSONResponse:
    """The OpenAPI schema, built once by FastAPI and cached on the app."""
    return JSONResponse(request.app.openapi())
