"""One line typed during an incident, read as a timeline event.

`14:05 @alice #mitigation rolled back the deploy` is an event at 14:05 (in
the incident's zone) of kind mitigation, done by alice. Time, actor and kind
are optional and may come in any order; without a time the event is now,
without a kind a note, without an actor the one who typed it.
A leading `\\` keeps the rest literal, for text that starts with a time.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from cairn.domain.enums import EventKind, parse_choice
from cairn.errors import InvalidInput

_TIME = re.compile(r"^(\d{1,2}:\d{2}(?::\d{2})?|\d{4}-\d{2}-\d{2}[T ]\d{1,2}:\d{2}(?::\d{2})?(?:Z|[+-]\d{2}:?\d{2})?)\s+")
_KIND = re.compile(r"^#([a-z]+)\s+", re.IGNORECASE)
# A username or handle: letters, digits, dot, dash, underscore (as `cairn user create` allows).
_ACTOR = re.compile(r"^@([\w.-]{1,100})\s+")


@dataclass(frozen=True)
class QuickEntry:
    text: str
    at: str | None = None
    kind: str | None = None
    actor: str | None = None


def parse_quick_entry(line: str) -> QuickEntry:
    rest = " ".join(line.split("\n")).strip()
    if rest.startswith("\\"):
        return QuickEntry(_required(rest[1:].strip()))
    at = kind = actor = None
    for _ in range(3):
        if at is None and (match := _TIME.match(rest)):
            at, rest = match.group(1).replace(" ", "T", 1) if "-" in match.group(1) else match.group(1), rest[match.end():]
        elif kind is None and (match := _KIND.match(rest)):
            kind, rest = parse_choice(EventKind, match.group(1).lower(), "event kind").value, rest[match.end():]
        elif actor is None and (match := _ACTOR.match(rest)):
            actor, rest = match.group(1), rest[match.end():]
    return QuickEntry(_required(rest.strip()), at, kind, actor)


def _required(text: str) -> str:
    if not text:
        raise InvalidInput("the event needs some text after its time, actor and kind")
    return text
