"""Blameless language review of incidents and documents.

What is linted: the title, every prose section, contributing factors and
their 5-Whys, action items, and timeline events written by hand. Events
imported from chat or pagers are records of what people said at the time,
so they are quoted material, not the postmortem's own words.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import datetime

from sqlalchemy import select

from cairn.analysis.lint import Finding, LintConfig, lint_text
from cairn.analysis.lint.config import load_config
from cairn.domain.document import PROSE_SECTIONS, IncidentDoc
from cairn.domain.names import check_line
from cairn.domain.times import now_utc
from cairn.errors import Conflict, ImportFailed, InvalidInput, NotFound
from cairn.formats import markdown
from cairn.services.audit import record
from cairn.services.context import Context
from cairn.services.convert import to_doc
from cairn.services.incidents import key_of, require_incident
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


def doc_fields(doc: IncidentDoc) -> list[tuple[str, str, tuple]]:
    """(location, text, document path) of every text a person wrote."""
    fields: list[tuple[str, str, tuple]] = [("title", doc.title, ("title",))]
    for name, title in PROSE_SECTIONS:
        fields.append((title.lower(), doc.postmortem.prose.get(name, ""), ("postmortem", "sections", name)))
    for index, section in enumerate(doc.postmortem.sections):
        fields.append((f"section '{section.title}'", section.body, ("postmortem", "extra_sections", index)))
    for index, factor in enumerate(doc.factors):
        fields.append((f"factor {factor.label}", factor.description, ("factors", index, "description")))
        for position, why in enumerate(factor.whys, start=1):
            fields.append((f"factor {factor.label} why {position}", why.question, ("factors", index, "whys", position - 1, "why")))
            fields.append((f"factor {factor.label} because {position}", why.answer, ("factors", index, "whys", position - 1, "because")))
    for index, item in enumerate(doc.action_items):
        fields.append((f"action {item.label}", item.title, ("action_items", index, "title")))
        if item.note:
            fields.append((f"action {item.label} note", item.note, ("action_items", index, "note")))
    for index, event in enumerate(doc.timeline):
        if event.source == "manual":
            label = f"timeline #{event.id}" if event.id else f"timeline[{index}]"
            fields.append((label, event.text, ("timeline", index, "text")))
    return [(location, text, path) for location, text, path in fields if text]


def lint_doc(doc: IncidentDoc, config: LintConfig) -> list[Finding]:
    findings: list[Finding] = []
    for location, text, _path in doc_fields(doc):
        findings.extend(lint_text(text, config, location=location))
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
        doc = to_doc(incident, ctx.settings.key_prefix)
        team = doc.teams[0] if doc.teams else None
        effective = (config or base_config(ctx)).for_team(team).with_people(_people(session, incident, doc))
        dismissals = {
            d.finding_id: d
            for d in session.scalars(select(LintDismissal).where(LintDismissal.incident_id == incident.id))
        }
        findings, dismissed = [], []
        for finding in lint_doc(doc, effective):
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
        raise NotFound(f"no open finding {finding_id} in {current.key}: run `cairn lint {current.key}` for the ids")
    with ctx.db.transaction() as session:
        incident = require_incident(session, ctx, key)
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

    Lines and columns are those of the file. In a Cairn document the front
    matter's texts are linted field by field (chat quotes in the timeline are
    skipped); other front matter is skipped.
    """
    config = (base_config(ctx) if ctx else LintConfig()).for_team(team)
    normalised = text.replace("\r\n", "\n").replace("\r", "\n")
    bom = normalised.startswith("\ufeff")
    if bom:  # keep offsets: the mark becomes a space, not a shift
        normalised = " " + normalised[1:]
    lines = normalised.split("\n")
    body_start = 0
    findings: list[Finding] = []
    if lines and lines[0].strip() == "---":
        closing = next((i for i in range(1, len(lines)) if lines[i].rstrip() in ("---", "...")), None)
        if closing is not None:
            body_start = closing + 1
            try:
                parsed = markdown.parse(normalised, source)
            except (ImportFailed, InvalidInput):
                parsed = None
            if parsed is not None:
                doc = parsed.doc
                config = config.for_team(doc.teams[0] if doc.teams else team).with_people(
                    [p.user for p in doc.participants] + [a.owner for a in doc.action_items if a.owner]
                )
                for location, value, path in doc_fields(doc):
                    if path[0] == "postmortem" and path[1] in ("sections", "extra_sections"):
                        continue  # body text: linted below with its real lines
                    line = parsed.line_of(path) or 1
                    for finding in lint_text(value, config, location=location):
                        findings.append(_place_in_file(finding, lines, line))
    body = "\n".join(lines[body_start:])
    for finding in lint_text(body, config, location=source):
        findings.append(
            replace(
                finding,
                line=finding.line + body_start,
                end_line=finding.end_line + body_start,
                location=source,
            )
        )
    findings.sort(key=lambda f: (f.line, f.column))
    return findings


