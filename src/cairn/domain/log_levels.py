"""The level of an imported log line: data on the event, and its old spelling in the text.

Log importers keep a line's level (one of `domain.levels.LEVELS`) and its
component on the event; its text still starts with the level as the log
wrote it, "[WARN] ...", so that older references and exports keep reading
the same. Pages show the level as a badge instead of that prefix
(`shown_text`); documents read from elsewhere carry only the prefix
(`event_level` falls back to it).
"""

from __future__ import annotations

import re

from cairn.domain.document import EventDoc
from cairn.domain.levels import canonical_level  # pure data: the one table of level spellings

LEVEL_PREFIX = re.compile(r"^\[([A-Z]{3,9})\] ")
LEADING_TAG = re.compile(r"^\[([^\]\s]{1,12})\] ")
# Level spellings the timeline marks as trouble: the canonical ones and how logs write them.
SEVERE = frozenset({"error", "err", "critical", "crit", "fatal", "alert", "emerg", "emergency", "severe"})


def event_level(event: EventDoc) -> str | None:
    """The event's level: its own when stored, else the "[LEVEL] " prefix of its text (lower case)."""
    if event.level:
        return event.level
    match = LEVEL_PREFIX.match(event.text)
    return match.group(1).lower() if match else None


def prefixed_level(text: str) -> str | None:
    """The level a log line's "[LEVEL] " prefix names (as the importer writes it), or None:
    how a document read back from an export gets its log lines' levels again."""
    match = LEVEL_PREFIX.match(text)
    return canonical_level(match.group(1)) if match else None


def shown_text(text: str, level: str | None) -> str:
    """`text` without its leading "[LEVEL] " when the event's `level` says the same
    (shown as a badge beside it); any other bracketed start stays."""
    if not level:
        return text
    match = LEADING_TAG.match(text)
    if match is None or canonical_level(match.group(1)) != level:
        return text
    return text[match.end():] or text
