"""`cairn import-timeline --list KEY` and `--undo KEY IMPORT_ID`."""

from __future__ import annotations

import re

import pytest

from cairn.services.incidents import show_incident

LOG = (
    "2026-11-23T14:05:00Z ERROR checkout timeout\n"
    "2026-11-23T14:06:00Z INFO checkout retrying\n"
)


@pytest.fixture
def log(cli, tmp_path):  # type: ignore[no-untyped-def]
    assert cli("incident", "open", "Checkout is slow", "--severity", "SEV2", "--tz", "Europe/Berlin").exit_code == 0
    path = tmp_path / "app.log"
    path.write_text(LOG)
    return path


def test_an_import_says_its_id_and_how_to_undo_it(cli, log) -> None:
    result = cli("import-timeline", "INC-1", str(log))
    assert result.exit_code == 0, result.output
    assert "INC-1 from log: 2 added" in result.output and "(import 1; undo with --undo INC-1 1)" in result.output


def test_list_shows_each_import_with_its_file_person_time_and_counts(cli, log) -> None:
    cli("import-timeline", "INC-1", str(log))
    cli("log", "INC-1", "restarted the pool", "--kind", "action")
    result = cli("import-timeline", "--list", "INC-1")
    assert result.exit_code == 0, result.output
    [line] = result.output.splitlines()
    number, when, source, file_name, who, counts, state = line.split("\t")
    assert (number, source, file_name, who) == ("1", "log", "app.log", "tester")
    assert re.fullmatch(r"\d{4}-\d\d-\d\d \d\d:\d\d CES?T", when)  # in the incident's zone
    assert counts == "2 added, 0 duplicates, 0 filtered, 0 rejected" and state == "2 on the timeline"


def test_list_of_an_incident_without_imports_says_so(cli, log) -> None:
    result = cli("import-timeline", "--list", "INC-1")
    assert result.exit_code == 0 and result.output.strip() == "no imports recorded for INC-1"


def test_undo_removes_the_imports_events_and_a_reimport_adds_them_back(cli, ctx, log) -> None:
    cli("import-timeline", "INC-1", str(log))
    cli("log", "INC-1", "restarted the pool", "--kind", "action")
    result = cli("import-timeline", "--undo", "INC-1", "1")
    assert result.exit_code == 0, result.output
    assert result.output.strip() == "INC-1: undid import 1 (app.log): 2 events removed"
    assert [e.text for e in show_incident(ctx, "INC-1").timeline] == ["restarted the pool"]
    listed = cli("import-timeline", "--list", "INC-1").output
    assert "undone" in listed and "by tester: 2 removed" in listed
    again = cli("import-timeline", "INC-1", str(log))
    assert "2 added, 0 duplicates skipped" in again.output and "(import 2;" in again.output
    assert len(show_incident(ctx, "INC-1").timeline) == 3


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (("--undo", "INC-1"), "error: --undo needs the import's id"),
        (("--undo", "INC-1", "abc"), "error: import id 'abc' is not a whole number from 1 to 2147483647"),
        (("--undo", "INC-1", "1180591620717411303424"), "is not a whole number from 1 to 2147483647"),
        (("--undo", "INC-1", "0"), "is not a whole number from 1"),
        (("--undo", "INC-1", "7"), "error: no import 7 in INC-1"),
        (("--undo", "INC-9", "1"), "error: no incident INC-9"),
        (("--list", "--undo", "INC-1", "1"), "error: give --list or --undo, not both"),
        (("--list", "INC-1", "app.log"), "error: --list takes only the incident key"),
        (("INC-1",), "error: give the file to import, or --list KEY / --undo KEY IMPORT_ID"),
    ],
)
def test_bad_list_or_undo_input_is_one_line_with_exit_2_and_changes_nothing(cli, ctx, log, args, message) -> None:
    cli("import-timeline", "INC-1", str(log))
    version = show_incident(ctx, "INC-1").version
    result = cli("import-timeline", *args)
    assert result.exit_code == 2, result.output
    assert message in result.output and len(result.output.strip().splitlines()) == 1
    assert show_incident(ctx, "INC-1").version == version


def test_undoing_twice_is_refused_with_exit_2(cli, log) -> None:
    cli("import-timeline", "INC-1", str(log))
    assert cli("import-timeline", "--undo", "INC-1", "1").exit_code == 0
    again = cli("import-timeline", "--undo", "INC-1", "1")
    assert again.exit_code == 2 and "was already undone by tester" in again.output
