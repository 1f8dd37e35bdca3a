"""A postmortem written elsewhere as a Cairn document, with a report of what went where.

The parts of the document (`outline`) go to the postmortem's prose sections,
its timeline (`timeline_text`), contributing factors (`factors_text`), action
items (`action_items_text`), key moments (`moments_text`) and impact figures
(`facts_text`); what maps nowhere is kept verbatim as a free section under its
own heading. Causes are kept as written beside the factors read from them, a
timeline beside its events only when none could be read. The report names,
for each part, where it went, and every line that looked like a timeline entry
but could not be read.

This module reads and maps only; storing the document is the import service's.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from dataclasses import replace
from datetime import UTC, date, datetime, time
from pathlib import Path

from cairn.config import DEFAULT_SEVERITIES
from cairn.domain.document import ActionItemDoc, EventDoc, FactorDoc, IncidentDoc, PostmortemDoc, SectionDoc, WhyDoc
from cairn.domain.enums import FactorRole
from cairn.domain.priority import PRIORITIES
from cairn.domain.times import localize, require_zone
from cairn.importers.history.action_items_text import read_action_items
from cairn.importers.history.facts_text import facts_in, severity_in
from cairn.importers.history.factors_text import read_factors
from cairn.importers.history.headings import HeadingMap
from cairn.importers.history.moments_text import find_moments
from cairn.importers.history.outline import parts_of, read_outline
from cairn.importers.history.timeline_text import _DATE, TextEvent, parse_date, read_timeline

IMPORTER_VERSION = "history-1"
PROSE_KINDS = ("summary", "impact", "resolution", "did_not_work", "went_well", "went_wrong", "got_lucky", "surprises")
FREE_TITLES = {"detection": "Detection", "lessons": "Lessons learned", "participants": "Participants", "metadata": "Details"}
_DATE_IN = re.compile(_DATE, re.IGNORECASE)
_FILE_DAY = re.compile(r"(?<!\d)(\d{4})-(\d{2})-(\d{2})(?!\d)")


@dataclass(frozen=True)
class HistoryOptions:
    severity: str | None = None  # where the document states none
    team: str | None = None
    service: str | None = None
    zone: str = "UTC"  # of times that state none
    day: date | None = None  # of documents that state no date
    headings: HeadingMap | None = None
    severities: tuple[str, ...] = tuple(DEFAULT_SEVERITIES)
    categories: tuple[str, ...] | None = None


@dataclass
class MappingReport:
    source: str
    title: str
    placed: list[tuple[int, str, str]] = field(default_factory=list)  # (line, heading, where it went)
    events: int = 0
    factors: int = 0
    action_items: int = 0
    zones: list[str] = field(default_factory=list)
    moments: dict[str, str] = field(default_factory=dict)  # moment: where it came from
    disagreements: list[str] = field(default_factory=list)
    unread: list[tuple[int, str]] = field(default_factory=list)  # (file line, why)
    free_sections: list[str] = field(default_factory=list)
    severity_from: str = ""
    owners: dict[int, str] = field(default_factory=dict)  # action item index: its owner as written (kept in its note)
    problems: list[str] = field(default_factory=list)  # what stops the document from being stored
    notes: list[str] = field(default_factory=list)  # how it was read, e.g. converted from HTML

    @property
    def complete(self) -> bool:
        """Everything was read: no unreadable timeline line, no disagreement, no problem."""
        return not (self.unread or self.disagreements or self.problems)

    def lines(self) -> list[str]:
        """The report as text, for `cairn import --dry-run` and the import page."""
        out = [f"{self.source}: {self.title!r}"]
        out += [f"  {note}" for note in self.notes]
        out += [f"  {f'line {line}: ' if line > 0 else ''}{heading or '(before the first heading)'} -> {where}" for line, heading, where in self.placed]
        out.append(f"  {self.events} timeline events, {self.factors} contributing factors, {self.action_items} action items; "
                   f"times read in {', '.join(self.zones) or 'no zone (no times)'}")
        out += [f"  {moment}: {source}" for moment, source in self.moments.items()]
        out.append(f"  severity: {self.severity_from or 'not stated'}")
        out += [f"  disagrees: {text}" for text in self.disagreements]
        out += [f"  {self.source}{f':{line}' if line > 0 else ''}: not read: {why}" for line, why in self.unread]
        out += [f"  refused: {problem}" for problem in self.problems]
        return out


def document_day(meta: dict, title: str | None, source: str, preamble: str) -> date | None:  # type: ignore[type-arg]
    """The day the document is about: its front matter's date, else a date in its title,
    its file name (2025-09-29-flags-down.md) or its opening words."""
    stated = meta.get("date")
    if isinstance(stated, date):
        return stated
    if isinstance(stated, str) and parse_date(stated[:10], None):
        return parse_date(stated[:10], None)
    for text in (title or "", Path(source).name, preamble[:500]):
        found = _FILE_DAY.search(text) if text == Path(source).name else _DATE_IN.search(text)
        if found:
            day = date(int(found.group(1)), int(found.group(2)), int(found.group(3))) if text == Path(source).name else parse_date(found.group("date"), None)
            if day:
                return day
    return None


def _first_date(text: str) -> date | None:
    """The first full date in the document's opening (a "Date: 4 March 2025" line, a dated sentence)."""
    for found in _DATE_IN.finditer(text[:3000]):
        day = parse_date(found.group("date"), None)
        if day:
            return day
    return None


def map_history(text: str, source: str, options: HistoryOptions | None = None) -> tuple[IncidentDoc, MappingReport]:
    """The Cairn document of a foreign postmortem and the report of its mapping."""
    options = options or HistoryOptions()
    headings = options.headings or HeadingMap()
    outline = read_outline(text, source, headings)
    parts = parts_of(outline, headings)
    title = outline.title or outline.meta.get("title") or Path(source).stem.replace("-", " ").replace("_", " ").strip() or "Imported postmortem"
    report = MappingReport(source, title)
    preamble = next((part.markdown for part in parts if part.kind == "preamble"), "")
    day = document_day(outline.meta, outline.title, source, preamble) or _first_date(text) or options.day
    prose: dict[str, list[str]] = {}
    sections: list[SectionDoc] = []
    events: list[TextEvent] = []
    factors: list[FactorDoc] = []
    items: list[ActionItemDoc] = []
    has_summary = any(part.kind == "summary" for part in parts)
    for part in parts:
        heading = part.heading or ""
        if part.kind == "preamble":
            target = "summary" if not has_summary else None
            if target:
                prose.setdefault("summary", []).append(part.markdown)
                report.placed.append((part.line, "", "summary (the text before the first heading)"))
            else:
                sections.append(SectionDoc("Introduction", part.markdown))
                report.placed.append((part.line, "", "free section Introduction"))
            continue
        if part.kind in PROSE_KINDS:
            prose.setdefault(part.kind, []).append(part.markdown if not prose.get(part.kind) else f"### {heading}\n\n{part.markdown}")
            report.placed.append((part.line, heading, part.kind.replace("_", " ")))
        elif part.kind == "timeline":
            found = read_timeline(part.lines, day=day, zone=options.zone)
            events += found.events
            report.unread += found.problems
            report.zones += [zone for zone in found.zones if zone not in report.zones]
            where = f"timeline: {len(found.events)} events"
            if not found.events and part.markdown.strip():
                sections.append(SectionDoc(heading, part.markdown))
                where += f", kept as written in free section {heading!r}"
            report.placed.append((part.line, heading, where))
        elif part.kind in ("causes", "trigger"):
            role = FactorRole.TRIGGER if part.kind == "trigger" else FactorRole.LATENT_CONDITION
            read = read_factors(part.lines, role=role, categories=list(options.categories) if options.categories else None)
            factors += [FactorDoc(None, f.description, f.category, f.role.value, [], [WhyDoc(w.question, w.answer) for w in f.whys]) for f in read]
            sections.append(SectionDoc(heading, part.markdown))
            report.placed.append((part.line, heading, f"{len(read)} contributing factors (categories guessed), and kept as written"))
        elif part.kind == "actions":
            read = read_action_items(part.lines, heading=heading, year=day.year if day else None)
            for item in read:
                url = next((ticket for ticket in item.tickets if ticket.startswith("http")), None)
                notes = [piece for piece in (item.notes, f"owner: {item.owner}" if item.owner else "",
                                             "tickets: " + ", ".join(item.tickets) if item.tickets and not url else "") if piece]
                if item.owner:
                    report.owners[len(items)] = item.owner
                items.append(ActionItemDoc(
                    None, item.title[:200], (item.kind.value if item.kind else "prevent"), item.status.value,
                    item.priority.upper() if item.priority and item.priority.upper() in PRIORITIES else "P3",
                    None, item.due, url=url, note="; ".join(notes) or None,
                ))
            report.placed.append((part.line, heading, f"{len(read)} action items"))
        else:
            free = FREE_TITLES.get(part.kind or "", None) if not heading else heading
            sections.append(SectionDoc(free or heading or "Notes", part.markdown))
            report.free_sections.append(free or heading)
            report.placed.append((part.line, heading, f"free section {free or heading!r}"))
    authors = outline.meta.get("authors") or []
    if authors and not any(part.kind == "participants" for part in parts):
        sections.append(SectionDoc("Authors", "\n".join(f"- {name}" for name in authors)))
        report.placed.append((0, "authors (front matter)", "free section 'Authors'"))
        report.free_sections.append("Authors")
    found_moments = find_moments(events, text)
    report.moments, report.disagreements = found_moments.sources, found_moments.disagreements
    moments = found_moments.moments
    if moments.started is None and day is not None:
        moments = replace(moments, started=localize(datetime.combine(day, time()), require_zone(options.zone)).astimezone(UTC))
        report.moments = {"started": f"the document's date, {day.isoformat()} (no time stated)", **report.moments}
    elif moments.started is None:
        report.problems.append("no date stated: give the day it happened")
    facts = facts_in("\n".join(["\n".join(prose.get("summary", [])), "\n".join(prose.get("impact", [])), preamble]), list(options.severities))
    anywhere = (facts.severity, facts.severity_words) if facts.severity else (severity_in(text, list(options.severities)) or (None, None))
    severity, stated = anywhere[0] or options.severity, anywhere[1]
    report.severity_from = (f"stated: {stated!r}" if stated else (f"default {options.severity}" if options.severity else ""))
    if severity is None:
        report.problems.append("no severity stated: give a default severity")
    report.events, report.factors, report.action_items = len(events), len(factors), len(items)
    doc = IncidentDoc(
        title=title[:200], severity=severity or "", timezone=options.zone if "/" in options.zone or options.zone == "UTC" else "UTC",
        services=[options.service] if options.service else [], teams=[options.team] if options.team else [],
        tags=list(dict.fromkeys([*outline.meta.get("tags", []), *outline.meta.get("categories", [])])),
        moments=moments,
        timeline=[EventDoc(event.at, "note", event.text + (" (approximate time)" if event.approximate else ""), source="history",
                           ref=f"{Path(source).name}:{event.line}") for event in sorted(events, key=lambda e: e.at)],
        factors=factors, action_items=items,
        postmortem=PostmortemDoc(impact=facts.impact, prose={kind: "\n\n".join(texts) for kind, texts in prose.items()}, sections=sections),
    )
    return doc, report
