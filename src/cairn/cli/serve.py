"""`cairn serve`: the web app."""

from __future__ import annotations

from typing import Optional

import typer


def serve(
    host: Optional[str] = typer.Option(None, "--host", help="Address to listen on (default CAIRN_HOST, 127.0.0.1)."),
    port: Optional[int] = typer.Option(None, "--port", help="Port (default CAIRN_PORT, 8000)."),
) -> None:
    """Serve the web pages and the API."""
    import uvicorn

    from cairn.cli.state import context
    from cairn.web.app import create_app

    from cairn.services.scheduler import start_reminder_loop

    ctx = context()
    app = create_app(ctx.settings, context=ctx)
    start_reminder_loop(ctx, ctx.settings.remind_interval_minutes)
    typer.echo(f"Cairn on http://{host or ctx.settings.host}:{port or ctx.settings.port}", err=True)
    uvicorn.run(app, host=host or ctx.settings.host, port=port or ctx.settings.port, log_level="info")
