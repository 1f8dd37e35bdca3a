"""`cairn user ...`: people who respond, own and review."""

from __future__ import annotations

from typing import Optional

import typer

app = typer.Typer(help="Manage users and their teams.", no_args_is_help=True)


@app.command("create")
def create(
    username: str = typer.Argument(..., help="Login name: letters, digits, '.', '_' or '-'."),
    name: Optional[str] = typer.Option(None, "--name", help="Display name."),
    email: Optional[str] = typer.Option(None, "--email", help="E-mail address for reminders."),
    role: str = typer.Option("responder", "--role", help="viewer, responder or admin."),
    team: Optional[list[str]] = typer.Option(None, "--team", help="Team to join (repeatable)."),
) -> None:
    """Create a user."""
    from cairn.cli.state import context
    from cairn.services.people import create_user

    user = create_user(context(), username, display_name=name, email=email, role=role, teams=team or [])
    typer.echo(f"created user {user.username} ({user.role})")


@app.command("list")
def list_() -> None:
    """List users."""
    from cairn.cli.state import context
    from cairn.services.people import list_users

    for user in list_users(context()):
        typer.echo(f"{user.username}\t{user.role}\t{user.display_name or ''}\t{user.email or ''}")
