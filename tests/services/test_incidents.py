from datetime import datetime, timedelta, timezone

import pytest
from sqlalchemy import select

from cairn.errors import Conflict, InvalidInput, NotFound
from cairn.services.incidents import (
    IncidentFilter,
    add_participant,
    change_status,
    list_incidents,
    open_incident,
    set_moment,
    show_incident,
)
from cairn.services.timeline import log_event
from cairn.storage.models import AuditEvent, Incident

T0 = "2026-11-23T13:50+01:00"


def open_checkout(ctx, **overrides):
    options = dict(severity="SEV2", services=["checkout"], timezone="Europe/Berlin", started=T0)
    options.update(overrides)
    return open_incident(ctx, "Checkout API returns 502", **options)


def test_opening_an_incident_gives_it_the_next_key_and_a_draft_postmortem(ctx):
    first = open_checkout(ctx)
    second = open_checkout(ctx, severity="sev1")
    assert (first.key, second.key) == ("INC-1", "INC-2")
    assert second.severity == "SEV1"
    assert first.postmortem.status == "draft"
    assert first.moments.started == datetime(2026, 11, 23, 12, 50, tzinfo=timezone.utc)


def test_opening_without_times_starts_and_detects_now(ctx):
    doc = open_incident(ctx, "Queue backlog", severity="SEV3")
    assert doc.moments.started == doc.moments.detected
    assert abs(doc.moments.started - datetime.now(timezone.utc)) < timedelta(minutes=1)


@pytest.mark.parametrize(
    ("overrides", "message"),
    [
        ({"severity": "SEV9"}, "unknown severity 'SEV9'"),
        ({"timezone": "Berlin"}, "unknown time zone 'Berlin'"),
        ({"started": "half past two"}, "malformed time 'half past two'"),
        ({"kind": "outage"}, "unknown incident kind 'outage'"),
        ({"started": T0, "detected": "2026-11-23T13:00+01:00"}, "detected .* cannot be before started"),
    ],
)
def test_bad_input_to_open_is_refused_and_writes_nothing(ctx, overrides, message):
    with pytest.raises(InvalidInput, match=message):
        open_checkout(ctx, **overrides)
    with ctx.db.transaction() as session:
        assert session.scalar(select(Incident)) is None


def test_resolving_records_the_moment_and_the_durations_follow(ctx):
    open_checkout(ctx)
    log_event(ctx, "INC-1", "p99 latency alert fired", kind="alert", at="2026-11-23 14:05", marks="detected")
    doc = change_status(ctx, "INC-1", "resolved", at="2026-11-23T15:02+01:00")
    assert doc.status == "resolved"
    assert doc.moments.resolved == datetime(2026, 11, 23, 14, 2, tzinfo=timezone.utc)
    assert doc.moments.mitigated == doc.moments.resolved  # resolution implies mitigation when none was recorded
    from cairn.domain.moments import durations

    spans = durations(doc.moments)
    assert spans.to_detect == timedelta(minutes=15)
    assert spans.to_resolve == timedelta(minutes=72)


def test_resolving_before_the_start_is_refused_with_both_times(ctx):
    open_checkout(ctx)
    with pytest.raises(InvalidInput, match=r"resolved \(2026-11-23 12:00 CET\) cannot be before started \(2026-11-23 13:50 CET\)"):
        change_status(ctx, "INC-1", "resolved", at="2026-11-23 12:00")
    assert show_incident(ctx, "INC-1").status == "open"


def test_status_changes_follow_the_lifecycle(ctx):
    open_checkout(ctx)
    change_status(ctx, "INC-1", "mitigated", at="2026-11-23 14:30")
    change_status(ctx, "INC-1", "resolved", at="2026-11-23 14:45")
    change_status(ctx, "INC-1", "closed", at="2026-11-23 15:00")
    with pytest.raises(Conflict, match="INC-1 cannot go from closed to open"):
        change_status(ctx, "INC-1", "open")
    reopened = change_status(ctx, "INC-1", "resolved")
    assert reopened.status == "resolved"


def test_reopening_clears_the_resolution(ctx):
    open_checkout(ctx)
    change_status(ctx, "INC-1", "resolved", at="2026-11-23 14:45")
    doc = change_status(ctx, "INC-1", "open")
    assert doc.status == "open" and doc.moments.resolved is None


def test_a_key_moment_can_be_taken_from_a_timeline_event(ctx):
    open_checkout(ctx)
    event = log_event(ctx, "INC-1", "Alice acknowledged the page", kind="acknowledgement", at="2026-11-23 14:10")
    doc = set_moment(ctx, "INC-1", "acknowledged", event_id=event.event.id)
    assert doc.moments.acknowledged == event.event.at


def test_an_event_of_another_incident_cannot_set_a_moment(ctx):
    open_checkout(ctx)
    open_checkout(ctx)
    event = log_event(ctx, "INC-2", "paged", at="2026-11-23 14:10")
    with pytest.raises(NotFound, match=f"no timeline event {event.event.id} in INC-1"):
        set_moment(ctx, "INC-1", "detected", event_id=event.event.id)


def test_setting_a_resolution_moment_moves_the_status_along(ctx):
    open_checkout(ctx)
    doc = set_moment(ctx, "INC-1", "resolved", at="2026-11-23 16:00")
    assert doc.status == "resolved"
    doc = set_moment(ctx, "INC-1", "resolved", clear=True)
    assert doc.status in ("open", "mitigated") and doc.moments.resolved is None


def test_the_start_cannot_be_cleared(ctx):
    open_checkout(ctx)
    with pytest.raises(InvalidInput, match="start of an incident cannot be cleared"):
        set_moment(ctx, "INC-1", "started", clear=True)


def test_unknown_incidents_are_not_found(ctx):
    with pytest.raises(NotFound, match="no incident INC-404"):
        show_incident(ctx, "inc-404")


def test_lists_filter_by_status_severity_service_team_kind_and_text(ctx):
    open_checkout(ctx, teams=["payments"])
    open_incident(ctx, "Search is slow", severity="SEV3", services=["search"], started="2026-10-01T10:00Z")
    open_incident(ctx, "Cert nearly expired", severity="SEV4", kind="near miss", started="2026-09-01T10:00Z")
    change_status(ctx, "INC-2", "resolved", at="2026-10-01T11:00Z")

    def keys(**criteria):
        rows, total = list_incidents(ctx, IncidentFilter(**criteria))
        assert total == len(rows)
        return [row.key for row in rows]

    assert keys() == ["INC-1", "INC-2", "INC-3"]  # newest first
    assert keys(statuses=["open"]) == ["INC-1", "INC-3"]
    assert keys(severities=["sev1", "SEV2"]) == ["INC-1"]
    assert keys(service="search") == ["INC-2"]
    assert keys(team="payments") == ["INC-1"]
    assert keys(kind="near miss") == ["INC-3"]
    assert keys(text="SLOW") == ["INC-2"]
    assert keys(since=datetime(2026, 9, 15, tzinfo=timezone.utc), until=datetime(2026, 11, 1, tzinfo=timezone.utc)) == ["INC-2"]


def test_title_search_treats_wildcards_literally(ctx):
    open_incident(ctx, "Disk at 100% on db-1", severity="SEV3")
    open_incident(ctx, "Disk at 1000 inodes", severity="SEV3")
    rows, _ = list_incidents(ctx, IncidentFilter(text="100%"))
    assert [row.title for row in rows] == ["Disk at 100% on db-1"]


def test_lists_paginate_and_count_the_total(ctx):
    for hour in range(5):
        open_incident(ctx, f"Blip {hour}", severity="SEV5", started=f"2026-11-01T0{hour}:00Z")
    rows, total = list_incidents(ctx, limit=2, offset=2)
    assert total == 5 and [row.title for row in rows] == ["Blip 2", "Blip 1"]
    with pytest.raises(InvalidInput, match="offset cannot be negative"):
        list_incidents(ctx, offset=-1)


def test_participants_are_recorded_once_per_role(ctx):
    open_checkout(ctx)
    doc = add_participant(ctx, "INC-1", "alice", "owner")
    assert [(p.user, p.role) for p in doc.participants] == [("alice", "owner")]
    with pytest.raises(Conflict, match="alice is already owner of INC-1"):
        add_participant(ctx, "INC-1", "@alice", "Owner")


def test_every_change_is_audited_with_the_actor(ctx):
    open_checkout(ctx)
    log_event(ctx, "INC-1", "restarted db-2", kind="action", at="2026-11-23 14:20")
    change_status(ctx, "INC-1", "resolved", at="2026-11-23 14:50")
    with ctx.db.transaction() as session:
        actions = [(a.action, a.actor) for a in session.scalars(select(AuditEvent).order_by(AuditEvent.id))]
    assert actions == [("incident.opened", "tester"), ("event.logged", "tester"), ("incident.resolved", "tester")]


def test_each_change_bumps_the_incident_version(ctx):
    first = open_checkout(ctx)
    log_event(ctx, "INC-1", "note", at="2026-11-23 14:20")
    assert show_incident(ctx, "INC-1").version == first.version + 1
