"""Blameless language review of incidents and documents.

What is linted: the title, every prose section, contributing factors and
their 5-Whys, action items, and timeline events written by hand. Events
imported from chat or pagers are records of what people said at the time,
so they are quoted material, not the postmortem's own words.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, replace
from datetime import datetime

from sqlalchemy import select

from cairn.analysis.lint import Finding, LintConfig, lint_text
from cairn.analysis.lint.config import load_config
from cairn.domain.document import PROSE_SECTIONS, IncidentDoc
from cairn.domain.names import check_line
from cairn.domain.times import UTC, now_utc
from cairn.errors import CairnError, Conflict, ImportFailed, InvalidInput, NotFound
from cairn.formats import markdown
from cairn.services.audit import record
from cairn.services.context import Context
from cairn.services.convert import to_doc
from cairn.services.incidents import get_incident, key_of, require_incident
from cairn.storage.models import LintDismissal, User

TITLES = dict(PROSE_SECTIONS)


@dataclass(frozen=True)
class Dismissed:
    finding: Finding
    reason: str
    actor: str | None
    at: datetime


@dataclass(frozen=True)
class IncidentLint:
    key: str
    findings: list[Finding]
    dismissed: list[Dismissed]


def base_config(ctx: Context) -> LintConfig:
    return load_config(ctx.settings.lint_config)


def location_at(at: datetime) -> str:
    # By time, not storage id: the same label (and finding id) in exported files.
    return f"timeline {at.astimezone(UTC):%Y-%m-%d %H:%M:%S} UTC"


def doc_fields(doc: IncidentDoc, *, timeline: bool = True) -> list[tuple[str, str, tuple]]:
    """(location, text, document path) of every text a person wrote."""
    fields: list[tuple[str, str, tuple]] = [("title", doc.title, ("title",))]
    for name, title in PROSE_SECTIONS:
        fields.append((title.lower(), doc.postmortem.prose.get(name, ""), ("postmortem", "sections", name)))
    for index, section in enumerate(doc.postmortem.sections):
        fields.append((f"section '{section.title}'", section.body, ("postmortem", "extra_sections", index)))
    for index, factor in enumerate(doc.factors):
        label = factor.label or f"F{index + 1}"  # unlabelled factors get these labels on import
        fields.append((f"factor {label}", factor.description, ("factors", index, "description")))
        for position, why in enumerate(factor.whys, start=1):
            fields.append((f"factor {label} why {position}", why.question, ("factors", index, "whys", position - 1, "why")))
            fields.append((f"factor {label} because {position}", why.answer, ("factors", index, "whys", position - 1, "because")))
    for index, item in enumerate(doc.action_items):
        label = item.label or f"A{index + 1}"
        fields.append((f"action {label}", item.title, ("action_items", index, "title")))
        if item.note:
            fields.append((f"action {label} note", item.note, ("action_items", index, "note")))
    for index, event in enumerate(doc.timeline if timeline else ()):
        if event.source == "manual":
            fields.append((location_at(event.at), event.text, ("timeline", index, "text")))
    return [(location, text, path) for location, text, path in fields if text]


TypedEvents = tuple[list[tuple[int, str]], Callable[[list[int]], dict[int, datetime]]]


def lint_doc(doc: IncidentDoc, config: LintConfig, *, typed: TypedEvents | None = None) -> list[Finding]:
    """Findings in every text of `doc`. `typed`: the timeline's typed texts read
    apart, as (id, text) pairs and a function giving the times of some ids, for a
    timeline too long to load (`doc.timeline` is then not read)."""
    findings: list[Finding] = []
    for location, text, _path in doc_fields(doc, timeline=False):
        findings.extend(lint_text(text, config, location=location))
    if typed is None:
        events = [(index, event.text) for index, event in enumerate(doc.timeline) if event.source == "manual"]
        typed = (events, lambda indexes: {index: doc.timeline[index].at for index in indexes})
    texts, times_of = typed
    # Thousands of events on a big incident: most have no finding, and only
    # those that do need their time (for the finding's label).
    flagged = [(key, text) for key, text in texts if text and lint_text(text, config)]
    times = times_of([key for key, _text in flagged])
    for key, text in flagged:
        if key in times:  # an event deleted since its text was read has no finding to show
            findings.extend(lint_text(text, config, location=location_at(times[key])))
    return findings


def _people(session, incident, doc: IncidentDoc) -> list[str]:
    names = {p.user for p in doc.participants} | {a.owner for a in doc.action_items if a.owner}
    users = session.scalars(select(User).where(User.username.in_(names))) if names else []
    people = list(names)
    for user in users:
        parts = (user.display_name or "").split()
        if parts:
            people.append(" ".join(parts))
            people.append(parts[0])
    return people


def lint_incident(ctx: Context, key: str, *, config: LintConfig | None = None) -> IncidentLint:
    with ctx.db.transaction() as session:
        incident = require_incident(session, ctx, key, full=True)
        return review_loaded(session, ctx, incident, to_doc(incident, ctx.settings.key_prefix), config=config)


def review_loaded(  # type: ignore[no-untyped-def]
    session, ctx: Context, incident, doc: IncidentDoc, *, config: LintConfig | None = None, typed: TypedEvents | None = None,
) -> IncidentLint:
    """The review of an incident already loaded in `session` (and its document;
    `typed` as for `lint_doc`)."""
    team = doc.teams[0] if doc.teams else None
    effective = (config or base_config(ctx)).for_team(team).with_people(_people(session, incident, doc))
    dismissals = {
        d.finding_id: d
        for d in session.scalars(select(LintDismissal).where(LintDismissal.incident_id == incident.id))
    }
    findings, dismissed = [], []
    for finding in lint_doc(doc, effective, typed=typed):
        stored = dismissals.get(finding.id)
        if stored is None:
            findings.append(finding)
        else:
            dismissed.append(Dismissed(finding, stored.reason, stored.actor, stored.at))
    return IncidentLint(key_of(ctx, incident), findings, dismissed)


def dismiss_finding(ctx: Context, key: str, finding_id: str, reason: str) -> Finding:
    """Record that a finding is fine as written, and why."""
    why = check_line(reason, "reason", 1000)
    current = lint_incident(ctx, key)
    finding = next((f for f in current.findings if f.id == finding_id.strip()), None)
    if finding is None:
        if any(d.finding.id == finding_id.strip() for d in current.dismissed):
            raise Conflict(f"finding {finding_id} of {current.key} is already dismissed")
        raise NotFound(f"no open finding {finding_id} in {current.key}: list the incident's findings for their ids")
    with ctx.db.transaction() as session:
        incident = require_incident(session, ctx, key, write=True)
        session.add(
            LintDismissal(
                incident_id=incident.id,
                finding_id=finding.id,
                rule=finding.rule,
                location=finding.location[:200],
                excerpt=finding.excerpt,
                reason=why,
                actor=ctx.actor,
                at=now_utc(),
            )
        )
        record(session, ctx.actor, "lint.dismissed", incident, {"finding": finding.id, "rule": finding.rule, "reason": why})
    return finding


def count_open_findings(ctx: Context, key: str) -> int:
    """For the completeness gate: findings nobody has dismissed."""
    return len(lint_incident(ctx, key).findings)


def _place_in_file(finding: Finding, lines: list[str], key_line: int) -> Finding:
    """Where a front matter finding's words really are in the file (YAML may fold or quote them)."""
    first_word = finding.excerpt.split()[0] if finding.excerpt.split() else finding.excerpt
    for index in range(key_line - 1, min(len(lines), key_line + 40)):
        column = lines[index].find(finding.excerpt)
        if column < 0:
            column = lines[index].find(first_word)
        if column >= 0:
            width = len(finding.excerpt) if lines[index].find(finding.excerpt) >= 0 else len(first_word)
            return replace(finding, line=index + 1, column=column + 1, end_line=index + 1, end_column=column + 1 + width)
    return replace(finding, line=key_line, column=1, end_line=key_line, end_column=1)


def lint_document_text(ctx: Context | None, text: str, *, source: str, team: str | None = None) -> list[Finding]:
    """Lint a file: plain text, Markdown, or an exported Cairn document.

    Lines and columns are those of the file. In a Cairn document every field
    is linted as in `lint_incident` (same locations, so the same finding ids;
    chat quotes in the timeline are skipped) and, when the incident is in the
    database, findings dismissed there stay dismissed. Other front matter is
    skipped.
    """
    config = (base_config(ctx) if ctx else LintConfig()).for_team(team)
    normalised = text.replace("\r\n", "\n").replace("\r", "\n")
    if normalised.startswith("\ufeff"):  # keep offsets: the mark becomes a space, not a shift
        normalised = " " + normalised[1:]
    lines = normalised.split("\n")
    body_start = 0
    if lines and lines[0].strip() == "---":
        closing = next((i for i in range(1, len(lines)) if lines[i].rstrip() in ("---", "...")), None)
        if closing is not None:
            body_start = closing + 1
            try:
                parsed = markdown.parse(normalised, source)
            except (ImportFailed, InvalidInput):
                parsed = None
            if parsed is not None:
                return _lint_cairn_document(ctx, parsed, lines, body_start, config, team)
    body = "\n".join(lines[body_start:])
    findings = [_shift(f, body_start, source) for f in lint_text(body, config, location=source)]
    findings.sort(key=lambda f: (f.line, f.column))
    return findings


def _lint_cairn_document(ctx, parsed, lines: list[str], body_start: int, config: LintConfig, team: str | None) -> list[Finding]:  # type: ignore[no-untyped-def]
    doc = parsed.doc
    config = config.for_team(doc.teams[0] if doc.teams else team).with_people(
        [p.user for p in doc.participants] + [a.owner for a in doc.action_items if a.owner]
    )
    findings: list[Finding] = []
    for location, value, path in doc_fields(doc):
        if path[0] == "postmortem" and path[1] in ("sections", "extra_sections"):
            first = _section_start(lines, body_start, value)
            findings.extend(_shift(f, first, location) for f in lint_text(value, config, location=location))
            continue
        line = parsed.line_of(path) or 1
        findings.extend(_place_in_file(f, lines, line) for f in lint_text(value, config, location=location))
    dismissed = _dismissed_ids(ctx, doc.key) if doc.key else set()
    findings = [f for f in findings if f.id not in dismissed]
    findings.sort(key=lambda f: (f.line, f.column))
    return findings


def _section_start(lines: list[str], body_start: int, value: str) -> int:
    """Index of the file line where a section's (canonical) text begins."""
    first_line = value.split("\n", 1)[0]
    for index in range(body_start, len(lines)):
        if lines[index] == first_line and (index == 0 or not lines[index - 1].strip() or lines[index - 1].startswith("## ")):
            return index
    return body_start


def _shift(finding: Finding, offset: int, location: str) -> Finding:
    return replace(finding, line=finding.line + offset, end_line=finding.end_line + offset, location=location)


def _dismissed_ids(ctx: Context | None, key: str) -> set[str]:
    """Finding ids dismissed for `key`; empty when there is no database to ask."""
    if ctx is None:
        return set()
    try:
        with ctx.db.transaction() as session:
            incident = get_incident(session, ctx, key)
            if incident is None:
                return set()
            return set(session.scalars(select(LintDismissal.finding_id).where(LintDismissal.incident_id == incident.id)))
    except (CairnError, AttributeError):
        return set()
