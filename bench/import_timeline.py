"""Timeline import speed and memory.

Generates a Slack export and a log file of N records, imports each into a
fresh SQLite database, and prints events per second as a ratio against a
baseline measured in the same run: parsing the same files with the fastest
JSON parser available (orjson if installed, else json) and no database.
Then prints peak memory (RSS) of an import of 100,000 and of N records, each
in its own process: it must not grow with the input.

Run: python bench/import_timeline.py [--records 1000000] [--workdir /tmp/cairn-bench]
Target: import rate at 0.3 of the parse-only rate or better.
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
    for size in sizes:
        slack, log = files[size]
        added, seconds, slack_rss = run_import(args.workdir, slack, "slack", "inc")
        slack_rate = added / seconds
        added_log, seconds_log, log_rss = run_import(args.workdir, log, "log")
        log_rate = added_log / seconds_log
        print(f"{size:>9,} records: slack import {slack_rate:,.0f}/s (ratio {slack_rate / slack_parse:.2f}), "
              f"peak RSS {slack_rss / 1024:.0f} MiB; log import {log_rate:,.0f}/s (ratio {log_rate / log_parse:.2f}), "
              f"peak RSS {log_rss / 1024:.0f} MiB")


if __name__ == "__main__":
    main()
