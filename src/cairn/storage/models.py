"""Tables of Cairn. Every schema change comes with an Alembic migration."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from sqlalchemy import (
    JSON,
    BigInteger,
    Boolean,
    Date,
    Float,
    ForeignKey,
    Index,
    Integer,
    MetaData,
    String,
    Text,
    UniqueConstraint,
)
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column, relationship

from cairn.storage.types import UTCDateTime

NAMING = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


class Base(DeclarativeBase):
    metadata = MetaData(naming_convention=NAMING)


class Team(Base):
    __tablename__ = "teams"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(100), unique=True)
    lead_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime())


class User(Base):
    __tablename__ = "users"

    id: Mapped[int] = mapped_column(primary_key=True)
    username: Mapped[str] = mapped_column(String(100), unique=True)
    display_name: Mapped[str | None] = mapped_column(String(200))
    email: Mapped[str | None] = mapped_column(String(320))
    role: Mapped[str] = mapped_column(String(20), default="responder")
    timezone: Mapped[str | None] = mapped_column(String(64))
    password_hash: Mapped[str | None] = mapped_column(String(255))
    is_active: Mapped[bool] = mapped_column(Boolean, default=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime())


class TeamMember(Base):
    __tablename__ = "team_members"

    team_id: Mapped[int] = mapped_column(ForeignKey("teams.id", ondelete="CASCADE"), primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), primary_key=True)


class Incident(Base):
    __tablename__ = "incidents"

    id: Mapped[int] = mapped_column(primary_key=True)
    number: Mapped[int] = mapped_column(Integer, unique=True)
    title: Mapped[str] = mapped_column(String(300))
    kind: Mapped[str] = mapped_column(String(20))
    severity: Mapped[str] = mapped_column(String(20), index=True)
    status: Mapped[str] = mapped_column(String(20), index=True)
    visibility: Mapped[str] = mapped_column(String(20))
    timezone: Mapped[str] = mapped_column(String(64))
    started_at: Mapped[datetime | None] = mapped_column(UTCDateTime(), index=True)
    detected_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    acknowledged_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    mitigated_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    resolved_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    closed_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    created_at: Mapped[datetime] = mapped_column(UTCDateTime())
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime())
    version: Mapped[int] = mapped_column(Integer, default=1)

    # Every UPDATE of an incident is a compare-and-swap on its version
    # (`... SET version = :old + 1 WHERE id = :id AND version = :old`): a write
    # based on a state someone else has changed since matches no row and is
    # refused (StaleDataError -> errors.StaleWrite), so no update is lost.
    __mapper_args__ = {"version_id_col": version}

    services: Mapped[list["IncidentService"]] = relationship(
        cascade="all, delete-orphan", order_by="IncidentService.position"
    )
    tags: Mapped[list["IncidentTag"]] = relationship(cascade="all, delete-orphan", order_by="IncidentTag.position")
    team_links: Mapped[list["IncidentTeam"]] = relationship(
        cascade="all, delete-orphan", order_by="IncidentTeam.position"
    )
    events: Mapped[list["TimelineEvent"]] = relationship(
        back_populates="incident", cascade="all, delete-orphan", order_by="(TimelineEvent.at, TimelineEvent.id)"
    )
    participants: Mapped[list["Participant"]] = relationship(
        cascade="all, delete-orphan", order_by="Participant.id"
    )
    postmortem: Mapped["Postmortem | None"] = relationship(
        back_populates="incident", cascade="all, delete-orphan", uselist=False
    )


class IncidentService(Base):
    __tablename__ = "incident_services"

    incident_id: Mapped[int] = mapped_column(ForeignKey("incidents.id", ondelete="CASCADE"), primary_key=True)
    name: Mapped[str] = mapped_column(String(100), primary_key=True)
    position: Mapped[int] = mapped_column(Integer, default=0)

    __table_args__ = (Index("ix_incident_services_name", "name"),)


class IncidentTag(Base):
    __tablename__ = "incident_tags"

    incident_id: Mapped[int] = mapped_column(ForeignKey("incidents.id", ondelete="CASCADE"), primary_key=True)
    name: Mapped[str] = mapped_column(String(100), primary_key=True)
    position: Mapped[int] = mapped_column(Integer, default=0)


class IncidentTeam(Base):
    __tablename__ = "incident_teams"

    incident_id: Mapped[int] = mapped_column(ForeignKey("incidents.id", ondelete="CASCADE"), primary_key=True)
    team_id: Mapped[int] = mapped_column(ForeignKey("teams.id", ondelete="CASCADE"), primary_key=True)
    position: Mapped[int] = mapped_column(Integer, default=0)

    team: Mapped[Team] = relationship(lazy="joined")


class TimelineEvent(Base):
    __tablename__ = "timeline_events"

    id: Mapped[int] = mapped_column(primary_key=True)
    incident_id: Mapped[int] = mapped_column(ForeignKey("incidents.id", ondelete="CASCADE"))
    at: Mapped[datetime] = mapped_column(UTCDateTime())
    kind: Mapped[str] = mapped_column(String(30))
    actor: Mapped[str | None] = mapped_column(String(200))
    text: Mapped[str] = mapped_column(Text)
    source: Mapped[str] = mapped_column(String(30), default="manual")
    source_ref: Mapped[str | None] = mapped_column(String(300))
    # A log line's level (one of domain.levels.LEVELS) and its component or logger, when the source has them.
    level: Mapped[str | None] = mapped_column(String(12))
    component: Mapped[str | None] = mapped_column(String(200))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime())
    # The file import that added the event (None: added by a person or a hook), so an undo removes exactly its events.
    import_id: Mapped[int | None] = mapped_column(ForeignKey("timeline_imports.id", ondelete="SET NULL"), index=True)

    incident: Mapped[Incident] = relationship(back_populates="events")

    # (incident, time) serves every timeline read in order, and lookups by incident alone.
    __table_args__ = (
        UniqueConstraint("incident_id", "source", "source_ref", name="uq_timeline_events_source_ref"),
        Index("ix_timeline_events_incident_id_at", "incident_id", "at"),
    )


class Participant(Base):
    __tablename__ = "participants"

    id: Mapped[int] = mapped_column(primary_key=True)
    incident_id: Mapped[int] = mapped_column(ForeignKey("incidents.id", ondelete="CASCADE"), index=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"))
    role: Mapped[str] = mapped_column(String(30))

    user: Mapped[User] = relationship(lazy="joined")

    __table_args__ = (UniqueConstraint("incident_id", "user_id", "role", name="uq_participants_role"),)


class Postmortem(Base):
    __tablename__ = "postmortems"

    id: Mapped[int] = mapped_column(primary_key=True)
    incident_id: Mapped[int] = mapped_column(ForeignKey("incidents.id", ondelete="CASCADE"), unique=True)
    status: Mapped[str] = mapped_column(String(20), index=True)
    template: Mapped[str] = mapped_column(String(100), default="default")
    summary: Mapped[str] = mapped_column(Text, default="")
    impact: Mapped[str] = mapped_column(Text, default="")
    resolution: Mapped[str] = mapped_column(Text, default="")
    did_not_work: Mapped[str] = mapped_column(Text, default="")
    went_well: Mapped[str] = mapped_column(Text, default="")
    went_wrong: Mapped[str] = mapped_column(Text, default="")
    got_lucky: Mapped[str] = mapped_column(Text, default="")
    surprises: Mapped[str] = mapped_column(Text, default="")
    users_affected: Mapped[int | None] = mapped_column(Integer)
    users_share: Mapped[float | None] = mapped_column(Float)
    impact_minutes: Mapped[int | None] = mapped_column(Integer)
    data_loss: Mapped[str | None] = mapped_column(Text)
    cost: Mapped[str | None] = mapped_column(Text)
    slo_budget: Mapped[str | None] = mapped_column(Text)
    risk_likelihood: Mapped[int | None] = mapped_column(Integer)
    risk_severity: Mapped[int | None] = mapped_column(Integer)
    published_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    published_by: Mapped[str | None] = mapped_column(String(100))
    publish_override: Mapped[str | None] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime())
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime())
    version: Mapped[int] = mapped_column(Integer, default=1)

    incident: Mapped[Incident] = relationship(back_populates="postmortem")
    sections: Mapped[list["PostmortemSection"]] = relationship(
        cascade="all, delete-orphan", order_by="PostmortemSection.position"
    )
    factors: Mapped[list["ContributingFactor"]] = relationship(
        cascade="all, delete-orphan", order_by="ContributingFactor.number"
    )
    action_items: Mapped[list["ActionItem"]] = relationship(
        cascade="all, delete-orphan", order_by="ActionItem.number"
    )


class PostmortemSection(Base):
    __tablename__ = "postmortem_sections"

    id: Mapped[int] = mapped_column(primary_key=True)
    postmortem_id: Mapped[int] = mapped_column(ForeignKey("postmortems.id", ondelete="CASCADE"), index=True)
    position: Mapped[int] = mapped_column(Integer)
    title: Mapped[str] = mapped_column(String(200))
    body: Mapped[str] = mapped_column(Text, default="")


class ContributingFactor(Base):
    __tablename__ = "contributing_factors"

    id: Mapped[int] = mapped_column(primary_key=True)
    postmortem_id: Mapped[int] = mapped_column(ForeignKey("postmortems.id", ondelete="CASCADE"), index=True)
    number: Mapped[int] = mapped_column(Integer)
    description: Mapped[str] = mapped_column(Text)
    category: Mapped[str] = mapped_column(String(100), index=True)
    role: Mapped[str] = mapped_column(String(30))
    services: Mapped[list[str]] = mapped_column(JSON, default=list)

    whys: Mapped[list["FactorWhy"]] = relationship(cascade="all, delete-orphan", order_by="FactorWhy.position")

    __table_args__ = (UniqueConstraint("postmortem_id", "number", name="uq_contributing_factors_number"),)

    @property
    def label(self) -> str:
        return f"F{self.number}"


class FactorWhy(Base):
    __tablename__ = "factor_whys"

    id: Mapped[int] = mapped_column(primary_key=True)
    factor_id: Mapped[int] = mapped_column(ForeignKey("contributing_factors.id", ondelete="CASCADE"), index=True)
    position: Mapped[int] = mapped_column(Integer)
    question: Mapped[str] = mapped_column(Text)
    answer: Mapped[str] = mapped_column(Text, default="")


class ActionItemFactor(Base):
    __tablename__ = "action_item_factors"

    action_item_id: Mapped[int] = mapped_column(ForeignKey("action_items.id", ondelete="CASCADE"), primary_key=True)
    factor_id: Mapped[int] = mapped_column(
        ForeignKey("contributing_factors.id", ondelete="CASCADE"), primary_key=True
    )


class ActionItem(Base):
    __tablename__ = "action_items"

    id: Mapped[int] = mapped_column(primary_key=True)
    postmortem_id: Mapped[int] = mapped_column(ForeignKey("postmortems.id", ondelete="CASCADE"), index=True)
    number: Mapped[int] = mapped_column(Integer)
    title: Mapped[str] = mapped_column(Text)
    owner_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"), index=True)
    due_date: Mapped[date | None] = mapped_column(Date, index=True)
    impact: Mapped[int | None] = mapped_column(Integer)
    effort: Mapped[int | None] = mapped_column(Integer)
    priority: Mapped[str] = mapped_column(String(5))
    kind: Mapped[str] = mapped_column(String(20))
    status: Mapped[str] = mapped_column(String(20), index=True)
    closed_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    external_url: Mapped[str | None] = mapped_column(String(1000))
    tracker: Mapped[str | None] = mapped_column(String(20))
    external_key: Mapped[str | None] = mapped_column(String(200))
    sync_error: Mapped[str | None] = mapped_column(Text)
    synced_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    note: Mapped[str | None] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime())
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime())

    owner: Mapped[User | None] = relationship(lazy="joined")
    factors: Mapped[list[ContributingFactor]] = relationship(
        secondary="action_item_factors", order_by="ContributingFactor.number"
    )

    __table_args__ = (UniqueConstraint("postmortem_id", "number", name="uq_action_items_number"),)

    @property
    def label(self) -> str:
        return f"A{self.number}"


class AuditEvent(Base):
    __tablename__ = "audit_events"

    id: Mapped[int] = mapped_column(primary_key=True)
    at: Mapped[datetime] = mapped_column(UTCDateTime(), index=True)
    actor: Mapped[str | None] = mapped_column(String(100))
    action: Mapped[str] = mapped_column(String(60))
    incident_id: Mapped[int | None] = mapped_column(ForeignKey("incidents.id", ondelete="CASCADE"), index=True)
    detail: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)


class LintDismissal(Base):
    """A blameless-language finding someone judged fine, with their reason."""

    __tablename__ = "lint_dismissals"

    id: Mapped[int] = mapped_column(primary_key=True)
    incident_id: Mapped[int] = mapped_column(ForeignKey("incidents.id", ondelete="CASCADE"), index=True)
    finding_id: Mapped[str] = mapped_column(String(20))
    rule: Mapped[str] = mapped_column(String(60))
    location: Mapped[str] = mapped_column(String(200))
    excerpt: Mapped[str] = mapped_column(Text)
    reason: Mapped[str] = mapped_column(Text)
    actor: Mapped[str | None] = mapped_column(String(100))
    at: Mapped[datetime] = mapped_column(UTCDateTime())

    __table_args__ = (UniqueConstraint("incident_id", "finding_id", name="uq_lint_dismissals_finding"),)


class ApiToken(Base):
    """A credential for scripts and integrations: only its SHA-256 is stored."""

    __tablename__ = "api_tokens"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(100))
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    prefix: Mapped[str] = mapped_column(String(16))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime())
    expires_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    revoked_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    last_used_at: Mapped[datetime | None] = mapped_column(UTCDateTime())

    user: Mapped[User] = relationship(lazy="joined")


class IncidentLink(Base):
    """An incident's identity in another system (an Alertmanager group key, ...)."""

    __tablename__ = "incident_links"

    id: Mapped[int] = mapped_column(primary_key=True)
    incident_id: Mapped[int] = mapped_column(ForeignKey("incidents.id", ondelete="CASCADE"), index=True)
    system: Mapped[str] = mapped_column(String(30))
    external_key: Mapped[str] = mapped_column(String(500))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime())

    __table_args__ = (UniqueConstraint("system", "external_key", "incident_id", name="uq_incident_links_key"),)


class ReminderSent(Base):
    """A reminder delivered, so that no stage is sent twice, even across restarts."""

    __tablename__ = "reminders_sent"

    id: Mapped[int] = mapped_column(primary_key=True)
    action_item_id: Mapped[int] = mapped_column(ForeignKey("action_items.id", ondelete="CASCADE"), index=True)
    recipient: Mapped[str] = mapped_column(String(100))
    stage: Mapped[str] = mapped_column(String(30))
    channel: Mapped[str] = mapped_column(String(20))
    sent_at: Mapped[datetime] = mapped_column(UTCDateTime())

    __table_args__ = (
        UniqueConstraint("action_item_id", "recipient", "stage", "channel", name="uq_reminders_sent_stage"),
    )


class WebSession(Base):
    """A browser sign-in: only the SHA-256 of the cookie value is stored.

    Kept in the database, not in the process, so any server behind a load
    balancer accepts it and signing out or changing a password ends it.
    """

    __tablename__ = "web_sessions"

    id: Mapped[int] = mapped_column(primary_key=True)
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    csrf_token: Mapped[str] = mapped_column(String(64))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime())
    last_seen_at: Mapped[datetime] = mapped_column(UTCDateTime())
    expires_at: Mapped[datetime] = mapped_column(UTCDateTime(), index=True)

    user: Mapped[User] = relationship(lazy="joined")


class Reviewer(Base):
    """A named reviewer of a postmortem and their decision."""

    __tablename__ = "postmortem_reviewers"

    id: Mapped[int] = mapped_column(primary_key=True)
    postmortem_id: Mapped[int] = mapped_column(ForeignKey("postmortems.id", ondelete="CASCADE"), index=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"))
    decision: Mapped[str] = mapped_column(String(30))
    note: Mapped[str | None] = mapped_column(Text)
    decided_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    # The digest of the document this reviewer approved: an approval is for that text only.
    approved_digest: Mapped[str | None] = mapped_column(String(64))

    user: Mapped[User] = relationship(lazy="joined")

    __table_args__ = (UniqueConstraint("postmortem_id", "user_id", name="uq_postmortem_reviewers_user"),)


class PostmortemRevision(Base):
    """A published text of a postmortem, kept as it was when published; the
    newest one is what readers see while a newer draft is being written."""

    __tablename__ = "postmortem_revisions"

    id: Mapped[int] = mapped_column(primary_key=True)
    postmortem_id: Mapped[int] = mapped_column(ForeignKey("postmortems.id", ondelete="CASCADE"), index=True)
    number: Mapped[int] = mapped_column(Integer)
    text: Mapped[str] = mapped_column(Text)
    digest: Mapped[str] = mapped_column(String(64))
    published_at: Mapped[datetime] = mapped_column(UTCDateTime())
    published_by: Mapped[str | None] = mapped_column(String(100))
    approved_by: Mapped[list[Any]] = mapped_column(JSON, default=list)

    __table_args__ = (UniqueConstraint("postmortem_id", "number", name="uq_postmortem_revisions_number"),)


class ReviewComment(Base):
    """A review comment attached to one section of a postmortem."""

    __tablename__ = "review_comments"

    id: Mapped[int] = mapped_column(primary_key=True)
    postmortem_id: Mapped[int] = mapped_column(ForeignKey("postmortems.id", ondelete="CASCADE"), index=True)
    section: Mapped[str] = mapped_column(String(100))
    author: Mapped[str | None] = mapped_column(String(100))
    body: Mapped[str] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime())


class ImportJob(Base):
    """A timeline import running in the background, kept in the database so
    that any server behind a load balancer can show its progress.

    The server that took the upload runs it and beats `heartbeat_at`; a job
    whose heartbeat stops (its process died) reads as failed.
    """

    __tablename__ = "import_jobs"

    id: Mapped[int] = mapped_column(primary_key=True)
    incident_id: Mapped[int] = mapped_column(ForeignKey("incidents.id", ondelete="CASCADE"), index=True)
    user_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    actor: Mapped[str | None] = mapped_column(String(100))
    file_name: Mapped[str] = mapped_column(String(200))
    options: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    state: Mapped[str] = mapped_column(String(20))
    done: Mapped[int] = mapped_column(BigInteger, default=0)
    total: Mapped[int | None] = mapped_column(BigInteger)
    summary: Mapped[dict[str, Any] | None] = mapped_column(JSON)
    error: Mapped[str | None] = mapped_column(Text)
    worker: Mapped[str | None] = mapped_column(String(200))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime())
    started_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    heartbeat_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    finished_at: Mapped[datetime | None] = mapped_column(UTCDateTime())


class Notification(Base):
    """Something a person should know, kept for their inbox and as the outbox
    of the other channels: at most one per person and `dedup_key`, so a job
    that runs again, or on a second server, tells nobody twice."""

    __tablename__ = "notifications"

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    kind: Mapped[str] = mapped_column(String(30))
    incident_id: Mapped[int | None] = mapped_column(ForeignKey("incidents.id", ondelete="CASCADE"), index=True)
    text: Mapped[str] = mapped_column(Text)
    link: Mapped[str | None] = mapped_column(String(300))
    dedup_key: Mapped[str] = mapped_column(String(200))
    in_app: Mapped[bool] = mapped_column(Boolean, default=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), index=True)
    read_at: Mapped[datetime | None] = mapped_column(UTCDateTime())

    __table_args__ = (UniqueConstraint("user_id", "dedup_key", name="uq_notifications_dedup"),)


class NotificationDelivery(Base):
    """A notification sent by one channel; claimed before sending, like a reminder."""

    __tablename__ = "notification_deliveries"

    id: Mapped[int] = mapped_column(primary_key=True)
    notification_id: Mapped[int] = mapped_column(ForeignKey("notifications.id", ondelete="CASCADE"), index=True)
    channel: Mapped[str] = mapped_column(String(20))
    sent_at: Mapped[datetime] = mapped_column(UTCDateTime())

    __table_args__ = (UniqueConstraint("notification_id", "channel", name="uq_notification_deliveries_channel"),)


class NotificationPreference(Base):
    """A person's choice for one kind of notification on one channel (absent: the default)."""

    __tablename__ = "notification_preferences"

    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), primary_key=True)
    kind: Mapped[str] = mapped_column(String(30), primary_key=True)
    channel: Mapped[str] = mapped_column(String(20), primary_key=True)
    enabled: Mapped[bool] = mapped_column(Boolean)


class Subscription(Base):
    """A person who wants to hear of every new SEV1/SEV2 of a service or team."""

    __tablename__ = "subscriptions"

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    target: Mapped[str] = mapped_column(String(10))  # service | team
    name: Mapped[str] = mapped_column(String(100))

    __table_args__ = (UniqueConstraint("user_id", "target", "name", name="uq_subscriptions_target"),)


class TimelineImport(Base):
    """One file imported into a timeline, kept so that it can be listed and undone.

    Only imports that added events are recorded (one that added nothing
    changed nothing). An undo removes the events that carry its id and keeps
    this row, marked undone, so the list shows what happened to it.
    """

    __tablename__ = "timeline_imports"

    id: Mapped[int] = mapped_column(primary_key=True)
    incident_id: Mapped[int] = mapped_column(ForeignKey("incidents.id", ondelete="CASCADE"), index=True)
    source: Mapped[str] = mapped_column(String(30))
    file_name: Mapped[str] = mapped_column(String(200))
    actor: Mapped[str | None] = mapped_column(String(100))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime())
    added: Mapped[int] = mapped_column(Integer, default=0)
    duplicates: Mapped[int] = mapped_column(Integer, default=0)
    filtered: Mapped[int] = mapped_column(Integer, default=0)
    rejected: Mapped[int] = mapped_column(Integer, default=0)
    undone_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    undone_by: Mapped[str | None] = mapped_column(String(100))
    removed: Mapped[int | None] = mapped_column(Integer)


class EventTombstone(Base):
    """A deleted timeline event, kept whole so an admin can see and restore it.

    The event's own row is gone, so every read, export, count and live page
    leaves it out without a filter to forget; `event_id` is the number people
    knew it by, and a restore brings it back under that number when it is free.
    """

    __tablename__ = "event_tombstones"

    id: Mapped[int] = mapped_column(primary_key=True)
    incident_id: Mapped[int] = mapped_column(ForeignKey("incidents.id", ondelete="CASCADE"), index=True)
    event_id: Mapped[int] = mapped_column(Integer)
    at: Mapped[datetime] = mapped_column(UTCDateTime())
    kind: Mapped[str] = mapped_column(String(30))
    actor: Mapped[str | None] = mapped_column(String(200))
    text: Mapped[str] = mapped_column(Text)
    source: Mapped[str] = mapped_column(String(30))
    source_ref: Mapped[str | None] = mapped_column(String(300))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime())
    deleted_at: Mapped[datetime] = mapped_column(UTCDateTime())
    deleted_by: Mapped[str | None] = mapped_column(String(200))


class SearchEntry(Base):
    """One searchable text of an incident (storage/search_index.py). The full-text
    side (an FTS5 table on SQLite, a tsvector column on PostgreSQL) is made by
    migration 0014, outside the ORM."""

    __tablename__ = "search_entries"

    id: Mapped[int] = mapped_column(primary_key=True)
    incident_id: Mapped[int] = mapped_column(ForeignKey("incidents.id", ondelete="CASCADE"), index=True)
    place: Mapped[str] = mapped_column(String(60), index=True)  # "section:summary", "factor:2", "event:314"
    label: Mapped[str] = mapped_column(String(200))  # for people: "summary", "factor F2", "timeline"
    body: Mapped[str] = mapped_column(Text)


class IncidentRelation(Base):
    """Two incidents a person judged related, or a similar-incident suggestion they
    dismissed (it is not suggested again). One row per pair, the lower id first,
    so the judgement shows on both incidents."""

    __tablename__ = "incident_relations"

    id: Mapped[int] = mapped_column(primary_key=True)
    incident_id: Mapped[int] = mapped_column(ForeignKey("incidents.id", ondelete="CASCADE"))
    other_id: Mapped[int] = mapped_column(ForeignKey("incidents.id", ondelete="CASCADE"), index=True)
    state: Mapped[str] = mapped_column(String(20))  # related | dismissed
    decided_by: Mapped[str | None] = mapped_column(String(100))
    decided_at: Mapped[datetime] = mapped_column(UTCDateTime())

    __table_args__ = (UniqueConstraint("incident_id", "other_id", name="uq_incident_relations_pair"),)


class ReportSent(Base):
    """A periodic report delivered to one address, claimed before sending, so that
    no period's report goes to anyone twice, even across restarts or servers."""

    __tablename__ = "reports_sent"

    id: Mapped[int] = mapped_column(primary_key=True)
    period: Mapped[str] = mapped_column(String(40))
    recipient: Mapped[str] = mapped_column(String(320))
    sent_at: Mapped[datetime] = mapped_column(UTCDateTime())

    __table_args__ = (UniqueConstraint("period", "recipient", name="uq_reports_sent_recipient"),)


class ImportOrigin(Base):
    """Where an incident imported from another tool came from, so that importing
    the same file again changes nothing and a changed file updates the same
    incident, unless someone edited it in Cairn since (its version moved on)."""

    __tablename__ = "import_origins"

    id: Mapped[int] = mapped_column(primary_key=True)
    incident_id: Mapped[int] = mapped_column(ForeignKey("incidents.id", ondelete="CASCADE"), unique=True)
    identity: Mapped[str] = mapped_column(String(1000), unique=True)  # file path as imported, or a catalogue entry's URL
    source: Mapped[str] = mapped_column(String(1000))  # as shown to people
    content_hash: Mapped[str] = mapped_column(String(64), index=True)
    importer_version: Mapped[str] = mapped_column(String(40))
    incident_version: Mapped[int] = mapped_column(Integer)  # the incident's version right after the import
    imported_at: Mapped[datetime] = mapped_column(UTCDateTime())


class DrillScenario(Base):
    """A drill's script, drafted from an incident (or written from scratch) and edited by the game master."""

    __tablename__ = "drill_scenarios"

    id: Mapped[int] = mapped_column(primary_key=True)
    # The incident it replays; its visibility is the scenario's (a restricted incident's drill is as restricted).
    incident_id: Mapped[int | None] = mapped_column(ForeignKey("incidents.id", ondelete="SET NULL"), index=True)
    title: Mapped[str] = mapped_column(String(300))
    situation: Mapped[str] = mapped_column(Text)
    situation_kind: Mapped[str] = mapped_column(String(30))
    situation_time: Mapped[str] = mapped_column(String(40), default="")
    zone: Mapped[str] = mapped_column(String(64))
    hidden_facts: Mapped[list[dict[str, Any]]] = mapped_column(JSON, default=list)
    real_actions: Mapped[list[dict[str, Any]]] = mapped_column(JSON, default=list)
    diagnosed_line: Mapped[str] = mapped_column(Text)
    mitigated_line: Mapped[str] = mapped_column(Text)
    real_diagnose_seconds: Mapped[int | None] = mapped_column(Integer)
    real_mitigate_seconds: Mapped[int | None] = mapped_column(Integer)
    redacted: Mapped[bool] = mapped_column(Boolean, default=False)
    created_by: Mapped[str | None] = mapped_column(String(200))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime())
    version: Mapped[int] = mapped_column(Integer, default=1)

    incident: Mapped[Incident | None] = relationship()
    reveals: Mapped[list["DrillReveal"]] = relationship(cascade="all, delete-orphan", order_by="DrillReveal.position")

    __mapper_args__ = {"version_id_col": version}


class DrillReveal(Base):
    __tablename__ = "drill_reveals"

    id: Mapped[int] = mapped_column(primary_key=True)
    scenario_id: Mapped[int] = mapped_column(ForeignKey("drill_scenarios.id", ondelete="CASCADE"), index=True)
    position: Mapped[int] = mapped_column(Integer)
    offset_seconds: Mapped[int] = mapped_column(Integer)
    text: Mapped[str] = mapped_column(Text)
    kind: Mapped[str] = mapped_column(String(30))
    mode: Mapped[str] = mapped_column(String(10))
    prompt: Mapped[str | None] = mapped_column(String(300))
    hint: Mapped[bool] = mapped_column(Boolean, default=False)
    hidden: Mapped[bool] = mapped_column(Boolean, default=False)

    __table_args__ = (UniqueConstraint("scenario_id", "position", name="uq_drill_reveals_position"),)


class Drill(Base):
    """One run of a scenario: its clock, its people and their log."""

    __tablename__ = "drills"

    id: Mapped[int] = mapped_column(primary_key=True)
    scenario_id: Mapped[int] = mapped_column(ForeignKey("drill_scenarios.id", ondelete="CASCADE"), index=True)
    status: Mapped[str] = mapped_column(String(12))
    started_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    ended_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    diagnosed_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    mitigated_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    created_by: Mapped[str | None] = mapped_column(String(200))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime())
    # Every write to the drill or its script sets this, so the version compare-and-swap
    # covers them all: of two racing reveals or log lines, one retries on the fresh state.
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime())
    version: Mapped[int] = mapped_column(Integer, default=1)

    scenario: Mapped[DrillScenario] = relationship()
    members: Mapped[list["DrillMember"]] = relationship(cascade="all, delete-orphan", order_by="DrillMember.id")
    revealed: Mapped[list["DrillRevealed"]] = relationship(cascade="all, delete-orphan", order_by="DrillRevealed.id")
    log: Mapped[list["DrillLogEntry"]] = relationship(cascade="all, delete-orphan", order_by="DrillLogEntry.id")

    __mapper_args__ = {"version_id_col": version}


class DrillMember(Base):
    __tablename__ = "drill_members"

    id: Mapped[int] = mapped_column(primary_key=True)
    drill_id: Mapped[int] = mapped_column(ForeignKey("drills.id", ondelete="CASCADE"), index=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    role: Mapped[str] = mapped_column(String(20))

    user: Mapped[User] = relationship(lazy="joined")

    __table_args__ = (UniqueConstraint("drill_id", "user_id", name="uq_drill_members_user"),)


class DrillRevealed(Base):
    """A reveal shown by the game master or asked for by a responder, and when."""

    __tablename__ = "drill_revealed"

    id: Mapped[int] = mapped_column(primary_key=True)
    drill_id: Mapped[int] = mapped_column(ForeignKey("drills.id", ondelete="CASCADE"), index=True)
    reveal_id: Mapped[int] = mapped_column(ForeignKey("drill_reveals.id", ondelete="CASCADE"))
    revealed_at: Mapped[datetime] = mapped_column(UTCDateTime())
    asked_by: Mapped[str | None] = mapped_column(String(200))

    __table_args__ = (UniqueConstraint("drill_id", "reveal_id", name="uq_drill_revealed_reveal"),)


class DrillLogEntry(Base):
    """What a responder checked, thought or did, on the drill's own timeline (never the incident's)."""

    __tablename__ = "drill_log"

    id: Mapped[int] = mapped_column(primary_key=True)
    drill_id: Mapped[int] = mapped_column(ForeignKey("drills.id", ondelete="CASCADE"), index=True)
    at: Mapped[datetime] = mapped_column(UTCDateTime())
    kind: Mapped[str] = mapped_column(String(30))
    actor: Mapped[str | None] = mapped_column(String(200))
    text: Mapped[str] = mapped_column(Text)


class DrillFinding(Base):
    """An action item that came out of a drill's debrief: followed on its incident like any other."""

    __tablename__ = "drill_findings"

    id: Mapped[int] = mapped_column(primary_key=True)
    drill_id: Mapped[int] = mapped_column(ForeignKey("drills.id", ondelete="CASCADE"), index=True)
    action_item_id: Mapped[int] = mapped_column(ForeignKey("action_items.id", ondelete="CASCADE"), unique=True)

    action_item: Mapped[ActionItem] = relationship(lazy="joined")


class PostmortemDraft(Base):
    """A first draft proposed from the record, kept for audit: how it was made, what was
    sent to a model and what came back, and which sentences the verification kept."""

    __tablename__ = "postmortem_drafts"

    id: Mapped[int] = mapped_column(primary_key=True)
    incident_id: Mapped[int] = mapped_column(ForeignKey("incidents.id", ondelete="CASCADE"), index=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime())
    created_by: Mapped[str | None] = mapped_column(String(200))
    source: Mapped[str] = mapped_column(String(12))  # "record" or "model"
    model: Mapped[str | None] = mapped_column(String(200))
    redacted: Mapped[bool] = mapped_column(Boolean, default=False)
    request: Mapped[str | None] = mapped_column(Text)  # the JSON body sent to the model, as sent
    response: Mapped[str | None] = mapped_column(Text)  # the model's answer, as received
    note: Mapped[str | None] = mapped_column(Text)  # why a model draft fell back to the record's
    verification: Mapped[str] = mapped_column(Text)  # JSON: per section, sentences kept and dropped, why

    suggestions: Mapped[list["DraftSuggestion"]] = relationship(cascade="all, delete-orphan", order_by="DraftSuggestion.id")


class DraftSuggestion(Base):
    """Drafted text for one section: written into it when it was empty, else offered beside it
    until a person accepts or rejects it (the compare-and-swap on `version` decides once)."""

    __tablename__ = "draft_suggestions"

    id: Mapped[int] = mapped_column(primary_key=True)
    draft_id: Mapped[int] = mapped_column(ForeignKey("postmortem_drafts.id", ondelete="CASCADE"), index=True)
    incident_id: Mapped[int] = mapped_column(ForeignKey("incidents.id", ondelete="CASCADE"), index=True)
    section: Mapped[str] = mapped_column(String(40))  # the draft's section key: summary, detection, ...
    title: Mapped[str] = mapped_column(String(300))  # the postmortem section it is for
    text: Mapped[str] = mapped_column(Text)
    base: Mapped[str] = mapped_column(String(64))  # digest of the section's text when drafted
    state: Mapped[str] = mapped_column(String(12))  # filled, pending, accepted, rejected, superseded (by a later draft)
    decided_by: Mapped[str | None] = mapped_column(String(200))
    decided_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    version: Mapped[int] = mapped_column(Integer, default=1)

    __mapper_args__ = {"version_id_col": version}


class ModelConsent(Base):
    """An admin's leave to send this restricted incident's record to the configured model."""

    __tablename__ = "model_consents"

    incident_id: Mapped[int] = mapped_column(ForeignKey("incidents.id", ondelete="CASCADE"), primary_key=True)
    granted_by: Mapped[str | None] = mapped_column(String(200))
    granted_at: Mapped[datetime] = mapped_column(UTCDateTime())
