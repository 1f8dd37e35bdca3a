"""Incidents with a history: a fix that did not hold, an unrelated one, another
service, and a restricted incident of the same kind (members: tests.web.personas)."""

from __future__ import annotations

from datetime import datetime, timedelta, timezone

from sqlalchemy import select, update

from cairn.services.actions import add_action_item, update_action_item
from cairn.services.editing import add_factor, save_section
from cairn.services.incidents import open_incident
from cairn.services.timeline import log_event
from cairn.storage.models import ActionItem, Incident, Postmortem


def close_item_on(ctx, key: str, label: str, day: str, *, close: bool = True) -> None:  # type: ignore[no-untyped-def]
    if close:
        update_action_item(ctx, key, label, status="done")
    number = int(key.split("-")[1])
    with ctx.db.transaction() as session:
        postmortem_id = session.scalar(select(Postmortem.id).join(Incident).where(Incident.number == number))
        session.execute(
            update(ActionItem).where(ActionItem.postmortem_id == postmortem_id, ActionItem.number == int(label[1:]))
            .values(closed_at=datetime.fromisoformat(day).replace(tzinfo=timezone.utc),
                    created_at=datetime.fromisoformat(day).replace(tzinfo=timezone.utc) - timedelta(days=20))
        )


def story_incident(ctx, title, service, started, summary, *, category="capacity", visibility="internal", severity="SEV2"):  # type: ignore[no-untyped-def]
    key = open_incident(ctx, title, severity=severity, services=[service], timezone="UTC", started=started, visibility=visibility).key
    save_section(ctx, key, "summary", summary, base=None)
    add_factor(ctx, key, description=f"{summary} (factor)", category=category, role="trigger")
    return key


def build_history(ctx):  # type: ignore[no-untyped-def]
    pool_1 = story_incident(ctx, "Checkout 502s", "checkout", "2025-02-01T10:00:00+00:00",
                       "The connection pool of the checkout database was exhausted during the sale.")
    add_action_item(ctx, pool_1, "Size the checkout connection pool from measured peak load", owner="member", due="2025-03-01",
                    factors=["F1"], priority="P2", today=datetime(2025, 2, 2).date())
    close_item_on(ctx, pool_1, "A1", "2025-02-20")
    unrelated = story_incident(ctx, "Search index stale", "search", "2025-04-01T10:00:00+00:00",
                          "The nightly search index rebuild stalled on a full disk.", category="software defect")
    other_service = story_incident(ctx, "Billing pool exhausted", "billing", "2025-05-01T10:00:00+00:00",
                              "The billing connection pool was exhausted by a retry storm.")
    secret = story_incident(ctx, "Payroll checkout pool exhausted", "checkout", "2025-06-01T10:00:00+00:00",
                       "The checkout connection pool was exhausted by the payroll batch.", visibility="restricted")
    pool_2 = story_incident(ctx, "Checkout errors during campaign", "checkout", "2025-09-01T10:00:00+00:00",
                       "Checkout requests failed: the connection pool was exhausted again under campaign traffic.")
    log_event(ctx, pool_2, "Alert: checkout pool saturation at 100%", kind="alert")
    return {"pool_1": pool_1, "unrelated": unrelated, "other_service": other_service, "secret": secret, "pool_2": pool_2}
