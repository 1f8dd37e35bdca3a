"""Export to and import from the portable formats (Markdown, JSON)."""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.orm import Session

from cairn.domain.document import IncidentDoc
from cairn.domain.enums import PostmortemStatus
from cairn.domain.executive import executive_summary
from cairn.domain.keys import format_key, parse_key
from cairn.domain.moments import durations_seconds
from cairn.domain.redaction import Redaction, RedactionPolicy, public_version
from cairn.domain.times import now_utc
from cairn.errors import Conflict, ImportFailed, InvalidInput
from cairn.formats import markdown
from cairn.formats.data import incident_to_data
from cairn.formats.diagrams import as_data as diagram_data
from cairn.formats.diagrams import draw, markdown_section
from cairn.formats.fielderror import FieldError
from cairn.services.access import require_write
from cairn.services.audit import record
from cairn.services.context import Context
from cairn.services.convert import apply_doc, comparable, to_doc
from cairn.services.incidents import next_number, require_incident, touch
from cairn.services.people import require_owner
from cairn.services.validation import canonical
from cairn.storage.db import retry_stale
from cairn.storage.models import Incident, Postmortem, User

FORMATS = ("markdown", "json", "html", "pdf")


def render(doc: IncidentDoc, fmt: str) -> str:
    if fmt == "markdown":
        return markdown.render(doc)
    if fmt == "json":
        return json.dumps(_json_data(doc), ensure_ascii=False, indent=2) + "\n"
    if fmt == "html":
        from cairn.formats.html import render_html

        return render_html(doc)
    raise InvalidInput(f"unknown export format {fmt!r}: choose one of {', '.join(FORMATS)}")


def _json_data(doc: IncidentDoc) -> dict:
    data = incident_to_data(doc, with_prose=True)
    data["durations_seconds"] = durations_seconds(doc.moments)
    return data


def export_incident(ctx: Context, key: str, fmt: str = "markdown") -> str:
    with ctx.db.transaction() as session:
        doc = to_doc(require_incident(session, ctx, key, full=True), ctx.settings.key_prefix)
    return render(doc, fmt)


def redaction_policy(session: Session, ctx: Context) -> RedactionPolicy:
    """Everyone Cairn knows (so display names are found in free text too), and the team's hosts and bots."""
    directory = {username: name for username, name in session.execute(select(User.username, User.display_name))}
    return RedactionPolicy.for_settings(ctx.settings, directory)


def _public(ctx: Context, key: str) -> tuple[IncidentDoc, list[Redaction]]:
    """The one way to the public version, for every export format, page and list of redactions."""
    with ctx.db.transaction() as session:
        doc = to_doc(require_incident(session, ctx, key, full=True), ctx.settings.key_prefix)
        policy = redaction_policy(session, ctx)
    return public_version(doc, policy)


def _document(ctx: Context, key: str, *, public: bool) -> IncidentDoc:
    if public:
        return _public(ctx, key)[0]
    with ctx.db.transaction() as session:
        return to_doc(require_incident(session, ctx, key, full=True), ctx.settings.key_prefix)


@dataclass(frozen=True)
class ExportedFile:
    """One export, ready to write or send, with the diagram files that go beside it."""

    body: bytes
    media_type: str
    filename: str
    beside: dict[str, bytes]


MEDIA = {
    "markdown": ("text/markdown; charset=utf-8", "md"),
    "json": ("application/json", "json"),
    "html": ("text/html; charset=utf-8", "html"),
    "pdf": ("application/pdf", "pdf"),
}


def normal_format(name: str) -> str:
    fmt = {"md": "markdown", "htm": "html"}.get(name.strip().lower(), name.strip().lower())
    if fmt not in MEDIA:
        raise InvalidInput(f"unknown export format {name!r}: choose one of {', '.join(FORMATS)}")
    return fmt


def export_file(
    ctx: Context, key: str, fmt: str = "markdown", *, public: bool = False,
    diagrams: bool = True, stem: str | None = None, diagrams_beside: bool = False,
) -> ExportedFile:
    """Any export format, with the diagrams unless asked not to.

    HTML and PDF always draw them inline. JSON carries them under `diagrams`.
    Markdown ends with a derived diagrams section: images embedded as data:
    URIs, or (`diagrams_beside`) linked to SVG files returned in `beside`, to
    be written next to the document.
    """
    fmt = normal_format(fmt)
    doc = _document(ctx, key, public=public)
    media_type, extension = MEDIA[fmt]
    stem = stem or f"{doc.key}-postmortem{'-public' if public else ''}"
    beside: dict[str, bytes] = {}
    if fmt == "pdf":
        from cairn.formats.pdf import render_pdf

        body = render_pdf(doc)
    elif fmt == "html":
        body = render(doc, fmt).encode("utf-8")
    elif fmt == "json":
        data = {"executive_summary": executive_summary(doc).as_data(), **_json_data(doc)}
        if diagrams:
            data["diagrams"] = diagram_data(draw(doc))
        body = (json.dumps(data, ensure_ascii=False, indent=2) + "\n").encode("utf-8")
    else:
        text = markdown.render(doc)
        if diagrams:
            drawn = draw(doc)
            text += "\n" + markdown_section(doc, drawn, stem if diagrams_beside else None)
            if diagrams_beside:
                beside = {name: svg.encode("utf-8") for name, svg in drawn.files(stem).items()}
        body = text.encode("utf-8")
    return ExportedFile(body=body, media_type=media_type, filename=f"{stem}.{extension}", beside=beside)


def redactions(ctx: Context, key: str) -> list[Redaction]:
    """Every replacement and omission of the public version, to review before publishing it."""
    return _public(ctx, key)[1]


@dataclass(frozen=True)
class ImportResult:
    key: str
    created: bool
    changed: bool


@retry_stale
def import_document(ctx: Context, text: str, *, source: str | None = None, force: bool = False) -> ImportResult:
    """Create or update an incident from a Markdown document, all or nothing."""
    parsed = markdown.parse(text, source)
    with ctx.db.transaction() as session:
        return save_document(session, ctx, parsed.doc, source=source, force=force, locate=parsed.line_of)


def save_document(
    session: Session,
    ctx: Context,
    raw: IncidentDoc,
    *,
    source: str | None = None,
    force: bool = False,
    locate: Callable[[tuple], int | None] = lambda path: None,
) -> ImportResult:
    """Store a document in the caller's transaction: create it, or update by key."""
    require_write(ctx)
    try:
        doc = canonical(raw, ctx.settings)
    except FieldError as error:
        raise ImportFailed(str(error), source=source, line=locate(error.path)) from None
    # The rule of `cairn actions add`: an owner is an existing account. The
    # document's participants count, since they are added first (as a local
    # `cairn incident participant` would add them).
    participants = {p.user for p in doc.participants}
    for index, item in enumerate(doc.action_items):
        if item.owner and item.owner not in participants:
            try:
                require_owner(session, item.owner)
            except InvalidInput as error:
                raise ImportFailed(str(error), source=source, line=locate(("action_items", index, "owner"))) from None
    prefix = ctx.settings.key_prefix
    number = None
    if doc.key:
        try:
            number = parse_key(doc.key, prefix)
        except InvalidInput as error:
            raise ImportFailed(str(error), source=source, line=locate(("key",))) from None
    incident = None
    if number is not None:
        incident = session.scalar(select(Incident).where(Incident.number == number))
    if incident is not None:
        key = format_key(prefix, number)
        incident = require_incident(session, ctx, key, full=True, write=True)
        where = f"{source}: " if source else ""
        if doc.version is None and not force:
            raise Conflict(
                f"{where}{key} exists and the document has no version: force the import to overwrite it, "
                "or remove the key to create a new incident"
            )
        if doc.version is not None and doc.version != incident.version and not force:
            raise Conflict(
                f"{where}{key} changed since this document was written (version {incident.version}, "
                f"document has {doc.version}): export it again, or force the import to overwrite it"
            )
        if comparable(to_doc(incident, prefix)) == comparable(doc):
            return ImportResult(key, created=False, changed=False)
        apply_doc(session, incident, doc)
        touch(incident)
        record(session, ctx.actor, "document.imported", incident, {"source": source})
        return ImportResult(key, created=False, changed=True)
    now = now_utc()
    if number is None:
        number = next_number(session)
    incident = Incident(number=number, created_at=now, updated_at=now, version=1)
    incident.postmortem = Postmortem(status=PostmortemStatus.DRAFT.value, created_at=now, updated_at=now, version=1)
    session.add(incident)
    apply_doc(session, incident, doc)
    session.flush()
    record(session, ctx.actor, "document.imported", incident, {"source": source, "created": True})
    return ImportResult(format_key(prefix, number), created=True, changed=True)
