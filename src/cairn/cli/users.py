"""`cairn user ...`: accounts, their roles, passwords and teams."""

from __future__ import annotations

import sys
from typing import Optional

import typer

app = typer.Typer(help="Manage user accounts, roles, passwords and teams.", no_args_is_help=True)


def _read_password(from_stdin: bool, prompt: bool) -> str | None:
    """A password from stdin (first line) or an interactive prompt; never from argv."""
    if from_stdin:
        line = sys.stdin.readline()
        return line.rstrip("\r\n")
    if prompt:
        return typer.prompt("Password", hide_input=True, confirmation_prompt=True)
    return None


@app.command("create")
def create(
    username: str = typer.Argument(..., help="Login name: letters, digits, '.', '_' or '-'."),
    name: Optional[str] = typer.Option(None, "--name", help="Display name."),
    email: Optional[str] = typer.Option(None, "--email", help="E-mail address for reminders."),
    role: str = typer.Option("responder", "--role", help="viewer (read), responder (write) or admin (users, settings)."),
    team: Optional[list[str]] = typer.Option(None, "--team", help="Team to join (repeatable)."),
    password: bool = typer.Option(False, "--password", help="Prompt for a password so the user can sign in to the web app."),
    password_stdin: bool = typer.Option(False, "--password-stdin", help="Read the password from the first line of stdin."),
) -> None:
    """Create a user; give a password to let them sign in."""
    from cairn.cli.state import context
    from cairn.services.people import create_user

    secret = _read_password(password_stdin, password)
    user = create_user(context(), username, display_name=name, email=email, role=role, teams=team or [], password=secret)
    signin = "can sign in" if secret else "no password yet: `cairn user set-password`"
    typer.echo(f"created user {user.username} ({user.role}; {signin})")


@app.command("list")
def list_() -> None:
    """List users."""
    from cairn.cli.state import context
    from cairn.services.people import list_users

    for user in list_users(context()):
        signin = "password" if user.password_hash else "no password"
        typer.echo(f"{user.username}\t{user.role}\t{signin}\t{user.display_name or ''}\t{user.email or ''}")


@app.command("set-role")
def set_role(
    username: str = typer.Argument(..., help="The user."),
    role: str = typer.Argument(..., help="viewer, responder or admin."),
) -> None:
    """Change a user's role; their web sign-ins end."""
    from cairn.cli.state import context
    from cairn.services.accounts import set_role as change

    user = change(context(), username, role)
    typer.echo(f"{user.username} is now {user.role}")


@app.command("set-password")
def set_password(
    username: str = typer.Argument(..., help="The user."),
    password_stdin: bool = typer.Option(False, "--password-stdin", help="Read the password from the first line of stdin."),
) -> None:
    """Set a user's password (prompted, or from stdin); their web sign-ins end."""
    from cairn.cli.state import context
    from cairn.services.accounts import set_password as change

    secret = _read_password(password_stdin, True)
    assert secret is not None
    change(context(), username, secret)
    typer.echo(f"password of {username} set")


@app.command("ensure-admin")
def ensure_admin(
    url: str = typer.Option("http://127.0.0.1:8000", "--url", help="Where the web app will be, for the sign-in hint."),
) -> None:
    """Create the first admin account if no admin can sign in, and say how to sign in."""
    from cairn.cli.state import context
    from cairn.services.accounts import FIRST_ADMIN, ensure_first_admin

    password = ensure_first_admin(context())
    if password is None:
        typer.echo(f"Sign in at {url}/signin with your admin account (reset a password: cairn user set-password NAME).")
    else:
        typer.echo(f"Created the first admin. Sign in at {url}/signin as '{FIRST_ADMIN}' with password: {password}")
        typer.echo("This password is shown once; change it with: cairn user set-password admin")
