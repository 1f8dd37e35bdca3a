"""Changing what was recorded: incident fields, timeline events, tombstones, and times."""

from datetime import datetime, timedelta, timezone

import pytest
from sqlalchemy import select

from cairn.domain.moments import OrderError
from cairn.domain.times import now_utc, parse_when, require_zone
from cairn.errors import Conflict, Forbidden, InvalidInput, NotFound
from cairn.services.actions import add_action_item
from cairn.services.context import Principal
from cairn.services.incidents import change_status, open_incident, set_moment, show_incident, update_incident
from cairn.services.people import create_user
from cairn.services.timeline import delete_event, deleted_events, edit_event, latest_event_time, log_event, restore_event
from cairn.storage.models import AuditEvent, User

T0 = "2026-11-23T13:50+01:00"


@pytest.fixture
def incident(ctx):
    return open_incident(ctx, "Checkout API returns 502", severity="SEV3", timezone="Europe/Berlin", started=T0, services=["checkout"])


def as_user(ctx, username, role):
    with ctx.db.transaction() as session:
        user_id = session.scalar(select(User.id).where(User.username == username))
    return ctx.as_user(Principal(user_id=user_id, username=username, role=role))


def test_updating_changes_only_the_fields_given(ctx, incident):
    doc = update_incident(ctx, "INC-1", title="Checkout fails for EU users", tags=["payments", "eu"])
    assert doc.title == "Checkout fails for EU users"
    assert doc.tags == ["payments", "eu"]
    assert doc.services == ["checkout"] and doc.severity == "SEV3" and doc.timezone == "Europe/Berlin"


def test_raising_the_severity_is_written_on_the_timeline_as_an_escalation_by_whoever_did_it(ctx, incident):
    update_incident(ctx, "INC-1", severity="SEV1")
    doc = show_incident(ctx, "INC-1")
    assert doc.severity == "SEV1"
    [event] = doc.timeline
    assert (event.text, event.kind, event.actor, event.source) == ("severity SEV3 → SEV1", "escalation", "tester", "cairn")


def test_a_status_change_is_written_on_the_timeline_at_its_time(ctx, incident):
    change_status(ctx, "INC-1", "mitigated", at="2026-11-23 14:30")
    [event] = show_incident(ctx, "INC-1").timeline
    assert event.text == "status open → mitigated" and event.kind == "mitigation"
    assert event.at == datetime(2026, 11, 23, 13, 30, tzinfo=timezone.utc)


def test_an_update_that_changes_nothing_leaves_no_trace(ctx, incident):
    before = show_incident(ctx, "INC-1")
    update_incident(ctx, "INC-1", severity="SEV3", services=["checkout"])
    with ctx.db.transaction() as session:
        actions = session.scalars(select(AuditEvent.action)).all()
    assert "incident.updated" not in actions
    assert show_incident(ctx, "INC-1").timeline == before.timeline


def test_the_update_is_audited_with_what_it_was_before(ctx, incident):
    update_incident(ctx, "INC-1", kind="near miss", timezone="America/New_York", teams=["payments"])
    with ctx.db.transaction() as session:
        detail = session.scalar(select(AuditEvent.detail).where(AuditEvent.action == "incident.updated"))
    assert detail["kind"] == {"from": "incident", "to": "near miss"}
    assert detail["timezone"]["from"] == "Europe/Berlin" and detail["teams"] == {"from": [], "to": ["payments"]}


@pytest.mark.parametrize(
    ("change", "message"),
    [
        ({"severity": "SEV9"}, "severity"),
        ({"timezone": "Mars/Olympus"}, "unknown time zone"),
        ({"kind": "outage"}, "incident kind"),
        ({"visibility": "secret"}, "visibility"),
        ({"title": "  "}, "title"),
    ],
)
def test_bad_values_are_refused_and_nothing_changes(ctx, incident, change, message):
    with pytest.raises(InvalidInput, match=message):
        update_incident(ctx, "INC-1", **change)
    assert show_incident(ctx, "INC-1").severity == "SEV3"


def test_making_an_incident_restricted_keeps_its_action_item_owners_and_its_changer_able_to_see_it(ctx, incident):
    create_user(ctx, "owner1", role="responder")
    create_user(ctx, "changer", role="responder")
    create_user(ctx, "other", role="responder")
    add_action_item(ctx, "INC-1", "Add a canary", owner="owner1", due="2030-01-10", priority="P2")
    update_incident(as_user(ctx, "changer", "responder"), "INC-1", visibility="restricted")
    assert show_incident(as_user(ctx, "owner1", "responder"), "INC-1").visibility == "restricted"
    assert show_incident(as_user(ctx, "changer", "responder"), "INC-1").key == "INC-1"
    with pytest.raises(NotFound):
        show_incident(as_user(ctx, "other", "responder"), "INC-1")


def test_a_viewer_may_not_update_an_incident(ctx, incident):
    create_user(ctx, "watcher", role="viewer")
    with pytest.raises(Forbidden):
        update_incident(as_user(ctx, "watcher", "viewer"), "INC-1", severity="SEV1")


def test_an_event_can_be_corrected_and_the_audit_keeps_the_old_text(ctx, incident):
    logged = log_event(ctx, "INC-1", "restarted db-1", kind="note", at="2026-11-23 14:05")
    edited = edit_event(ctx, "INC-1", logged.event.id, text="restarted db-2", kind="action", at="2026-11-23 14:07", actor="alice")
    assert (edited.text, edited.kind, edited.actor) == ("restarted db-2", "action", "alice")
    assert edited.at == datetime(2026, 11, 23, 13, 7, tzinfo=timezone.utc)
    with ctx.db.transaction() as session:
        detail = session.scalar(select(AuditEvent.detail).where(AuditEvent.action == "event.edited"))
    assert detail["text"] == {"from": "restarted db-1", "to": "restarted db-2"}


def test_editing_an_event_of_another_incident_is_not_found(ctx, incident):
    open_incident(ctx, "Other", severity="SEV4", started=T0)
    logged = log_event(ctx, "INC-2", "elsewhere", at="2026-11-23 14:05")
    with pytest.raises(NotFound, match="no timeline event"):
        edit_event(ctx, "INC-1", logged.event.id, text="moved")


def test_a_deleted_event_leaves_every_read_and_an_admin_can_restore_it_under_its_number(ctx, incident):
    kept = log_event(ctx, "INC-1", "alert fired", kind="alert", at="2026-11-23 14:05")
    gone = log_event(ctx, "INC-1", "typo line", at="2026-11-23 14:06")
    delete_event(ctx, "INC-1", gone.event.id)
    assert [e.text for e in show_incident(ctx, "INC-1").timeline] == ["alert fired"]
    [tomb] = deleted_events(ctx, "INC-1")
    assert tomb.event.text == "typo line" and tomb.deleted_by == "tester"
    restored = restore_event(ctx, "INC-1", gone.event.id)
    assert restored.id == gone.event.id
    assert [e.text for e in show_incident(ctx, "INC-1").timeline] == ["alert fired", "typo line"]
    assert deleted_events(ctx, "INC-1") == [] and kept.created


def test_only_admins_see_and_restore_deleted_events(ctx, incident):
    create_user(ctx, "resp", role="responder")
    gone = log_event(ctx, "INC-1", "typo line", at="2026-11-23 14:06")
    responder = as_user(ctx, "resp", "responder")
    delete_event(responder, "INC-1", gone.event.id)
    with pytest.raises(Forbidden):
        deleted_events(responder, "INC-1")
    with pytest.raises(Forbidden):
        restore_event(responder, "INC-1", gone.event.id)


def test_a_deleted_import_record_imported_again_cannot_be_restored_twice(ctx, incident):
    first = log_event(ctx, "INC-1", "page", kind="alert", at="2026-11-23 14:05", source="pagerduty", ref="Q1")
    delete_event(ctx, "INC-1", first.event.id)
    log_event(ctx, "INC-1", "page", kind="alert", at="2026-11-23 14:05", source="pagerduty", ref="Q1")
    with pytest.raises(Conflict, match="imported again"):
        restore_event(ctx, "INC-1", first.event.id)


def test_a_future_start_event_or_moment_is_refused_with_the_current_time(ctx, incident):
    later = (now_utc() + timedelta(hours=2)).isoformat()
    with pytest.raises(InvalidInput, match="the start .* is in the future: it is now"):
        open_incident(ctx, "Soon", severity="SEV3", started=later)
    with pytest.raises(InvalidInput, match="event's time .* is in the future"):
        log_event(ctx, "INC-1", "later", at=later)
    with pytest.raises(InvalidInput, match="resolved moment .* is in the future"):
        set_moment(ctx, "INC-1", "resolved", at=later)


def test_a_time_within_a_minute_of_clock_skew_is_accepted(ctx, incident):
    logged = log_event(ctx, "INC-1", "clock ahead", at=(now_utc() + timedelta(seconds=30)).isoformat())
    assert logged.created


def test_relative_times_are_read_from_now():
    zone = require_zone("Europe/Berlin")
    now = datetime(2026, 11, 23, 13, 0, tzinfo=timezone.utc)
    assert parse_when("-15m", zone, now=now) == now - timedelta(minutes=15)
    assert parse_when("2h ago", zone, now=now) == now - timedelta(hours=2)
    assert parse_when("90s ago", zone, now=now) == now - timedelta(seconds=90)
    assert parse_when("yesterday 14:05", zone, now=now) == datetime(2026, 11, 22, 13, 5, tzinfo=timezone.utc)


def test_a_relative_time_is_accepted_wherever_a_time_is(ctx, incident):
    logged = log_event(ctx, "INC-1", "checked", at="-5m")
    assert abs((now_utc() - timedelta(minutes=5)) - logged.event.at) < timedelta(seconds=5)


def test_an_impossible_order_names_the_moment_to_correct(ctx, incident):
    with pytest.raises(OrderError, match="correct the resolved time") as caught:
        change_status(ctx, "INC-1", "resolved", at="2026-11-23 12:00")
    assert caught.value.moment.value == "resolved"


def test_resolving_proposes_the_latest_resolution_that_people_logged(ctx, incident):
    log_event(ctx, "INC-1", "fix deployed", kind="resolution", at="2026-11-23 15:02")
    log_event(ctx, "INC-1", "confirmed", kind="resolution", at="2026-11-23 15:10")
    change_status(ctx, "INC-1", "mitigated")  # Cairn's own note must not count
    assert latest_event_time(ctx, "INC-1", ("resolution",)) == datetime(2026, 11, 23, 14, 10, tzinfo=timezone.utc)
