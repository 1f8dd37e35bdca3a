"""The audit trail: who changed what, when."""

from __future__ import annotations

from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from cairn.domain.times import now_utc
from cairn.storage.models import AuditEvent, Incident


def record(session: Session, actor: str | None, action: str, incident: Incident | None, detail: dict[str, Any]) -> None:
    session.add(
        AuditEvent(
            at=now_utc(),
            actor=actor,
            action=action,
            incident_id=incident.id if incident is not None else None,
            detail=detail,
        )
    )


def history(session: Session, incident: Incident) -> list[AuditEvent]:
    return list(
        session.scalars(
            select(AuditEvent).where(AuditEvent.incident_id == incident.id).order_by(AuditEvent.at, AuditEvent.id)
        )
    )


def incident_history(ctx, key: str) -> list[AuditEvent]:  # type: ignore[no-untyped-def]
    """Who changed what on an incident, and when: oldest first."""
    from cairn.services.incidents import require_incident

    with ctx.db.transaction() as session:
        incident = require_incident(session, ctx, key)
        return history(session, incident)
