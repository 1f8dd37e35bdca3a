"""Timeline import speed and memory.

Generates a Slack export and a log file of N records, imports each into a
fresh SQLite database, and prints events per second as a ratio against a
baseline measured in the same run: parsing the same files with the fastest
JSON parser available (orjson if installed, else json) and no database.
Then prints peak memory (RSS) of an import of 100,000 and of N records, each
in its own process: it must not grow with the input.

Run: python bench/import_timeline.py [--records 1000000] [--workdir /tmp/cairn-bench]
Target: import rate at 0.3 of the parse-only rate or better. Also printed:
the database floor, SQLite inserting prepared rows into the timeline table
with no parsing at all, since no import can be faster than that.
"""

from __future__ import annotations

import argparse
import json
import re
import resource
import shutil
import subprocess
import sys
import time
from pathlib import Path

PER_DAY = 10_000
START = 1_763_000_000  # epoch seconds, November 2025


def make_slack_export(root: Path, records: int) -> None:
    root.mkdir(parents=True)
    (root / "channels.json").write_text(json.dumps([{"id": "C1", "name": "inc"}]))
    (root / "users.json").write_text(json.dumps([{"id": f"U{i}", "name": f"user{i}", "real_name": f"User {i}"} for i in range(50)]))
    channel = root / "inc"
    channel.mkdir()
    for day in range((records + PER_DAY - 1) // PER_DAY):
        count = min(PER_DAY, records - day * PER_DAY)
        base = START + day * 86_400
        messages = [
            {"type": "message", "user": f"U{n % 50}", "text": f"step {n}: restarted worker <@U{(n + 1) % 50}> please check",
             "ts": f"{base + n * 8}.{n:06d}"}
            for n in range(count)
        ]
        stamp = time.strftime("%Y-%m-%d", time.gmtime(base))
        (channel / f"{stamp}.json").write_text(json.dumps(messages))


def make_log(path: Path, records: int) -> None:
    with path.open("w") as file:
        for n in range(records):
            seconds = START + n
            stamp = time.strftime("%Y-%m-%dT%H:%M:%S", time.gmtime(seconds))
            file.write(f"{stamp}.{n % 1000:03d}Z {'ERROR' if n % 97 == 0 else 'INFO'} worker-{n % 16}: request {n} done\n")


def parse_only(slack: Path, log: Path) -> tuple[float, float]:
    try:
        import orjson

        loads = orjson.loads
    except ImportError:
        loads = json.loads
    start = time.perf_counter()
    count = 0
    for day in sorted((slack / "inc").iterdir()):
        count += len(loads(day.read_bytes()))
    slack_rate = count / (time.perf_counter() - start)
    stamp = re.compile(r"^(\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2})")
    start = time.perf_counter()
    lines = 0
    with log.open("rb") as file:
        for line in file:
            if stamp.match(line.decode()):
                lines += 1
    return slack_rate, lines / (time.perf_counter() - start)


IMPORT_SCRIPT = """
import resource, sys, time
from pathlib import Path
from cairn.config import Settings
from cairn.services.context import open_context
from cairn.services.incidents import open_incident
from cairn.services.timeline_import import import_timeline
from cairn.importers.base import ImportOptions
from zoneinfo import ZoneInfo
work, target, source, channel = Path(sys.argv[1]), Path(sys.argv[2]), sys.argv[3], sys.argv[4] or None
ctx = open_context(Settings(data_dir=work, database_url=f"sqlite:///{work / 'bench.db'}"))
key = open_incident(ctx, "bench", severity="SEV3", started="2025-01-01T00:00Z").key
start = time.perf_counter()
summary = import_timeline(ctx, key, target, source=source, options=ImportOptions(zone=ZoneInfo("UTC"), channel=channel, year=2025))
elapsed = time.perf_counter() - start
print(summary.added, elapsed, resource.getrusage(resource.RUSAGE_SELF).ru_maxrss)
"""


def run_import(workdir: Path, target: Path, source: str, channel: str = "") -> tuple[int, float, int]:
    db_dir = workdir / f"db-{source}-{target.name}"
    shutil.rmtree(db_dir, ignore_errors=True)
    db_dir.mkdir()
    out = subprocess.run(
        [sys.executable, "-c", IMPORT_SCRIPT, str(db_dir), str(target), source, channel],
        check=True, capture_output=True, text=True,
    ).stdout.split()
    return int(out[0]), float(out[1]), int(out[2])


FLOOR_SCRIPT = """
import sys, time
from datetime import datetime, timedelta, timezone
from pathlib import Path
from cairn.config import Settings
from cairn.services.context import open_context
from cairn.services.incidents import open_incident
work, records = Path(sys.argv[1]), int(sys.argv[2])
ctx = open_context(Settings(data_dir=work, database_url=f"sqlite:///{work / 'floor.db'}"))
open_incident(ctx, "floor", severity="SEV3", started="2025-01-01T00:00Z")
start_at = datetime(2025, 11, 13, tzinfo=timezone.utc)
rows = (
    (1, (start_at + timedelta(seconds=n)).isoformat(" ", "microseconds")[:26], "note", None,
     f"[INFO] worker-{n % 16}: request {n} done", "log", f"app.log:{n}:{n * 2654435761 % 2**32:08x}", "2026-01-01 00:00:00.000000")
    for n in range(records)
)
sql = ("INSERT INTO timeline_events (incident_id, at, kind, actor, text, source, source_ref, created_at) "
       "VALUES (?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT (incident_id, source, source_ref) DO NOTHING")
batch, elapsed = [], 0.0
with ctx.db.engine.begin() as connection:
    for row in rows:
        batch.append(row)
        if len(batch) == 2000:
            t = time.perf_counter(); connection.exec_driver_sql(sql, batch); elapsed += time.perf_counter() - t
            batch.clear()
    t = time.perf_counter()
    if batch:
        connection.exec_driver_sql(sql, batch)
    elapsed += time.perf_counter() - t
print(records / elapsed)
"""


def database_floor(workdir: Path, records: int) -> float:
    """Rows per second SQLite itself takes into the timeline table, rows prepared
    beforehand: no import can beat it, so it puts the ratio in proportion."""
    db_dir = workdir / "db-floor"
    shutil.rmtree(db_dir, ignore_errors=True)
    db_dir.mkdir()
    out = subprocess.run([sys.executable, "-c", FLOOR_SCRIPT, str(db_dir), str(records)], check=True, capture_output=True, text=True)
    return float(out.stdout.split()[0])


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--records", type=int, default=1_000_000)
    parser.add_argument("--workdir", type=Path, default=Path("/tmp/cairn-bench"))
    args = parser.parse_args()
    shutil.rmtree(args.workdir, ignore_errors=True)
    args.workdir.mkdir(parents=True)
    sizes = sorted({min(100_000, args.records), args.records})
    files = {}
    for size in sizes:
        slack, log = args.workdir / f"slack-{size}", args.workdir / f"app-{size}.log"
        make_slack_export(slack, size)
        make_log(log, size)
        files[size] = (slack, log)
    slack_parse, log_parse = parse_only(*files[args.records])
    print(f"parse only ({args.records:,} records): slack {slack_parse:,.0f}/s, log {log_parse:,.0f}/s")
    floor = database_floor(args.workdir, args.records)
    print(f"database floor (prepared rows into SQLite, no parsing): {floor:,.0f}/s "
          f"= {floor / slack_parse:.2f} of slack parse-only, {floor / log_parse:.2f} of log parse-only")
    for size in sizes:
        slack, log = files[size]
        added, seconds, slack_rss = run_import(args.workdir, slack, "slack", "inc")
        slack_rate = added / seconds
        added_log, seconds_log, log_rss = run_import(args.workdir, log, "log")
        log_rate = added_log / seconds_log
        print(f"{size:>9,} records: slack import {slack_rate:,.0f}/s (ratio {slack_rate / slack_parse:.2f}), "
              f"peak RSS {slack_rss / 1024:.0f} MiB; log import {log_rate:,.0f}/s (ratio {log_rate / log_parse:.2f}), "
              f"peak RSS {log_rss / 1024:.0f} MiB; against the database floor: slack {slack_rate / floor:.2f}, log {log_rate / floor:.2f}")


if __name__ == "__main__":
    main()
