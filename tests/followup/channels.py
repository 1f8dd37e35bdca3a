"""Real delivery channels for tests: an SMTP server, and an HTTP server that
records JSON posts (a team's Slack or webhook), both on loopback."""

from __future__ import annotations

import email
import email.policy
import json
import socket
from collections.abc import Iterator
from contextlib import contextmanager
from http.server import BaseHTTPRequestHandler
from pathlib import Path

from aiosmtpd.controller import Controller

from cairn.services.context import Context
from tests.followup.fake_http import serving


class Inbox:
    def __init__(self) -> None:
        self.messages: list[email.message.Message] = []

    async def handle_DATA(self, server, session, envelope):  # noqa: N802 - aiosmtpd's hook name
        self.messages.append(email.message_from_bytes(envelope.content, policy=email.policy.default))
        return "250 OK"


class Hooks:
    """Records JSON posts and can fail on purpose (`fail_next`); serve `handler`."""

    def __init__(self) -> None:
        self.received: list[dict] = []
        self.fail_next: list[int] = []
        hooks = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self):  # noqa: N802
                body = json.loads(self.rfile.read(int(self.headers["Content-Length"])))
                status = hooks.fail_next.pop(0) if hooks.fail_next else 200
                if status == 200:
                    hooks.received.append(body)
                self.send_response(status)
                self.end_headers()

            def log_message(self, *args):
                pass

        self.handler = Handler


@contextmanager
def smtp_inbox() -> Iterator[tuple[Inbox, int]]:
    """An SMTP server on a free loopback port; yields what it received and the port."""
    probe = socket.socket()
    probe.bind(("127.0.0.1", 0))
    port = probe.getsockname()[1]
    probe.close()
    inbox = Inbox()
    controller = Controller(inbox, hostname="127.0.0.1", port=port)
    controller.start()
    try:
        yield inbox, port
    finally:
        controller.stop()


@contextmanager
def team_channels(ctx: Context, folder: Path) -> Iterator[tuple[Context, Inbox, Hooks]]:
    """A context whose settings reach real e-mail, and the payments team's Slack and webhook."""
    with smtp_inbox() as (inbox, port):
        hooks = Hooks()
        with serving(hooks.handler) as server:
            url = f"http://127.0.0.1:{server.server_port}/hook"
            config = folder / "notify.toml"
            config.write_text(f'[teams.payments]\nemail = true\nslack_webhook = "{url}"\nwebhook = "{url}"\n')
            settings = ctx.settings.model_copy(update={"smtp_host": "127.0.0.1", "smtp_port": port, "notify_config": config})
            yield Context(settings=settings, db=ctx.db, actor="tester"), inbox, hooks
