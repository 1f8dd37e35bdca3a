"""`cairn timeline KEY --level LEVEL --component NAME`, and `cairn import-timeline --time-format`."""

from __future__ import annotations

import pytest

from cairn.services.incidents import show_incident

LOG = (
    "2026-11-23T14:05:00Z INFO checkout retrying\n"
    "2026-11-23T14:06:00Z WARN pool at 90%\n"
    "2026-11-23T14:07:00Z ERROR pool exhausted\n"
)
JSON_LINES = '{"time": "2026-11-23T14:08:00Z", "level": "error", "logger": "db.pool", "message": "no connection"}\n'


@pytest.fixture
def incident(cli, tmp_path):  # type: ignore[no-untyped-def]
    assert cli("incident", "open", "Checkout is slow", "--severity", "SEV2", "--tz", "Europe/Berlin").exit_code == 0
    log, lines = tmp_path / "app.log", tmp_path / "app.jsonl"
    log.write_text(LOG)
    lines.write_text(JSON_LINES)
    assert cli("import-timeline", "INC-1", str(log), "--source", "log").exit_code == 0
    assert cli("import-timeline", "INC-1", str(lines), "--source", "log").exit_code == 0
    assert cli("log", "INC-1", "restarted db-2", "--at", "2026-11-23 15:09").exit_code == 0
    return "INC-1"


def _lines(output: str) -> list[list[str]]:
    return [line.split("\t") for line in output.splitlines()]


def test_the_timeline_prints_level_and_component_and_the_text_without_its_prefix(cli, incident) -> None:
    result = cli("timeline", incident)
    assert result.exit_code == 0, result.output
    rows = _lines(result.output)
    assert [row[3:] for row in rows] == [
        ["info", "-", "checkout retrying"], ["warning", "-", "pool at 90%"], ["error", "-", "pool exhausted"],
        ["error", "db.pool", "no connection"], ["-", "-", "restarted db-2"],
    ]
    assert rows[0][1] == "2026-11-23 15:05 CET"  # in the incident's zone


def test_level_keeps_that_level_and_above_and_component_one_components_lines(cli, incident) -> None:
    warning = cli("timeline", incident, "--level", "warn")
    assert warning.exit_code == 0, warning.output
    assert [row[-1] for row in _lines(warning.output)] == ["pool at 90%", "pool exhausted", "no connection"]
    both = cli("timeline", incident, "--level", "error", "--component", "db.pool")
    assert [row[-1] for row in _lines(both.output)] == ["no connection"]
    assert cli("timeline", incident, "--level", "emergency").output.strip() == "no events match"


def test_an_unknown_level_is_one_line_and_exit_code_2(cli, incident) -> None:
    result = cli("timeline", incident, "--level", "loud")
    assert result.exit_code == 2 and "unknown level 'loud'" in result.output


def test_import_timeline_passes_a_strptime_time_format(cli, ctx, tmp_path) -> None:
    assert cli("incident", "open", "Odd logs", "--severity", "SEV3", "--tz", "UTC").exit_code == 0
    odd = tmp_path / "odd.log"
    odd.write_text("261123 140500 ERROR disk full\n")
    result = cli("import-timeline", "INC-1", str(odd), "--source", "log", "--time-format", "%y%m%d %H%M%S")
    assert result.exit_code == 0, result.output
    (event,) = show_incident(ctx, "INC-1").timeline
    assert event.at.isoformat() == "2026-11-23T14:05:00+00:00" and event.level == "error"


def test_the_format_help_lists_every_family_the_importer_knows(cli) -> None:
    from cairn.importers.timestamps import FORMATS

    text = " ".join(cli("import-timeline", "--help").output.split())
    for name in FORMATS:
        assert f" {name}," in text or f" {name};" in text
    assert "--time-format PATTERN" in text


def test_the_timeline_reads_the_team_server_with_the_same_filters(ctx, settings, tmp_path, cli) -> None:  # type: ignore[no-untyped-def]
    from cairn.services.incidents import open_incident
    from cairn.services.people import create_user
    from cairn.services.timeline_import import import_timeline
    from cairn.services.tokens import create_token
    from cairn.web.app import create_app
    from tests.conftest import Cli
    from tests.live_server import live_server

    key = open_incident(ctx, "Checkout 502", severity="SEV2", timezone="UTC", started="2026-11-23T14:00Z").key
    log = tmp_path / "app.log"
    log.write_text(LOG)
    import_timeline(ctx, key, log, source="log")
    create_user(ctx, "alice", role="responder")
    token = create_token(ctx, "laptop", "alice", days=30)[0]
    laptop = Cli(f"sqlite:///{tmp_path / 'laptop.db'}", tmp_path / "laptop")
    with live_server(create_app(settings, context=ctx)) as server:
        result = laptop("--server", server, "--token", token, "timeline", key, "--level", "warning")
    assert result.exit_code == 0, result.output
    assert [row[3:] for row in _lines(result.output)] == [["warning", "-", "pool at 90%"], ["error", "-", "pool exhausted"]]
