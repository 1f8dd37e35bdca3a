"""`cairn drill ...` through Typer's runner: the local CLI is the game master's seat."""

from __future__ import annotations

import json
import re


def _incident(cli):
    assert cli("incident", "open", "Checkout returns 502", "--severity", "SEV2", "--service", "checkout",
               "--started", "2026-11-20 13:58").exit_code == 0
    for args in (("p99 latency alert: checkout above 2 s", "--kind", "alert", "--at", "2026-11-20 14:00"),
                 ("Support: card payments fail", "--kind", "communication", "--at", "2026-11-20 14:04"),
                 ("Rolled back release 2026.11.3", "--kind", "mitigation", "--at", "2026-11-20 14:16")):
        result = cli("log", "INC-1", *args)
        assert result.exit_code == 0, result.output


def test_a_drill_is_created_run_and_ended_from_the_command_line(cli):
    _incident(cli)
    created = cli("drill", "create", "INC-1")
    assert created.exit_code == 0, created.output
    assert "drill 1: Drill: Checkout returns 502 (replays INC-1) — planned" in created.output
    assert "situation (+0:00, 14:00 UTC, alert): p99 latency alert: checkout above 2 s" in created.output
    assert "1. +4:00 by the clock [communication] Support: card payments fail" in created.output
    assert "responders did (+16:00): Rolled back release 2026.11.3" in created.output
    edited = cli("drill", "edit", "1", "1", "--text", "Support: several card payments fail", "--at", "3:00")
    assert edited.exit_code == 0 and "1. +3:00 by the clock [communication] Support: several card payments fail" in edited.output
    hinted = cli("drill", "hint", "1", "The CDN status page is green", "--request", "the CDN", "--dead-end")
    assert hinted.exit_code == 0 and "2. +0:00 on request: the CDN [note] The CDN status page is green" in hinted.output
    assert cli("drill", "start", "1").exit_code == 0
    revealed = cli("drill", "reveal", "1", "1")
    assert revealed.exit_code == 0 and re.search(r"shown \+0:0\d \[communication\] Support: several card payments fail", revealed.output)
    logged = cli("drill", "log", "1", "#decision", "roll", "back", "the", "release")
    assert logged.exit_code == 0 and "[decision] tester: roll back the release" in logged.output
    assert cli("drill", "mark", "1", "mitigated").exit_code == 0
    ended = cli("drill", "end", "1", "--json")
    data = json.loads(ended.output)
    assert data["status"] == "ended" and data["mitigated_at"] and data["hidden_facts"]
    listed = cli("drill", "list")
    assert "ended" in listed.output and "INC-1" in listed.output


def test_drill_mistakes_are_one_line_errors(cli):
    _incident(cli)
    missing = cli("drill", "start", "7")
    assert missing.exit_code == 2 and missing.output.strip().endswith("no drill 7")
    cli("drill", "create", "INC-1")
    not_running = cli("drill", "reveal", "1", "1")
    assert not_running.exit_code == 2 and "is planned, not running" in not_running.output
    cli("drill", "start", "1")
    no_such = cli("drill", "reveal", "1", "9")
    assert no_such.exit_code == 2 and "has no reveal 9" in no_such.output
    bad_line = cli("drill", "mark", "1", "done")
    assert bad_line.exit_code == 2 and "finish line" in bad_line.output
    assert "Traceback" not in missing.output + not_running.output + no_such.output + bad_line.output


def test_records_suggest_what_to_drill_next(cli):
    _incident(cli)
    assert cli("incident", "resolve", "INC-1", "--at", "2026-11-20 14:30").exit_code == 0
    found = cli("drill", "records")
    assert found.exit_code == 0, found.output
    assert "worth drilling next:" in found.output and "INC-1 SEV2 Checkout returns 502" in found.output
    assert "nobody has drilled it yet" in found.output
    data = json.loads(cli("drill", "records", "--json").output)
    assert data["suggestions"][0]["incident"] == "INC-1"


def test_a_finding_from_the_command_line_lands_on_the_incident(cli):
    _incident(cli)
    assert cli("user", "create", "rui", "--role", "responder").exit_code == 0
    cli("drill", "create", "INC-1")
    added = cli("drill", "finding", "1", "Page the DB team on pool saturation", "--owner", "rui", "--due", "2099-01-01", "--kind", "detect")
    assert added.exit_code == 0, added.output
    assert added.output.strip() == "INC-1 A1 Page the DB team on pool saturation — rui, due 2099-01-01 (from drill 1)"
    assert "Page the DB team" in cli("actions", "list").output



def test_a_scenario_is_exported_and_imported_as_a_file(cli, tmp_path):
    _incident(cli)
    cli("drill", "create", "INC-1")
    target = tmp_path / "drill.md"
    assert cli("drill", "export", "1", "-o", str(target)).exit_code == 0
    assert target.read_text().startswith("---\ncairn: drill-scenario/1\n")
    imported = cli("drill", "import", str(target))
    assert imported.exit_code == 0 and "drill 2: Drill: Checkout returns 502 (replays INC-1) — planned" in imported.output
    broken = tmp_path / "broken.md"
    broken.write_text("---\ncairn: drill-scenario/1\nreveals:\n  - {at: soon, text: x}\n---\n# T\n\n## Situation\n\nx\n")
    refused = cli("drill", "import", str(broken))
    assert refused.exit_code == 2 and f"{broken}:4: offset 'soon'" in refused.output and "Traceback" not in refused.output
