"""The incident page asks the database for its timeline (a page of events, the
filter counts, the chart, moments on rows, the review of typed text) instead of
loading every event; each answer must equal what the whole timeline gives."""

from __future__ import annotations

import sys
from collections import Counter
from pathlib import Path

import pytest
from sqlalchemy import select

from cairn.analysis.lint.config import LintConfig
from cairn.analysis.lint.engine import lint_text
from cairn.domain.levels import level_rank
from cairn.formats.timeline_svg import BIN_ABOVE, timeline_svg
from cairn.services.incident_view import incident_view
from cairn.services.incidents import open_incident, show_incident
from cairn.services.lint import lint_incident
from cairn.services.portable import import_document
from cairn.services.revisions import revision_history
from cairn.services.timeline import log_event
from cairn.services.timeline_import import import_timeline
from cairn.services.timeline_reads import TimelineFilter
from cairn.storage.models import Incident, TimelineEvent

sys.path.insert(0, str(Path(__file__).resolve().parents[2] / "bench"))
from big_incident import document  # noqa: E402  the bench's own incident


LOG = (
    "2026-11-23 14:00:00 WARN pool_size near limit\n"
    "2026-11-23 14:01:00 ERROR pool exhausted at 100%\n"
    "2026-11-23 14:22:00 FATAL pool gone\n"
    "2026-11-23 14:23:00 connection pool resized\n"  # no level
)


def _small(ctx, tmp_path: Path) -> str:  # type: ignore[no-untyped-def]
    key = open_incident(ctx, "Checkout API returns 502", severity="SEV2", timezone="Europe/Berlin", started="2026-11-23T13:50+01:00").key
    # Two events at the same minute, logged in reverse: the id breaks the tie.
    log_event(ctx, key, "second at 14:05", kind="note", at="2026-11-23 14:05")
    log_event(ctx, key, "the on-call engineer carelessly restarted db-2", kind="action", at="2026-11-23 14:05", actor="alice")
    log = tmp_path / "pool.log"
    log.write_text(LOG, encoding="utf-8")
    import_timeline(ctx, key, log, source="log")  # read in the incident's zone
    with ctx.db.transaction() as session:  # components, as a structured log names its loggers
        for event in session.scalars(select(TimelineEvent).where(TimelineEvent.source == "log")):
            event.component = "db.pool" if "exhausted" in event.text or "near" in event.text else None
    log_event(ctx, key, "p99 alert", kind="alert", at="2026-11-23 13:55", marks="detected")
    log_event(ctx, key, "rolled back", kind="mitigation", at="2026-11-23 14:20", actor="Bob")
    log_event(ctx, key, "Redémarré le nœud ÉTÉ-2", kind="action", at="2026-11-23 14:21", actor="Zoë")
    log_event(ctx, key, "[ERROR] typed by a person: the text is no level", kind="note", at="2026-11-23 14:24")
    return key


def _matching(events, wanted: TimelineFilter):  # type: ignore[no-untyped-def]
    """The filters' meaning, written plainly over the whole timeline."""
    return [
        e for e in events
        if (not wanted.kind or e.kind == wanted.kind) and (not wanted.source or e.source == wanted.source)
        and (not wanted.level or (e.level is not None and level_rank(e.level) >= level_rank(wanted.level)))
        and (not wanted.component or e.component == wanted.component)
        and (not wanted.text or wanted.text.lower() in f"{e.text} {e.actor or ''}".lower())
    ]


@pytest.mark.parametrize("wanted", [
    TimelineFilter(), TimelineFilter(kind="note"), TimelineFilter(source="log"), TimelineFilter(level="error"),
    TimelineFilter(level="warn"), TimelineFilter(level="critical"), TimelineFilter(level="trace"), TimelineFilter(level="emergency"),
    TimelineFilter(component="db.pool"), TimelineFilter(level="error", component="db.pool"), TimelineFilter(component="nothing"),
    TimelineFilter(text="BOB"), TimelineFilter(text="100%"),
    TimelineFilter(text="pool_"), TimelineFilter(text="pool%"), TimelineFilter(kind="note", text="14:05"),
    TimelineFilter(text="redémarré"), TimelineFilter(text="été-2"), TimelineFilter(text="ZOË"),
])
def test_a_page_of_the_timeline_holds_exactly_the_events_the_filters_keep(ctx, tmp_path, wanted: TimelineFilter) -> None:
    key = _small(ctx, tmp_path)
    events = show_incident(ctx, key).timeline
    kept = _matching(events, wanted)
    for page in (None, 1, 2, 3):
        window = incident_view(ctx, key, wanted, page, size=2).timeline
        assert window is not None and window.total == len(events) and window.matching == len(kept)
        number = window.pages if page is None else min(page, window.pages)
        assert window.events == kept[(number - 1) * 2: number * 2]
        assert window.first == (number - 1) * 2 + 1


def test_the_counts_moments_and_proposed_times_equal_those_of_the_whole_timeline(ctx, tmp_path) -> None:
    key = _small(ctx, tmp_path)
    doc = show_incident(ctx, key)
    view = incident_view(ctx, key)
    window = view.timeline
    assert window is not None and view.doc.timeline == []  # nothing may read a timeline that is not there
    assert window.kinds == sorted(Counter(e.kind for e in doc.timeline).items())
    assert window.sources == sorted(Counter(e.source for e in doc.timeline).items())
    assert window.levels == [("warning", 1), ("error", 1), ("critical", 1)]  # lowest first; a typed "[ERROR]" is no level
    assert window.at_or_above() == [("warning", 3), ("error", 2), ("critical", 1)]
    assert window.components == [("db.pool", 2)] and window.levelled == 3
    assert window.last_id == max(e.id for e in doc.timeline)
    alert = next(e for e in doc.timeline if e.text == "p99 alert")
    assert view.carries == {alert.id: ["detected"]}
    assert view.proposed == {"mitigated": next(e.at for e in doc.timeline if e.text == "rolled back")}
    assert [f.id for f in view.review.findings] == [f.id for f in lint_incident(ctx, key).findings]
    assert any(f.location == "timeline 2026-11-23 13:05:00 UTC" for f in view.review.findings)
    assert view.revisions == revision_history(ctx, key)


@pytest.mark.parametrize("events", [40, BIN_ABOVE + 200])
def test_the_chart_from_the_database_is_the_chart_of_the_whole_timeline(ctx, events: int) -> None:
    key = import_document(ctx, document(events), source="big.md").key
    whole = show_incident(ctx, key)
    view = incident_view(ctx, key)
    assert timeline_svg(view.doc, view.chart) == timeline_svg(whole)


def test_events_at_any_microsecond_fall_in_the_same_chart_columns_as_in_memory(ctx) -> None:
    import random
    from datetime import datetime, timedelta, timezone

    from cairn.services.timeline_reads import binned

    key = open_incident(ctx, "Checkout slow", severity="SEV3", timezone="UTC", started="2026-11-23T13:50:00.123456+00:00").key
    start = datetime(2026, 11, 23, 13, 50, 0, 123456, tzinfo=timezone.utc)
    pick = random.Random(7)
    for index in range(200):
        at = start + timedelta(microseconds=pick.randrange(0, 3_600_000_000))
        log_event(ctx, key, f"line {index}", kind="note", at=at, source="log", ref=f"r{index}")
    whole = show_incident(ctx, key)
    from cairn.formats.timeline_svg import chart_events

    in_memory = chart_events(whole.timeline * 2)  # above BIN_ABOVE: counted per column
    origin, span = start, 3600.0
    expected = {cell: count // 2 for cell, count in in_memory.count_bins(origin, span, 120).items()}
    with ctx.db.transaction() as session:
        incident_id = session.scalar(select(Incident.id).where(Incident.number == 1))
        assert binned(session, incident_id, origin, span, 120) == expected


def test_remembered_lint_results_carry_the_location_they_are_asked_for() -> None:
    text = "The engineer carelessly pushed the change."
    first = lint_text(text, location="summary")
    second = lint_text(text, location="timeline 2026-11-23 13:05:00 UTC")
    bare = lint_text(text)
    assert first and {f.location for f in first} == {"summary"}
    assert {f.location for f in second} == {"timeline 2026-11-23 13:05:00 UTC"}
    assert {f.location for f in bare} == {""}
    assert first[0].id != second[0].id  # the id includes the field


def test_remembered_lint_results_follow_the_configuration() -> None:
    text = "The engineer carelessly pushed the change."
    found = lint_text(text)
    rule = found[0].rule
    assert all(f.rule != rule for f in lint_text(text, LintConfig(disable=frozenset({rule}))))
    assert [f.rule for f in lint_text(text)] == [f.rule for f in found]
    bare = lint_text(text)
    bare.clear()  # a caller changing its list must not change what is remembered
    assert lint_text(text)
