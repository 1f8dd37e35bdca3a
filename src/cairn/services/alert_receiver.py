"""The live Alertmanager receiver: a firing group opens an incident, or joins
the open incident that already has the same group key; every alert goes on
the timeline, idempotently (Alertmanager resends groups on every interval)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from sqlalchemy import select

from cairn.domain.enums import IncidentStatus
from cairn.domain.moments import KeyMoments
from cairn.domain.names import check_labels, check_line
from cairn.domain.times import now_utc, require_zone
from cairn.errors import InvalidInput
from cairn.importers.alertmanager import AlertmanagerImporter
from cairn.importers.base import ImportOptions, RawEvent
from cairn.importers.timestamps import parse_value
from cairn.services.access import visible_clause
from cairn.services.audit import record
from cairn.services.context import Context, Principal
from cairn.services.incidents import key_of, new_incident, touch
from cairn.services.timeline_import import ImportSummary, store_records
from cairn.storage.db import retry_stale
from cairn.storage.models import Incident, IncidentLink

SYSTEM = "alertmanager"
SEVERITY_LABELS = {"critical": 1, "page": 1, "high": 1, "error": 2, "major": 2, "warning": 2, "minor": 3, "info": 3, "low": 3}


@dataclass(frozen=True)
class Received:
    key: str | None
    created: bool
    added: int
    duplicates: int


@retry_stale
def receive_alertmanager(ctx: Context, payload: Any, user: Principal) -> Received:
    """`user` comes from `tokens.require_writer`; the hook acts as that user.

    The group's incident is looked up among those the user may see: an
    incident made restricted is, for a token of a non-participant, not there,
    so the alerts open a new (internal) incident instead of reaching it.
    """
    if not isinstance(payload, dict) or not isinstance(payload.get("alerts"), list):
        raise InvalidInput("not an Alertmanager webhook payload: expected an object with alerts")
    group_key = payload.get("groupKey")
    if not isinstance(group_key, str) or not group_key.strip() or len(group_key) > 500:
        raise InvalidInput("groupKey must be text of at most 500 characters")
    actor_ctx = ctx.as_user(user)
    actor = f"{user.username} via Alertmanager"
    with ctx.db.transaction() as session:
        incident = session.scalar(
            select(Incident)
            .join(IncidentLink, IncidentLink.incident_id == Incident.id)
            .where(
                IncidentLink.system == SYSTEM,
                IncidentLink.external_key == group_key,
                Incident.status.in_([IncidentStatus.OPEN.value, IncidentStatus.MITIGATED.value]),
                visible_clause(actor_ctx),
            )
            .order_by(Incident.id.desc())
        )
        created = False
        zone_name = ctx.settings.timezone
        records = list(AlertmanagerImporter().events(payload, ImportOptions(zone=require_zone(zone_name)), "webhook"))
        firing = [r for r in records if isinstance(r, RawEvent) and r.kind == "alert"]
        if incident is None:
            if not firing:
                return Received(None, False, 0, 0)  # a resolution for nothing we track
            incident = _open_for(session, actor_ctx.acting_as(actor), payload, firing, zone_name)
            session.add(IncidentLink(incident_id=incident.id, system=SYSTEM, external_key=group_key, created_at=now_utc()))
            created = True
        summary = ImportSummary(key=key_of(ctx, incident), source=SYSTEM)
        store_records(session, incident, records, summary)
        if summary.added:
            touch(incident)
            record(session, actor, "alerts.received", incident, {"group": group_key, "added": summary.added})
        return Received(key_of(ctx, incident), created, summary.added, summary.duplicates)


def _open_for(session, ctx: Context, payload: dict[str, Any], firing: list[RawEvent], zone_name: str) -> Incident:  # type: ignore[no-untyped-def]
    labels = payload.get("commonLabels") if isinstance(payload.get("commonLabels"), dict) else {}
    annotations = payload.get("commonAnnotations") if isinstance(payload.get("commonAnnotations"), dict) else {}
    title = str(annotations.get("summary") or labels.get("alertname") or "Alert group")
    services = [str(labels[k]) for k in ("service", "job", "app") if isinstance(labels.get(k), str) and labels[k].strip()][:1]
    started = min(event.at for event in firing)
    alert_starts = [parse_value(a.get("startsAt"), require_zone(zone_name)) for a in payload["alerts"] if isinstance(a, dict)]
    started = min([at for at in alert_starts if at is not None] + [started])
    return new_incident(
        session,
        ctx,
        title=check_line(title, "title", 300),
        severity=_severity(str(labels.get("severity", "")), ctx.settings.severities),
        kind="incident",
        visibility="internal",
        zone_name=zone_name,
        moments=KeyMoments(started=started, detected=started),
        services=check_labels(services, "service"),
        teams=[],
        tags=["alertmanager"],
    )


def _severity(label: str, severities: list[str]) -> str:
    for severity in severities:
        if severity.casefold() == label.strip().casefold():
            return severity
    index = SEVERITY_LABELS.get(label.strip().lower(), 2)
    return severities[min(index, len(severities) - 1)]
