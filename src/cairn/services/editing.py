"""Editing a postmortem piece by piece: sections, impact, contributing factors.

Every edit reads the incident as a document, changes one part, and stores it
through the same validation and conversion as an import, so the editor, the
API and `cairn import` share one set of rules. A change to the reviewed text
applies the review rule of `services/revisions.py` in the same transaction.

Concurrent edits: each edit names the text it started from (`base`, a short
digest of the section or factor as it was loaded). If that part changed in
the meantime the save is refused with an EditConflict carrying both versions;
edits to other parts of the same postmortem go through.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable
from dataclasses import dataclass, replace
from typing import Any

from sqlalchemy.orm import Session

from cairn.domain.document import PROSE_SECTIONS, FactorDoc, ImpactDoc, IncidentDoc, SectionDoc, WhyDoc
from cairn.domain.revision import revision_text
from cairn.errors import Conflict, InvalidInput, NotFound
from cairn.services.audit import record
from cairn.services.context import Context
from cairn.services.convert import apply_doc, to_doc
from cairn.services.incidents import require_incident, touch
from cairn.services.revisions import after_change
from cairn.services.validation import canonical
from cairn.storage.db import retry_stale
from cairn.storage.models import Incident

PROSE_TITLES = dict(PROSE_SECTIONS)
MAX_WHYS = 10


class EditConflict(Conflict):
    """Someone saved the same part since it was loaded: both versions travel along."""

    def __init__(self, message: str, *, part: str, theirs: str, yours: str, base: str, version: int) -> None:
        super().__init__(message)
        self.data = {"part": part, "theirs": theirs, "yours": yours, "base": base, "version": version}


def fingerprint(text: str) -> str:
    """A short digest of what an editor loaded, sent back with its save."""
    return hashlib.sha256(text.encode("utf-8")).hexdigest()[:16]


@dataclass(frozen=True)
class Edited:
    doc: IncidentDoc
    version: int


Also = Callable[[Session, Incident], None]


@retry_stale
def _edit(
    ctx: Context, key: str, action: str, change: Callable[[IncidentDoc], dict[str, Any]], *,
    also: Also | None = None, timeline: bool = False,
) -> Edited:
    """`timeline`: the change reads or writes the timeline. Postmortem edits do not, so
    they neither load nor compare its events: saving a section of an incident with
    10,000 events costs what it costs on one with ten. Their `Edited.doc` has no timeline."""
    with ctx.db.transaction() as session:
        incident = require_incident(session, ctx, key, full=True, write=True, events=timeline)
        doc = to_doc(incident, ctx.settings.key_prefix, events=None if timeline else [])
        before = revision_text(doc)
        detail = change(doc)
        apply_doc(session, incident, canonical(doc, ctx.settings), timeline=timeline)
        if also is not None:
            also(session, incident)  # rows that must be written with the text, or not at all
        touch(incident)
        record(session, ctx.actor, action, incident, detail)
        session.flush()
        session.expire(incident)
        incident = require_incident(session, ctx, key, full=True, events=timeline)
        fresh = to_doc(incident, ctx.settings.key_prefix, events=None if timeline else [])
        moved = after_change(session, ctx, incident, before, revision_text(fresh))
        if moved is not None:
            fresh.postmortem.status = moved
        session.flush()
        return Edited(fresh, incident.version)


def edit_document(
    ctx: Context, key: str, action: str, change: Callable[[IncidentDoc], dict[str, Any]], *, also: Also | None = None,
) -> Edited:
    """One change of the postmortem through the shared path (validation, audit, review rule),
    with `also` writing related rows in the same transaction; retried on a stale version."""
    return _edit(ctx, key, action, change, also=also)


def section_names(doc: IncidentDoc) -> list[tuple[str, str, str]]:
    """(name, title, text) of every section: the fixed ones, then the template's own."""
    fixed = [(name, title, doc.postmortem.prose.get(name, "")) for name, title in PROSE_SECTIONS]
    extra = [(f"section-{index}", section.title, section.body) for index, section in enumerate(doc.postmortem.sections)]
    return fixed + extra


def _section_text(doc: IncidentDoc, name: str) -> str:
    if name in PROSE_TITLES:
        return doc.postmortem.prose.get(name, "")
    index = _extra_index(doc, name)
    return doc.postmortem.sections[index].body


def _extra_index(doc: IncidentDoc, name: str) -> int:
    if name.startswith("section-") and name[8:].isdigit() and int(name[8:]) < len(doc.postmortem.sections):
        return int(name[8:])
    raise NotFound(f"no section {name!r} in this postmortem")


def save_section(ctx: Context, key: str, name: str, text: str, *, base: str | None) -> Edited:
    """Store a section's Markdown; refused with both versions if it changed since `base`."""
    if len(text) > 200_000:
        raise InvalidInput("a section holds at most 200,000 characters")

    def change(doc: IncidentDoc) -> dict[str, Any]:
        current = _section_text(doc, name)
        if base is not None and fingerprint(current) != base and current.strip() != text.strip():
            raise EditConflict(
                f"someone else saved this section since you opened it (now version {doc.version}): "
                "compare both versions, merge them, and save again",
                part=name, theirs=current, yours=text, base=fingerprint(current), version=doc.version or 0,
            )
        if name in PROSE_TITLES:
            doc.postmortem.prose[name] = text
        else:
            index = _extra_index(doc, name)
            doc.postmortem.sections[index] = SectionDoc(doc.postmortem.sections[index].title, text)
        return {"section": name}

    return _edit(ctx, key, "postmortem.section_saved", change)


def save_impact(ctx: Context, key: str, impact: ImpactDoc, *, risk_likelihood: int | None = None, risk_severity: int | None = None) -> Edited:
    def change(doc: IncidentDoc) -> dict[str, Any]:
        doc.postmortem.impact = impact
        doc.postmortem.risk_likelihood = risk_likelihood
        doc.postmortem.risk_severity = risk_severity
        return {"impact": {k: v for k, v in vars(impact).items() if v is not None}}

    return _edit(ctx, key, "postmortem.impact_saved", change)


def factor_text(factor: FactorDoc) -> str:
    """The factor as one text, for conflict digests and for showing both versions."""
    whys = "\n".join(f"why: {w.question} / because: {w.answer}" for w in factor.whys)
    return f"{factor.description}\n[{factor.category}; {factor.role}; {', '.join(factor.services)}]\n{whys}".strip()


def _whys(pairs: list[tuple[str, str]]) -> list[WhyDoc]:
    kept = [WhyDoc(q.strip(), a.strip()) for q, a in pairs if q.strip() or a.strip()]
    if len(kept) > MAX_WHYS:
        raise InvalidInput(f"a 5-Whys chain has at most {MAX_WHYS} steps")
    for index, why in enumerate(kept, 1):
        if not why.question:
            raise InvalidInput(f"why {index}: the question is missing (its answer is '{why.answer[:40]}')")
    return kept


def add_factor(
    ctx: Context, key: str, *, description: str, category: str, role: str,
    services: list[str] | None = None, whys: list[tuple[str, str]] | None = None,
) -> Edited:
    def change(doc: IncidentDoc) -> dict[str, Any]:
        number = max((int(f.label[1:]) for f in doc.factors if f.label), default=0) + 1
        doc.factors.append(FactorDoc(f"F{number}", description, category, role, services or [], _whys(whys or [])))
        return {"factor": f"F{number}"}

    return _edit(ctx, key, "factor.added", change)


def _require_factor(doc: IncidentDoc, label: str) -> int:
    wanted = label.strip().upper()
    for index, factor in enumerate(doc.factors):
        if factor.label == wanted:
            return index
    raise NotFound(f"no contributing factor {wanted} in {doc.key}")


def update_factor(
    ctx: Context, key: str, label: str, *, description: str, category: str, role: str,
    services: list[str] | None = None, whys: list[tuple[str, str]] | None = None, base: str | None = None,
) -> Edited:
    def change(doc: IncidentDoc) -> dict[str, Any]:
        index = _require_factor(doc, label)
        current = doc.factors[index]
        wanted = replace(current, description=description, category=category, role=role, services=services or [], whys=_whys(whys or []))
        if base is not None and fingerprint(factor_text(current)) != base and factor_text(current) != factor_text(wanted):
            raise EditConflict(
                f"someone else changed {current.label} since you opened it: compare both versions and save again",
                part=current.label or label, theirs=factor_text(current), yours=factor_text(wanted),
                base=fingerprint(factor_text(current)), version=doc.version or 0,
            )
        doc.factors[index] = wanted
        return {"factor": current.label}

    return _edit(ctx, key, "factor.updated", change)


def remove_factor(ctx: Context, key: str, label: str) -> Edited:
    def change(doc: IncidentDoc) -> dict[str, Any]:
        index = _require_factor(doc, label)
        gone = doc.factors.pop(index).label
        for item in doc.action_items:
            item.factors = [ref for ref in item.factors if ref != gone]
        return {"factor": gone}

    return _edit(ctx, key, "factor.removed", change)
