"""Requests per second of Cairn's incident page and API read, against a bare
Starlette endpoint served the same way in the same run.

Each server is its own uvicorn process on loopback (same options), loaded
with one incident of --events timeline events. Clients keep their connections
alive; rounds alternate between the three targets and the median round
counts, so machine noise touches all of them alike. Target: the API read at
0.25 of the baseline or better.

Run: python bench/web.py [--events 500] [--requests 600] [--workers 4] [--rounds 3]
"""

from __future__ import annotations

import argparse
import http.client
import json
import os
import socket
import statistics
import subprocess
import sys
import tempfile
import textwrap
import threading
import time
from datetime import datetime, timedelta, timezone
from pathlib import Path

PASSWORD = "bench-password-123"

BASELINE_APP = textwrap.dedent(
    """
    from starlette.applications import Starlette
    from starlette.responses import JSONResponse
    from starlette.routing import Route

    async def hello(request):
        return JSONResponse({"ok": True})

    app = Starlette(routes=[Route("/", hello)])
    """
)

CAIRN_APP = textwrap.dedent(
    """
    from cairn.config import Settings
    from cairn.web.app import create_app

    app = create_app(Settings())
    """
)


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def start_server(module_dir: Path, module: str, env: dict[str, str]) -> tuple[subprocess.Popen, int]:
    port = free_port()
    command = [
        sys.executable, "-m", "uvicorn", f"{module}:app", "--host", "127.0.0.1", "--port", str(port),
        "--log-level", "warning", "--no-access-log", "--app-dir", str(module_dir),
    ]
    process = subprocess.Popen(command, env=env)
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=0.2):
                return process, port
        except OSError:
            time.sleep(0.05)
    process.kill()
    raise SystemExit(f"{module} did not start on port {port}")


def fetch(connection: http.client.HTTPConnection, path: str, headers: dict[str, str]) -> tuple[int, bytes]:
    connection.request("GET", path, headers=headers)
    response = connection.getresponse()
    return response.status, response.read()


def connect(port: int) -> http.client.HTTPConnection:
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
    connection.connect()
    connection.sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
    return connection


def measure(port: int, path: str, headers: dict[str, str], requests: int, workers: int) -> float:
    """Requests per second with `workers` keep-alive clients sharing `requests`."""
    share = requests // workers
    connections = [connect(port) for _ in range(workers)]
    failures: list[int] = []

    def run(connection: http.client.HTTPConnection) -> None:
        for _ in range(share):
            status, _body = fetch(connection, path, headers)
            if status != 200:
                failures.append(status)

    threads = [threading.Thread(target=run, args=(c,)) for c in connections]
    start = time.perf_counter()
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    elapsed = time.perf_counter() - start
    for connection in connections:
        connection.close()
    if failures:
        raise SystemExit(f"{path}: {len(failures)} answers were not 200 (e.g. {failures[0]})")
    return share * workers / elapsed


def load(database_url: str, data_dir: str, events: int) -> tuple[str, str, str, str]:
    """One incident with `events` events, an admin, a token and a signed-in session."""
    from cairn.config import Settings
    from cairn.services.accounts import sign_in
    from cairn.services.context import open_context
    from cairn.services.incidents import open_incident
    from cairn.services.people import create_user
    from cairn.services.timeline import log_event
    from cairn.services.tokens import create_token

    ctx = open_context(Settings(data_dir=data_dir, database_url=database_url), actor="bench")
    title = "Checkout answers 502 for a share of card payments"
    key = open_incident(ctx, title, severity="SEV2", services=["checkout"], started="2026-01-05T09:00:00+00:00").key
    start = datetime(2026, 1, 5, 9, 0, tzinfo=timezone.utc)
    kinds = ["alert", "action", "communication", "decision", "note"]
    for index in range(events):
        log_event(
            ctx, key, f"step {index}: checked pool saturation on db-{index % 5}, restarted worker {index % 11}",
            kind=kinds[index % len(kinds)], at=start + timedelta(seconds=7 * index + 1), source="bench", ref=f"e{index}",
        )
    create_user(ctx, "bench", role="admin", password=PASSWORD)
    token, _info = create_token(ctx, "bench", "bench", days=1)
    cookie = sign_in(ctx, "bench", PASSWORD).cookie
    ctx.db.dispose()
    return key, title, token, cookie


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--events", type=int, default=500, help="timeline events of the incident")
    parser.add_argument("--requests", type=int, default=600, help="requests per target and round")
    parser.add_argument("--workers", type=int, default=4, help="concurrent keep-alive clients")
    parser.add_argument("--rounds", type=int, default=3, help="alternating rounds; the median counts")
    args = parser.parse_args()

    with tempfile.TemporaryDirectory(prefix="cairn-bench-web-") as folder:
        tmp = Path(folder)
        (tmp / "baseline_app.py").write_text(BASELINE_APP)
        (tmp / "cairn_app.py").write_text(CAIRN_APP)
        database_url = f"sqlite:///{tmp / 'cairn.db'}"
        key, title, token, cookie = load(database_url, str(tmp), args.events)
        env = {
            **os.environ, "CAIRN_DATA_DIR": str(tmp), "CAIRN_DATABASE_URL": database_url,
            "CAIRN_REMIND_INTERVAL_MINUTES": "0",
        }
        baseline, baseline_port = start_server(tmp, "baseline_app", env)
        cairn, cairn_port = start_server(tmp, "cairn_app", env)
        targets = {
            "baseline": (baseline_port, "/", {}),
            "page": (cairn_port, f"/incidents/{key}", {"Cookie": f"cairn_session={cookie}"}),
            "api": (cairn_port, f"/api/v1/incidents/{key}", {"Authorization": f"Bearer {token}"}),
        }
        try:
            # Check what is measured before measuring it: no redirect to the sign-in page.
            connection = connect(cairn_port)
            status, body = fetch(connection, *targets["page"][1:])
            assert status == 200 and title.encode() in body and b"Sign in" not in body[:2000], "the page is not the incident"
            status, body = fetch(connection, *targets["api"][1:])
            assert status == 200 and len(json.loads(body)["timeline"]) == args.events, "the API read is not the incident"
            connection.close()
            for name, (port, path, headers) in targets.items():  # warm-up
                measure(port, path, headers, max(args.workers * 10, args.requests // 10), args.workers)
            results: dict[str, list[float]] = {name: [] for name in targets}
            for _round in range(args.rounds):
                for name, (port, path, headers) in targets.items():
                    results[name].append(measure(port, path, headers, args.requests, args.workers))
        finally:
            for process in (baseline, cairn):
                process.terminate()
                process.wait(timeout=10)

    rps = {name: statistics.median(values) for name, values in results.items()}
    print(f"incident with {args.events} timeline events; {args.requests} requests x {args.rounds} rounds, {args.workers} clients")
    print(f"bare Starlette endpoint   {rps['baseline']:8.0f} req/s")
    print(f"incident page (HTML)      {rps['page']:8.0f} req/s   ratio {rps['page'] / rps['baseline']:.3f}")
    print(f"incident API read (JSON)  {rps['api']:8.0f} req/s   ratio {rps['api'] / rps['baseline']:.3f}   (target >= 0.25)")


if __name__ == "__main__":
    main()
