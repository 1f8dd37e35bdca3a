"""`cairn db ...`: schema migrations."""

from __future__ import annotations

import typer

app = typer.Typer(help="Create and migrate the database.", no_args_is_help=True)


@app.command("upgrade")
def upgrade(revision: str = typer.Argument("head", help="Target revision.")) -> None:
    """Migrate the database to the latest schema (or REVISION)."""
    from cairn.cli.state import settings
    from cairn.storage.db import Database, redact_url
    from cairn.storage.migrate import current_revision, upgrade as run_upgrade

    db = Database(settings().resolved_database_url)
    db.check_connection()
    run_upgrade(db, revision)
    typer.echo(f"{redact_url(db.url)} is at schema {current_revision(db)}")


@app.command("current")
def current() -> None:
    """Print the database's schema revision and the one this Cairn expects."""
    from cairn.cli.state import settings
    from cairn.storage.db import Database
    from cairn.storage.migrate import current_revision, head_revision

    db = Database(settings().resolved_database_url)
    typer.echo(f"database: {current_revision(db) or 'empty'}  expected: {head_revision()}")
