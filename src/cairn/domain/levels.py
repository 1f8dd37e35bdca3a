"""Log levels: the names logs write, and the one canonical scale Cairn keeps.

A level is data on the event (filter, colour, `--level`), so every spelling a
source uses is read into one of `LEVELS`, lowest first.
"""

from __future__ import annotations

LEVELS = ["trace", "debug", "info", "notice", "warning", "error", "critical", "alert", "emergency"]
LEVEL_ALIASES = {
    "trace": "trace", "verbose": "trace", "finest": "trace", "finer": "trace", "fine": "debug",
    "debug": "debug", "dbg": "debug", "info": "info", "information": "info", "informational": "info",
    "notice": "notice", "config": "info",
    "warn": "warning", "warning": "warning", "error": "error", "err": "error", "severe": "error",
    "crit": "critical", "critical": "critical", "fatal": "critical", "alert": "alert",
    "emerg": "emergency", "emergency": "emergency", "panic": "emergency",
}
# One-letter levels: Android logcat (V D I W E F A) and klog/glog (I W E F).
LETTER_LEVELS = {"V": "trace", "D": "debug", "I": "info", "W": "warning", "E": "error", "F": "critical", "A": "critical"}
# Syslog severities (RFC 5424 section 6.2.1; journald's PRIORITY), 0 the most severe.
SYSLOG_SEVERITIES = ["emergency", "alert", "critical", "error", "warning", "notice", "info", "debug"]
# Numeric levels of JSON loggers (pino, bunyan), in steps of ten.
NUMERIC_LEVELS = {10: "trace", 20: "debug", 30: "info", 40: "warning", 50: "error", 60: "critical"}
# Which levels the timeline marks as trouble.
SEVERE = frozenset({"error", "critical", "alert", "emergency"})


# Every spelling as logs write it (lower, UPPER, Capitalised): one dict lookup per line.
SPELLINGS = {v: level for alias, level in LEVEL_ALIASES.items() for v in (alias, alias.upper(), alias.capitalize())}


def canonical_level(name: object) -> str | None:
    """The level `name` stands for, or None when it is not one."""
    if name is None or isinstance(name, bool):
        return None
    known = SPELLINGS.get(name) if isinstance(name, str) else None
    if known is not None:
        return known
    text = str(name).strip()
    if text.isdigit():
        number = int(text)
        if number < len(SYSLOG_SEVERITIES):
            return SYSLOG_SEVERITIES[number]
        return NUMERIC_LEVELS.get(number)
    return LEVEL_ALIASES.get(text.lower())


def level_rank(name: str | None) -> int | None:
    """Where `name` sits on the scale (higher is more severe), or None."""
    canonical = canonical_level(name)
    return LEVELS.index(canonical) if canonical else None
