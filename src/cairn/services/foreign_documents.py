"""Importing a team's history: postmortems written elsewhere, catalogues of
incidents, and Cairn's own documents, one file or a whole folder at a time.

Each file is all or nothing: it is mapped (`importers.history`), then stored
in its own transaction, or refused with one line naming it. With `strict`,
the whole batch is one transaction and the first refusal stops it, so a
folder goes in whole or not at all. A dry run does all of it and rolls back,
so its report says what an import would do (each file is checked on its own, so
within one batch new incidents all show the next free key, and two files with
the same content both show as created).

Every incident made from a foreign file keeps its origin (`ImportOrigin`):
the file's stable name, the hash of its bytes, the importer's version, and
the incident's version right after the import. Importing the same bytes
again changes nothing, even under another name; a changed file updates the
same incident, unless someone edited that incident in Cairn since (its
version moved on), which only `force` overwrites.

Imported incidents are history: closed, their postmortems published (when
they were published elsewhere is not known, so the publishing date stays
empty and the timeliness figures leave them out).
"""

from __future__ import annotations

import hashlib
import json
import re
from collections import Counter
from pathlib import Path, PurePosixPath
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field, replace

from sqlalchemy import func, or_, select
from sqlalchemy.orm import Session

from cairn.domain.document import IncidentDoc
from cairn.domain.enums import IncidentStatus, PostmortemStatus
from cairn.domain.keys import format_key
from cairn.domain.times import now_utc
from cairn.errors import CairnError, Conflict, ImportFailed, InvalidInput
from cairn.importers.history.headings import HeadingMap
from cairn.importers.history.mapping import IMPORTER_VERSION, HistoryOptions, MappingReport, map_history
from cairn.importers.history.sources import Skipped, SourceFile, Unreadable, text_of
from cairn.services.access import require_admin
from cairn.services.context import Context
from cairn.services.incidents import require_incident
from cairn.services.portable import save_document
from cairn.storage.models import ImportOrigin, Incident, User

SOURCES = ("auto", "other", "cairn")
DATA_SUFFIXES = (".csv", ".tsv", ".json", ".jsonl", ".ndjson")
MAX_DOCUMENT_BYTES = 5 * 2**20  # Markdown: the longest published postmortems are well under 1 MiB
MAX_HTML_BYTES = 20 * 2**20  # exports carry markup, styles and inline images
_CAIRN_KEYS = {"severity", "moments", "timeline", "action_items", "factors", "postmortem", "visibility", "timezone", "participants"}
_TOP_KEY = re.compile(r"^([A-Za-z_]+):", re.MULTILINE)


@dataclass
class Outcome:
    """What became of one document (or one catalogue entry)."""

    source: str
    action: str  # created, updated, unchanged, refused, skipped
    key: str | None = None
    report: MappingReport | None = None
    error: str | None = None
    note: str | None = None
    entry: bool = False  # a catalogue's entry, not a document

    @property
    def partial(self) -> bool:
        return self.action != "refused" and self.report is not None and not self.report.complete


@dataclass
class HistoryBatch:
    outcomes: list[Outcome] = field(default_factory=list)
    dry_run: bool = False
    stopped: bool = False  # strict: the first refusal rolled everything back

    @property
    def exit_code(self) -> int:
        """0 everything read, 1 some documents only partly mapped, 2 a document refused."""
        if any(o.action == "refused" for o in self.outcomes):
            return 2
        return 1 if any(o.partial for o in self.outcomes) else 0

    def counts(self) -> Counter[str]:
        return Counter(o.action for o in self.outcomes)

    def summary(self) -> str:
        counts = self.counts()
        verb = "would be " if self.dry_run else ""
        parts = [f"{counts[a]} {verb}{a}" for a in ("created", "updated", "unchanged") if counts[a]]
        parts += [f"{counts['refused']} refused"] if counts["refused"] else []
        parts += [f"{counts['skipped']} skipped (not postmortems)"] if counts["skipped"] else []
        partial = sum(o.partial for o in self.outcomes)
        parts += [f"{partial} only partly mapped"] if partial else []
        reports = [o.report for o in self.outcomes if o.report is not None and o.action != "refused"]
        events = sum(r.events for r in reports)
        factors = sum(r.factors for r in reports)
        items = sum(r.action_items for r in reports)
        entries = sum(o.entry for o in self.outcomes)
        documents = sum(not o.entry and o.action != "skipped" for o in self.outcomes)
        read = [f"{documents} document{'s' if documents != 1 else ''}"] if documents or not entries else []
        read += [f"{entries} catalogue entr{'ies' if entries != 1 else 'y'}"] if entries else []
        head = " and ".join(read) + ": " + (", ".join(parts) or "nothing")
        tail = f"; {events} timeline events, {factors} contributing factors, {items} action items"
        if self.stopped:
            tail += "; nothing was written (strict)"
        elif self.dry_run:
            tail += "; dry run, nothing was written"
        return head + tail


class _RollBack(Exception):
    """Leaves a transaction without committing it (dry runs, strict refusals)."""


def history_options(settings, *, severity: str | None = None, team: str | None = None, service: str | None = None,  # type: ignore[no-untyped-def]
                    zone: str | None = None, day: str | None = None, headings: HeadingMap | None = None) -> HistoryOptions:
    """The import's options as every door takes them (text, blank meaning not given),
    checked once, with the team's severities and factor categories."""
    from datetime import date

    from cairn.domain.times import require_zone

    try:
        stated_day = date.fromisoformat(day.strip()) if day and day.strip() else None
    except ValueError:
        raise InvalidInput(f"day {day!r}: give it as YYYY-MM-DD") from None
    return HistoryOptions(
        severity=(severity or "").strip() or None, team=(team or "").strip() or None,
        service=(service or "").strip() or None, zone=require_zone((zone or "").strip() or "UTC").key, day=stated_day,
        headings=headings, severities=tuple(settings.severities), categories=tuple(settings.factor_categories),
    )


def _names_cairn(text: str) -> bool:
    head = text[:50_000].lstrip("\ufeff")
    end = head.find("\n---", 3)
    return "cairn" in set(_TOP_KEY.findall(head[3:end if end > 0 else len(head)]))


def is_cairn_document(text: str) -> bool:
    """A document in Cairn's own form, as opposed to another tool's: its front matter
    names `cairn:` (as every export does), or at least two of Cairn's own keys (as
    a hand-written one does); a static-site generator's has title, date, tags."""
    head = text[:50_000].lstrip("\ufeff")
    if not head.startswith("---"):
        return False
    end = head.find("\n---", 3)
    keys = set(_TOP_KEY.findall(head[3:end if end > 0 else len(head)]))
    return "cairn" in keys or len(keys & _CAIRN_KEYS) >= 2


def import_history(
    ctx: Context,
    files: Iterable[SourceFile | Unreadable | Skipped],
    options: HistoryOptions | None = None,
    *,
    source: str = "auto",
    dry_run: bool = False,
    strict: bool = False,
    force: bool = False,
    progress: Callable[[str], None] | None = None,
) -> HistoryBatch:
    """Import every file; see the module's docstring for what is kept and when."""
    require_admin(ctx)
    if source not in SOURCES:
        raise ImportFailed(f"unknown source {source!r}: choose one of {', '.join(SOURCES)}")
    options = options or HistoryOptions()
    batch = HistoryBatch(dry_run=dry_run)
    if strict:
        try:
            with ctx.db.transaction() as session:
                for file in files:
                    done = _one_file(session, ctx, file, options, source, force)
                    batch.outcomes += done
                    if progress:
                        progress(file.name)
                    if any(o.action == "refused" for o in done):
                        batch.stopped = True
                        raise _RollBack()
                if dry_run:
                    raise _RollBack()
        except _RollBack:
            pass
        return batch
    for file in files:
        try:
            with ctx.db.transaction() as session:
                done = _one_file(session, ctx, file, options, source, force)
                if dry_run or _spoiled(done):
                    batch.outcomes += done
                    raise _RollBack()
        except _RollBack:
            pass
        else:
            batch.outcomes += done
        if progress:
            progress(file.name)
    return batch


def _one_file(session: Session, ctx: Context, file: SourceFile | Unreadable | Skipped, options: HistoryOptions,
              source: str, force: bool) -> list[Outcome]:
    """The outcomes of one file: one, or one per catalogue entry. When any is
    refused the caller rolls back the file's transaction, so it stores nothing."""
    if isinstance(file, Skipped):
        return [Outcome(file.name, "skipped", note=file.why)]
    if isinstance(file, Unreadable):
        return [Outcome(file.name, "refused", error=f"{file.name}: {file.why}")]
    try:
        done = _mapped_file(session, ctx, file, options, source, force)
    except CairnError as error:
        message = str(error)
        return [Outcome(file.name, "refused", error=message if message.startswith(file.name) else f"{file.name}: {message}")]
    if _spoiled(done):
        return [replace(o, action="refused", key=None) if o.action != "refused" else o for o in done]
    return done


def _spoiled(done: list[Outcome]) -> bool:
    """Whether the file must store nothing: a document was refused. A catalogue's
    entries stand alone: one bad row does not hold back the others."""
    return any(o.action == "refused" and not o.entry for o in done)


def _mapped_file(session: Session, ctx: Context, file: SourceFile, options: HistoryOptions,
                 source: str, force: bool) -> list[Outcome]:
    from cairn.importers.history.catalogue import looks_like_catalogue
    from cairn.importers.history.html_source import html_to_markdown, looks_like_html

    text = text_of(file)
    content_hash = hashlib.sha256(file.data).hexdigest()
    if source != "other" and (source == "cairn" or is_cairn_document(text)):
        try:
            return [_cairn_document(session, ctx, file.name, text, force)]
        except ImportFailed as error:
            if source == "auto" and not _names_cairn(text) and "unknown field" in str(error):
                raise ImportFailed(f"{error} (read as a Cairn document by its front matter; if another tool wrote it, "
                                   "import it as written elsewhere)") from None
            raise
    if looks_like_catalogue(text, file.name):
        return _catalogue(session, ctx, file.name, text, options, force)
    suffix = PurePosixPath(file.name).suffix.lower()
    if suffix in DATA_SUFFIXES:
        if suffix in (".json", ".jsonl", ".ndjson"):
            from cairn.importers.history.catalogue import read_catalogue

            read_catalogue(text, file.name)  # names the line of malformed JSON
        raise ImportFailed("not a list of incidents (a catalogue names a title or organisation, and a date or link, "
                           "for each incident)", source=file.name)
    limit = MAX_HTML_BYTES if looks_like_html(text, file.name) else MAX_DOCUMENT_BYTES
    if len(file.data) > limit:
        raise ImportFailed(f"{len(file.data) / 2**20:.1f} MiB is more than a postmortem holds (at most {limit // 2**20} MiB); "
                           "a log belongs on an incident's timeline: import it there", source=file.name)
    converted = looks_like_html(text, file.name)
    if converted:
        text = html_to_markdown(text, file.name)
    doc, report = map_history(text, file.name, options)
    if converted:
        report.notes.append("HTML, converted to Markdown (sanitised): line numbers are those of the converted text")
    if report.problems:
        return [Outcome(file.name, "refused", report=report, error=f"{file.name}: " + "; ".join(report.problems))]
    _link_owners(session, doc, report)
    if not _has_content(doc):
        return [Outcome(file.name, "refused", report=report, error=f"{file.name}: nothing to import: the file holds no postmortem text")]
    identity = f"file:{file.identity}" if file.identity else f"content:{content_hash}"
    return [_store(session, ctx, identity, file.name, content_hash, doc, report, force)]


def _has_content(doc: IncidentDoc) -> bool:
    """Whether a mapped document says anything beyond its title (an empty file does not)."""
    pm = doc.postmortem
    return bool(any(text.strip() for text in pm.prose.values()) or any(s.body.strip() for s in pm.sections)
                or doc.timeline or doc.factors or doc.action_items)


def _cairn_document(session: Session, ctx: Context, name: str, text: str, force: bool) -> Outcome:
    """Cairn's own Markdown, as `cairn import` has always read it."""
    from cairn.formats import markdown

    parsed = markdown.parse(text, name)
    result = save_document(session, ctx, parsed.doc, source=name, force=force, locate=parsed.line_of)
    action = "created" if result.created else "updated" if result.changed else "unchanged"
    return Outcome(name, action, key=result.key, note="a Cairn document")


def _catalogue(session: Session, ctx: Context, name: str, text: str, options: HistoryOptions, force: bool) -> list[Outcome]:
    from cairn.importers.history.catalogue import entry_document, entry_identity, read_catalogue

    catalogue = read_catalogue(text, name)
    done: list[Outcome] = []
    for entry in catalogue.entries:
        doc, report = entry_document(entry, options)
        where = f"{name} ({entry.where})"
        report.source = where
        if report.problems:
            done.append(Outcome(where, "refused", report=report, error=f"{where}: " + "; ".join(report.problems), entry=True))
            continue
        entry_hash = hashlib.sha256(json.dumps(_plain(entry), sort_keys=True, default=str).encode()).hexdigest()
        try:
            stored = _store(session, ctx, f"entry:{entry_identity(entry)}", where, entry_hash, doc, report, force)
        except CairnError as error:  # checked before anything of the entry is written
            message = str(error)
            done.append(Outcome(where, "refused", report=report, entry=True,
                                error=message if message.startswith(where) else f"{where}: {message}"))
            continue
        done.append(replace(stored, entry=True))
    for where, why in catalogue.problems:
        done.append(Outcome(f"{name} ({where})", "refused", error=f"{name} ({where}): {why}", entry=True))
    if not catalogue.entries and not catalogue.problems:
        done.append(Outcome(name, "refused", error=f"{name}: the catalogue lists no incidents"))
    return done


def _plain(entry: object) -> dict:  # type: ignore[type-arg]
    from dataclasses import asdict

    data = asdict(entry)  # type: ignore[call-overload]
    for moved in ("where", "source", "columns", "notes"):  # moving a row or renaming the file is not a change of the entry
        data.pop(moved, None)
    return data


def _link_owners(session: Session, doc: IncidentDoc, report: MappingReport) -> None:
    """An owner named as a Cairn user's username or display name becomes that user;
    any other stays a name in the item's note (not refused, not made an account)."""
    wanted = {name.casefold() for name in report.owners.values()}
    if not wanted:
        return
    users = session.execute(select(User.username, User.display_name).where(or_(
        func.lower(User.username).in_(wanted), func.lower(User.display_name).in_(wanted)))).all()
    by_name = {}
    for username, display in users:
        by_name.setdefault(username.casefold(), username)
        if display:
            by_name.setdefault(display.casefold(), username)
    for index, name in report.owners.items():
        username = by_name.get(name.casefold())
        if username is None or index >= len(doc.action_items):
            continue
        item = doc.action_items[index]
        note = "; ".join(piece for piece in (item.note or "").split("; ") if piece != f"owner: {name}")
        doc.action_items[index] = replace(item, owner=username, note=note or None)


def _store(session: Session, ctx: Context, identity: str, where: str, content_hash: str,
           doc: IncidentDoc, report: MappingReport, force: bool) -> Outcome:
    """Create the incident, update the one this origin made, or leave it as it is."""
    prefix = ctx.settings.key_prefix
    origin = session.scalar(select(ImportOrigin).where(ImportOrigin.identity == identity[:1000]))
    if origin is None:
        same = session.scalar(select(ImportOrigin).where(ImportOrigin.content_hash == content_hash).limit(1))
        if same is not None:
            key = _key_of(session, same.incident_id, prefix)
            note = f"the same content as {same.source}, imported as {key}"
            if identity.startswith("file:") and same.identity.startswith("content:"):
                same.identity, same.source = identity[:1000], where[:1000]  # now it has a name: a later change updates it
            elif identity.startswith("file:") and same.identity.startswith("file:") and not Path(same.identity[5:]).exists():
                note = f"moved from {same.source}; imported as {key}"
                same.identity, same.source = identity[:1000], where[:1000]  # the file moved: follow it
            return Outcome(where, "unchanged", key=key, report=report, note=note)
        doc = replace(doc, status=_checked_status(doc),
                      postmortem=replace(doc.postmortem, status=PostmortemStatus.PUBLISHED.value))
        result = save_document(session, ctx, doc, source=where)
        incident = require_incident(session, ctx, result.key, full=True, write=True)
        _as_history(session, incident, doc)
        session.add(ImportOrigin(incident_id=incident.id, identity=identity[:1000], source=where[:1000],
                                 content_hash=content_hash, importer_version=IMPORTER_VERSION,
                                 incident_version=incident.version, imported_at=now_utc()))
        session.flush()
        return Outcome(where, "created", key=result.key, report=report)
    key = _key_of(session, origin.incident_id, prefix)
    incident = require_incident(session, ctx, key, full=True, write=True)  # the one visibility rule, as every write
    if origin.content_hash == content_hash and origin.importer_version == IMPORTER_VERSION:
        return Outcome(where, "unchanged", key=key, report=report)
    if incident.version != origin.incident_version and not force:
        raise Conflict(f"{key} was edited in Cairn since it was imported from {origin.source} "
                       f"(version {incident.version}, imported as {origin.incident_version}): "
                       "force the import to overwrite those edits")
    doc = replace(doc, key=key, version=incident.version, status=_checked_status(doc),
                  visibility=incident.visibility,
                  postmortem=replace(doc.postmortem, status=incident.postmortem.status))
    published_at = incident.postmortem.published_at
    result = save_document(session, ctx, doc, source=where, force=True)
    _as_history(session, incident, doc)
    incident.postmortem.published_at = published_at
    session.flush()
    origin.content_hash, origin.importer_version = content_hash, IMPORTER_VERSION
    origin.incident_version, origin.imported_at, origin.source = incident.version, now_utc(), where[:1000]
    session.flush()
    return Outcome(where, "updated" if result.changed else "unchanged", key=key, report=report)


def _checked_status(doc: IncidentDoc) -> str:
    """The status the document is checked with: closed needs its end, which a past
    postmortem may not state; `_as_history` closes it after the checks either way."""
    return IncidentStatus.CLOSED.value if doc.moments.resolved else IncidentStatus.OPEN.value


def _as_history(session: Session, incident: Incident, doc: IncidentDoc) -> None:
    """A past incident is closed (when: its end, else its start), its postmortem's publishing date unknown."""
    incident.status = IncidentStatus.CLOSED.value
    incident.closed_at = doc.moments.resolved or doc.moments.started
    incident.postmortem.published_at = None
    session.flush()




def _key_of(session: Session, incident_id: int, prefix: str) -> str:
    return format_key(prefix, session.scalar(select(Incident.number).where(Incident.id == incident_id)))
