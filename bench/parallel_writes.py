"""The lost-update probe: parallel clients against a real server, over HTTP.

Two clients save the same postmortem section from the same `base` at the same
moment, --trials times: prints how many of each pair won (exactly one should).
Then --clients clients add --events events each in parallel: prints how much
the incident's version rose (it should rise by exactly clients x events).

Runs on SQLite by default; pass --database-url postgresql+psycopg://... for
PostgreSQL. This checks correctness under load, so it prints counts, not times.

Run: python bench/parallel_writes.py [--trials 20] [--clients 8] [--events 50]
"""

from __future__ import annotations

import argparse
import socket
import tempfile
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import httpx2 as httpx
import uvicorn

from cairn.config import Settings
from cairn.services.context import open_context
from cairn.services.incidents import open_incident, show_incident
from cairn.services.people import create_user
from cairn.services.tokens import create_token
from cairn.web.app import create_app


def serve(app) -> tuple[str, uvicorn.Server]:  # type: ignore[no-untyped-def]
    sock = socket.socket()
    sock.bind(("127.0.0.1", 0))
    server = uvicorn.Server(uvicorn.Config(app, log_level="warning"))
    threading.Thread(target=server.run, kwargs={"sockets": [sock]}, daemon=True).start()
    while not server.started:
        time.sleep(0.02)
    return f"http://127.0.0.1:{sock.getsockname()[1]}", server


def race(count: int, work):  # type: ignore[no-untyped-def]
    start = threading.Barrier(count)

    def run(index: int):  # type: ignore[no-untyped-def]
        start.wait()
        return work(index)

    with ThreadPoolExecutor(count) as pool:
        return list(pool.map(run, range(count)))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--trials", type=int, default=20)
    parser.add_argument("--clients", type=int, default=8)
    parser.add_argument("--events", type=int, default=50)
    parser.add_argument("--database-url", default=None)
    args = parser.parse_args()
    folder = Path(tempfile.mkdtemp(prefix="cairn-race-"))
    settings = Settings(database_url=args.database_url or f"sqlite:///{folder}/cairn.db", data_dir=folder)
    ctx = open_context(settings, actor="bench")
    create_user(ctx, "racer", role="responder")
    token, _ = create_token(ctx, "race", "racer", days=1)
    key = open_incident(ctx, "Parallel writers", severity="SEV2").key
    url, server = serve(create_app(settings, context=ctx))
    headers = {"Authorization": f"Bearer {token}"}
    with httpx.Client(base_url=url, headers=headers, timeout=60) as http:
        winners = []
        for trial in range(args.trials):
            base = next(s["base"] for s in http.get(f"/api/v1/incidents/{key}/postmortem").json()["sections"] if s["name"] == "summary")
            answers = race(2, lambda w: http.put(f"/api/v1/incidents/{key}/postmortem/sections/summary",
                                                 json={"text": f"trial {trial} writer {w}", "base": base}))
            winners.append(sum(a.status_code == 200 for a in answers))
        print(f"section saves: winners per trial {winners}; trials with exactly one winner: {winners.count(1)}/{args.trials}")
        before = show_incident(ctx, key).version
        codes = race(args.clients, lambda c: [
            http.post(f"/api/v1/incidents/{key}/timeline", json={"text": f"client {c} event {n}"}).status_code
            for n in range(args.events)
        ])
        after = show_incident(ctx, key).version
        failed = sum(code >= 300 for client in codes for code in client)
        print(f"parallel events: {args.clients} clients x {args.events} events, version +{after - before} "
              f"(expected +{args.clients * args.events}), failed requests {failed}")
    server.should_exit = True
    ctx.db.dispose()


if __name__ == "__main__":
    main()
