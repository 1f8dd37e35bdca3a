"""The `cairn` command."""

from __future__ import annotations

from typing import Optional

import typer
from typer.core import TyperGroup

from cairn.errors import CairnError
from cairn.cli import actions, changes, db, demo, incident, insights, lint, metrics, mine, portable, postmortem, remind, report, search, serve, similar, templates, timeline, timeline_import, tokens, users



class CairnGroup(TyperGroup):
    """Turns any CairnError into one line on stderr and exit code 2."""

    def invoke(self, ctx):  # type: ignore[no-untyped-def]
        try:
            return super().invoke(ctx)
        except CairnError as error:
            typer.echo(f"error: {error}", err=True)
            raise typer.Exit(2) from None


app = typer.Typer(
    name="cairn",
    cls=CairnGroup,
    help="Cairn: blameless incident postmortems. Capture the incident, write the postmortem, follow it up.",
    no_args_is_help=True,
    rich_markup_mode=None,
    pretty_exceptions_enable=False,
    add_completion=False,
)
incident.app.command("update")(changes.update)
app.add_typer(incident.app, name="incident")
app.add_typer(changes.event_app, name="event")
app.add_typer(postmortem.app, name="postmortem")
app.add_typer(actions.app, name="actions")
app.add_typer(db.app, name="db")
app.add_typer(users.app, name="user")
app.add_typer(tokens.app, name="token")
app.add_typer(templates.app, name="template")
app.add_typer(insights.app, name="insights")
app.command("log")(timeline.log)
app.command("export")(portable.export)
app.command("import")(portable.import_)
app.command("import-timeline")(timeline_import.import_timeline)
app.command("lint")(lint.lint)
app.command("remind")(remind.remind)
app.command("mine")(mine.mine)
app.command("search")(search.search)
app.command("similar")(similar.similar)
app.command("report")(report.report)
app.command("metrics")(metrics.metrics)
app.command("demo")(demo.demo)
app.command("serve")(serve.serve)


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
    app()
