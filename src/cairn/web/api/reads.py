"""Response models (`XRead`) of the JSON API, so the OpenAPI schema says what each route answers.

Routes still build plain dicts; FastAPI checks them against these models on
the way out. Every model allows extra keys (`ReadModel`), so a field added
to an answer is kept, never silently dropped, while the documented ones
must be there with the documented types. The fuzz test
(`tests/web/test_api_fuzz.py`) checks real answers against the schema.
"""

from __future__ import annotations

from typing import Any

from pydantic import BaseModel, ConfigDict, Field


class ReadModel(BaseModel):
    model_config = ConfigDict(extra="allow")


# ---- accounts ----

class MeRead(ReadModel):
    username: str
    role: str


class TokenRead(ReadModel):
    id: int
    name: str
    user: str
    prefix: str = Field(description="the token's first characters, to recognise it")
    created_at: str | None
    expires_at: str | None
    revoked_at: str | None
    last_used_at: str | None


class TokenCreated(TokenRead):
    token: str = Field(description="the secret, shown this once")


class TokenList(ReadModel):
    total: int
    items: list[TokenRead]


class UserRead(ReadModel):
    username: str
    display_name: str | None
    role: str


class UserList(ReadModel):
    total: int
    items: list[UserRead]


class RoleRead(ReadModel):
    username: str
    role: str


# ---- incidents ----

class IncidentSummaryRead(ReadModel):
    key: str
    title: str
    kind: str
    severity: str
    status: str
    visibility: str
    timezone: str
    services: list[str]
    teams: list[str]
    moments: dict[str, str] = Field(description="key moments set so far, in the incident's zone")
    durations_seconds: dict[str, float | None]
    postmortem_status: str | None
    action_items_open: int


class IncidentList(ReadModel):
    total: int
    limit: int
    offset: int
    items: list[IncidentSummaryRead]


class IncidentRead(ReadModel):
    """The whole incident as the portable JSON document, with its durations."""

    cairn: int = Field(description="version of the document format")
    key: str
    version: int
    title: str
    kind: str
    severity: str
    status: str
    visibility: str
    timezone: str
    services: list[str]
    teams: list[str]
    tags: list[str]
    moments: dict[str, str]
    participants: list[dict[str, Any]]
    postmortem: dict[str, Any]
    factors: list[dict[str, Any]]
    action_items: list[dict[str, Any]]
    timeline: list[dict[str, Any]]
    durations_seconds: dict[str, float | None]


class HistoryItem(ReadModel):
    at: str
    actor: str | None
    action: str
    detail: dict[str, Any] | None


class HistoryList(ReadModel):
    total: int
    items: list[HistoryItem]


# ---- timeline ----

class EventRead(ReadModel):
    id: int | None
    at: str
    local: str = Field(description="the time as the incident's team reads it")
    kind: str
    actor: str | None
    text: str
    source: str
    ref: str | None
    level: str | None = Field(default=None, description="a log line's level (trace ... emergency), when its source states one")
    component: str | None = Field(default=None, description="the component or logger that wrote the line")
    message: str = Field(default="", description="the text without its leading [LEVEL] when `level` says the same: what the page shows beside the level")


class TimelineRead(ReadModel):
    incident: str
    after: int
    last_id: int
    items: list[EventRead]


class DeletedEventRead(ReadModel):
    event: EventRead
    deleted_at: str
    deleted_by: str | None


class DeletedEventList(ReadModel):
    total: int
    items: list[DeletedEventRead]


class EventLogged(ReadModel):
    incident: str
    created: bool = Field(description="false when an event with the same source and ref was there already")
    event: EventRead


# ---- lint ----

class FindingRead(ReadModel):
    id: str
    rule: str
    category: str
    category_title: str
    line: int
    column: int
    end_line: int
    end_column: int
    excerpt: str
    message: str
    suggestion: str | None
    location: str
    sentence: str
    rewrite: str | None


class DismissedRead(FindingRead):
    reason: str
    dismissed_by: str | None
    dismissed_at: str


class LintRead(ReadModel):
    findings: list[FindingRead]
    count: int


class IncidentLintRead(ReadModel):
    key: str
    findings: list[FindingRead]
    dismissed: list[DismissedRead]


# ---- postmortems, factors, action items, review ----

class SectionRead(ReadModel):
    name: str
    title: str
    text: str
    base: str = Field(description="fingerprint to send back as `base` when saving")


class WhyRead(ReadModel):
    why: str
    because: str


class FactorRead(ReadModel):
    id: str
    description: str
    category: str
    role: str
    services: list[str]
    whys: list[WhyRead]
    base: str


class PostmortemRead(ReadModel):
    incident: str
    version: int
    status: str
    sections: list[SectionRead]
    impact: dict[str, Any]
    factors: list[FactorRead]


class SavedRead(ReadModel):
    incident: str
    version: int
    sections: list[SectionRead]
    factors: list[FactorRead]


class ActionItemRead(ReadModel):
    incident: str
    id: str
    title: str
    owner: str | None
    due: str | None
    priority: str
    kind: str
    status: str
    closed_at: str | None
    teams: list[str]
    url: str | None
    ticket: str | None
    sync_error: str | None
    overdue: bool


class ActionItemList(ReadModel):
    total: int
    items: list[ActionItemRead]


class OnScheduleRead(ReadModel):
    on_time: int
    judged: int
    rate: float | None


class ActionStatsRead(ReadModel):
    on_schedule: OnScheduleRead
    by_team: dict[str, OnScheduleRead]
    by_priority: dict[str, OnScheduleRead]
    by_month: dict[str, OnScheduleRead]
    open: int
    open_overdue: int
    open_age_days: dict[str, float | None]


class PreviewRead(ReadModel):
    html: str


class OwedRead(ReadModel):
    key: str
    title: str
    severity: str
    state: str = Field(description="owed, overdue, done or not resolved yet")
    reasons: list[str]
    due: str | None
    owner: str | None
    postmortem_status: str


class OwedList(ReadModel):
    total: int
    items: list[OwedRead]


class ReviewerRead(ReadModel):
    user: str
    decision: str
    note: str | None
    decided_at: str | None
    approved_current: bool = Field(description="approved, and the text has not changed since")


class CommentRead(ReadModel):
    section: str
    author: str | None
    body: str
    at: str


class ReviewRead(ReadModel):
    incident: str
    status: str
    reviewers: list[ReviewerRead]
    comments: list[CommentRead]
    published_by: str | None
    publish_override: str | None
    authors: list[str] = Field(description="who wrote it: the owner participants, else the most frequent writer")
    published_revision: int | None = Field(description="the revision readers see, if it was ever published")


class RevisionSummaryRead(ReadModel):
    number: int
    published_at: str
    published_by: str | None
    approved_by: list[str]


class RevisionRead(RevisionSummaryRead):
    text: str = Field(description="the reviewed text as Markdown, as it was published")


class RevisionHistoryRead(ReadModel):
    incident: str
    status: str
    published_revision: int | None
    newer_draft: bool = Field(description="the current text differs from the published revision")
    revisions: list[RevisionSummaryRead]


class RevisionDiffRead(ReadModel):
    incident: str
    old: str
    new: str
    diff: list[str] = Field(description="unified diff lines; empty when the texts are the same")
