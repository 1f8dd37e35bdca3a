"""/api/docs: the OpenAPI reference in Swagger UI, served by Cairn itself.

Swagger UI 5 (it reads OpenAPI 3.1, as FastAPI writes; 4.x did not) comes from
the swagger-ui-bundle-v2 package installed from PyPI, so
the page works without any outside network.
"""

from __future__ import annotations

from pathlib import Path

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse

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
def api_docs(request: Request, templates: TemplatesDep) -> HTMLResponse:
    response = templates.TemplateResponse(request, "api_docs.html", {"openapi": request.app.openapi_url})
    response.headers["Content-Security-Policy"] = DOCS_POLICY
    return response
