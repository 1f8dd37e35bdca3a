"""The tests' fake HTTP servers release their socket when a test ends."""

from __future__ import annotations

import socket
import urllib.request
from http.server import BaseHTTPRequestHandler

import pytest

from tests.followup.fake_http import serving


class Hello(BaseHTTPRequestHandler):
    def do_GET(self):  # noqa: N802
        self.send_response(200)
        self.end_headers()
        self.wfile.write(b"hello")

    def log_message(self, *args):
        pass


def test_a_fake_server_answers_while_open_and_frees_its_port_when_closed() -> None:
    with serving(Hello) as server:
        port = server.server_port
        with urllib.request.urlopen(f"http://127.0.0.1:{port}/", timeout=5) as answer:
            assert answer.read() == b"hello"
    assert server.socket.fileno() == -1  # server_close() ran, not only shutdown()
    with pytest.raises(ConnectionRefusedError):
        socket.create_connection(("127.0.0.1", port), timeout=5).close()
