"""A real-shaped incident to draft from: a checkout outage after a release, in Berlin time."""

from __future__ import annotations

from datetime import datetime, timezone

from cairn.domain.document import ImpactDoc
from cairn.services.context import Context
from cairn.services.editing import save_impact
from cairn.services.incidents import open_incident, set_moment
from cairn.services.timeline import log_event

UTC = timezone.utc


def at(hour: int, minute: int) -> datetime:
    return datetime(2026, 11, 23, hour, minute, tzinfo=UTC)


EVENTS = [
    (at(12, 58), "deploy", "ci-bot", "Release 4.2.1 of checkout rolled out to all regions"),
    (at(13, 6), "alert", "alertmanager", "CheckoutErrorRate: 5xx above 2% for 5 minutes"),
    (at(13, 9), "acknowledgement", "dana", "dana acknowledged the page"),
    (at(13, 12), "action", None, "Checked the payment provider status page: all green"),
    (at(13, 15), "decision", "dana", "Decided to roll back 4.2.1 rather than wait for a fix"),
    (at(13, 16), "escalation", "dana", "Paged the payments team for the database side"),
    (at(13, 52), "mitigation", "farah", "Rollback to 4.2.0 complete; error rate under 0.1%"),
    (at(14, 30), "resolution", "dana", "Error budget burn back to normal; incident resolved"),
]


def make_outage(ctx: Context) -> str:
    key = open_incident(
        ctx, "Checkout errors after release 4.2.1", severity="SEV2", services=["checkout"], teams=["payments"],
        timezone="Europe/Berlin", started=at(13, 0),
    ).key
    for moment, kind, actor, text in EVENTS:
        log_event(ctx if actor else ctx.acting_as(None), key, text, kind=kind, at=moment, actor=actor)
    set_moment(ctx, key, "detected", at=at(13, 6))
    set_moment(ctx, key, "acknowledged", at=at(13, 9))
    set_moment(ctx, key, "mitigated", at=at(13, 52))
    save_impact(ctx, key, ImpactDoc(users_affected=1204, users_share=3.5, duration_minutes=52))
    return key
