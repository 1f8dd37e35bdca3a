"""Importing a team's history end to end: `cairn import` on foreign documents,
folders and zips; origins make re-imports idempotent; each document is all
or nothing; the exit code says what happened."""

from __future__ import annotations

import io
import zipfile
from pathlib import Path

import pytest
from sqlalchemy import func, select

from cairn.importers.history.mapping import HistoryOptions
from cairn.importers.history.sources import SourceFile, files_of
from cairn.services.foreign_documents import import_history, is_cairn_document
from cairn.storage.models import ActionItem, ImportOrigin, Incident, TimelineEvent

OUTAGE = """# Checkout outage on 2025-03-04

Payments failed for 40 minutes. Severity: SEV2

## Impact

About 1,200 customers could not pay.

## Timeline (all times UTC)

- 14:02 Deploy of payments 4.2 starts
- 14:10 First alert: error rate above 5%
- 14:15 On-call acknowledges
- 14:42 Rolled back; errors stop
- 25:70 the cache was flushed

## Root cause

1. The new client pinned TLS 1.3, which the old proxy did not speak.

## Action items

| Action | Owner | Status |
|---|---|---|
| Test the proxy with the new client | Ana Lima | DONE |
| Alert on handshake failures | alice | TODO |

## Appendix: graphs

See the dashboard.
"""

CLEAN = OUTAGE.replace("- 25:70 the cache was flushed\n", "")


def _count(ctx, model) -> int:
    with ctx.db.transaction() as session:
        return session.scalar(select(func.count()).select_from(model))


def test_a_foreign_document_becomes_a_closed_incident_with_its_parts(cli, ctx, tmp_path: Path) -> None:
    assert cli("user", "create", "alice").exit_code == 0
    path = tmp_path / "2025-03-04 checkout outage.md"
    path.write_text(CLEAN)
    result = cli("import", str(path))
    assert result.exit_code == 0, result.output
    assert f"created INC-1 from {path} (4 events, 1 factors, 2 action items)" in result.output
    with ctx.db.transaction() as session:
        incident = session.scalars(select(Incident)).one()
        assert (incident.title, incident.severity, incident.status) == ("Checkout outage on 2025-03-04", "SEV2", "closed")
        assert incident.postmortem.status == "published" and incident.postmortem.published_at is None
        texts = [e.text for e in session.scalars(select(TimelineEvent).order_by(TimelineEvent.at))]
        assert texts[0] == "Deploy of payments 4.2 starts"
        items = {i.title: i for i in session.scalars(select(ActionItem))}
        # a Cairn user is linked; anyone else stays a name, not an account
        assert items["Alert on handshake failures"].owner.username == "alice"
        assert items["Test the proxy with the new client"].owner is None
        assert "owner: Ana Lima" in items["Test the proxy with the new client"].note
        origin = session.scalars(select(ImportOrigin)).one()
        assert origin.identity == f"file:{path.resolve().as_posix()}" and origin.importer_version == "history-1"


def test_importing_the_same_file_again_changes_nothing_and_a_changed_file_updates_the_same_incident(cli, ctx, tmp_path: Path) -> None:
    path = tmp_path / "outage.md"
    path.write_text(CLEAN)
    assert cli("import", str(path)).exit_code == 0
    again = cli("import", str(path))
    assert again.exit_code == 0 and again.output.strip() == "INC-1 unchanged"
    path.write_text(CLEAN.replace("About 1,200 customers", "About 1,300 customers"))
    changed = cli("import", str(path))
    assert changed.exit_code == 0 and changed.output.startswith(f"updated INC-1 from {path}")
    assert _count(ctx, Incident) == 1
    with ctx.db.transaction() as session:
        assert "1,300" in session.scalars(select(Incident)).one().postmortem.impact


def test_the_same_content_under_another_name_is_not_imported_twice(cli, ctx, tmp_path: Path) -> None:
    (tmp_path / "a.md").write_text(CLEAN)
    (tmp_path / "b.md").write_text(CLEAN)
    assert cli("import", str(tmp_path / "a.md")).exit_code == 0
    result = cli("import", str(tmp_path / "b.md"))
    assert result.exit_code == 0 and "INC-1 unchanged" in result.output
    assert _count(ctx, Incident) == 1


def test_an_incident_edited_in_cairn_is_not_overwritten_without_force(cli, ctx, tmp_path: Path) -> None:
    path = tmp_path / "outage.md"
    path.write_text(CLEAN)
    assert cli("import", str(path)).exit_code == 0
    assert cli("incident", "update", "INC-1", "--title", "Checkout: TLS handshake failures").exit_code == 0
    path.write_text(CLEAN + "\nOne more line.\n")
    refused = cli("import", str(path))
    assert refused.exit_code == 2
    assert "INC-1 was edited in Cairn since it was imported" in refused.output
    forced = cli("import", str(path), "--force")
    assert forced.exit_code == 0, forced.output
    assert _count(ctx, Incident) == 1


def test_a_partly_mapped_document_is_stored_exits_1_and_names_the_unread_line(cli, ctx, tmp_path: Path) -> None:
    path = tmp_path / "outage.md"
    path.write_text(OUTAGE)
    result = cli("import", str(path))
    assert result.exit_code == 1, result.output
    line = OUTAGE.split("\n").index("- 25:70 the cache was flushed") + 1
    assert f"{path.name}:{line}: not read" in result.output or f"{path}:{line}: not read" in result.output
    assert _count(ctx, Incident) == 1


def test_dry_run_prints_the_report_and_writes_nothing(cli, ctx, tmp_path: Path) -> None:
    path = tmp_path / "outage.md"
    path.write_text(CLEAN)
    result = cli("import", str(path), "--dry-run")
    assert result.exit_code == 0, result.output
    assert "would be created" in result.output and "-> timeline: 4 events" in result.output
    assert "free section 'Appendix: graphs'" in result.output
    assert "dry run, nothing was written" in result.output
    assert _count(ctx, Incident) == 0 and _count(ctx, ImportOrigin) == 0


def test_a_folder_imports_what_it_can_and_refuses_the_rest_each_document_whole(cli, ctx, tmp_path: Path) -> None:
    folder = tmp_path / "postmortems"
    (folder / "2025").mkdir(parents=True)
    (folder / "2025" / "outage.md").write_text(CLEAN)
    (folder / "no severity.md").write_text("# A wobble\n\nThe cache wobbled on 2025-02-01.\n")
    (folder / "latin1").write_bytes(b"# Caf\xe9 down\n\nSEV3 on 2025-02-01\n")
    (folder / ".hidden.md").write_text(CLEAN)
    (folder / "picture.png").write_bytes(b"\x89PNG")
    result = cli("import", str(folder))
    assert result.exit_code == 2, result.output
    assert "no severity stated: give a default severity" in result.output
    assert "latin1:1: not valid UTF-8" in result.output
    assert "3 documents: 1 created, 2 refused" in result.output
    assert _count(ctx, Incident) == 1
    with ctx.db.transaction() as session:
        assert session.scalars(select(ImportOrigin.identity)).all() == [f"file:{(folder / '2025' / 'outage.md').resolve().as_posix()}"]


def test_strict_writes_nothing_when_one_document_is_refused(cli, ctx, tmp_path: Path) -> None:
    folder = tmp_path / "postmortems"
    folder.mkdir()
    (folder / "a.md").write_text(CLEAN)
    (folder / "b.md").write_text("# A wobble\n\nThe cache wobbled.\n")
    result = cli("import", str(folder), "--strict")
    assert result.exit_code == 2 and "nothing was written (strict)" in result.output
    assert _count(ctx, Incident) == 0
    assert cli("import", str(folder), "--strict", "--severity", "SEV4", "--date", "2025-01-05").exit_code == 0
    assert _count(ctx, Incident) == 2


def test_a_zip_is_read_with_its_inner_paths(ctx, tmp_path: Path) -> None:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("export/outage.md", CLEAN)
        archive.writestr("__MACOSX/export/._outage.md", b"\x00\x05junk")
        archive.writestr("export/notes", "# Another\n\nSEV4 blip on 2024-02-03.\n")
    path = tmp_path / "history.zip"
    path.write_bytes(buffer.getvalue())
    batch = import_history(ctx, files_of([path]), HistoryOptions())
    assert [(o.source, o.action) for o in batch.outcomes] == [
        (f"{path}/export/outage.md", "created"), (f"{path}/export/notes", "created")]
    assert batch.exit_code == 0


def test_a_broken_zip_is_one_refusal(ctx, tmp_path: Path) -> None:
    path = tmp_path / "broken.zip"
    path.write_bytes(b"PK\x03\x04" + b"\x00" * 40)
    batch = import_history(ctx, files_of([path]), HistoryOptions())
    assert [o.action for o in batch.outcomes] == ["refused"] and "not a readable zip" in batch.outcomes[0].error
    assert batch.exit_code == 2


def test_cairn_documents_still_import_as_before(cli, ctx) -> None:
    assert cli("incident", "open", "Checkout", "--severity", "SEV3").exit_code == 0
    text = cli("export", "INC-1").output
    assert is_cairn_document(text)
    assert cli("import", "-", input=text).output.strip() == "INC-1 unchanged"
    assert not is_cairn_document("---\ntitle: Outage\ndate: 2024-01-02\ntags: [db]\n---\n# Outage\n")
    assert is_cairn_document("---\ntitle: Outage\nseverity: SEV2\nmoments: {}\n---\n")


def test_front_matter_of_a_static_site_generator_is_read_as_a_foreign_document(ctx) -> None:
    text = "---\ntitle: Queue backlog\ndate: 2024-06-01\ntags: [queues]\n---\n\nSeverity: SEV3\n\n## Summary\n\nThe queue backed up.\n"
    batch = import_history(ctx, [SourceFile("backlog.md", text.encode())], HistoryOptions())
    assert [o.action for o in batch.outcomes] == ["created"]
    with ctx.db.transaction() as session:
        incident = session.scalars(select(Incident)).one()
        assert incident.title == "Queue backlog" and "queues" in [t.name for t in incident.tags]


def test_a_reader_cannot_import_history(ctx) -> None:
    from cairn.errors import Forbidden
    from cairn.services.accounts import Principal

    reader = ctx.as_user(Principal(user_id=1, username="rita", role="reader"))
    with pytest.raises(Forbidden):
        import_history(reader, [SourceFile("a.md", CLEAN.encode())], HistoryOptions())


CATALOGUE = """Company;Date;Title;Category;URL
Example Corp;2019-07-02;Regex took the CPU;cpu;https://example.com/blog/cpu-outage
Example Corp;31/31/2019;Broken row;dns;https://example.com/blog/dns
Other Inc;2020-01-15;Certificates expired;certificates;https://other.example/postmortem?utm_source=feed
"""


def test_a_catalogue_creates_one_incident_per_row_and_refuses_only_the_bad_row(cli, ctx, tmp_path: Path) -> None:
    path = tmp_path / "incidents.csv"
    path.write_text(CATALOGUE)
    result = cli("import", str(path), "--severity", "SEV3")
    assert result.exit_code == 2, result.output
    assert "incidents.csv (line 3)" in result.output
    assert "error: " + f"{path} (line 3): bad date '31/31/2019'" in result.output
    assert "3 catalogue entries: 2 created, 1 refused" in result.output
    assert _count(ctx, Incident) == 2
    with ctx.db.transaction() as session:
        titles = sorted(session.scalars(select(Incident.title)))
        assert titles == ["Certificates expired", "Regex took the CPU"]
        assert all(i.status == "closed" for i in session.scalars(select(Incident)))
    path.write_text(CATALOGUE.replace("Broken row;dns;", "").replace("\nExample Corp;31/31/2019;https://example.com/blog/dns", ""))
    again = cli("import", str(path), "--severity", "SEV3")
    assert again.exit_code == 0, again.output
    assert "2 catalogue entries: 2 unchanged" in again.output


def test_a_folder_walk_skips_licences_readmes_and_templates_and_says_so(cli, ctx, tmp_path: Path) -> None:
    folder = tmp_path / "postmortems"
    folder.mkdir()
    (folder / "2025-03-04-outage.md").write_text(CLEAN)
    (folder / "LICENSE").write_text("MIT License\n\nPermission is hereby granted...\n")
    (folder / "README.md").write_text("# Our postmortems\n\nOne file per incident.\n")
    (folder / "postmortem-template.md").write_text("# Title\n\n## Summary\n\n## Timeline\n")
    result = cli("import", str(folder))
    assert result.exit_code == 0, result.output
    assert "1 document: 1 created, 3 skipped (not postmortems)" in result.output
    assert f"skipped {folder / 'LICENSE'}: a repository's own file, not a postmortem" in result.output
    assert "a template, not a postmortem" in result.output
    assert _count(ctx, Incident) == 1
    # named directly, any file is read
    assert cli("import", str(folder / "README.md"), "--severity", "SEV4", "--date", "2025-01-01").exit_code == 0


def test_a_huge_file_is_refused_in_one_line_before_it_is_mapped(ctx) -> None:
    huge = ("# Huge\n\nSEV2 on 2024-01-01\n\n## Timeline\n\n" + "- 14:05 a log line, not a postmortem\n" * 200_000).encode()
    batch = import_history(ctx, [SourceFile("huge.md", huge)], HistoryOptions())
    assert [o.action for o in batch.outcomes] == ["refused"]
    assert batch.outcomes[0].error.startswith("huge.md: 7.1 MiB is more than a postmortem holds (at most 5 MiB)")
    assert _count(ctx, Incident) == 0


CONFLUENCE = """<!DOCTYPE html><html><head><title>Ops : DB failover 2024-03-05</title><script>alert('x')</script></head><body>
<div id="breadcrumb-section">Ops / Incidents</div>
<div id="main-content" class="wiki-content">
<p>Severity: SEV2. The primary database failed over on 2024-03-05.</p>
<h2>Timeline (all times UTC)</h2>
<table class="confluenceTable"><tbody><tr><th class="confluenceTh">Time</th><th class="confluenceTh">Event</th></tr>
<tr><td class="confluenceTd"><p>14:02</p></td><td class="confluenceTd"><p>Replica lag alert</p></td></tr>
<tr><td class="confluenceTd">14:20</td><td class="confluenceTd">Failover completed</td></tr></tbody></table>
<h2>Action items</h2>
<ul class="inline-task-list"><li class="checked" data-inline-task-id="1">Add lag alert</li><li data-inline-task-id="2">Runbook for failover</li></ul>
</div><div id="footer">Document generated by Confluence</div></body></html>
"""


def test_a_confluence_export_is_converted_sanitised_and_imported(cli, ctx, tmp_path: Path) -> None:
    path = tmp_path / "DB failover"  # exports often lack an extension
    path.write_text(CONFLUENCE)
    result = cli("import", str(path), "--report")
    assert result.exit_code == 0, result.output
    assert "HTML, converted to Markdown (sanitised)" in result.output
    assert f"created INC-1 from {path} (2 events, 0 factors, 2 action items)" in result.output
    with ctx.db.transaction() as session:
        incident = session.scalars(select(Incident)).one()
        assert incident.title == "DB failover 2024-03-05" and incident.severity == "SEV2"
        assert sorted((i.title, i.status) for i in session.scalars(select(ActionItem))) == [
            ("Add lag alert", "done"), ("Runbook for failover", "open")]
        assert "alert('x')" not in (incident.postmortem.summary or "") and "Confluence" not in (incident.postmortem.summary or "")


def test_files_of_the_same_name_in_different_folders_are_different_incidents(cli, ctx, tmp_path: Path) -> None:
    (tmp_path / "a").mkdir()
    (tmp_path / "b").mkdir()
    (tmp_path / "a" / "postmortem.md").write_text(CLEAN)
    (tmp_path / "b" / "postmortem.md").write_text(CLEAN.replace("Checkout outage", "Search outage"))
    result = cli("import", str(tmp_path / "a" / "postmortem.md"), str(tmp_path / "b" / "postmortem.md"))
    assert result.exit_code == 0, result.output
    assert "created INC-1" in result.output and "created INC-2" in result.output
    # the same file found by walking its folder is the same incident
    again = cli("import", str(tmp_path / "a"))
    assert again.exit_code == 0 and "INC-1 unchanged" in again.output
    assert _count(ctx, Incident) == 2


def test_a_moved_file_that_then_changes_updates_its_incident(cli, ctx, tmp_path: Path) -> None:
    first = tmp_path / "old" / "outage.md"
    first.parent.mkdir()
    first.write_text(CLEAN)
    assert cli("import", str(first)).exit_code == 0
    moved = tmp_path / "new" / "outage.md"
    moved.parent.mkdir()
    first.rename(moved)
    assert "INC-1 unchanged" in cli("import", str(moved)).output
    moved.write_text(CLEAN.replace("About 1,200", "About 1,400"))
    changed = cli("import", str(moved))
    assert changed.exit_code == 0 and "updated INC-1" in changed.output
    assert _count(ctx, Incident) == 1


def test_standard_input_is_known_by_its_content(cli, ctx) -> None:
    assert "created INC-1" in cli("import", "-", input=CLEAN).output
    assert cli("import", "-", input=CLEAN).output.strip() == "INC-1 unchanged"
    assert "created INC-2" in cli("import", "-", input=CLEAN.replace("Checkout", "Search")).output


def test_empty_files_and_data_files_that_are_not_catalogues_are_refused(ctx, tmp_path: Path) -> None:
    files = [SourceFile("empty.md", b""), SourceFile("blank.md", b"  \n\n"),
             SourceFile("broken.json", b'{"incidents": [ {"title": "x", "date": '),
             SourceFile("settings.json", b'{"theme": "dark"}'), SourceFile("numbers.csv", b"a,b\n1,2\n")]
    batch = import_history(ctx, files, HistoryOptions(severity="SEV3", day=__import__("datetime").date(2024, 1, 1)))
    errors = {o.source: o.error for o in batch.outcomes}
    assert [o.action for o in batch.outcomes] == ["refused"] * 5
    assert errors["empty.md"] == "empty.md: nothing to import: the file holds no postmortem text"
    assert errors["broken.json"].startswith("broken.json:1:")
    assert "no list of incidents" in errors["settings.json"] and "not a list of incidents" in errors["numbers.csv"]
    assert _count(ctx, Incident) == 0


def test_front_matter_mistaken_for_cairn_s_own_says_how_to_import_it(cli, tmp_path: Path) -> None:
    path = tmp_path / "fm.md"
    path.write_text("---\ntitle: Outage\ndate: 2024-01-02\nseverity: high\nparticipants: [ana, bo]\n---\n\nIt broke.\n")
    refused = cli("import", str(path))
    assert refused.exit_code == 2 and "import it as written elsewhere" in refused.output
    assert cli("import", str(path), "--from", "other", "--severity", "SEV3").exit_code == 0


def test_a_dated_file_with_template_in_its_name_is_a_postmortem() -> None:
    from cairn.importers.history.sources import not_a_postmortem

    assert not_a_postmortem("2024-03-01-helm-template-outage.md") is None
    assert not_a_postmortem("postmortem-template.md") == "a template, not a postmortem"
    assert not_a_postmortem("contemplating-the-outage.md") is None and not_a_postmortem("CODEOWNERS") is not None
