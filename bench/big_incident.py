"""Render time of the incident page with 10,000 timeline events against the
same page with 100, measured in the same run. Target: a ratio of 2 or less.

Each render is cold: the page cache is emptied first, so the figure is the
cost of the first reader after a change, not of a cached copy. Both incidents
carry the same postmortem; half of the events are imported log lines (source
`log`, with a level), the rest are typed by people.

Run: python bench/big_incident.py [--small 100] [--big 10000] [--rounds 5]
"""

from __future__ import annotations

import argparse
import statistics
import sys
import tempfile
import time
from datetime import datetime, timedelta, timezone
from pathlib import Path

PASSWORD = "bench-password-123"
KINDS = ["alert", "action", "communication", "decision", "note"]
LEVELS = ["INFO", "WARNING", "ERROR"]


def document(events: int) -> str:
    start = datetime(2026, 1, 5, 9, 0, tzinfo=timezone.utc)
    lines = []
    for index in range(events):
        at = (start + timedelta(seconds=3 * index + 1)).isoformat()
        if index % 2:
            text = f"[{LEVELS[index % 3]}] pool saturation on db-{index % 5}, worker {index % 11} restarted"
            lines.append(f"- {{at: {at}, kind: note, text: '{text}', source: log, ref: 'l{index}'}}")
        else:
            text = f"step {index}: checked db-{index % 5}"
            lines.append(f"- {{at: {at}, kind: {KINDS[index % 5]}, actor: alice, text: '{text}', ref: 'm{index}'}}")
    return (
        "---\ncairn: 1\ntitle: Checkout answers 502 for card payments\nseverity: SEV2\nstatus: resolved\n"
        f"timezone: Europe/Berlin\nmoments:\n  started: {start.isoformat()}\n"
        f"  resolved: {(start + timedelta(seconds=3 * events + 5)).isoformat()}\n"
        "timeline:\n" + "\n".join(lines) + "\n---\n## Summary\n\nCard payments failed for a share of users.\n"
    )


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--small", type=int, default=100)
    parser.add_argument("--big", type=int, default=10_000)
    parser.add_argument("--rounds", type=int, default=5)
    args = parser.parse_args()

    from fastapi.testclient import TestClient

    from cairn.config import Settings
    from cairn.services.context import open_context
    from cairn.services.people import create_user
    from cairn.services.portable import import_document
    from cairn.storage.db import Database
    from cairn.storage.migrate import upgrade
    from cairn.web.app import create_app
    from cairn.web.cache import StampCache

    with tempfile.TemporaryDirectory() as data_dir:
        settings = Settings(data_dir=Path(data_dir), database_url=f"sqlite:///{data_dir}/bench.db")
        database = Database(settings.database_url)
        upgrade(database)
        database.dispose()
        ctx = open_context(settings, actor="bench")
        small = import_document(ctx, document(args.small), source="small.md").key
        big = import_document(ctx, document(args.big), source="big.md").key
        create_user(ctx, "bench", role="admin", password=PASSWORD)
        with TestClient(create_app(settings, context=ctx)) as client:
            csrf = client.get("/signin").text.split('name="csrf_token" value="')[1].split('"')[0]
            client.post("/signin", data={"username": "bench", "password": PASSWORD, "csrf_token": csrf})

            def render(key: str) -> tuple[float, int]:
                client.app.state.incident_pages = StampCache()
                began = time.perf_counter()
                response = client.get(f"/incidents/{key}")
                elapsed = time.perf_counter() - began
                assert response.status_code == 200, response.text[:300]
                return elapsed, len(response.content)

            render(small), render(big)  # warm imports and templates
            timings: dict[str, list[float]] = {small: [], big: []}
            sizes = {}
            for _round in range(args.rounds):
                for key in (small, big):
                    elapsed, sizes[key] = render(key)
                    timings[key].append(elapsed)
    small_s, big_s = statistics.median(timings[small]), statistics.median(timings[big])
    print(f"incident page, {args.small} events: {small_s * 1000:.1f} ms, {sizes[small] / 1024:.0f} KiB")
    print(f"incident page, {args.big} events: {big_s * 1000:.1f} ms, {sizes[big] / 1024:.0f} KiB")
    ratio = big_s / small_s
    print(f"ratio {ratio:.2f} (target <= 2.00): {'ok' if ratio <= 2 else 'too slow'}")
    return 0 if ratio <= 2 else 1


if __name__ == "__main__":
    sys.exit(main())
