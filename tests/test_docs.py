"""The README keeps up with the CLI and the settings."""

from __future__ import annotations

from pathlib import Path

import typer.main

from cairn.cli.main import app
from cairn.config import Settings

README = (Path(__file__).resolve().parents[1] / "README.md").read_text(encoding="utf-8")


def _commands(group, prefix: str = "cairn") -> list[str]:
    names = []
    for name, command in group.commands.items():
        path = f"{prefix} {name}"
        if hasattr(command, "commands"):
            names.extend(_commands(command, path))
        else:
            names.append(path)
    return names


def test_every_cli_command_is_in_the_readme():
    commands = _commands(typer.main.get_command(app))
    assert len(commands) > 15
    missing = []
    for command in commands:
        *parents, leaf = command.split()
        parent = " ".join(parents)
        if command not in README and not any(parent in line and leaf in line for line in README.splitlines()):
            missing.append(command)
    assert missing == []


def test_every_command_has_help_text():
    def walk(group):
        for name, command in group.commands.items():
            assert (command.help or "").strip(), f"{name} has no help"
            if hasattr(command, "commands"):
                walk(command)
            else:
                for param in command.params:
                    if getattr(param, "param_type_name", "") == "option":
                        assert (param.help or "").strip(), f"{name} {param.opts} has no help"

    walk(typer.main.get_command(app))


def test_every_setting_is_documented_with_help_and_in_the_readme():
    for name, field in Settings.model_fields.items():
        assert field.description, f"{name} has no description"
        assert f"CAIRN_{name.upper()}" in README, f"CAIRN_{name.upper()} missing from README"
