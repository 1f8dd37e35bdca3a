"""Timeline import speed and memory.

Generates a Slack export and a log file of N records, imports each into a
fresh database, and prints events per second as a ratio against baselines
measured in the same run: parsing the same files with the fastest JSON
parser available (orjson if installed, else json) and no database; and the
database floor, the database itself taking prepared rows into the timeline
table (with its unique index and search triggers), no parsing at all, since
no import can be faster than that. Then prints peak memory (RSS) of an import
of 100,000 and of N records, each in its own process: it must not grow with
the input.

SQLite by default (a fresh file per run). The floor is prepared rows inserted
with executemany in batches of 2,000, the figure this bench has always
printed; a second, stricter floor is printed beside it: the same rows in one
INSERT ... SELECT from an attached file, the way SQLite takes rows fastest
(each executemany row is a statement of its own, and FTS5 writes its pending
index data at every statement, which the one statement does not). With
--database-url postgresql+psycopg://... (or --postgres, which takes the URL
from CAIRN_TEST_DATABASE_URL, as scripts/with-postgres.sh exports it) the same
runs go to PostgreSQL, whose database is emptied before each run; the floor
there is the faster of COPY into the timeline table and psycopg's pipelined
executemany, both of prepared rows.

Run: python bench/import_timeline.py [--records 1000000] [--workdir /tmp/cairn-bench] [--database-url URL | --postgres]
Target: the import at 0.6 of the database floor or better, peak RSS flat.
"""

from __future__ import annotations

import argparse
import json
import os
import re
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


# Shared by the scripts below: a fresh database at the URL given (a SQLite file
# in the run's folder, or PostgreSQL's public schema emptied), migrated.
FRESH = """
import sys
from pathlib import Path
from cairn.config import Settings
from cairn.services.context import open_context
from cairn.services.incidents import open_incident

def fresh_context(work, url, name):
    if url.startswith("postgresql"):
        from sqlalchemy import text
        from cairn.storage.db import Database
        db = Database(url)
        with db.engine.begin() as connection:
            connection.execute(text("DROP SCHEMA IF EXISTS public CASCADE"))
            connection.execute(text("CREATE SCHEMA public"))
        db.dispose()
    return open_context(Settings(data_dir=work, database_url=url or f"sqlite:///{work / name}"))
"""

IMPORT_SCRIPT = FRESH + """
import resource, time
from cairn.services.timeline_import import import_timeline
from cairn.importers.base import ImportOptions
from zoneinfo import ZoneInfo
work, target, source, channel, url = Path(sys.argv[1]), Path(sys.argv[2]), sys.argv[3], sys.argv[4] or None, sys.argv[5]
ctx = fresh_context(work, url, "bench.db")
key = open_incident(ctx, "bench", severity="SEV3", started="2025-01-01T00:00Z").key
start = time.perf_counter()
summary = import_timeline(ctx, key, target, source=source, options=ImportOptions(zone=ZoneInfo("UTC"), channel=channel, year=2025))
elapsed = time.perf_counter() - start
print(summary.added, elapsed, resource.getrusage(resource.RUSAGE_SELF).ru_maxrss)
"""


def run_import(workdir: Path, target: Path, source: str, url: str, channel: str = "") -> tuple[int, float, int]:
    db_dir = workdir / f"db-{source}-{target.name}"
    shutil.rmtree(db_dir, ignore_errors=True)
    db_dir.mkdir()
    out = subprocess.run(
        [sys.executable, "-c", IMPORT_SCRIPT, str(db_dir), str(target), source, channel, url],
        check=True, capture_output=True, text=True,
    ).stdout.split()
    return int(out[0]), float(out[1]), int(out[2])


# Prepared rows, the same on every database: what an import of the log file would insert.
ROWS = """
import time
from datetime import datetime, timedelta, timezone
work, records, url = Path(sys.argv[1]), int(sys.argv[2]), sys.argv[3]
ctx = fresh_context(work, url, "floor.db")
incident_id = 1
open_incident(ctx, "floor", severity="SEV3", started="2025-01-01T00:00Z")
sqlite = ctx.db.dialect == "sqlite"
start_at = datetime(2025, 11, 13, tzinfo=timezone.utc)
created = datetime(2026, 1, 1, tzinfo=timezone.utc)

def prepared():
    for n in range(records):
        at = start_at + timedelta(seconds=n)
        yield (incident_id, at.isoformat(" ", "microseconds")[:26] if sqlite else at, "note", None,
               f"[INFO] worker-{n % 16}: request {n} done", "log", f"app.log:{n}:{n * 2654435761 % 2**32:08x}",
               "2026-01-01 00:00:00.000000" if sqlite else created)

COLUMNS = "incident_id, at, kind, actor, text, source, source_ref, created_at"
"""

# The floor this bench has always printed: executemany in batches, the time of
# the inserts only (rows made beforehand, commit left out); psycopg pipelines it.
FLOOR_SCRIPT = FRESH + ROWS + """
placeholder = "?" if sqlite else "%s"
sql = (f"INSERT INTO timeline_events ({COLUMNS}) VALUES ({', '.join([placeholder] * 8)}) "
       "ON CONFLICT (incident_id, source, source_ref) DO NOTHING")
batch, elapsed = [], 0.0
with ctx.db.engine.begin() as connection:
    for row in prepared():
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

# SQLite's fastest: the prepared rows in a file of their own (written beforehand,
# untimed), taken in by one INSERT ... SELECT.
SQLITE_ONE_STATEMENT_SCRIPT = FRESH + ROWS + """
import sqlite3
prepared_path = work / "prepared.db"
prepared_db = sqlite3.connect(prepared_path, isolation_level=None)
prepared_db.execute("PRAGMA journal_mode=OFF")
prepared_db.execute(f"CREATE TABLE rows ({COLUMNS})")
prepared_db.execute("BEGIN")
prepared_db.executemany("INSERT INTO rows VALUES (?, ?, ?, ?, ?, ?, ?, ?)", prepared())
prepared_db.execute("COMMIT")
prepared_db.close()
with ctx.db.engine.connect() as connection:
    raw = connection.connection.driver_connection
    raw.execute("ATTACH DATABASE ? AS prepared", (str(prepared_path),))
    raw.execute("BEGIN IMMEDIATE")
    t = time.perf_counter()
    raw.execute(f"INSERT INTO main.timeline_events ({COLUMNS}) SELECT {COLUMNS} FROM prepared.rows ORDER BY rowid "
                "ON CONFLICT (incident_id, source, source_ref) DO NOTHING")
    elapsed = time.perf_counter() - t
    raw.execute("COMMIT")
    raw.execute("DETACH DATABASE prepared")
print(records / elapsed)
"""

# PostgreSQL's fastest: COPY straight into the timeline table (rows made as COPY
# reads them; psycopg's formatting of each row is counted, as it is part of loading).
PG_COPY_SCRIPT = FRESH + ROWS + """
rows = list(prepared())
with ctx.db.engine.begin() as connection:
    raw = connection.connection.driver_connection
    with raw.cursor() as cursor:
        t = time.perf_counter()
        with cursor.copy(f"COPY timeline_events ({COLUMNS}) FROM STDIN") as copy:
            for row in rows:
                copy.write_row(row)
        elapsed = time.perf_counter() - t
print(records / elapsed)
"""


def floor(script: str, name: str, workdir: Path, records: int, url: str) -> float:
    """Rows per second the database itself takes into the timeline table, rows
    prepared beforehand: no import can beat it, so it puts the ratio in proportion."""
    db_dir = workdir / f"db-floor-{name}"
    shutil.rmtree(db_dir, ignore_errors=True)
    db_dir.mkdir()
    out = subprocess.run([sys.executable, "-c", script, str(db_dir), str(records), url], check=True, capture_output=True, text=True)
    shutil.rmtree(db_dir, ignore_errors=True)
    return float(out.stdout.split()[0])


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--records", type=int, default=1_000_000)
    parser.add_argument("--workdir", type=Path, default=Path("/tmp/cairn-bench"))
    parser.add_argument("--database-url", default="", help="postgresql+psycopg://... (a database that may be emptied); SQLite when left out")
    parser.add_argument("--postgres", action="store_true", help="use the PostgreSQL URL in CAIRN_TEST_DATABASE_URL (scripts/with-postgres.sh)")
    args = parser.parse_args()
    url = args.database_url
    if args.postgres:
        url = os.environ.get("CAIRN_TEST_DATABASE_URL", "")
        if not url.startswith("postgresql"):
            parser.error("--postgres needs CAIRN_TEST_DATABASE_URL (run under scripts/with-postgres.sh)")
    postgres = url.startswith("postgresql")
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
    if postgres:
        copy = floor(PG_COPY_SCRIPT, "copy", args.workdir, args.records, url)
        many = floor(FLOOR_SCRIPT, "executemany", args.workdir, args.records, url)
        best = max(copy, many)
        print(f"database floor (prepared rows into PostgreSQL, no parsing): {best:,.0f}/s "
              f"(COPY {copy:,.0f}/s, pipelined executemany {many:,.0f}/s) "
              f"= {best / slack_parse:.2f} of slack parse-only, {best / log_parse:.2f} of log parse-only")
        floors = {"database floor": best}
    else:
        many = floor(FLOOR_SCRIPT, "executemany", args.workdir, args.records, url)
        print(f"database floor (prepared rows into SQLite, no parsing): {many:,.0f}/s "
              f"= {many / slack_parse:.2f} of slack parse-only, {many / log_parse:.2f} of log parse-only")
        one = floor(SQLITE_ONE_STATEMENT_SCRIPT, "one-statement", args.workdir, args.records, url)
        print(f"one-statement floor (the same rows in one INSERT ... SELECT from an attached file): {one:,.0f}/s "
              f"= {one / many:.2f} of the database floor")
        floors = {"database floor": many, "one-statement floor": one}
    for size in sizes:
        slack, log = files[size]
        added, seconds, slack_rss = run_import(args.workdir, slack, "slack", url, "inc")
        slack_rate = added / seconds
        added_log, seconds_log, log_rss = run_import(args.workdir, log, "log", url)
        log_rate = added_log / seconds_log
        against = "; ".join(f"against the {name}: slack {slack_rate / rate:.2f}, log {log_rate / rate:.2f}" for name, rate in floors.items())
        print(f"{size:>9,} records: slack import {slack_rate:,.0f}/s (ratio {slack_rate / slack_parse:.2f}), "
              f"peak RSS {slack_rss / 1024:.0f} MiB; log import {log_rate:,.0f}/s (ratio {log_rate / log_parse:.2f}), "
              f"peak RSS {log_rss / 1024:.0f} MiB; {against}")
    if not postgres:
        shutil.rmtree(args.workdir / "db-floor", ignore_errors=True)


if __name__ == "__main__":
    main()
