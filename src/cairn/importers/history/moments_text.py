"""Key moments of a postmortem written elsewhere, and where each came from.

In order of trust:
1. a marker in a timeline entry: OUTAGE BEGINS, INCIDENT BEGINS, DETECTED,
   MITIGATED, OUTAGE ENDS, INCIDENT ENDS (in capitals, as the SRE book's
   example writes them), or an entry whose words say it ("issue detected",
   "service restored", "incident resolved");
2. a figure the text states: "Time to detection: 5 minutes", "Duration of
   problem: 40min", "Time to recovery: 4 hours 42 minutes", "an outage lasting
   1 hour and 48 minutes", counted from the start;
3. proposed from the first and the last entry.

A stated figure is kept as stated and compared with the timeline: when the two
disagree by more than a minute (and 10%), the disagreement is reported, never
silently resolved.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from cairn.domain.moments import KeyMoments
from cairn.importers.history.timeline_text import TextEvent

MARKERS = {  # capital markers: explicit
    "started": re.compile(r"\b(?:OUTAGE|INCIDENT|IMPACT|PROBLEM)\s+(?:BEGINS|BEGAN|STARTS|STARTED)\b"),
    "detected": re.compile(r"\b(?:DETECTED|DETECTION|INCIDENT\s+DETECTED)\b"),
    "acknowledged": re.compile(r"\b(?:ACKNOWLEDGED|ACKED)\b"),
    "mitigated": re.compile(r"\b(?:MITIGATED|MITIGATION\s+(?:APPLIED|COMPLETE))\b"),
    "resolved": re.compile(r"\b(?:OUTAGE|INCIDENT|IMPACT|PROBLEM)\s+(?:ENDS|ENDED|RESOLVED|OVER)\b|\bRESOLVED\b"),
}
WORDS = {  # an entry's words: weaker, used when no marker says it
    "started": re.compile(r"\b(?:outage|incident|impact|errors?|degradation)\s+(?:begins|began|starts|started)\b", re.IGNORECASE),
    "detected": re.compile(r"\b(?:detected|noticed|alert(?:s|ed)?\s+(?:fired|triggered)|first\s+alert|paged|was\s+reported|reports?\s+(?:came|arrived))\b",
                           re.IGNORECASE),
    "acknowledged": re.compile(r"\b(?:acknowledged|acked|on-?call\s+(?:responds|responded|engaged)|incident\s+declared|declared\s+an?\s+incident)\b",
                               re.IGNORECASE),
    "mitigated": re.compile(r"\b(?:mitigated|mitigation\s+(?:applied|in\s+place|deployed)|service\s+(?:restored|recovered)|rolled\s+back|"
                            r"rollback\s+(?:completed?|finished)|errors?\s+(?:subside|subsided|stopped))\b", re.IGNORECASE),
    "resolved": re.compile(r"\b(?:resolved|fully\s+(?:recovered|restored)|all\s+clear|incident\s+(?:closed|over|ends?|ended))\b", re.IGNORECASE),
}
_AMOUNT = r"(?P<amount>(?:\d+(?:[.,]\d+)?\s*(?:days?|d|hours?|hrs?|h|minutes?|mins?|m|seconds?|secs?|s)\b[\s,]*(?:and\s+)?)+)"
STATED = {  # (moment, pattern): the figure is the time from the start to that moment
    "detected": re.compile(r"\btime\s+to\s+(?:detect(?:ion)?|discover(?:y)?)\b[^\d\n]{0,20}" + _AMOUNT, re.IGNORECASE),
    "acknowledged": re.compile(r"\btime\s+to\s+(?:acknowledge(?:ment)?|respond|response|engage)\b[^\d\n]{0,20}" + _AMOUNT, re.IGNORECASE),
    "mitigated": re.compile(r"\btime\s+to\s+(?:mitigat(?:e|ion))\b[^\d\n]{0,20}" + _AMOUNT, re.IGNORECASE),
    "resolved": re.compile(r"\b(?:time\s+to\s+(?:recover(?:y)?|resolv(?:e|ution)|restore)|duration(?:\s+of\s+(?:the\s+)?(?:problem|outage|incident|impact))?"
                           r"|(?:outage|incident|impact)\s+(?:lasting|lasted|of)|lasting|lasted(?:\s+for)?)\b[^\d\n]{0,20}" + _AMOUNT, re.IGNORECASE),
}
UNITS = {"d": 86400, "day": 86400, "days": 86400, "h": 3600, "hr": 3600, "hrs": 3600, "hour": 3600, "hours": 3600,
         "m": 60, "min": 60, "mins": 60, "minute": 60, "minutes": 60, "s": 1, "sec": 1, "secs": 1, "second": 1, "seconds": 1}
ORDER = ("started", "detected", "acknowledged", "mitigated", "resolved")


@dataclass
class FoundMoments:
    moments: KeyMoments
    sources: dict[str, str] = field(default_factory=dict)  # moment: "marker, line 12" / "stated: Time to detection: 5 minutes" / "proposed"
    stated: dict[str, timedelta] = field(default_factory=dict)  # figures as the text states them, from the start
    disagreements: list[str] = field(default_factory=list)


def duration_in(text: str) -> timedelta | None:
    """A written duration: "1 hour and 48 minutes", "40min", "4h 42m", "2 days"."""
    total = 0.0
    for number, unit in re.findall(r"(\d+(?:[.,]\d+)?)\s*([a-z]+)", text.lower()):
        if unit not in UNITS:
            return None
        total += float(number.replace(",", ".")) * UNITS[unit]
    return timedelta(seconds=total) if total > 0 else None


def stated_figures(text: str) -> dict[str, tuple[timedelta, str]]:
    """The durations a document states: moment: (time from the start, the words stating it)."""
    found: dict[str, tuple[timedelta, str]] = {}
    for moment, pattern in STATED.items():
        match = pattern.search(text)
        if match:
            amount = duration_in(match.group("amount"))
            if amount is not None:
                found[moment] = (amount, " ".join(match.group(0).split()))
    return found


def find_moments(events: list[TextEvent], document_text: str = "") -> FoundMoments:
    """The key moments from the timeline's entries, the document's stated figures, or the first and last entry."""
    chosen: dict[str, datetime] = {}
    sources: dict[str, str] = {}
    for kind, patterns in (("marker", MARKERS), ("words", WORDS)):
        for moment in ORDER:
            if moment in chosen:
                continue
            hits = [event for event in events if patterns[moment].search(event.text)]
            if hits:
                hit = hits[-1] if moment == "resolved" else hits[0]  # the last word on resolution, the first on the others
                chosen[moment], sources[moment] = hit.at, f"{kind} on line {hit.line}"
    ordered = sorted(events, key=lambda event: event.at)
    if "started" not in chosen and ordered:
        chosen["started"], sources["started"] = ordered[0].at, f"proposed: the first entry (line {ordered[0].line})"
    stated = stated_figures(document_text)
    found = FoundMoments(KeyMoments(), sources, {moment: amount for moment, (amount, _words) in stated.items()})
    start = chosen.get("started")
    for moment, (amount, words) in stated.items():
        if moment in chosen and start is not None:
            measured = chosen[moment] - start
            gap = abs(measured - amount)
            if gap > timedelta(minutes=1) and gap > amount * 0.1:
                found.disagreements.append(
                    f"{moment}: the text states {words!r} ({_span(amount)}) but the timeline gives {_span(measured)} ({sources[moment]})"
                )
        elif start is not None:
            chosen[moment], sources[moment] = start + amount, f"stated: {words!r}"
    if "resolved" not in chosen and len(ordered) > 1:
        chosen["resolved"], sources["resolved"] = ordered[-1].at, f"proposed: the last entry (line {ordered[-1].line})"
    found.moments = KeyMoments(**{moment: chosen.get(moment) for moment in ORDER})
    return found


def _span(amount: timedelta) -> str:
    minutes = round(amount.total_seconds() / 60)
    hours, minutes = divmod(minutes, 60)
    return f"{hours} h {minutes:02d} min" if hours else f"{minutes} min"
