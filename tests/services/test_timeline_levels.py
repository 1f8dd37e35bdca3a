"""A log line's level and component are data of its event: every timeline read
carries them and filters by them the same way (the page's window, the API's
and the CLI's `read_timeline`), and a restricted incident stays invisible."""

from __future__ import annotations

from pathlib import Path

import pytest
from sqlalchemy import select

from cairn.domain.log_levels import shown_text
from cairn.errors import InvalidInput, NotFound
from cairn.services.accounts import principal_of
from cairn.services.incident_view import import_window, incident_view
from cairn.services.incidents import add_participant, open_incident, show_incident
from cairn.services.timeline import log_event, read_timeline
from cairn.services.timeline_import import import_timeline
from cairn.services.timeline_reads import TimelineFilter
from cairn.storage.models import TimelineEvent, User
from tests.web.personas import create_personas

LOG = (
    "2026-11-23T14:00:00Z INFO checkout started\n"
    "2026-11-23T14:01:00Z WARN pool at 90%\n"
    "2026-11-23T14:02:00Z ERROR pool exhausted\n"
    "2026-11-23T14:03:00Z CRITICAL checkout down\n"
    "2026-11-23T14:04:00Z DEBUG retry 3\n"
)


def _signed_in(ctx, username: str):  # type: ignore[no-untyped-def]
    with ctx.db.transaction() as session:
        return ctx.as_user(principal_of(session.scalar(select(User).where(User.username == username))))


def _incident(ctx, tmp_path: Path, **options) -> str:  # type: ignore[no-untyped-def]
    key = open_incident(ctx, "Checkout 502", severity="SEV2", timezone="UTC", started="2026-11-23T13:55Z", **options).key
    log = tmp_path / "app.log"
    log.write_text(LOG, encoding="utf-8")
    import_timeline(ctx, key, log, source="log")
    with ctx.db.transaction() as session:  # the loggers a structured log would name
        for event in session.scalars(select(TimelineEvent).where(TimelineEvent.source == "log")):
            event.component = "db" if "pool" in event.text else "web"
    log_event(ctx, key, "restarted db-2", kind="action", at="2026-11-23T14:05Z", actor="alice")
    return key


def _texts(events) -> list[str]:  # type: ignore[no-untyped-def]
    return [shown_text(e.text, e.level) for e in events]


def test_imported_lines_keep_their_canonical_level_and_their_text_its_prefix(ctx, tmp_path) -> None:
    key = _incident(ctx, tmp_path)
    events = {e.text: e for e in show_incident(ctx, key).timeline}
    assert events["[WARN] pool at 90%"].level == "warning"
    assert events["[CRITICAL] checkout down"].level == "critical"
    assert events["restarted db-2"].level is None
    assert shown_text("[WARN] pool at 90%", "warning") == "pool at 90%"
    assert shown_text("[WARN] pool at 90%", None) == "[WARN] pool at 90%"  # typed by a person: the text stays
    assert shown_text("[db] pool at 90%", "warning") == "[db] pool at 90%"  # not the level's spelling


def test_a_level_keeps_that_level_and_the_more_severe_ones_and_drops_events_without_a_level(ctx, tmp_path) -> None:
    key = _incident(ctx, tmp_path)
    assert _texts(read_timeline(ctx, key, TimelineFilter(level="warning")).events) == [
        "pool at 90%", "pool exhausted", "checkout down",
    ]
    assert _texts(read_timeline(ctx, key, TimelineFilter(level="warn")).events) == _texts(
        read_timeline(ctx, key, TimelineFilter(level="WARNING")).events
    )
    assert _texts(read_timeline(ctx, key, TimelineFilter(level="emergency")).events) == []
    assert len(read_timeline(ctx, key, TimelineFilter(level="trace")).events) == 5  # every line, not the typed event
    window = incident_view(ctx, key, TimelineFilter(level="error")).timeline
    assert window is not None and window.matching == 2 and window.total == 6
    assert [e.level for e in window.events] == ["error", "critical"]


def test_a_component_keeps_its_own_events_and_combines_with_the_level(ctx, tmp_path) -> None:
    key = _incident(ctx, tmp_path)
    assert _texts(read_timeline(ctx, key, TimelineFilter(component="db")).events) == ["pool at 90%", "pool exhausted"]
    assert _texts(read_timeline(ctx, key, TimelineFilter(level="error", component="db")).events) == ["pool exhausted"]
    window = incident_view(ctx, key, TimelineFilter(component="web")).timeline
    assert window is not None and [e.component for e in window.events] == ["web", "web", "web"]
    assert window.components == [("db", 2), ("web", 3)]


def test_an_unknown_level_is_refused_with_the_levels_to_choose_from() -> None:
    with pytest.raises(InvalidInput, match="unknown level 'loud': choose one of trace, debug, info"):
        TimelineFilter(level="loud")


def test_a_restricted_incident_stays_invisible_to_a_filtered_read(ctx, tmp_path) -> None:
    create_personas(ctx)
    key = _incident(ctx, tmp_path, visibility="restricted")
    add_participant(ctx, key, "member", "responder")
    wanted = TimelineFilter(level="error")
    outsider = _signed_in(ctx, "outsider")
    with pytest.raises(NotFound):
        read_timeline(outsider, key, wanted)
    with pytest.raises(NotFound):
        incident_view(outsider, key, wanted)
    assert len(read_timeline(_signed_in(ctx, "member"), key, wanted).events) == 2


def test_the_import_form_proposes_an_hour_around_the_incident_in_its_zone(ctx) -> None:
    key = open_incident(ctx, "Checkout 502", severity="SEV2", timezone="Europe/Berlin", started="2026-11-23T13:55Z").key
    doc = show_incident(ctx, key)
    assert import_window(doc.moments, doc.timezone) == ("2026-11-23 13:55", "now")  # 12:55 UTC, unresolved
    from dataclasses import replace
    from datetime import datetime, timezone

    resolved = replace(doc.moments, resolved=datetime(2026, 11, 23, 15, 30, 10, tzinfo=timezone.utc))
    assert import_window(resolved, doc.timezone) == ("2026-11-23 13:55", "2026-11-23 17:31")
