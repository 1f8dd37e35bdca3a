"""Knowledge-base search over the API: what /search shows and `cairn search` prints."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import Query

from cairn.services.search import MAX_LIMIT, search
from cairn.web.api.reads import ReadModel
from cairn.web.api.schemas import api_router
from cairn.web.auth import ApiContextDep

router = api_router(tags=["search"])


class SearchHitRead(ReadModel):
    key: str
    title: str
    severity: str
    status: str
    started_at: str | None
    where: list[str]
    snippet: str  # HTML: escaped text, matches in <mark>
    score: float


class FacetRead(ReadModel):
    value: str
    count: int


class SearchRead(ReadModel):
    query: str
    total: int
    hits: list[SearchHitRead]
    facets: dict[str, list[FacetRead]]


@router.get("/search", name="api_search", response_model=SearchRead)
def search_incidents(
    ctx: ApiContextDep,
    q: Annotated[str, Query(max_length=2000, description='words, "phrases", -excluded, prefix*, service: team: severity: kind: status: category: after: before:')] = "",
    limit: Annotated[int, Query(ge=1, le=MAX_LIMIT)] = 20,
    offset: Annotated[int, Query(ge=0, le=1_000_000)] = 0,
) -> dict[str, Any]:
    """Incidents the caller may see that match `q`, best first, with where each matched, a snippet and facet counts."""
    return search(ctx, q, limit=limit, offset=offset).to_data()
