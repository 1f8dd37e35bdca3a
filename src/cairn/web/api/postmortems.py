"""Editing a postmortem over the API: sections, impact, factors, action items, preview.

Section and factor saves take `base`, the fingerprint returned when the part
was read; if someone else saved that part since, the answer is 409 with both
versions (`theirs`, `yours`) so a client can show them and merge.
"""

from __future__ import annotations

from typing import Any

from pydantic import BaseModel, Field

from cairn.domain.document import FactorDoc, ImpactDoc
from cairn.domain.times import now_utc
from cairn.services.actions import add_action_item, update_action_item
from cairn.services.editing import (
    Edited,
    add_factor,
    factor_text,
    fingerprint,
    remove_factor,
    save_impact,
    save_section,
    section_names,
    update_factor,
)
from cairn.services.incidents import show_incident
from cairn.web.api.reads import (
    ActionItemRead,
    OwedList,
    PostmortemRead,
    PreviewRead,
    RevisionDiffRead,
    RevisionHistoryRead,
    RevisionRead,
    ReviewRead,
    SavedRead,
)
from cairn.web.api.schemas import Count, Id, api_router
from cairn.web.auth import ApiContextDep
from cairn.web.markdown import render_markdown

router = api_router(tags=["postmortems"])


class SectionUpdate(BaseModel):
    text: str = Field(max_length=200_000, description="the section's Markdown")
    base: str | None = Field(default=None, description="fingerprint of the text this edit started from")


class ImpactUpdate(BaseModel):
    users_affected: Count | None = None
    users_share: float | None = Field(default=None, ge=0, le=100, description="percent of users")
    duration_minutes: Count | None = None
    data_loss: str | None = Field(default=None, max_length=5000)
    cost: str | None = Field(default=None, max_length=5000)
    slo_budget: str | None = Field(default=None, max_length=5000)
    risk_likelihood: int | None = Field(default=None, ge=1, le=5)
    risk_severity: int | None = Field(default=None, ge=1, le=5)


class Why(BaseModel):
    why: str = Field(max_length=5000)
    because: str = Field(default="", max_length=5000)


class FactorCreate(BaseModel):
    description: str = Field(max_length=20_000)
    category: str = Field(max_length=100)
    role: str = Field(default="latent condition", description="trigger, latent condition, made worse or helped")
    services: list[str] = Field(default_factory=list, max_length=100)
    whys: list[Why] = Field(default_factory=list, max_length=10, description="a 5-Whys chain, in order")


class FactorUpdate(FactorCreate):
    base: str | None = Field(default=None, description="fingerprint of the factor this edit started from")


class ActionItemCreate(BaseModel):
    title: str = Field(max_length=500)
    owner: str = Field(max_length=100)
    due: str = Field(description="YYYY-MM-DD, today or later")
    kind: str = "prevent"
    priority: str | None = Field(default=None, description="P1-P4; or give impact and effort")
    impact: int | None = Field(default=None, ge=1, le=3, description="1 low, 2 medium, 3 high")
    effort: int | None = Field(default=None, ge=1, le=3, description="1 low, 2 medium, 3 high")
    factors: list[str] = Field(default_factory=list, description="labels of the factors it addresses, e.g. F1")
    url: str | None = None


class ActionItemUpdate(BaseModel):
    status: str | None = None
    note: str | None = Field(default=None, max_length=5000, description="required for won't do")
    owner: str | None = None
    due: str | None = None
    priority: str | None = None
    url: str | None = None


class Preview(BaseModel):
    text: str = Field(max_length=200_000)


def factor_data(factor: FactorDoc) -> dict[str, Any]:
    return {
        "id": factor.label, "description": factor.description, "category": factor.category, "role": factor.role,
        "services": factor.services, "whys": [{"why": w.question, "because": w.answer} for w in factor.whys],
        "base": fingerprint(factor_text(factor)),
    }


def sections_data(edited_doc) -> list[dict[str, Any]]:  # type: ignore[no-untyped-def]
    return [
        {"name": name, "title": title, "text": text, "base": fingerprint(text)}
        for name, title, text in section_names(edited_doc)
    ]


def saved(result: Edited) -> dict[str, Any]:
    return {"incident": result.doc.key, "version": result.version, "sections": sections_data(result.doc),
            "factors": [factor_data(f) for f in result.doc.factors]}


@router.get("/incidents/{key}/postmortem", name="api_postmortem", response_model=PostmortemRead)
def postmortem(key: str, ctx: ApiContextDep) -> dict[str, Any]:
    """The editable parts with their fingerprints (`base`) for conflict-safe saves."""
    doc = show_incident(ctx, key)
    impact = doc.postmortem.impact
    return {
        "incident": doc.key, "version": doc.version, "status": doc.postmortem.status,
        "sections": sections_data(doc),
        "impact": {**vars(impact), "risk_likelihood": doc.postmortem.risk_likelihood, "risk_severity": doc.postmortem.risk_severity},
        "factors": [factor_data(f) for f in doc.factors],
    }


@router.put("/incidents/{key}/postmortem/sections/{name}", name="api_section_save", response_model=SavedRead)
def section_save(key: str, name: str, body: SectionUpdate, ctx: ApiContextDep) -> dict[str, Any]:
    return saved(save_section(ctx, key, name, body.text, base=body.base))


@router.put("/incidents/{key}/postmortem/impact", name="api_impact_save", response_model=SavedRead)
def impact_save(key: str, body: ImpactUpdate, ctx: ApiContextDep) -> dict[str, Any]:
    impact = ImpactDoc(body.users_affected, body.users_share, body.duration_minutes, body.data_loss, body.cost, body.slo_budget)
    return saved(save_impact(ctx, key, impact, risk_likelihood=body.risk_likelihood, risk_severity=body.risk_severity))


@router.post("/incidents/{key}/factors", name="api_factor_add", response_model=SavedRead, status_code=201)
def factor_add(key: str, body: FactorCreate, ctx: ApiContextDep) -> dict[str, Any]:
    return saved(add_factor(
        ctx, key, description=body.description, category=body.category, role=body.role, services=body.services,
        whys=[(w.why, w.because) for w in body.whys],
    ))


@router.put("/incidents/{key}/factors/{label}", name="api_factor_update", response_model=SavedRead)
def factor_update(key: str, label: str, body: FactorUpdate, ctx: ApiContextDep) -> dict[str, Any]:
    return saved(update_factor(
        ctx, key, label, description=body.description, category=body.category, role=body.role,
        services=body.services, whys=[(w.why, w.because) for w in body.whys], base=body.base,
    ))


@router.delete("/incidents/{key}/factors/{label}", name="api_factor_remove", response_model=SavedRead)
def factor_remove(key: str, label: str, ctx: ApiContextDep) -> dict[str, Any]:
    return saved(remove_factor(ctx, key, label))


@router.post("/incidents/{key}/action-items", name="api_action_add", response_model=ActionItemRead, status_code=201)
def action_add(key: str, body: ActionItemCreate, ctx: ApiContextDep) -> dict[str, Any]:
    row = add_action_item(
        ctx, key, body.title, owner=body.owner, due=body.due, kind=body.kind, impact=body.impact, effort=body.effort,
        priority=body.priority, factors=body.factors, url=body.url,
    )
    return row.to_data(now_utc().date())


@router.patch("/incidents/{key}/action-items/{label}", name="api_action_update", response_model=ActionItemRead)
def action_update(key: str, label: str, body: ActionItemUpdate, ctx: ApiContextDep) -> dict[str, Any]:
    row = update_action_item(
        ctx, key, label, status=body.status, note=body.note, owner=body.owner, due=body.due, priority=body.priority, url=body.url,
    )
    return row.to_data(now_utc().date())


@router.post("/markdown/preview", name="api_markdown_preview", response_model=PreviewRead)
def markdown_preview(body: Preview, ctx: ApiContextDep) -> dict[str, str]:
    """Markdown rendered as the pages show it: CommonMark, sanitised."""
    return {"html": str(render_markdown(body.text))}


@router.get("/postmortems/owed", name="api_postmortems_owed", response_model=OwedList)
def postmortems_owed(ctx: ApiContextDep, all: bool = False) -> dict[str, Any]:
    """Postmortems the policy says are owed (with `all`, published ones too): reasons, owner, due date, state."""
    from cairn.services.policy import owed_postmortems

    rows = owed_postmortems(ctx, include_done=all)
    return {"total": len(rows), "items": [row.to_data() for row in rows]}


class ReviewRequest(BaseModel):
    reviewers: list[str] = Field(min_length=1, max_length=20, description="usernames of the reviewers")
    override: str | None = Field(
        default=None, max_length=2000,
        description="admins: let the author be the only reviewer, for this reason (audited)",
    )


class Decision(BaseModel):
    note: str | None = Field(default=None, max_length=5000, description="required when requesting changes")


class Publication(BaseModel):
    override: str | None = Field(default=None, max_length=2000, description="admins: publish although checklist items fail, for this reason")


class CommentCreate(BaseModel):
    section: str = Field(max_length=100, description="section id (summary, impact, ..., section-0) or general")
    body: str = Field(max_length=10_000)


@router.get("/incidents/{key}/postmortem/review", name="api_review_state", response_model=ReviewRead)
def review_get(key: str, ctx: ApiContextDep) -> dict[str, Any]:
    from cairn.services.review import review_state

    return review_state(ctx, key).to_data()


@router.post("/incidents/{key}/postmortem/review", name="api_review_request", response_model=ReviewRead)
def review_request(key: str, body: ReviewRequest, ctx: ApiContextDep) -> dict[str, Any]:
    from cairn.services.review import request_review

    return request_review(ctx, key, body.reviewers, override=body.override).to_data()


@router.post("/incidents/{key}/postmortem/approve", name="api_review_approve", response_model=ReviewRead)
def review_approve(key: str, body: Decision, ctx: ApiContextDep) -> dict[str, Any]:
    from cairn.services.review import decide

    return decide(ctx, key, approve=True, note=body.note).to_data()


@router.post("/incidents/{key}/postmortem/request-changes", name="api_review_changes", response_model=ReviewRead)
def review_changes(key: str, body: Decision, ctx: ApiContextDep) -> dict[str, Any]:
    from cairn.services.review import decide

    return decide(ctx, key, approve=False, note=body.note).to_data()


@router.post("/incidents/{key}/postmortem/publish", name="api_publish", response_model=ReviewRead)
def review_publish(key: str, body: Publication, ctx: ApiContextDep) -> dict[str, Any]:
    from cairn.services.review import publish

    return publish(ctx, key, override=body.override).to_data()


@router.post("/incidents/{key}/postmortem/comments", name="api_review_comment", response_model=ReviewRead, status_code=201)
def review_comment(key: str, body: CommentCreate, ctx: ApiContextDep) -> dict[str, Any]:
    from cairn.services.review import comment

    return comment(ctx, key, body.section, body.body).to_data()


@router.get("/incidents/{key}/postmortem/revisions", name="api_revisions", response_model=RevisionHistoryRead)
def revisions_list(key: str, ctx: ApiContextDep) -> dict[str, Any]:
    """The published revisions, oldest first, and whether a newer draft exists."""
    from cairn.services.revisions import revision_history

    return revision_history(ctx, key).to_data()


@router.get("/incidents/{key}/postmortem/revisions/{number}", name="api_revision", response_model=RevisionRead)
def revision_get(key: str, number: Id, ctx: ApiContextDep) -> dict[str, Any]:
    """One published revision's text, as readers saw it."""
    from cairn.services.revisions import pick, revision_history

    return pick(revision_history(ctx, key), number).to_data()


@router.get("/incidents/{key}/postmortem/revisions/{number}/diff", name="api_revision_diff", response_model=RevisionDiffRead)
def revision_diff_get(key: str, number: Id, ctx: ApiContextDep, to: Id | None = None) -> dict[str, Any]:
    """What changed from revision `number` to revision `to` (without `to`: to the current draft)."""
    from cairn.services.revisions import revision_diff, revision_history

    history = revision_history(ctx, key)
    lines = revision_diff(history, number, to)
    return {"incident": history.key, "old": f"revision {number}", "new": f"revision {to}" if to else "current draft", "diff": lines}
