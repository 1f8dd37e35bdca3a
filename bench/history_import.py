"""History import: reading and mapping postmortems written elsewhere.

Generates a folder of documents in mixed shapes (list and table timelines,
zone statements, date lines, causes with whys, action-item tables and
checkbox lists, front matter of other tools), then prints, as ratios measured
in the same run: documents per second of the mapping (importers.history.mapping)
against reading and parsing the same Markdown without mapping (markdown-it),
and peak Python memory at a quarter of the documents and at all of them
(flat: the documents are mapped one at a time).

It also imports the folder, as `cairn import FOLDER` does (files read, mapped
and stored one transaction per document), into a fresh SQLite database, and
imports it again (every document unchanged), both against the same parsing;
and reads a catalogue of 100,000 CSV rows against the standard library's CSV
reader alone.

Run: python bench/history_import.py [--documents 1000] [--rounds 3]
"""

from __future__ import annotations

import argparse
import random
import statistics
import sys
import tempfile
import time
import tracemalloc
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "src"))

SERVICES = ["checkout", "payments", "search", "auth", "ingestion", "flags"]
CAUSES = ["the connection pool was exhausted", "a certificate expired", "a deploy lowered the timeout", "the disk filled up", "DNS resolution failed"]
ACTIONS = ["Alert on pool saturation", "Automate certificate renewal", "Load-test the new limits", "Add a runbook for failover", "Review the deploy checklist"]


def document(rng: random.Random, number: int) -> str:
    """One postmortem in one of several shapes teams write."""
    service, cause = rng.choice(SERVICES), rng.choice(CAUSES)
    day = f"2025-{rng.randint(1, 12):02d}-{rng.randint(1, 28):02d}"
    shape = number % 3
    lines = []
    if shape == 0:
        lines += ["---", f"title: {service} outage {number}", f"date: {day}", "tags: [history, bench]", "---", ""]
    else:
        lines += [f"# {service.capitalize()} outage {number} - {day}", ""]
    lines += [f"The {service} service failed because {cause}.", "", "## Impact", "",
              f"About {rng.randint(10, 5000)} customers were affected; {rng.randint(1, 90)}% of requests failed.", "", "## Timeline", ""]
    lines.append(rng.choice(["All times in UTC.", "(all times CET)", "All times are PST"]))
    hour = rng.randint(0, 20)
    if shape == 1:
        lines += ["", "| Time | Event |", "|---|---|"]
        lines += [f"| {hour + i // 4:02d}:{(i * 13) % 60:02d} | step {i}: {cause} |" for i in range(rng.randint(5, 25))]
    else:
        lines += [f"- **{hour + i // 4:02d}:{(i * 13) % 60:02d} UTC** - step {i} while {cause}" for i in range(rng.randint(5, 25))]
    lines += ["", "## Root cause", "", f"- **Trigger**: {cause}.", "  1. Why did it fail? Because the limits were too low.", "",
              "## Action items", ""]
    if shape == 2:
        lines += ["| Action | Owner | Due | Status |", "|---|---|---|---|"]
        lines += [f"| {rng.choice(ACTIONS)} | Ana | {day} | {rng.choice(['done', 'open', 'in progress'])} |" for _ in range(rng.randint(1, 6))]
    else:
        lines += [f"- [{rng.choice(['x', ' '])}] {rng.choice(ACTIONS)} (owner: Bo)" for _ in range(rng.randint(1, 6))]
    lines += ["", "## Lessons learned", "", "### What went well", "", "The rollback was quick.", ""]
    return "\n".join(lines)


def run(paths: list[Path], mapped: bool) -> None:
    from markdown_it import MarkdownIt

    from cairn.importers.history.mapping import HistoryOptions, map_history

    parser = MarkdownIt("commonmark").enable("table")
    options = HistoryOptions(severity="SEV3")
    for path in paths:
        text = path.read_text(encoding="utf-8")
        if mapped:
            map_history(text, path.name, options)
        else:
            parser.parse(text)


def store(folder: Path, database: Path) -> tuple[float, float]:
    """Seconds to import the folder into a fresh database, and to import it again unchanged."""
    from cairn.config import Settings
    from cairn.importers.history.mapping import HistoryOptions
    from cairn.importers.history.sources import files_of
    from cairn.services.context import open_context
    from cairn.services.foreign_documents import import_history

    ctx = open_context(Settings(database_url=f"sqlite:///{database}", data_dir=database.parent / "data"), actor="bench")
    times = []
    for _ in range(2):
        began = time.perf_counter()
        batch = import_history(ctx, files_of([folder]), HistoryOptions(severity="SEV3"))
        times.append(time.perf_counter() - began)
        assert batch.exit_code in (0, 1), batch.summary()
    ctx.db.dispose()
    return times[0], times[1]


def catalogue_rates(rows: int) -> tuple[float, float]:
    """Rows per second of reading a catalogue (columns recognised, dates and links checked)
    and of splitting the same CSV with the standard library only."""
    import csv
    import io

    from cairn.importers.history.catalogue import read_catalogue

    text = "Company;Date;Title;URL;Summary;Tags\n" + "".join(
        f'Acme {n};2020-01-{n % 28 + 1:02d};"Outage {n}";https://x.example/{n};"one\ntwo";aws,db\n' for n in range(rows))
    began = time.perf_counter()
    read_catalogue(text, "bench.csv")
    ours = time.perf_counter() - began
    began = time.perf_counter()
    sum(1 for _ in csv.reader(io.StringIO(text), delimiter=";"))
    floor = time.perf_counter() - began
    return rows / ours, rows / floor


def peak(paths: list[Path]) -> float:
    tracemalloc.start()
    run(paths, True)
    top = tracemalloc.get_traced_memory()[1] / 2**20
    tracemalloc.stop()
    return top


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--documents", type=int, default=1000)
    parser.add_argument("--rounds", type=int, default=3)
    args = parser.parse_args()
    rng = random.Random(11)
    with tempfile.TemporaryDirectory() as folder:
        paths = []
        for number in range(args.documents):
            path = Path(folder) / f"postmortem {number:05d}.md"
            path.write_text(document(rng, number), encoding="utf-8")
            paths.append(path)
        run(paths[:20], True)  # warm both sides
        run(paths[:20], False)
        mapped, parsed = [], []
        for _ in range(args.rounds):
            began = time.perf_counter()
            run(paths, True)
            mapped.append(time.perf_counter() - began)
            began = time.perf_counter()
            run(paths, False)
            parsed.append(time.perf_counter() - began)
        ours, floor = statistics.median(mapped), statistics.median(parsed)
        print(f"{args.documents:,} documents: mapping {args.documents / ours:,.0f} documents/s, parsing only {args.documents / floor:,.0f}/s: "
              f"ratio {ours / floor:.2f} (time of mapping over time of parsing)")
        with tempfile.TemporaryDirectory() as scratch:
            first, again = store(Path(folder), Path(scratch) / "bench.db")
        print(f"import into SQLite: {args.documents / first:,.0f} documents/s (ratio {first / floor:.2f} to parsing only); "
              f"again, all unchanged: {args.documents / again:,.0f}/s (ratio {again / floor:.2f})")
        ours_rows, floor_rows = catalogue_rates(100_000)
        print(f"catalogue of 100,000 rows: {ours_rows:,.0f} rows/s, csv.reader alone {floor_rows:,.0f}/s "
              f"(ratio {floor_rows / ours_rows:.1f})")
        small, large = peak(paths[: args.documents // 4]), peak(paths)
        print(f"peak Python memory: {small:.1f} MiB at {args.documents // 4:,} documents, {large:.1f} MiB at {args.documents:,} "
              f"(ratio {large / small:.2f}; flat is ~1)")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
