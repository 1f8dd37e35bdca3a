"""`cairn token ...`: API tokens for scripts and integrations."""

from __future__ import annotations

import typer

from cairn.domain.limits import INT_MAX

app = typer.Typer(help="Create, list and revoke API tokens.", no_args_is_help=True)


@app.command("create")
def create(
    name: str = typer.Argument(..., help="What the token is for, e.g. 'alertmanager'."),
    user: str = typer.Option(..., "--user", help="The user the token acts as."),
    days: int = typer.Option(90, "--days", help="Days until it expires (0: never)."),
) -> None:
    """Create a token; it is shown once and stored only as a digest."""
    from cairn.cli.state import context
    from cairn.services.tokens import create_token

    raw, info = create_token(context(), name, user, days=days or None)
    expiry = info.expires_at.date().isoformat() if info.expires_at else "never"
    typer.echo(f"token {info.id} for {info.user} (expires {expiry}); copy it now, it is not shown again:", err=True)
    typer.echo(raw)


@app.command("list")
def list_() -> None:
    """List tokens (never their secret)."""
    from cairn.cli.state import context
    from cairn.services.tokens import list_tokens

    for token in list_tokens(context()):
        state = "revoked" if token.revoked_at else f"expires {token.expires_at.date() if token.expires_at else 'never'}"
        used = token.last_used_at.isoformat() if token.last_used_at else "never used"
        typer.echo(f"{token.id}\t{token.name}\t{token.user}\t{token.prefix}…\t{state}\t{used}")


@app.command("revoke")
def revoke(token_id: int = typer.Argument(..., min=1, max=INT_MAX, help="Token id from `cairn token list`.")) -> None:
    """Revoke a token at once."""
    from cairn.cli.state import context
    from cairn.services.tokens import revoke_token

    info = revoke_token(context(), token_id)
    typer.echo(f"token {info.id} ({info.name}) revoked")


