"""The level of an imported log line, kept as data in its text.

Log importers write a line's level as a leading "[LEVEL]" (importers/logfile.py);
pages filter by it and the printed timeline counts it.
"""

from __future__ import annotations

import re

from cairn.domain.document import EventDoc

LEVEL_PREFIX = re.compile(r"^\[([A-Z]{3,9})\] ")
SEVERE = frozenset({"error", "err", "critical", "crit", "fatal", "alert", "emerg", "emergency", "severe"})


def event_level(event: EventDoc) -> str | None:
    match = LEVEL_PREFIX.match(event.text)
    return match.group(1).lower() if match else None
