"""How long small web writes stall while a large CLI import runs (SQLite).

Sets up a SQLite database with two incidents and a responder's API token,
serves the app with uvicorn in its own process on 127.0.0.1, measures a
baseline of small API writes (`POST /api/v1/incidents/KEY/timeline`) with
nothing else running, then runs `cairn import-timeline` of an N-line log (its
own process, as a responder would) while two clients keep writing small
events to another incident. Prints the longest write stall in milliseconds
and as a ratio to the baseline median write of the same run, plus how many
writes failed (503 "database is locked" and the like).

Run: python bench/import_write_stall.py [--lines 500000] [--workdir /tmp/cairn-stall]
(STALL_DEBUG=1 also prints each write's start and duration, and the import's span, to stderr.)
Target: no failed write, and the longest stall a small fraction of the import's time.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import socket
import statistics
import subprocess
import sys
import threading
import time
import urllib.error
import urllib.request
from pathlib import Path

START = 1_763_000_000  # epoch seconds, November 2025

SETUP_SCRIPT = """
import sys
from pathlib import Path
from cairn.config import Settings
from cairn.services.context import open_context
from cairn.services.incidents import open_incident
from cairn.services.people import create_user
from cairn.services.tokens import create_token
work = Path(sys.argv[1])
ctx = open_context(Settings(data_dir=work, database_url=f"sqlite:///{work / 'stall.db'}"))
create_user(ctx, "writer", role="responder")
imported = open_incident(ctx, "imported", severity="SEV3", started="2025-11-13T00:00Z").key
written = open_incident(ctx, "written to", severity="SEV3", started="2025-11-13T00:00Z").key
token, _info = create_token(ctx, "bench", "writer", days=1)
print(imported, written, token)
"""

SERVE_SCRIPT = """
import sys, uvicorn
from cairn.config import Settings
from cairn.web.app import create_app
uvicorn.run(create_app(Settings()), host="127.0.0.1", port=int(sys.argv[1]), log_level="warning")
"""


def make_log(path: Path, lines: int) -> None:
    with path.open("w") as file:
        for n in range(lines):
            stamp = time.strftime("%Y-%m-%dT%H:%M:%S", time.gmtime(START + n))
            file.write(f"{stamp}.{n % 1000:03d}Z {'ERROR' if n % 97 == 0 else 'INFO'} worker-{n % 16}: request {n} done\n")


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def write_once(base: str, key: str, token: str, text: str) -> tuple[float, int]:
    """(seconds, HTTP status) of one small event write."""
    body = json.dumps({"text": text, "kind": "note"}).encode()
    request = urllib.request.Request(
        f"{base}/api/v1/incidents/{key}/timeline", data=body, method="POST",
        headers={"Authorization": f"Bearer {token}", "Content-Type": "application/json"},
    )
    start = time.perf_counter()
    try:
        with urllib.request.urlopen(request, timeout=120) as response:
            status = response.status
    except urllib.error.HTTPError as error:
        status = error.code
    if os.environ.get("STALL_DEBUG"):
        print(f"  {start:.2f} {time.perf_counter() - start:.3f}", file=sys.stderr)
    return time.perf_counter() - start, status


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--lines", type=int, default=500_000)
    parser.add_argument("--workdir", type=Path, default=Path("/tmp/cairn-stall"))
    parser.add_argument("--writers", type=int, default=2)
    args = parser.parse_args()
    shutil.rmtree(args.workdir, ignore_errors=True)
    args.workdir.mkdir(parents=True)
    env = {**os.environ, "CAIRN_DATA_DIR": str(args.workdir), "CAIRN_DATABASE_URL": f"sqlite:///{args.workdir / 'stall.db'}",
           "CAIRN_REMIND_INTERVAL_MINUTES": "0"}
    imported, written, token = subprocess.run(
        [sys.executable, "-c", SETUP_SCRIPT, str(args.workdir)], check=True, capture_output=True, text=True, env=env,
    ).stdout.split()
    log = args.workdir / "app.log"
    make_log(log, args.lines)

    port = free_port()
    server = subprocess.Popen([sys.executable, "-c", SERVE_SCRIPT, str(port)], env=env)
    base = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 30
        while True:
            try:
                urllib.request.urlopen(f"{base}/healthz", timeout=1).close()
                break
            except OSError:
                if time.monotonic() > deadline or server.poll() is not None:
                    sys.exit("the server did not start")
                time.sleep(0.1)
        for n in range(5):  # warm up: first requests pay for imports and caches
            write_once(base, written, token, f"warm-up {n}")
        baseline = [write_once(base, written, token, f"baseline {n}")[0] for n in range(40)]
        base_ms = statistics.median(baseline) * 1000

        results: list[tuple[float, int]] = []
        done = threading.Event()

        def writer(number: int) -> None:
            count = 0
            while not done.is_set() and count < 100_000:
                results.append(write_once(base, written, token, f"writer {number} event {count}"))
                count += 1
                time.sleep(0.02)

        threads = [threading.Thread(target=writer, args=(n,), daemon=True) for n in range(args.writers)]
        for thread in threads:
            thread.start()
        time.sleep(0.3)
        started = time.perf_counter()
        run = subprocess.run(
            [sys.executable, "-c", "from cairn.cli.main import run; run()", "import-timeline", imported, str(log), "--source", "log"],
            env=env, capture_output=True, text=True,
        )
        import_seconds = time.perf_counter() - started
        if os.environ.get("STALL_DEBUG"):
            print(f"import {started:.2f} .. {time.perf_counter():.2f}", file=sys.stderr)
        time.sleep(0.3)
        done.set()
        for thread in threads:
            thread.join(timeout=150)
    finally:
        server.terminate()
        server.wait(timeout=20)
    if run.returncode != 0:
        sys.exit(f"the import failed: {run.stderr.strip() or run.stdout.strip()}")
    failed = [status for _seconds, status in results if status >= 300]
    longest = max(seconds for seconds, _status in results) * 1000
    print(f"import of {args.lines:,} lines: {import_seconds:.1f} s ({run.stdout.splitlines()[0]})")
    print(f"baseline write (median of {len(baseline)}): {base_ms:.1f} ms")
    print(f"{len(results)} writes during the import, {len(failed)} failed {sorted(set(failed)) or ''}")
    print(f"longest write stall: {longest:.0f} ms = {longest / base_ms:.0f}x the baseline write")


if __name__ == "__main__":
    main()
