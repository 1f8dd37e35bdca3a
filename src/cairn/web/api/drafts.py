"""First drafts over the API: the same use cases as `cairn postmortem draft` and the editor's
"Draft from the record" button."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import Path, Query
from pydantic import BaseModel, Field

from cairn.services.drafts import (
    accept_suggestion,
    cited_sections,
    draft_postmortem,
    list_drafts,
    reject_suggestion,
    set_model_consent,
    suggestions,
)
from cairn.web.api.schemas import INT_MAX, api_router
from cairn.web.auth import ApiContextDep

router = api_router(tags=["postmortems"])
SuggestionId = Annotated[int, Path(ge=1, le=INT_MAX)]


class DraftRequest(BaseModel):
    model: bool = Field(default=False, description="have the model at CAIRN_LLM_URL rewrite the draft (verified before it is kept)")
    redact: bool = Field(default=False, description="with model: send the public version's redacted record")
    gap_minutes: int = Field(default=20, ge=1, le=1440, description="ask about quiet stretches longer than this")


class AcceptRequest(BaseModel):
    text: str | None = Field(default=None, max_length=200_000, description="the author's edit of the suggestion, to save instead of it")
    base: str | None = Field(default=None, max_length=64, description="fingerprint of the section text the edit was merged with (after a 409)")


class ConsentRequest(BaseModel):
    allowed: bool


def _suggestion(row: Any) -> dict[str, Any]:
    return {
        "id": row.id, "draft": row.draft_id, "section": row.section, "title": row.title, "text": row.text,
        "state": row.state, "source": row.source, "created_at": row.created_at.isoformat(), "created_by": row.created_by,
        "decided_by": row.decided_by,
    }


@router.post("/incidents/{key}/postmortem/draft", name="api_postmortem_draft", status_code=201)
def draft(key: str, ctx: ApiContextDep, body: DraftRequest | None = None) -> dict[str, Any]:
    """Draft the empty sections from the record and suggest text beside the written ones."""
    body = body or DraftRequest()
    return draft_postmortem(ctx, key, use_model=body.model, redact=body.redact, gap_minutes=body.gap_minutes).as_json()


@router.get("/incidents/{key}/postmortem/drafts", name="api_postmortem_drafts")
def drafts(key: str, ctx: ApiContextDep) -> list[dict[str, Any]]:
    """Every draft made, with its verification and, for model drafts, the exchange as it happened."""
    return list_drafts(ctx, key)


@router.get("/incidents/{key}/postmortem/suggestions", name="api_draft_suggestions")
def pending(key: str, ctx: ApiContextDep, all: Annotated[bool, Query(description="include decided ones")] = False) -> list[dict[str, Any]]:
    return [_suggestion(row) for row in suggestions(ctx, key, pending_only=not all)]


@router.post("/incidents/{key}/postmortem/suggestions/{number}/accept", name="api_draft_accept")
def accept(key: str, number: SuggestionId, ctx: ApiContextDep, body: AcceptRequest | None = None) -> dict[str, Any]:
    """Replace the section's text with the suggestion (or `text`); 409 with both versions if it changed since."""
    return _suggestion(accept_suggestion(ctx, key, number, edited_text=body.text if body else None, base=body.base if body else None))


@router.post("/incidents/{key}/postmortem/suggestions/{number}/reject", name="api_draft_reject")
def reject(key: str, number: SuggestionId, ctx: ApiContextDep) -> dict[str, Any]:
    return _suggestion(reject_suggestion(ctx, key, number))


@router.get("/incidents/{key}/postmortem/citations", name="api_postmortem_citations")
def citations(key: str, ctx: ApiContextDep) -> list[dict[str, Any]]:
    """The citations in the text as it stands, what each cites, and which sentences still hold."""
    return cited_sections(ctx, key)


@router.put("/incidents/{key}/postmortem/model-consent", name="api_model_consent")
def consent(key: str, body: ConsentRequest, ctx: ApiContextDep) -> dict[str, Any]:
    """Admins: allow (or stop allowing) this restricted incident's record to go to the model."""
    return {"key": key, "allowed": set_model_consent(ctx, key, body.allowed)}
