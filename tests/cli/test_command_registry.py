"""The root command builds its subcommands on first use, and lists them from summaries.

`cairn --help` shows each command's summary from cli/main.py without importing
the command; these tests keep every summary equal to the command's own help,
so the listing reads exactly as if every command had been built.
"""

from __future__ import annotations

import typer.main
from typer.testing import CliRunner

from cairn.cli import main


def _first_paragraph(help_text: str | None) -> str:
    text = help_text or ""
    end = text.find("\n\n")
    return " ".join((text if end == -1 else text[:end]).split())


def test_every_summary_is_the_first_paragraph_of_its_commands_help():
    group = typer.main.get_command(main.app)
    for name, (_, summary) in {**main.COMMANDS, **main.GROUPS}.items():
        command = group.commands[name]
        assert command.name == name
        assert not command.hidden and not command.deprecated and not command.short_help, name
        assert summary == _first_paragraph(command.help), (
            f"cli/main.py: the summary of `cairn {name}` should read {_first_paragraph(command.help)!r}"
        )


def test_commands_are_listed_in_registration_order_with_groups_last():
    group = typer.main.get_command(main.app)
    assert list(group.commands) == [*main.COMMANDS, *main.GROUPS]


def test_the_root_help_builds_nothing_and_reads_as_with_every_command_built():
    group = typer.main.get_command(main.app)
    ctx = group.make_context("cairn", ["--help"], resilient_parsing=True)
    listed = group.get_help(ctx)
    assert group.commands._built == {}
    for name in group.commands:  # build them all, as Typer would have done up front
        group.commands[name]
    assert group.get_help(ctx) == listed
    assert "log              Add an event to an incident's timeline." in listed


def test_running_a_command_builds_only_that_command():
    group = typer.main.get_command(main.app)
    ctx = group.make_context("cairn", ["log", "INC-1", "x"], resilient_parsing=True)
    name, command, _ = group.resolve_command(ctx, ["log", "INC-1", "x"])
    assert name == "log" and command is group.commands["log"]
    assert set(group.commands._built) == {"log"}


def test_incident_update_is_registered_once_however_often_the_group_is_built():
    for _ in range(3):
        typer.main.get_command(main.app).commands["incident"]
    from cairn.cli import incident

    assert [c.name for c in incident.app.registered_commands].count("update") == 1


def test_an_unknown_command_still_gets_a_suggestion():
    result = CliRunner().invoke(main.app, ["lgo"])
    assert result.exit_code == 2
    assert "No such command 'lgo'. Did you mean 'log'?" in result.output
