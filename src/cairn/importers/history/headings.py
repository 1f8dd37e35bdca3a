"""What a heading of a postmortem written elsewhere is about.

Teams title the same part of a postmortem in many ways ("TL;DR", "Executive
summary", "Root Cause Analysis", "Follow-ups", "Where we got lucky"), at any
heading level, numbered or not, with links or status notes in brackets. A
heading is reduced to its words (`normalise`) and looked up among the phrases
of each kind; a team adds its own phrases in TOML (`[headings]`, phrase =
kind). A heading that maps nowhere returns None: the importer keeps it as a
free section, so nothing is dropped.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Mapping
from pathlib import Path

from cairn.errors import InvalidInput
from cairn.tomlfile import read_toml

# The kinds a heading may name, and the phrases that name them (normalised).
PHRASES: dict[str, tuple[str, ...]] = {
    "summary": ("summary", "overview", "executive summary", "problem summary", "tl dr", "tldr", "incident summary", "abstract",
                "synopsis", "description", "what happened", "background", "issue summary", "outage description", "summary of impact"),
    "impact": ("impact", "customer impact", "user impact", "business impact", "impact assessment", "scope", "scope and impact",
               "who was affected", "affected services", "blast radius"),
    "causes": ("root cause", "root causes", "root cause analysis", "rca", "contributing factors", "contributing factor", "causes", "cause",
               "why it happened", "why did it happen", "how did it happen", "what caused the incident", "what caused it", "identified cause",
               "contributing conditions", "contributing conditions analysis", "why it failed", "why it wasnt caught", "process breakdown",
               "5 whys", "five whys", "analysis", "technical analysis", "causal factors"),
    "trigger": ("trigger", "triggers", "what triggered it", "triggering event"),
    "resolution": ("resolution", "recovery", "mitigation", "resolution and recovery", "how it was resolved", "fix", "the fix", "response",
                   "response and recovery", "mitigation and resolution"),
    "detection": ("detection", "how it was detected", "how we found out", "discovery", "detection and response"),
    "timeline": ("timeline", "chronology", "sequence of events", "timeline of events", "event timeline", "incident timeline", "time line", "chain of events",
                 "timeline summary"),
    "actions": ("action items", "action item", "actions", "follow ups", "follow up", "followups", "follow up actions", "corrective actions",
                "corrective and preventative actions", "next steps", "remediations", "remediation items", "remediation", "preventive actions",
                "preventative actions", "improvements", "todo", "to do", "tasks", "corrective and preventative measures", "preventative measures",
                "preventive measures", "prevention", "how are we preventing it from happening again", "moving forward", "immediate actions",
                "planned actions", "short term improvements", "medium term improvements", "long term improvements"),
    "lessons": ("lessons learned", "lessons learnt", "lessons", "learnings", "takeaways", "key takeaways", "retrospective", "reflections", "insights"),
    "went_well": ("what went well", "things that went well", "went well", "what worked", "what worked well", "the good"),
    "went_wrong": ("what went wrong", "things that went wrong", "what went poorly", "what didnt go well", "what did not go well",
                   "what could have gone better", "what could be improved", "went wrong", "the bad", "challenges", "problems", "what went badly"),
    "got_lucky": ("where we got lucky", "where we were lucky", "where did we get lucky", "what we got lucky with", "lucky", "luck"),
    "surprises": ("surprises", "what surprised us", "surprising", "unexpected"),
    "did_not_work": ("what did not work", "what didnt work", "attempts that failed", "dead ends"),
    "participants": ("participants", "attendees", "authors", "author", "owners", "owner", "people involved", "responders", "team",
                     "incident team", "roles", "who was involved", "names of people involved", "incident lead",
                     "postmortem attendees"),
    "metadata": ("stats", "metadata", "details", "incident details", "key facts", "facts", "summary table", "at a glance", "information",
                 "incident information", "status", "duration", "date", "start date time", "end date time", "incident timing",
                 "report status"),
}
KINDS = tuple(PHRASES)
# Phrases that still name their kind after a qualifier ("Infrastructure impact", "Issue summary").
HEAD_PHRASES = ("summary", "impact", "timeline", "improvements", "action items", "actions", "follow ups", "root cause", "root causes",
                "lessons learned", "takeaways", "resolution", "recovery", "mitigation", "detection")

_LINK = re.compile(r"!?\[([^\]]*)\]\([^)]*\)")  # [text](url) and images
_BRACKETED = re.compile(r"\s*[(\[][^()\[\]]*[)\]]\s*$")  # a trailing "(Completed)" or "[draft]"
_NUMBERING = re.compile(r"^\s*(?:(?:\d+|[ivxlc]+|[a-z])[.)]|\d+(?:\.\d+)+\.?|step\s+\d+\s*[:.-]|part\s+\d+\s*[:.-])\s+", re.IGNORECASE)
_NOT_WORD = re.compile(r"[^\w]+")
_EMPHASIS = re.compile(r"[*_`~]+")
_FILLER = ("incident ", "outage ", "the ", "our ", "postmortem ", "post mortem ")


def normalise(heading: str) -> str:
    """A heading's words: links reduced to their text, emphasis, numbering, a trailing
    bracketed note, accents and punctuation dropped, lower case, single spaces."""
    text = _EMPHASIS.sub("", _LINK.sub(r"\1", heading))
    text = unicodedata.normalize("NFKD", text)
    text = "".join(ch for ch in text if not unicodedata.combining(ch))
    text = text.replace("&", " and ").replace("’", "'").replace("'", "")
    previous = None
    while previous != text:  # "Short-term fixes ([Tracked](…))" and "Actions (done) [2]"
        previous, text = text, _BRACKETED.sub("", text)
    text = _NUMBERING.sub("", text.strip(" \t#*_`~:-—–"))
    return " ".join(_NOT_WORD.sub(" ", text.casefold()).split())


class HeadingMap:
    """Phrases to kinds, the built-in ones and a team's own (which win)."""

    def __init__(self, extra: Mapping[str, str] | None = None) -> None:
        self.exact: dict[str, str] = {}
        for kind, phrases in PHRASES.items():
            for phrase in phrases:
                self.exact.setdefault(phrase, kind)
        for phrase, kind in (extra or {}).items():
            if kind not in KINDS:
                raise InvalidInput(f"heading {phrase!r}: unknown kind {kind!r}; choose one of {', '.join(KINDS)}")
            key = normalise(phrase)
            if not key:
                raise InvalidInput(f"heading {phrase!r} has no words")
            self.exact[key] = kind
        self.longest_first = sorted(self.exact, key=len, reverse=True)

    @classmethod
    def from_toml(cls, path: Path) -> "HeadingMap":
        data = read_toml(path, "history import configuration")
        headings = data.get("headings", {})
        if not isinstance(headings, dict) or not all(isinstance(v, str) for v in headings.values()):
            raise InvalidInput(f"history import configuration {path}: [headings] maps a heading to a kind, e.g. \"war story\" = \"summary\"")
        return cls(headings)

    def kind_of(self, heading: str) -> str | None:
        """The kind a heading names, or None. A heading that begins with a known phrase
        ("Timeline of the outage", "Impact on customers") names its kind too."""
        words = normalise(heading)
        if not words:
            return None
        for candidate in _candidates(words):
            if candidate in self.exact:
                return self.exact[candidate]
        for candidate in _candidates(words):
            for phrase in self.longest_first:
                if candidate.startswith(phrase + " ") and len(phrase) >= 4:
                    return self.exact[phrase]
        for candidate in _candidates(words):  # "End user impact", "Infrastructure impact", "Immediate improvements"
            for phrase in HEAD_PHRASES:
                if candidate.endswith(" " + phrase):
                    return self.exact.get(phrase)
        return None


def _candidates(words: str) -> list[str]:
    """The heading, and the heading without a leading filler word ("Incident timeline")."""
    found = [words]
    for filler in _FILLER:
        if words.startswith(filler) and len(words) > len(filler):
            found.append(words[len(filler):])
    return found
