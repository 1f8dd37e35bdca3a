"""A local HTTP server for the fake trackers and webhooks, always closed with its socket."""

from __future__ import annotations

import threading
from collections.abc import Iterator
from contextlib import contextmanager
from http.server import BaseHTTPRequestHandler, HTTPServer


@contextmanager
def serving(handler: type[BaseHTTPRequestHandler]) -> Iterator[HTTPServer]:
    """Serves `handler` on a free loopback port in a thread.

    `shutdown()` only stops the loop; `server_close()` also releases the
    listening socket, which otherwise leaks one per test (ResourceWarning).
    """
    server = HTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield server
    finally:
        server.shutdown()
        server.server_close()
        thread.join(timeout=10)
