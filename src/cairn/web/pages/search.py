"""/search: the knowledge base for people, with the same answer as GET /api/v1/search."""

from __future__ import annotations

from typing import Annotated
from urllib.parse import urlencode

from fastapi import APIRouter, Query, Request
from fastapi.responses import HTMLResponse, Response
from markupsafe import Markup

from cairn.errors import InvalidInput
from cairn.services.search import search
from cairn.web.auth import PageContextDep
from cairn.web.deps import TemplatesDep
from cairn.web.errors import for_the_web

router = APIRouter(default_response_class=HTMLResponse, include_in_schema=False)
PER_PAGE = 20


@router.get("/search", name="search_page")
def search_page(
    request: Request, ctx: PageContextDep, templates: TemplatesDep,
    q: Annotated[str, Query(max_length=2000)] = "",
    page: Annotated[int, Query(ge=1, le=10_000)] = 1,
) -> Response:
    results, error = None, None
    if q.strip():
        try:
            results = search(ctx, q, limit=PER_PAGE, offset=(page - 1) * PER_PAGE)
        except InvalidInput as refused:
            error = for_the_web(str(refused))
    pages = max(1, -(-results.total // PER_PAGE)) if results else 1

    def link(number: int) -> str:
        return "?" + urlencode({"q": q, "page": number})

    def narrowed(name: str, value: str) -> str:
        """The same search narrowed to one facet value."""
        if name == "year":
            return "?" + urlencode({"q": f"{q.strip()} after:{value} before:{value}"})
        quoted = f'"{value}"' if any(ch.isspace() for ch in value) else value
        return "?" + urlencode({"q": f"{q.strip()} {name}:{quoted}"})

    return templates.TemplateResponse(request, "search.html", {
        "q": q, "results": results, "error": error, "page": page, "pages": pages, "link": link, "narrowed": narrowed,
        "snippet": lambda html: Markup(html),  # built escaped by services.search.highlight
        "status_code": 400 if error else 200,
    }, status_code=400 if error else 200)
