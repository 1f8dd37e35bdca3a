"""The `cairn` command.

Commands are registered by name and built on first use, so a run imports
and builds only the command it runs: `cairn log` loads `cairn.cli.timeline`
alone. `cairn --help` lists every command from the summaries below without
importing any of them; tests/cli/test_command_registry.py keeps each summary
equal to the first paragraph of its command's own help.
"""

from __future__ import annotations

import gc
from collections.abc import Callable, Iterator, MutableMapping
from importlib import import_module
from typing import Any, Optional, Union

import typer
from typer.core import TyperGroup


def _incident_app() -> typer.Typer:
    from cairn.cli import changes, incident

    if not any(command.name == "update" for command in incident.app.registered_commands):
        incident.app.command("update")(changes.update)
    return incident.app


Target = Union[str, Callable[[], Any]]  # "module:attribute", or a function returning the object

# name: (the command's function, the first paragraph of its help), in the order `cairn --help` lists them
COMMANDS: dict[str, tuple[Target, str]] = {
    "log": ("cairn.cli.timeline:log", "Add an event to an incident's timeline."),
    "timeline": ("cairn.cli.timeline:timeline", "Show an incident's timeline, one event a line: number, time, kind, level, component, text."),
    "export": ("cairn.cli.portable:export", "Export an incident and its postmortem."),
    "import": (
        "cairn.cli.portable:import_",
        "Import incidents: Cairn documents, postmortems written in other templates, catalogues of incidents.",
    ),
    "import-timeline": (
        "cairn.cli.timeline_import:import_timeline",
        "Import a file into an incident's timeline; importing it again changes nothing.",
    ),
    "lint": ("cairn.cli.lint:lint", "Flag blame and hindsight phrasing and suggest better framing."),
    "remind": (
        "cairn.cli.remind:remind",
        "Send due, overdue and escalation reminders, and the notifications owed by e-mail and team channels; "
        "each is sent once.",
    ),
    "mine": (
        "cairn.cli.mine:mine",
        "Reviews waiting for me, postmortems I owe with due dates, my open action items, open incidents I am in.",
    ),
    "search": (
        "cairn.cli.search:search",
        "Search every incident, postmortem, factor, action item, timeline and review comment you may see.",
    ),
    "similar": (
        "cairn.cli.similar:similar",
        "Earlier incidents most like KEY, with the reasons; incidents confirmed as related; and repeats (an earlier "
        "fix for the same kind of factor on the same service that may not have held).",
    ),
    "report": (
        "cairn.cli.report:report",
        "Review a period against the one before: incidents by severity and kind, durations, postmortems owed, "
        "written and overdue, action items, recurring factors, repeats and blameless language.",
    ),
    "metrics": (
        "cairn.cli.metrics:metrics",
        "Distributions of the time to detect, acknowledge, mitigate and resolve (median, 75th, 90th, max, and "
        "what is missing).",
    ),
    "demo": ("cairn.cli.demo:demo", "Load a realistic, deterministic demo data set into an empty database."),
    "serve": ("cairn.cli.serve:serve", "Serve the web pages and the API."),
}

# name: (the group's Typer app, the first paragraph of its help)
GROUPS: dict[str, tuple[Target, str]] = {
    "incident": (_incident_app, "Open, list and show incidents; record key moments and status changes."),
    "event": (
        "cairn.cli.changes:event_app",
        "Correct, delete and restore timeline events (# as in `cairn incident show`).",
    ),
    "postmortem": ("cairn.cli.postmortem:app", "Write and inspect postmortems."),
    "actions": ("cairn.cli.actions:app", "Add, update, list action items and see how many close on schedule."),
    "db": ("cairn.cli.db:app", "Create and migrate the database."),
    "user": ("cairn.cli.users:app", "Manage user accounts, roles, passwords and teams."),
    "token": ("cairn.cli.tokens:app", "Create, list and revoke API tokens."),
    "template": ("cairn.cli.templates:app", "List, show and validate postmortem templates."),
    "insights": (
        "cairn.cli.insights:app",
        "Patterns across incidents: recurring factors and repeats (see also `cairn metrics`, `cairn similar`).",
    ),
    "drill": ("cairn.cli.drills:app", "Replay past incidents as drills: draft, start, reveal, log, mark, end, list."),
}


def load(target: Target) -> Any:
    if callable(target):
        return target()
    module, _, attribute = target.partition(":")
    return getattr(import_module(module), attribute)


def build(name: str) -> Any:
    """The Click command for `name`, built as Typer builds a registered command or group."""
    import typer.main

    holder = typer.Typer()
    if name in COMMANDS:
        holder.command(name)(load(COMMANDS[name][0]))
        return typer.main.get_command_from_info(
            holder.registered_commands[0],
            pretty_exceptions_short=app.pretty_exceptions_short,
            rich_markup_mode=app.rich_markup_mode,
        )
    holder.add_typer(load(GROUPS[name][0]), name=name)
    return typer.main.get_group_from_info(
        holder.registered_groups[0],
        pretty_exceptions_short=app.pretty_exceptions_short,
        rich_markup_mode=app.rich_markup_mode,
        suggest_commands=app.suggest_commands,
    )


class LazyCommands(MutableMapping[str, Any]):
    """The root's subcommands by name, each built the first time it is looked up."""

    def __init__(self, extra: MutableMapping[str, Any] | None = None) -> None:
        self._names = [*COMMANDS, *GROUPS]
        self._built: dict[str, Any] = {}
        for name, command in (extra or {}).items():
            self[name] = command

    def __getitem__(self, name: str) -> Any:
        if name not in self._built:
            if name not in self._names:
                raise KeyError(name)
            self._built[name] = build(name)
        return self._built[name]

    def __setitem__(self, name: str, command: Any) -> None:
        if name not in self._names:
            self._names.append(name)
        self._built[name] = command

    def __delitem__(self, name: str) -> None:
        self._names.remove(name)
        self._built.pop(name, None)

    def __iter__(self) -> Iterator[str]:
        return iter(list(self._names))

    def __len__(self) -> int:
        return len(self._names)

    def __contains__(self, name: object) -> bool:
        return name in self._names

    def summary(self, name: str) -> Any:
        """The command if built, else a stand-in carrying just its help summary (for listing)."""
        if name in self._built:
            return self._built[name]
        from typer.core import TyperCommand

        return TyperCommand(name=name, help=(COMMANDS.get(name) or GROUPS[name])[1])


class CairnGroup(TyperGroup):
    """Turns any CairnError into one line on stderr and exit code 2."""

    def __init__(self, **attrs: Any) -> None:
        super().__init__(**attrs)
        self.commands = LazyCommands(self.commands)

    def invoke(self, ctx):  # type: ignore[no-untyped-def]
        from cairn.errors import CairnError

        try:
            return super().invoke(ctx)
        except CairnError as error:
            typer.echo(f"error: {error}", err=True)
            raise typer.Exit(2) from None

    def list_commands(self, ctx):  # type: ignore[no-untyped-def]
        return list(self.commands)  # the names, in order, without building anything

    def format_commands(self, ctx, formatter):  # type: ignore[no-untyped-def]
        """As TyperGroup lists commands, from the summaries: listing builds nothing."""
        commands = self.commands
        summary = commands.summary if isinstance(commands, LazyCommands) else commands.__getitem__
        rows = [(name, summary(name)) for name in self.list_commands(ctx)]
        rows = [(name, command) for name, command in rows if not command.hidden]
        if rows:
            limit = formatter.width - 6 - max(len(name) for name, _ in rows)
            with formatter.section("Commands"):
                formatter.write_dl([(name, command.get_short_help_str(limit)) for name, command in rows])


app = typer.Typer(
    name="cairn",
    cls=CairnGroup,
    help="Cairn: blameless incident postmortems. Capture the incident, write the postmortem, follow it up.",
    no_args_is_help=True,
    rich_markup_mode=None,
    pretty_exceptions_enable=False,
    add_completion=False,
)


@app.callback()
def main(
    server: Optional[str] = typer.Option(
        None, "--server", help="Remote mode: the team's Cairn URL; log, incident open/resolve/list/show... then use its API "
        "(also CAIRN_SERVER or ~/.config/cairn/remote.toml).",
    ),
    token: Optional[str] = typer.Option(
        None, "--token", help="API token for --server (prefer CAIRN_TOKEN or the config file: options show in process lists).",
    ),
) -> None:
    """Cairn keeps incidents, their timelines and postmortems in one database.

    Set CAIRN_DATABASE_URL for PostgreSQL; by default a SQLite file lives in
    CAIRN_DATA_DIR (~/.local/share/cairn). With --server (or CAIRN_SERVER),
    `cairn log` and `cairn incident open/mitigate/resolve/close/reopen/list/show`
    work on a team server through its API instead.
    """
    from cairn.cli.state import set_remote_options

    set_remote_options(server, token)


def run() -> None:
    try:
        app()
    finally:
        from cairn.cli import state

        # Close the database now, as the interpreter's exit would (SQLite then
        # checkpoints its WAL); then spare that exit its full collections over
        # every object the command loaded (a quarter of a short command's time).
        state.reset()
        gc.freeze()
