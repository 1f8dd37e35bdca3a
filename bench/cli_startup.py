"""How fast does `cairn --help` start, relative to a bare Python start?

Prints the ratio of median wall times (target: at most 8). Both commands run
interleaved in the same session, so machine noise affects both alike.
Run: python bench/cli_startup.py [--runs 21]
"""

from __future__ import annotations

import argparse
import shutil
import statistics
import subprocess
import sys
import time
from pathlib import Path


def wall_time(command: list[str]) -> float:
    start = time.perf_counter()
    subprocess.run(command, check=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    return time.perf_counter() - start


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=21)
    args = parser.parse_args()
    cairn = shutil.which("cairn", path=str(Path(sys.executable).parent)) or "cairn"
    baseline_cmd = [sys.executable, "-c", "pass"]
    cairn_cmd = [cairn, "--help"]
    for command in (baseline_cmd, cairn_cmd):  # warm the file cache
        wall_time(command)
    baseline, help_times = [], []
    for _ in range(args.runs):
        baseline.append(wall_time(baseline_cmd))
        help_times.append(wall_time(cairn_cmd))
    base, cli = statistics.median(baseline), statistics.median(help_times)
    print(f"python -c pass: median {base * 1000:.1f} ms over {args.runs} runs")
    print(f"cairn --help:   median {cli * 1000:.1f} ms over {args.runs} runs")
    print(f"ratio: {cli / base:.2f} (target <= 8)")


if __name__ == "__main__":
    main()
