"""A local server speaking the chat-completions API, with scripted answers.

Each test queues what the "model" does next: answer with some content,
answer with a raw body and status, or stall past the client's timeout. Every
request is kept (path, headers, JSON body) so tests can see what was sent.
"""

from __future__ import annotations

import json
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler
from typing import Any

from tests.followup.fake_http import serving


@dataclass
class Script:
    answers: list[tuple[str, Any]] = field(default_factory=list)
    requests: list[dict[str, Any]] = field(default_factory=list)

    def say(self, content: str) -> None:
        self.answers.append(("content", content))

    def say_sections(self, sections: dict[str, str]) -> None:
        self.say(json.dumps({"sections": sections}))

    def raw(self, body: str, status: int = 200) -> None:
        self.answers.append(("raw", (body, status)))

    def stall(self, seconds: float) -> None:
        self.answers.append(("stall", seconds))


@contextmanager
def fake_model() -> Iterator[tuple[str, Script]]:
    script = Script()

    class Handler(BaseHTTPRequestHandler):
        def log_message(self, *args: Any) -> None:
            pass

        def do_POST(self) -> None:  # noqa: N802 (http.server's name)
            length = int(self.headers.get("Content-Length") or 0)
            body = json.loads(self.rfile.read(length) or b"{}")
            script.requests.append({"path": self.path, "headers": dict(self.headers), "body": body})
            what, value = script.answers.pop(0) if script.answers else ("raw", ('{"error": {"message": "no answer scripted"}}', 500))
            if what == "stall":
                time.sleep(value)
                what, value = "content", "{}"
            if what == "content":
                reply = json.dumps({
                    "id": "chatcmpl-1", "object": "chat.completion", "model": "fake-7b",
                    "choices": [{"index": 0, "message": {"role": "assistant", "content": value}, "finish_reason": "stop"}],
                })
                status = 200
            else:
                reply, status = value
            data = reply.encode("utf-8")
            try:
                self.send_response(status)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(data)))
                self.end_headers()
                self.wfile.write(data)
            except (BrokenPipeError, ConnectionResetError):
                pass  # the client gave up waiting, as it should

    with serving(Handler) as server:
        yield f"http://127.0.0.1:{server.server_port}/v1", script
