"""How fast do `cairn --help` and `cairn log KEY TEXT` start, relative to a bare Python start?

Prints, for each command, the ratio of its median wall time to that of
`python -c pass` (targets: --help at most 8, log at most 25). `cairn log`
writes to a real SQLite database with a current schema, set up once in a
temporary directory before timing (its data dir, with an incident opened by
`cairn incident open`). All commands run interleaved in the same session, so
machine noise affects them alike.

It also times the import of the libraries `cairn log` cannot start without
(Typer, SQLAlchemy's ORM, pydantic-settings) and nothing else: the floor any
`cairn log` built on the one service layer stands on.
Run: python bench/cli_startup.py [--runs 21]
"""

from __future__ import annotations

import argparse
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

TARGETS = {"help": 8.0, "log": 25.0}
LIBRARY_FLOOR = "import typer, sqlalchemy.orm, pydantic_settings"


def wall_time(command: list[str], env: dict[str, str] | None = None) -> float:
    start = time.perf_counter()
    subprocess.run(command, check=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, env=env)
    return time.perf_counter() - start


def local_env(data_dir: Path) -> dict[str, str]:
    """The environment for a local run on a database in `data_dir` (never a team server)."""
    env = {k: v for k, v in os.environ.items() if k not in ("CAIRN_DATABASE_URL", "CAIRN_SERVER", "CAIRN_TOKEN")}
    env["CAIRN_DATA_DIR"] = str(data_dir)
    env["XDG_CONFIG_HOME"] = str(data_dir / "config")  # no remote.toml
    env["CAIRN_USER"] = "bench"
    return env


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=21)
    args = parser.parse_args()
    cairn = shutil.which("cairn", path=str(Path(sys.executable).parent)) or "cairn"
    with tempfile.TemporaryDirectory(prefix="cairn-bench-") as tmp:
        env = local_env(Path(tmp))
        opened = subprocess.run(
            [cairn, "incident", "open", "bench incident", "--severity", "SEV3"],
            check=True, capture_output=True, text=True, env=env,
        )  # creates and migrates the database: the timed runs find the schema current
        key = opened.stdout.split()[1].rstrip(":")  # "opened INC-1: bench incident"
        commands = {
            "base": ([sys.executable, "-c", "pass"], None),
            "help": ([cairn, "--help"], None),
            "log": ([cairn, "log", key, "bench event"], env),
            "floor": ([sys.executable, "-c", LIBRARY_FLOOR], None),
        }
        for command, command_env in commands.values():  # warm the file cache
            wall_time(command, command_env)
        times: dict[str, list[float]] = {name: [] for name in commands}
        for _ in range(args.runs):
            for name, (command, command_env) in commands.items():
                times[name].append(wall_time(command, command_env))
    median = {name: statistics.median(values) for name, values in times.items()}
    print(f"python -c pass:       median {median['base'] * 1000:.1f} ms over {args.runs} runs")
    print(f"cairn --help:         median {median['help'] * 1000:.1f} ms")
    print(f"cairn log KEY TEXT:   median {median['log'] * 1000:.1f} ms")
    print(f"library floor:        median {median['floor'] * 1000:.1f} ms ({LIBRARY_FLOOR})")
    for name, label in (("help", "--help"), ("log", "log")):
        print(f"ratio {label}: {median[name] / median['base']:.2f} (target <= {TARGETS[name]:g})")
    print(f"ratio library floor: {median['floor'] / median['base']:.2f}; log over the floor: {median['log'] / median['floor']:.2f}")


if __name__ == "__main__":
    main()
