"""Every command through Typer's runner, against a real database file."""

from __future__ import annotations

import json

import pytest


@pytest.fixture
def opened(cli):
    result = cli("incident", "open", "Checkout API returns 502", "--severity", "SEV2", "--service", "checkout",
                 "--tz", "Europe/Berlin", "--started", "2026-11-23 13:50")
    assert result.exit_code == 0, result.output
    return result


def test_help_lists_every_command(cli):
    result = cli("--help")
    assert result.exit_code == 0
    for command in ("incident", "log", "postmortem", "export", "import", "demo", "serve", "db", "user"):
        assert command in result.output


def test_opening_prints_the_new_key(opened):
    assert opened.output.strip() == "opened INC-1: Checkout API returns 502"


def test_the_tour_from_the_readme_works_end_to_end(cli, opened, tmp_path):
    assert cli("log", "INC-1", "p99 latency alert fired", "--kind", "alert", "--at", "2026-11-23 14:05", "--marks", "detected").exit_code == 0
    logged = cli("log", "INC-1", "rolled back release 2024.11.3", "--kind", "mitigation", "--actor", "alice", "--at", "2026-11-23 14:40")
    assert logged.exit_code == 0 and "mitigation: rolled back release 2024.11.3" in logged.output
    resolved = cli("incident", "resolve", "INC-1", "--at", "2026-11-23T15:02+01:00")
    assert resolved.output.strip() == "INC-1 is resolved"

    shown = cli("incident", "show", "INC-1")
    assert shown.exit_code == 0
    for expected in ("Checkout API returns 502", "time to detect", "15m", "time to resolve", "1h 12m", "rolled back"):
        assert expected in shown.output
    at_a_glance = shown.output.split("At a glance")[1].split("Key moments")[0]
    assert "1h 12m until resolved" in at_a_glance and "not recorded yet" in at_a_glance  # no impact figures yet

    exported = cli("export", "INC-1", "--format", "markdown")
    assert exported.exit_code == 0 and exported.output.startswith("---\n")
    path = tmp_path / "inc-1.md"
    path.write_text(exported.output.replace("## Summary\n", "## Summary\n\nCard payments failed.\n"))
    imported = cli("import", str(path))
    assert imported.output.strip() == f"updated INC-1 from {path}"
    assert "Card payments failed." in cli("postmortem", "show", "INC-1").output

    as_json = json.loads(cli("export", "INC-1", "--format", "json").output)
    assert as_json["postmortem"]["sections"]["summary"] == "Card payments failed."


def test_lists_filter_and_print_json(cli, opened):
    cli("incident", "open", "Search slow", "--severity", "SEV4", "--service", "search")
    table = cli("incident", "list", "--status", "open", "--severity", "SEV1,SEV2")
    assert table.exit_code == 0 and "INC-1" in table.output and "INC-2" not in table.output
    data = json.loads(cli("incident", "list", "--json", "--service", "search").output)
    assert data["total"] == 1 and data["items"][0]["key"] == "INC-2"
    assert "no incidents match" in cli("incident", "list", "--severity", "SEV1").output


def test_status_and_moment_commands(cli, opened):
    assert cli("incident", "mitigate", "INC-1", "--at", "2026-11-23 14:30").output.strip() == "INC-1 is mitigated"
    assert cli("incident", "moment", "INC-1", "acknowledged", "--at", "2026-11-23 14:10").exit_code == 0
    logged = cli("log", "INC-1", "paged", "--at", "2026-11-23 14:01")
    event_id = logged.output.split("#")[1].split()[0]
    result = cli("incident", "moment", "INC-1", "detected", "--event", event_id)
    assert result.output.strip() == "INC-1 detected: 2026-11-23 14:01 CET"
    assert cli("incident", "resolve", "INC-1", "--at", "2026-11-23 15:00").exit_code == 0
    assert cli("incident", "close", "INC-1", "--at", "2026-11-23 16:00").output.strip() == "INC-1 is closed"
    assert cli("incident", "reopen", "INC-1").exit_code == 2  # closed cannot be reopened directly


def test_participants_and_users(cli, opened):
    assert cli("user", "create", "alice", "--name", "Alice", "--email", "alice@example.com", "--team", "payments").exit_code == 0
    assert "alice\tresponder\tno password\tAlice" in cli("user", "list").output
    assert cli("user", "create", "alice").exit_code == 2
    assert cli("incident", "participant", "INC-1", "alice", "--role", "owner").output.strip() == "alice is owner of INC-1"


def _editor(tmp_path, name, script):
    path = tmp_path / name
    path.write_text("#!/bin/sh\n" + script + "\n")
    path.chmod(0o755)
    return str(path)


def test_postmortem_edit_applies_what_the_editor_saved(cli, opened, tmp_path):
    editor = _editor(tmp_path, "ed.sh", "sed -i 's/^## Summary$/## Summary\\n\\nWritten in the editor./' \"$1\"")
    result = cli("postmortem", "edit", "INC-1", env={"EDITOR": editor, "VISUAL": ""})
    assert result.output.strip() == "saved INC-1", result.output
    assert "Written in the editor." in cli("postmortem", "show", "INC-1").output
    assert cli("postmortem", "edit", "INC-1", env={"EDITOR": "true", "VISUAL": ""}).output.strip() == "no changes"


def test_a_broken_edit_is_refused_and_the_file_kept(cli, opened, tmp_path):
    editor = _editor(tmp_path, "bad.sh", "sed -i 's/^severity: .*/severity: SEV42/' \"$1\"")
    result = cli("postmortem", "edit", "INC-1", env={"EDITOR": editor, "VISUAL": ""})
    assert result.exit_code == 2
    assert "unknown severity 'SEV42'" in result.output and "your edit is kept in" in result.output
    kept = result.output.split("your edit is kept in ")[1].rstrip(")\n")
    assert "severity: SEV42" in open(kept).read()


def test_db_commands_report_the_schema(cli):
    upgraded = cli("db", "upgrade")
    assert upgraded.exit_code == 0 and "is at schema" in upgraded.output
    assert "expected:" in cli("db", "current").output


def test_demo_loads_once(cli):
    assert cli("demo", "--today", "2026-11-24").output.strip() == "loaded 60 demo incidents"
    assert cli("demo").exit_code == 2
    assert "demo not loaded" in cli("demo", "--if-empty").output


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (("incident", "show", "INC-99"), "error: no incident INC-99"),
        (("incident", "show", "banana"), "error: malformed incident key 'banana'"),
        (("incident", "open", "x", "--severity", "SEV9"), "error: unknown severity 'SEV9': choose one of SEV1"),
        (("log", "INC-1", "x", "--at", "quarter past"), "error: malformed time 'quarter past'"),
        (("log", "INC-1", "x", "--kind", "rumour"), "error: unknown event kind 'rumour'"),
        (("incident", "resolve", "INC-1", "--at", "2026-11-23 12:00"), "error: resolved (2026-11-23 12:00 CET) cannot be before started"),
        (("incident", "moment", "INC-1", "detected"), "error: give exactly one of --at, --event or --clear"),
        (("export", "INC-1", "--format", "docx"), "error: unknown export format 'docx'"),
        (("import", "/nonexistent/file.md"), "error: /nonexistent/file.md: cannot read"),
    ],
)
def test_bad_input_is_one_line_and_exit_code_2(cli, opened, args, message):
    result = cli(*args)
    assert result.exit_code == 2, result.output
    assert result.output.strip().startswith(message), result.output
    assert len(result.output.strip().splitlines()) == 1


def test_a_malformed_import_names_the_file_and_line(cli, opened, tmp_path):
    path = tmp_path / "broken.md"
    path.write_text("---\ntitle: Broken\nseverity: SEV2\nmoments:\n  started: yesterday\n---\n")
    result = cli("import", str(path))
    assert result.exit_code == 2
    assert result.output.strip() == f"error: {path}:5: moments.started: malformed time 'yesterday': use ISO 8601 with an offset"


def test_an_import_that_is_not_utf8_names_the_line(cli, tmp_path):
    path = tmp_path / "latin1.md"
    path.write_bytes(b"---\ntitle: caf\xe9\n---\n")
    result = cli("import", str(path))
    assert result.exit_code == 2 and result.output.strip() == f"error: {path}:2: not valid UTF-8 (byte 15): save it as UTF-8"


def test_an_unreachable_database_is_one_line(cli):
    result = cli("incident", "list", env={"CAIRN_DATABASE_URL": "postgresql+psycopg://u:secret@127.0.0.1:9/x"})
    assert result.exit_code == 2
    assert result.output.startswith("error: cannot reach database postgresql+psycopg://u:***@127.0.0.1:9/x")
    assert "secret" not in result.output


def test_a_bad_setting_is_one_line(cli):
    result = cli("incident", "list", env={"CAIRN_TIMEZONE": "Nowhere/Special"})
    assert result.exit_code == 2
    assert result.output.strip().startswith("error: setting CAIRN_TIMEZONE")


def test_import_reads_standard_input(cli, opened):
    text = cli("export", "INC-1").output
    assert cli("import", "-", input=text).output.strip() == "INC-1 unchanged"


def test_serve_builds_the_app_on_the_configured_address(cli, monkeypatch):
    import uvicorn

    calls = {}

    def fake_run(app, host, port, log_level):
        from fastapi.testclient import TestClient

        calls["address"] = (host, port)
        calls["health"] = TestClient(app).get("/healthz").json()

    monkeypatch.setattr(uvicorn, "run", fake_run)
    result = cli("serve", "--port", "8123")
    assert result.exit_code == 0, result.output
    assert calls == {"address": ("127.0.0.1", 8123), "health": {"status": "ok"}}


def test_a_restricted_incident_opened_from_the_terminal_stays_visible_to_its_opener(cli, database_url, tmp_path):
    from cairn.config import Settings
    from cairn.services.accounts import principal_of
    from cairn.services.context import open_context
    from cairn.services.incidents import list_incidents, show_incident
    from cairn.services.people import require_user

    assert cli("user", "create", "dana", "--role", "responder").exit_code == 0
    opened = cli("incident", "open", "Payroll export leaked", "--severity", "SEV1", "--restricted", env={"CAIRN_USER": "dana"})
    assert opened.exit_code == 0, opened.output
    ctx = open_context(Settings(database_url=database_url, data_dir=tmp_path / "data"))
    try:
        with ctx.db.transaction() as session:
            dana = ctx.as_user(principal_of(require_user(session, "dana")))
        assert [(p.user, p.role) for p in show_incident(dana, "INC-1").participants] == [("dana", "responder")]
        assert list_incidents(dana)[1] == 1
    finally:
        ctx.db.dispose()
