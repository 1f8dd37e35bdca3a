"""Importing into an incident: idempotent, all or nothing, with a useful summary."""

from __future__ import annotations

import json
from datetime import datetime, timedelta, timezone

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy import func, select

from cairn.domain.enums import KeyMoment
from cairn.errors import CairnError, ImportFailed
from cairn.services import timeline_import
from cairn.services.incidents import open_incident, show_incident
from cairn.services.timeline_import import import_timeline
from cairn.storage.models import TimelineEvent

LOG = (
    "2026-11-23 14:05:00 ERROR checkout: pool exhausted\n"
    "2026-11-23 14:06:00 INFO checkout: retrying\n"
    "2026-11-23 14:40:00 INFO checkout: recovered\n"
)
PAGER = {"log_entries": [
    {"id": "T1", "type": "trigger_log_entry", "summary": "Triggered", "created_at": "2026-11-23T13:07:00Z"},
    {"id": "A1", "type": "acknowledge_log_entry", "summary": "Acknowledged", "created_at": "2026-11-23T13:09:00Z",
     "agent": {"summary": "Alice"}},
    {"id": "R1", "type": "resolve_log_entry", "summary": "Resolved", "created_at": "2026-11-23T13:45:00Z"},
]}


@pytest.fixture
def incident(ctx):
    return open_incident(ctx, "Checkout 502", severity="SEV2", timezone="Europe/Berlin", started="2026-11-23 14:00").key


def count(ctx) -> int:
    with ctx.db.transaction() as session:
        return session.scalar(select(func.count(TimelineEvent.id))) or 0


def test_importing_the_same_file_twice_changes_nothing(ctx, incident, tmp_path):
    path = tmp_path / "app.log"
    path.write_text(LOG)
    first = import_timeline(ctx, incident, path)
    assert (first.source, first.added, first.duplicates) == ("log", 3, 0)
    version = show_incident(ctx, incident).version
    again = import_timeline(ctx, incident, path)
    assert (again.added, again.duplicates) == (0, 3)
    assert count(ctx) == 3 and show_incident(ctx, incident).version == version


def test_sources_merge_in_time_order(ctx, incident, tmp_path):
    log = tmp_path / "app.log"
    log.write_text(LOG)
    pager = tmp_path / "pd.json"
    pager.write_text(json.dumps(PAGER))
    import_timeline(ctx, incident, log)
    import_timeline(ctx, incident, pager)
    timeline = show_incident(ctx, incident).timeline
    assert [e.source for e in timeline] == ["log", "log", "pagerduty", "pagerduty", "log", "pagerduty"]
    assert [e.at for e in timeline] == sorted(e.at for e in timeline)


def test_key_moments_are_proposed_not_set(ctx, incident, tmp_path):
    pager = tmp_path / "pd.json"
    pager.write_text(json.dumps(PAGER))
    summary = import_timeline(ctx, incident, pager)
    assert {m: at for m, (at, _text) in summary.proposals.items()} == {
        KeyMoment.DETECTED: datetime(2026, 11, 23, 13, 7, tzinfo=timezone.utc),
        KeyMoment.ACKNOWLEDGED: datetime(2026, 11, 23, 13, 9, tzinfo=timezone.utc),
        KeyMoment.RESOLVED: datetime(2026, 11, 23, 13, 45, tzinfo=timezone.utc),
    }
    assert show_incident(ctx, incident).moments.resolved is None


def test_quiet_gaps_are_pointed_out(ctx, incident, tmp_path):
    path = tmp_path / "app.log"
    path.write_text(LOG)
    summary = import_timeline(ctx, incident, path, gap_threshold=timedelta(minutes=20))
    assert [(g.start.minute, int(g.length.total_seconds() // 60)) for g in summary.gaps] == [(6, 34)]


def test_a_failure_half_way_writes_nothing(ctx, incident, tmp_path, monkeypatch):
    monkeypatch.setattr(timeline_import, "BATCH", 2)
    path = tmp_path / "app.log"
    path.write_bytes(LOG.encode() * 3 + b"2026-11-23 15:00:00 caf\xe9\n")
    with pytest.raises(ImportFailed, match=r"app.log:10: not valid UTF-8"):
        import_timeline(ctx, incident, path)
    assert count(ctx) == 0


def test_rejected_records_are_listed_with_their_place(ctx, incident, tmp_path):
    path = tmp_path / "app.log"
    path.write_text(LOG + "this line has no time\n")
    summary = import_timeline(ctx, incident, path)
    assert summary.added == 3 and summary.rejected == 1
    assert summary.rejections[0].where.endswith("app.log:4")


def test_unknown_sources_and_missing_files_are_clear_errors(ctx, incident, tmp_path):
    with pytest.raises(ImportFailed, match="no such file"):
        import_timeline(ctx, incident, tmp_path / "nope.log")
    path = tmp_path / "x.log"
    path.write_text(LOG)
    with pytest.raises(ImportFailed, match="unknown source 'fax'"):
        import_timeline(ctx, incident, path, source="fax")


def test_the_cli_prints_a_summary_and_can_record_proposed_moments(cli, ctx, incident, tmp_path):
    pager = tmp_path / "pd.json"
    pager.write_text(json.dumps(PAGER))
    result = cli("import-timeline", incident, str(pager), "--accept-moments")
    assert result.exit_code == 0, result.output
    assert "3 added, 0 duplicates skipped, 0 filtered, 0 rejected" in result.output
    assert "acknowledged: 2026-11-23 14:09 CET" in result.output
    assert show_incident(ctx, incident).moments.acknowledged == datetime(2026, 11, 23, 13, 9, tzinfo=timezone.utc)
    assert "3 duplicates skipped" in cli("import-timeline", incident, str(pager)).output
    bad = tmp_path / "bad.json"
    bad.write_text("{not json")
    failed = cli("import-timeline", incident, str(bad), "--source", "pagerduty")
    assert failed.exit_code == 2 and failed.output.startswith(f"error: {bad}:1: not JSON")


json_values = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=True) | st.text(max_size=20),
    lambda children: st.lists(children, max_size=4) | st.dictionaries(st.text(max_size=10), children, max_size=4),
    max_leaves=20,
)
shaped = st.fixed_dictionaries({
    "log_entries": st.lists(st.fixed_dictionaries({"id": json_values, "type": st.sampled_from(["trigger_log_entry", "x", 3]),
                                                     "created_at": json_values | st.just("2026-11-23T14:00:00Z")}), max_size=3),
}) | st.fixed_dictionaries({"alerts": st.lists(json_values, max_size=3), "groupKey": json_values}) | st.fixed_dictionaries(
    {"messages": st.lists(st.fixed_dictionaries({"ts": json_values | st.just("1763906700.1"), "text": json_values}), max_size=3)}
)


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(payload=shaped | json_values, source=st.sampled_from(["pagerduty", "alertmanager", "slack", "log", None]))
def test_hostile_payloads_import_cleanly_or_fail_with_one_line(ctx, incident, tmp_path, payload, source):
    path = tmp_path / "payload.json"
    path.write_text(json.dumps(payload))
    before = count(ctx)
    try:
        summary = import_timeline(ctx, incident, path, source=source)
    except CairnError as error:
        assert "\n" not in str(error)
        assert count(ctx) == before
    else:
        assert count(ctx) == before + summary.added
