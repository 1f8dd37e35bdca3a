"""Undoing a timeline import: each import is recorded, and an undo removes exactly its events."""

from __future__ import annotations

import json
from concurrent.futures import ThreadPoolExecutor

import pytest
from sqlalchemy import select

from cairn.errors import Conflict, Forbidden, NotFound
from cairn.services.audit import incident_history
from cairn.services.import_history import list_imports, undo_import
from cairn.services.incidents import open_incident, show_incident
from cairn.services.portable import export_incident, import_document
from cairn.services.timeline import log_event
from cairn.services.timeline_import import ImportSummary, Staging, import_timeline, insert_staged
from cairn.services.people import create_user
from cairn.services.accounts import principal_of
from cairn.storage.models import TimelineEvent, TimelineImport, User

LOG = (
    "2026-11-23 14:05:00 ERROR checkout: pool exhausted\n"
    "2026-11-23 14:06:00 INFO checkout: retrying\n"
    "2026-11-23 14:40:00 INFO checkout: recovered\n"
)
PAGER = {"log_entries": [
    {"id": "T1", "type": "trigger_log_entry", "summary": "Triggered", "created_at": "2026-11-23T13:07:00Z"},
    {"id": "R1", "type": "resolve_log_entry", "summary": "Resolved", "created_at": "2026-11-23T13:45:00Z"},
]}


@pytest.fixture
def incident(ctx):  # type: ignore[no-untyped-def]
    return open_incident(ctx, "Checkout 502", severity="SEV2", timezone="Europe/Berlin", started="2026-11-23 14:00").key


@pytest.fixture
def app_log(tmp_path):  # type: ignore[no-untyped-def]
    path = tmp_path / "app.log"
    path.write_text(LOG)
    return path


@pytest.fixture
def pager_log(tmp_path):  # type: ignore[no-untyped-def]
    path = tmp_path / "pd.json"
    path.write_text(json.dumps(PAGER))
    return path


def texts(ctx, key: str) -> list[str]:  # type: ignore[no-untyped-def]
    return [event.text for event in show_incident(ctx, key).timeline]


def test_an_import_that_adds_events_is_recorded_with_its_source_file_person_time_and_counts(ctx, incident, app_log, tmp_path):
    import_timeline(ctx, incident, app_log)
    longer = tmp_path / "longer" / "app.log"  # the same lines, one more, and one without a timestamp
    longer.parent.mkdir()
    longer.write_text(LOG + "2026-11-23 14:50:00 INFO checkout: pool resized\nnot a log line\n")
    summary = import_timeline(ctx, incident, longer)
    recorded = list_imports(ctx, incident)[0]
    assert recorded.id == summary.import_id
    assert (recorded.source, recorded.file_name, recorded.actor) == ("log", "app.log", "tester")
    assert (recorded.added, recorded.duplicates, recorded.rejected, recorded.events) == (1, 3, 1, 1)
    assert recorded.filtered == summary.filtered == 0
    assert recorded.created_at.tzinfo is not None and not recorded.undone
    with ctx.db.transaction() as session:
        carried = session.scalar(select(TimelineEvent.import_id).where(TimelineEvent.text.contains("resized")))
    assert carried == summary.import_id


def test_an_import_is_recorded_under_the_files_name_not_its_folder(ctx, incident, app_log):
    import_timeline(ctx, incident, app_log)
    assert list_imports(ctx, incident)[0].file_name == "app.log"


def test_an_import_that_adds_nothing_leaves_no_record(ctx, incident, app_log):
    import_timeline(ctx, incident, app_log)
    again = import_timeline(ctx, incident, app_log)
    assert again.import_id is None and again.added == 0
    assert len(list_imports(ctx, incident)) == 1


def test_imports_are_listed_newest_first(ctx, incident, app_log, pager_log):
    first = import_timeline(ctx, incident, app_log).import_id
    second = import_timeline(ctx, incident, pager_log).import_id
    assert [(r.id, r.source) for r in list_imports(ctx, incident)] == [(second, "pagerduty"), (first, "log")]


def test_undo_removes_exactly_that_imports_events_and_keeps_hand_written_ones_and_other_imports(ctx, incident, app_log, pager_log):
    log_event(ctx, incident, "paged the database team", kind="action")
    undone = import_timeline(ctx, incident, app_log).import_id
    import_timeline(ctx, incident, pager_log)
    log_event(ctx, incident, "rolled back the pool change", kind="mitigation")
    assert undone is not None
    record = undo_import(ctx, incident, undone)
    assert (record.removed, record.undone_by) == (3, "tester") and record.undone
    assert sorted(texts(ctx, incident)) == ["Resolved", "Triggered", "paged the database team", "rolled back the pool change"]


def test_an_event_logged_by_hand_with_the_same_reference_as_an_imported_record_stays(ctx, incident, app_log):
    first = import_timeline(ctx, incident, app_log)
    with ctx.db.transaction() as session:
        ref = session.scalar(select(TimelineEvent.source_ref).where(TimelineEvent.text.contains("retrying")))
    undo_import(ctx, incident, first.import_id)
    log_event(ctx, incident, "retrying, says the responder", source="log", ref=ref)
    again = import_timeline(ctx, incident, app_log)
    assert (again.added, again.duplicates) == (2, 1)
    undo_import(ctx, incident, again.import_id)
    assert texts(ctx, incident) == ["retrying, says the responder"]


def test_after_an_undo_the_same_file_imports_again_as_a_new_import(ctx, incident, app_log):
    first = import_timeline(ctx, incident, app_log).import_id
    undo_import(ctx, incident, first)
    again = import_timeline(ctx, incident, app_log)
    assert (again.added, again.duplicates) == (3, 0) and again.import_id != first
    assert len(texts(ctx, incident)) == 3
    assert [(r.id, r.undone, r.events) for r in list_imports(ctx, incident)] == [(again.import_id, False, 3), (first, True, 0)]


def test_an_undo_is_audited_and_changes_the_incidents_version(ctx, incident, app_log):
    import_id = import_timeline(ctx, incident, app_log).import_id
    version = show_incident(ctx, incident).version
    undo_import(ctx, incident, import_id)
    assert show_incident(ctx, incident).version == version + 1
    last = incident_history(ctx, incident)[-1]
    assert (last.action, last.actor) == ("timeline.import_undone", "tester")
    assert last.detail == {"import": import_id, "source": "log", "file": "app.log", "removed": 3}


def test_undoing_an_import_twice_is_a_conflict_and_changes_nothing(ctx, incident, app_log):
    import_id = import_timeline(ctx, incident, app_log).import_id
    undo_import(ctx, incident, import_id)
    version = show_incident(ctx, incident).version
    with pytest.raises(Conflict, match=f"import {import_id} .* was already undone by tester"):
        undo_import(ctx, incident, import_id)
    assert show_incident(ctx, incident).version == version


def test_an_unknown_import_or_one_of_another_incident_is_not_found(ctx, incident, app_log):
    other = open_incident(ctx, "Search slow", severity="SEV3").key
    import_id = import_timeline(ctx, incident, app_log).import_id
    with pytest.raises(NotFound, match=f"no import {import_id} in {other}"):
        undo_import(ctx, other, import_id)
    with pytest.raises(NotFound, match="no import 999"):
        undo_import(ctx, incident, 999)
    assert len(texts(ctx, incident)) == 3


def test_a_viewer_may_list_imports_but_not_undo_one(ctx, incident, app_log):
    import_id = import_timeline(ctx, incident, app_log).import_id
    create_user(ctx, "reader", role="viewer")
    with ctx.db.transaction() as session:
        reader = ctx.as_user(principal_of(session.scalar(select(User).where(User.username == "reader"))))
    assert [r.id for r in list_imports(reader, incident)] == [import_id]
    with pytest.raises(Forbidden):
        undo_import(reader, incident, import_id)
    assert len(texts(ctx, incident)) == 3


def test_an_imported_event_edited_in_place_goes_with_its_import(ctx, incident, app_log):
    import_id = import_timeline(ctx, incident, app_log).import_id
    with ctx.db.transaction() as session:  # an edit keeps the row, and so its import
        event = session.scalar(select(TimelineEvent).where(TimelineEvent.text.contains("retrying")))
        event.text = "retrying (the pool was still full)"
    assert undo_import(ctx, incident, import_id).removed == 3
    assert texts(ctx, incident) == []


def test_an_imported_event_changed_in_a_markdown_document_keeps_its_reference_and_goes_with_its_import(ctx, incident, app_log):
    import_id = import_timeline(ctx, incident, app_log).import_id
    log_event(ctx, incident, "paged the database team", kind="action")
    document = export_incident(ctx, incident)
    assert "checkout: retrying" in document
    import_document(ctx, document.replace("checkout: retrying", "checkout: retrying, pool still full"), source="inc.md")
    assert "[INFO] checkout: retrying, pool still full" in texts(ctx, incident)
    assert undo_import(ctx, incident, import_id).removed == 3
    assert texts(ctx, incident) == ["paged the database team"]


def test_an_undo_racing_other_writes_lands_and_so_do_they(ctx, incident, app_log):
    import_id = import_timeline(ctx, incident, app_log).import_id

    def work(index: int):  # type: ignore[no-untyped-def]
        if index == 0:
            return undo_import(ctx, incident, import_id).removed
        return log_event(ctx, incident, f"note {index}").created

    with ThreadPoolExecutor(4) as pool:
        outcomes = list(pool.map(work, range(4)))
    assert outcomes == [3, True, True, True]
    assert sorted(texts(ctx, incident)) == ["note 1", "note 2", "note 3"]


def test_the_import_id_is_carried_on_the_batched_insert_path_too(ctx, incident, app_log):
    """The batched path: PostgreSQL's, and SQLite's when the transaction has already written."""
    from cairn.importers.base import ImportOptions, detect
    from cairn.domain.times import require_zone
    from cairn.services.incidents import require_incident

    summary = ImportSummary(key=incident, source="log")
    with Staging() as staging:
        staging.take(detect(app_log).read(app_log, ImportOptions(zone=require_zone("UTC")), lambda _d: None), summary)
        with ctx.db.transaction() as session:
            row = require_incident(session, ctx, incident, write=True)
            log_event_row = TimelineEvent(incident_id=row.id, at=row.started_at, kind="note", text="first", source="manual", created_at=row.created_at)
            session.add(log_event_row)
            session.flush()  # the transaction has written: SQLite can no longer attach
            batch = TimelineImport(incident_id=row.id, source="log", file_name="app.log", actor="tester", created_at=row.created_at,
                                   added=0, duplicates=0, filtered=0, rejected=0)
            insert_staged(session, row, staging, summary, batch)
            batch_id = batch.id
    assert summary.added == 3
    with ctx.db.transaction() as session:
        carried = list(session.scalars(select(TimelineEvent.import_id).order_by(TimelineEvent.id)))
    assert carried == [None, batch_id, batch_id, batch_id]


def test_on_sqlite_an_import_stays_one_insert_select_from_the_staging_file(ctx, incident, app_log, monkeypatch):
    """Recording the import must not begin the transaction before the staging file is attached."""
    if ctx.db.dialect != "sqlite":
        pytest.skip("the attached staging file is SQLite's path")
    from cairn.services import timeline_import

    statements: list[str] = []
    real = timeline_import._attach
    monkeypatch.setattr(timeline_import, "_attach", lambda *args: statements.append("attach") or real(*args))
    summary = import_timeline(ctx, incident, app_log)
    assert statements == ["attach"] and summary.added == 3
