from datetime import datetime, timezone

import pytest

from cairn.errors import InvalidInput, NotFound
from cairn.services.incidents import open_incident, show_incident
from cairn.services.timeline import log_event


@pytest.fixture
def incident(ctx):
    return open_incident(ctx, "Checkout API returns 502", severity="SEV2", timezone="Europe/Berlin", started="2026-11-23T13:50+01:00")


def test_events_are_kept_in_time_order_whatever_order_they_were_logged_in(ctx, incident):
    log_event(ctx, "INC-1", "rolled back", kind="mitigation", at="2026-11-23 14:40", actor="alice")
    log_event(ctx, "INC-1", "p99 latency alert fired", kind="alert", at="2026-11-23 14:05")
    timeline = show_incident(ctx, "INC-1").timeline
    assert [e.text for e in timeline] == ["p99 latency alert fired", "rolled back"]
    assert timeline[1].actor == "alice"
    assert timeline[0].at == datetime(2026, 11, 23, 13, 5, tzinfo=timezone.utc)


def test_logging_the_same_source_record_twice_changes_nothing(ctx, incident):
    first = log_event(ctx, "INC-1", "page triggered", kind="alert", at="2026-11-23 14:05", source="pagerduty", ref="Q1")
    again = log_event(ctx, "INC-1", "page triggered", kind="alert", at="2026-11-23 14:05", source="pagerduty", ref="Q1")
    assert first.created and not again.created
    assert again.event.id == first.event.id
    assert len(show_incident(ctx, "INC-1").timeline) == 1


def test_the_actor_defaults_to_whoever_is_acting(ctx, incident):
    logged = log_event(ctx, "INC-1", "checking dashboards", at="2026-11-23 14:06")
    assert logged.event.actor == "tester"


def test_an_event_can_mark_a_key_moment(ctx, incident):
    log_event(ctx, "INC-1", "fixed", kind="resolution", at="2026-11-23 15:00", marks="resolved")
    doc = show_incident(ctx, "INC-1")
    assert doc.status == "resolved" and doc.moments.resolved == datetime(2026, 11, 23, 14, 0, tzinfo=timezone.utc)


def test_an_event_that_would_mark_an_impossible_moment_is_not_logged_either(ctx, incident):
    with pytest.raises(InvalidInput, match="resolved .* cannot be before started"):
        log_event(ctx, "INC-1", "fixed", at="2026-11-23 10:00", marks="resolved")
    assert show_incident(ctx, "INC-1").timeline == []


@pytest.mark.parametrize(
    ("text", "options", "message"),
    [
        ("   ", {}, "event text cannot be empty"),
        ("x", {"kind": "gossip"}, "unknown event kind 'gossip'"),
        ("x", {"at": "25:99"}, "malformed time"),
        ("x", {"marks": "lunch"}, "unknown key moment 'lunch'"),
        ("a\x00b", {}, "NUL character"),
        ("x" * 20_001, {}, "longer than 20000 characters"),
    ],
)
def test_bad_events_are_refused(ctx, incident, text, options, message):
    with pytest.raises(InvalidInput, match=message):
        log_event(ctx, "INC-1", text, **options)


def test_logging_to_an_unknown_incident_is_refused(ctx):
    with pytest.raises(NotFound, match="no incident INC-7"):
        log_event(ctx, "INC-7", "hello")
