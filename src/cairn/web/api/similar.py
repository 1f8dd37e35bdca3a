"""Similar incidents, confirmed relations and repeats over the API: what the
incident page, the editor and `cairn similar` show."""

from __future__ import annotations

from typing import Annotated, Any, Literal

from fastapi import Query
from pydantic import BaseModel, Field

from cairn.services.insights.similar import decide_relation, similar_incidents
from cairn.web.api.reads import ReadModel
from cairn.web.api.schemas import api_router
from cairn.web.auth import ApiContextDep

router = api_router(tags=["insights"])


class BriefRead(ReadModel):
    key: str
    title: str
    severity: str
    status: str
    started_at: str | None


class SuggestionRead(BriefRead):
    score: float
    reasons: list[str]
    evidence: dict[str, float]


class RelationRead(BriefRead):
    state: str
    decided_by: str | None
    decided_at: str


class RepeatRead(ReadModel):
    incident: BriefRead
    item: str
    item_title: str
    closed_on: str
    category: str
    services: list[str]
    message: str


class SimilarRead(ReadModel):
    key: str
    similar: list[SuggestionRead]
    related: list[RelationRead]
    repeats: list[RepeatRead]


class RelationDecision(BaseModel):
    other: str = Field(max_length=30, description="the other incident's key, e.g. INC-12")
    state: Literal["related", "dismissed", "none"] = Field(description="related: confirm; dismissed: never suggest again; none: take back")


@router.get("/incidents/{key}/similar", name="api_incident_similar", response_model=SimilarRead)
def similar(ctx: ApiContextDep, key: str, limit: Annotated[int, Query(ge=1, le=50)] = 10) -> dict[str, Any]:
    """Up to `limit` earlier incidents most like this one, each with its reasons; the
    incidents people confirmed as related; and repeats (earlier fixes that may not have held)."""
    return similar_incidents(ctx, key, limit=limit).to_data()


@router.post("/incidents/{key}/relations", name="api_incident_relation", response_model=SimilarRead)
def relation(ctx: ApiContextDep, key: str, body: RelationDecision) -> dict[str, Any]:
    """Confirm a suggestion as related (shown on both incidents), dismiss it, or take the judgement back."""
    return decide_relation(ctx, key, body.other, body.state).to_data()
