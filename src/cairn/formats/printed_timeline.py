"""The timeline as printed in a PDF: every event people logged, and imported
log lines folded into one row per run when there are many.

A 1,500-line log pasted into a printed postmortem is forty pages nobody reads,
and laying them out took WeasyPrint most of its time. The Markdown, HTML and
JSON exports keep every line; the PDF says so where it folds.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from datetime import datetime

from cairn.domain.document import EventDoc
from cairn.domain.log_levels import SEVERE, event_level

FOLDED_SOURCES = frozenset({"log"})  # machine lines; alerts, pages and chat stay
MOST_PRINTED_LINES = 200  # below this, every log line is printed as it is
SHOWN_PER_RUN = 3  # of a folded run, its first lines and its error lines (up to a tenth of MOST_PRINTED_LINES) are printed


@dataclass
class FoldedRun:
    """Log lines that came one after another, printed as one row."""

    count: int
    first_at: datetime
    last_at: datetime
    levels: list[tuple[str, int]]
    shown: list[EventDoc] = field(default_factory=list)


@dataclass
class PrintedTimeline:
    rows: list[EventDoc | FoldedRun]
    folded: int  # log lines not printed one by one

    @staticmethod
    def is_run(row: EventDoc | FoldedRun) -> bool:
        return isinstance(row, FoldedRun)


def printed_timeline(events: list[EventDoc], most: int = MOST_PRINTED_LINES) -> PrintedTimeline:
    if sum(1 for event in events if event.source in FOLDED_SOURCES) <= most:
        return PrintedTimeline(list(events), 0)
    rows: list[EventDoc | FoldedRun] = []
    run: list[EventDoc] = []
    folded = 0

    def close_run() -> None:
        nonlocal folded
        if not run:
            return
        if len(run) <= SHOWN_PER_RUN:
            rows.extend(run)
        else:
            levels = Counter(level for level in map(event_level, run) if level)
            errors = [e for e in run[SHOWN_PER_RUN:] if event_level(e) in SEVERE]
            shown = run[:SHOWN_PER_RUN] + errors[: max(0, most // 10)]
            folded += len(run) - len(shown)
            rows.append(FoldedRun(len(run), run[0].at, run[-1].at, sorted(levels.items(), key=lambda kv: -kv[1]), shown))
        run.clear()

    for event in events:
        if event.source in FOLDED_SOURCES:
            run.append(event)
        else:
            close_run()
            rows.append(event)
    close_run()
    return PrintedTimeline(rows, folded)
