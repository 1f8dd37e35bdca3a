"""The public version of a postmortem: secrets, personal data and internal
names replaced by neutral placeholders, and internal sections left out.

Each replacement is recorded, so the redactions can be reviewed before
publishing. Secrets are matched first (they often contain things that look
like hosts or e-mail addresses), then people, then addresses and hosts.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field, replace

from cairn.domain.document import EventDoc, FactorDoc, IncidentDoc, ParticipantDoc, SectionDoc, WhyDoc

# (kind, pattern); the whole match is replaced unless the pattern has a group named "secret".
SECRET_PATTERNS: tuple[tuple[str, re.Pattern[str]], ...] = (
    ("private key", re.compile(r"-----BEGIN [A-Z ]*PRIVATE KEY-----.*?(?:-----END [A-Z ]*PRIVATE KEY-----|\Z)", re.S)),
    ("credentials in URL", re.compile(r"(?<=://)(?P<secret>[^\s/@:]+:[^\s/@]+)(?=@)")),
    ("AWS access key", re.compile(r"\b(?:AKIA|ASIA)[0-9A-Z]{16}\b")),
    ("GitHub token", re.compile(r"\b(?:gh[pousr]_[A-Za-z0-9]{30,}|github_pat_[A-Za-z0-9_]{30,})\b")),
    ("Slack token", re.compile(r"\bxox[abposr]-[A-Za-z0-9-]{10,}\b")),
    ("Slack webhook", re.compile(r"https://hooks\.slack\.com/services/[A-Za-z0-9/_-]+")),
    ("Cairn token", re.compile(r"\bcairn_[A-Za-z0-9_-]{20,}\b")),
    ("JSON web token", re.compile(r"\beyJ[A-Za-z0-9_-]{8,}\.[A-Za-z0-9_-]{8,}\.[A-Za-z0-9_-]{8,}\b")),
    ("API key", re.compile(r"\b(?:sk|pk|rk)_(?:live|test)_[A-Za-z0-9]{16,}\b")),
    ("bearer token", re.compile(r"(?i)\bbearer\s+(?P<secret>[A-Za-z0-9._~+/=-]{16,})")),
    ("secret value", re.compile(
        r"(?i)\b(?:password|passwd|pwd|secret|token|api[_-]?key|access[_-]?key|client[_-]?secret)\b\s*[:=]\s*[\"']?(?P<secret>[^\s\"',;]{4,})"
    )),
)
EMAIL = re.compile(r"\b[A-Za-z0-9._%+-]+@[A-Za-z0-9.-]+\.[A-Za-z]{2,}\b")
IPV4 = re.compile(r"\b(?:(?:25[0-5]|2[0-4]\d|1?\d?\d)\.){3}(?:25[0-5]|2[0-4]\d|1?\d?\d)(?:/\d{1,2})?\b")
IPV6 = re.compile(
    r"(?<![\w:])(?=[0-9A-Fa-f:]*::|(?:[0-9A-Fa-f]{1,4}:){5})(?=[:0-9A-Fa-f]*[0-9A-Fa-f])(?:[0-9A-Fa-f]{0,4}:){2,7}[0-9A-Fa-f]{0,4}(?![\w:])"
)
INTERNAL_HOST = re.compile(
    r"\b[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?(?:\.[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?)*"
    r"\.(?:internal|local|lan|corp|intra|intranet|private|cluster\.local|svc|consul)\b",
    re.I,
)
INTERNAL_MARK = "(internal)"
SECRET_REPLACEMENT = "[secret removed]"


@dataclass(frozen=True)
class Redaction:
    kind: str
    where: str
    original: str
    replacement: str

    @property
    def is_secret(self) -> bool:
        return self.replacement == SECRET_REPLACEMENT

    @property
    def shown(self) -> str:
        """What a reviewer sees: a secret by its first characters only, enough to recognise, not to use."""
        if self.is_secret:
            keep = min(4, len(self.original) // 4)  # a short password keeps at most one character
            return f"{self.original[:keep]}… ({len(self.original)} characters)"
        return self.original if len(self.original) <= 60 else self.original[:59] + "…"


@dataclass
class Redactor:
    people: list[str] = field(default_factory=list)
    found: list[Redaction] = field(default_factory=list)
    _aliases: dict[str, str] = field(default_factory=dict)

    def person(self, name: str | None) -> str | None:
        if not name:
            return name
        if name not in self._aliases:
            self._aliases[name] = f"Person {chr(ord('A') + len(self._aliases) % 26)}{'' if len(self._aliases) < 26 else len(self._aliases) // 26}"
        return self._aliases[name]

    def text(self, value: str | None, where: str) -> str | None:
        if not value:
            return value
        result = value
        for kind, pattern in SECRET_PATTERNS:
            result = self._sub(pattern, result, kind, where, SECRET_REPLACEMENT)
        for name in sorted(self.people, key=len, reverse=True):
            alias = self.person(name) or name
            people = re.compile(rf"(?<![\w@.-]){re.escape(name)}(?![\w-])")
            result = self._sub(people, result, "person", where, alias)
        result = self._sub(EMAIL, result, "e-mail address", where, "[e-mail removed]")
        result = self._sub(IPV4, result, "IP address", where, "[IP address]")
        result = self._sub(IPV6, result, "IP address", where, "[IP address]")
        result = self._sub(INTERNAL_HOST, result, "internal host", where, "[internal host]")
        return result

    def _sub(self, pattern: re.Pattern[str], text: str, kind: str, where: str, replacement: str) -> str:
        def swap(match: re.Match[str]) -> str:
            if "secret" in pattern.groupindex and match.group("secret") is not None:
                start, end = match.span("secret")
                offset = match.start()
                self.found.append(Redaction(kind, where, match.group("secret"), replacement))
                whole = match.group(0)
                return whole[: start - offset] + replacement + whole[end - offset:]
            self.found.append(Redaction(kind, where, match.group(0), replacement))
            return replacement

        return pattern.sub(swap, text)


def public_version(doc: IncidentDoc) -> tuple[IncidentDoc, list[Redaction]]:
    """A redacted copy of `doc` and the list of what was replaced or left out."""
    names = {p.user for p in doc.participants} | {e.actor for e in doc.timeline if e.actor} | {a.owner for a in doc.action_items if a.owner}
    redactor = Redactor(people=sorted(n for n in names if n and len(n) >= 3))
    text = redactor.text
    pm = doc.postmortem
    prose = {name: text(body, f"section {name}") or "" for name, body in pm.prose.items()}
    sections = []
    for section in pm.sections:
        if INTERNAL_MARK in section.title.casefold():
            redactor.found.append(Redaction("internal section", f"section '{section.title}'", section.title, "(left out)"))
            continue
        sections.append(SectionDoc(text(section.title, "section title") or "", text(section.body, f"section '{section.title}'") or ""))
    impact = replace(
        pm.impact,
        data_loss=text(pm.impact.data_loss, "impact data loss"), cost=text(pm.impact.cost, "impact cost"),
        slo_budget=text(pm.impact.slo_budget, "impact SLO budget"),
    )
    public = replace(
        doc,
        title=text(doc.title, "title") or "",
        participants=[ParticipantDoc(redactor.person(p.user) or "", p.role) for p in doc.participants],
        timeline=[
            EventDoc(at=e.at, kind=e.kind, text=text(e.text, f"timeline {e.at:%H:%M}") or "", actor=redactor.person(e.actor),
                     source=e.source, ref=None)
            for e in doc.timeline
        ],
        factors=[
            FactorDoc(f.label, text(f.description, f"factor {f.label}") or "", f.category, f.role, list(f.services),
                      [WhyDoc(text(w.question, f"factor {f.label}") or "", text(w.answer, f"factor {f.label}") or "") for w in f.whys])
            for f in doc.factors
        ],
        action_items=[
            replace(a, title=text(a.title, f"action item {a.label}") or "", owner=redactor.person(a.owner),
                    note=text(a.note, f"action item {a.label}"), url=None)
            for a in doc.action_items
        ],
        postmortem=replace(pm, prose=prose, sections=sections, impact=impact),
    )
    return public, redactor.found

