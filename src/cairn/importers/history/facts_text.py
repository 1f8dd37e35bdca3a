"""Severity and impact figures where a postmortem written elsewhere states them.

Severity: "SEV1", "Sev-2", "Severity: High", "P1" beside the word severity or
priority, mapped onto the team's own severities (most severe first); "High"
and the like by rank. Impact: users (or customers, teams, requests...)
affected, a share in percent, the duration, data loss and money, each only
when the text states a number (or says plainly that no data was lost), with
the words it came from for the mapping report.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from cairn.domain.document import ImpactDoc
from cairn.importers.history.moments_text import duration_in

RANKS = {"critical": 0, "sev0": 0, "highest": 0, "blocker": 0, "emergency": 0, "urgent": 0, "high": 1, "major": 1, "serious": 1,
         "medium": 2, "moderate": 2, "normal": 2, "low": 3, "minor": 3, "lowest": 4, "trivial": 4, "cosmetic": 4}
_SEV = re.compile(r"\bsev(?:erity)?[\s_-]*(?:level\s*)?(?P<number>[0-5])\b", re.IGNORECASE)
_PRIORITY = re.compile(r"\b(?:severity|priority|impact\s+level)\b[^\n\d]{0,12}?\b[Pp](?P<number>[0-4])\b", re.IGNORECASE)
_WORD = re.compile(r"\b(?:severity|impact\s+level|incident\s+level)\s*[:=-]\s*[*_]*\s*(?P<word>[A-Za-z]+)", re.IGNORECASE)
_NUMBER = r"(?P<number>\d{1,3}(?:[,\s]\d{3})+|\d+(?:\.\d+)?)\s*(?P<scale>k|thousand|m|million|b|billion)?"
_AFFECTED = re.compile(  # from the number on: an optional word before it would make every position a start
    r"(?<![\w.,])" + _NUMBER +
    r"\s+(?:\w+\s+){0,2}?(?P<who>users|customers|accounts|teams|organi[sz]ations|orgs|merchants|tenants|sites|projects|people|clients)\b"
    r"(?:\s+(?:\w+\s+){0,3}?(?:were\s+)?(?:affected|impacted|unable|saw|experienced|hit|lost))?",
    re.IGNORECASE,
)
_SHARE = re.compile(r"(?P<share>\d{1,3}(?:\.\d+)?)\s?%\s+of\s+(?:(?:all|our|the)\s+)?(?P<what>[\w\s-]{2,40}?)\s+(?:failed|were|was|errored|saw|experienced|returned|affected)",
                    re.IGNORECASE)
_MONEY = re.compile(r"(?P<money>(?:[$€£]\s?\d[\d,.]*\s*(?:k|m|million|thousand)?|\d[\d,.]*\s*(?:USD|EUR|GBP|dollars|euros)))\b", re.IGNORECASE)
_NO_LOSS = re.compile(r"\bno\s+(?:customer\s+)?data\s+(?:was\s+|were\s+)?(?:lost|loss)\b|\bwithout\s+(?:any\s+)?data\s+loss\b", re.IGNORECASE)
_LOSS = re.compile(r"\b(?P<loss>(?:[^.\n]{0,60})\bdata\s+(?:was\s+|were\s+)?(?:lost|loss)[^.\n]{0,60})", re.IGNORECASE)
_DURATION = re.compile(r"\b(?:lasting|lasted(?:\s+for)?|for\s+a\s+total\s+of|duration(?:\s+of\s+\w+)?\s*:)\s*(?P<amount>(?:\d+(?:\.\d+)?\s*[a-z]+[\s,]*(?:and\s+)?){1,4})",
                       re.IGNORECASE)


@dataclass
class Facts:
    severity: str | None = None
    severity_words: str | None = None
    impact: ImpactDoc = field(default_factory=ImpactDoc)
    evidence: dict[str, str] = field(default_factory=dict)  # figure: the words it came from


def _count(number: str, scale: str | None) -> int:
    value = float(re.sub(r"[,\s]", "", number))
    factor = {"k": 1e3, "thousand": 1e3, "m": 1e6, "million": 1e6, "b": 1e9, "billion": 1e9}.get((scale or "").lower(), 1)
    return int(value * factor)


def severity_in(text: str, severities: list[str]) -> tuple[str, str] | None:
    """The severity a text states, as one of `severities` (most severe first), with its words."""
    if not severities:
        return None
    by_name = {name.casefold().replace("-", "").replace(" ", ""): name for name in severities}
    for pattern in (_SEV, _PRIORITY):
        match = pattern.search(text)
        if match:
            number = int(match.group("number"))
            written = f"sev{number}"
            if written in by_name:
                return by_name[written], match.group(0)
            # SEV1 and P1 are the most severe where the scale starts at 1; SEV0 and P0 where it starts at 0
            index = max(0, number - 1)
            return severities[min(index, len(severities) - 1)], match.group(0)
    word = _WORD.search(text)
    if word:
        stated = word.group("word").casefold()
        if stated in by_name:
            return by_name[stated], word.group(0)
        if stated in RANKS:
            return severities[min(RANKS[stated], len(severities) - 1)], word.group(0)
    return None


def facts_in(text: str, severities: list[str]) -> Facts:
    """Severity and impact figures a document states."""
    found = Facts()
    severity = severity_in(text, severities)
    if severity:
        found.severity, found.severity_words = severity
    affected = [m for m in _AFFECTED.finditer(text) if m.group(0).strip()]
    if affected:
        best = max(affected, key=lambda m: _count(m.group("number"), m.group("scale")))
        found.impact.users_affected = _count(best.group("number"), best.group("scale"))
        found.evidence["users_affected"] = " ".join(best.group(0).split())
    share = _SHARE.search(text)
    if share and 0 < float(share.group("share")) <= 100:
        found.impact.users_share = float(share.group("share")) / 100
        found.evidence["users_share"] = " ".join(share.group(0).split())
    duration = _DURATION.search(text)
    if duration:
        amount = duration_in(duration.group("amount"))
        if amount is not None:
            found.impact.duration_minutes = round(amount.total_seconds() / 60)
            found.evidence["duration_minutes"] = " ".join(duration.group(0).split()).rstrip(" ,")
    if _NO_LOSS.search(text):
        found.impact.data_loss = "none"
        found.evidence["data_loss"] = _NO_LOSS.search(text).group(0)  # type: ignore[union-attr]
    elif (loss := _LOSS.search(text)) is not None:
        found.impact.data_loss = " ".join(loss.group("loss").split())
        found.evidence["data_loss"] = found.impact.data_loss
    money = _MONEY.search(text)
    if money:
        found.impact.cost = " ".join(money.group("money").split())
        found.evidence["cost"] = found.impact.cost
    return found
