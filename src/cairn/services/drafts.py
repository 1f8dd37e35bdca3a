"""First drafts of a postmortem from its record, for the CLI, the API and the editor.

`draft_postmortem` writes Cairn's cited draft (and, when asked and configured,
a model's rewrite of it, verified sentence by sentence) into the sections
that are empty, and offers it beside the sections a person has written:
text a person wrote is never overwritten. Every draft is kept with how it
was made, what went to the model and what came back, and the verification.
"""

from __future__ import annotations

import copy
import json
import re
from dataclasses import asdict, dataclass, field
from datetime import datetime
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from cairn.analysis.lint.engine import lint_text
from cairn.domain.citations import Sentence, sentences, strip_citations
from cairn.domain.document import PROSE_SECTIONS, IncidentDoc, SectionDoc
from cairn.domain.draft_check import Evidence, SentenceCheck, check_text
from cairn.domain.draft_prompt import UnreadableAnswer, read_answer, record_for_model
from cairn.domain.enums import Visibility
from cairn.domain.keys import format_key
from cairn.domain.first_draft import DRAFT_SECTIONS, Draft, first_draft
from cairn.domain.redaction import public_version
from cairn.domain.times import now_utc
from cairn.errors import CairnError, Conflict, Forbidden, InvalidInput, NotFound
from cairn.formats.markdown import check_section_body, clean_body
from cairn.services.access import require_admin, require_write
from cairn.services.audit import record
from cairn.services.context import Context
from cairn.services.convert import to_doc
from cairn.services.editing import EditConflict, edit_document, fingerprint, section_names
from cairn.services.incidents import require_incident
from cairn.services.lint import base_config
from cairn.services.model_client import ModelError, chat
from cairn.services.portable import redaction_policy
from cairn.storage.db import retry_stale
from cairn.storage.models import DraftSuggestion, Incident, ModelConsent, PostmortemDraft

PROSE_NAMES = {name for name, _ in PROSE_SECTIONS}
# Section titles a draft section may land in when the template has one of them.
TITLES = dict(DRAFT_SECTIONS)
ALIASES = {
    "detection": ("detection", "detection and response", "how we found out"),
    "response": ("response", "incident response", "response and recovery", "response timeline"),
    "questions": ("questions for the review", "open questions", "questions"),
}
MAX_GAP_MINUTES = 24 * 60


@dataclass
class SectionResult:
    key: str
    title: str
    target: str  # the editor's name of the section (summary, section-3) or "new"
    placed: str  # filled, suggested, unchanged
    text: str
    kept: int
    dropped: list[dict[str, Any]] = field(default_factory=list)
    suggestion_id: int | None = None
    base: str = ""  # digest of the section's text as the draft found it


@dataclass
class DraftResult:
    key: str
    draft_id: int
    source: str  # record or model
    model: str | None
    note: str | None
    version: int
    sections: list[SectionResult]

    @property
    def summary(self) -> dict[str, int]:
        return {
            "filled": sum(1 for s in self.sections if s.placed == "filled"),
            "suggested": sum(1 for s in self.sections if s.placed == "suggested"),
            "kept": sum(s.kept for s in self.sections),
            "dropped": sum(len(s.dropped) for s in self.sections),
        }

    def as_json(self) -> dict[str, Any]:
        return {
            "key": self.key, "draft": self.draft_id, "source": self.source, "model": self.model, "note": self.note,
            "version": self.version, "summary": self.summary,
            "sections": [{k: v for k, v in asdict(s).items() if k != "base"} for s in self.sections],
        }


def _screen(ctx: Context, doc: IncidentDoc):  # type: ignore[no-untyped-def]
    """True for a sentence the blameless linter would flag, with the incident's team's tuning."""
    config = base_config(ctx).for_team(doc.teams[0] if doc.teams else None)

    def flagged(text: str) -> bool:
        return bool(lint_text(strip_citations(text), config))

    return flagged


def _kept_text(text: str, checks: list[SentenceCheck]) -> str:
    """The section with its unsupported sentences taken out, blocks kept as they were."""
    dropped = {(c.start, c.text) for c in checks if not c.kept}
    lines: list[str] = []
    block: list[Sentence] = []
    last_kind = None

    def flush() -> None:
        if block:
            lines.append(" ".join(s.text for s in block))
            block.clear()

    for sentence in sentences(text):
        keep = (sentence.start, sentence.text) not in dropped
        if sentence.block == "item":
            flush()
            if keep:
                if last_kind not in ("item", None):
                    lines.append("")
                lines.append(f"- {sentence.text}")
                last_kind = "item"
        elif sentence.block == "heading":
            flush()
            if lines:
                lines.append("")
            lines.append(f"**{sentence.text}**")
            last_kind = "heading"
        else:
            if last_kind != "paragraph":
                flush()
                if lines:
                    lines.append("")
            if keep:
                block.append(sentence)
            last_kind = "paragraph"
    flush()
    # A label with nothing under it any more says nothing.
    cleaned = [line for index, line in enumerate(lines) if not (line.startswith("**") and not any(l.strip() and not l.startswith("**") for l in lines[index + 1:index + 3]))]
    return "\n".join(cleaned).strip() + "\n" if any(l.strip() for l in cleaned) else ""


_HEADING = re.compile(r"^\s{0,3}(?:#{1,6}(?:\s|$)|\*\*[^*]+\*\*:?\s*$)")
LABEL_WORDS = 10  # a heading or bold label longer than this is a claim dressed as one


def _prose_only(text: str, screen, title: str) -> tuple[str, list[dict[str, Any]]]:  # type: ignore[no-untyped-def]
    """A model's section without what the sentence checks cannot read as claims: code
    blocks go, and so does a heading or bold label that states something (a number,
    more than a few words, words the linter flags). A short plain label stays, as
    ### (a level-2 heading would start a new section); the section's own title goes."""
    lines: list[str] = []
    dropped: list[dict[str, Any]] = []
    code: list[str] | None = None
    for line in text.splitlines():
        stripped = line.strip()
        if stripped.startswith(("```", "~~~")):
            if code is None:
                code = []
            else:
                dropped.append({"sentence": "\n".join(code)[:500], "reasons": ["a code block is not prose the record can support"]})
                code = None
            continue
        if code is not None:
            code.append(line)
            continue
        if _HEADING.match(line):
            label = strip_citations(stripped.lstrip("#").strip().strip("*:").strip())
            if label.casefold() == title.casefold():
                continue
            if label and not any(c.isdigit() for c in label) and len(label.split()) <= LABEL_WORDS and not screen(label):
                lines.append(f"### {label}" if stripped.startswith("#") else f"**{label}**")
            elif label:
                dropped.append({"sentence": stripped, "reasons": ["a heading that states something is not checked against the record"]})
            continue
        lines.append(line)
    if code:
        dropped.append({"sentence": "\n".join(code)[:500], "reasons": ["an unclosed code block is not prose the record can support"]})
    return "\n".join(lines), dropped


def _verify_model(text: str, evidence: Evidence, screen, title: str) -> tuple[str, int, list[dict[str, Any]]]:  # type: ignore[no-untyped-def]
    """The model's section checked like Cairn's own, after `_prose_only`; text that would
    not fit in a section (an HTML block left open) is dropped whole, with the reason."""
    prose, dropped = _prose_only(text, screen, title)
    verified, kept, more = _verify(prose, evidence, screen)
    try:
        check_section_body(clean_body(verified, title), title)
    except CairnError as error:
        return "", 0, dropped + more + [{"sentence": verified[:500], "reasons": [error.message]}]
    return verified, kept, dropped + more


def _verify(text: str, evidence: Evidence, screen) -> tuple[str, int, list[dict[str, Any]]]:  # type: ignore[no-untyped-def]
    checks = list(check_text(text, evidence).sentences)
    for index, check in enumerate(checks):
        if check.kept and screen(check.text):
            checks[index] = SentenceCheck(check.text, check.start, False, check.question, check.citations, ["the blameless-language check flags it"])
    dropped = [{"sentence": c.text, "reasons": c.reasons} for c in checks if not c.kept]
    kept = sum(1 for c in checks if c.kept)
    return (_kept_text(text, checks) if dropped else text), kept, dropped


@dataclass
class _Prepared:
    doc: IncidentDoc
    restricted: bool
    consent: bool


def _prepare(ctx: Context, key: str) -> _Prepared:
    with ctx.db.transaction() as session:
        incident = require_incident(session, ctx, key, full=True)
        require_write(ctx)  # a draft writes into the postmortem: viewers read, they do not draft
        consent = session.get(ModelConsent, incident.id) is not None
        return _Prepared(to_doc(incident, ctx.settings.key_prefix), incident.visibility == Visibility.RESTRICTED.value, consent)


@dataclass
class _ModelOutcome:
    texts: dict[str, str]
    request: str | None
    response: str | None
    model: str | None
    note: str | None
    shown: IncidentDoc  # the record as the model saw it (redacted or not): what its text is checked against


def _ask_model(ctx: Context, prepared: _Prepared, draft: Draft, *, redact: bool, gap_minutes: int, screen) -> _ModelOutcome:  # type: ignore[no-untyped-def]
    doc = prepared.doc
    if not ctx.settings.llm_url:
        raise InvalidInput("no model is configured: set CAIRN_LLM_URL to the team's own chat endpoint (nothing is sent anywhere without it)")
    if prepared.restricted and not prepared.consent:
        raise Forbidden(
            f"{doc.key} is restricted: its record goes to a model only once an admin allows it for this incident"
        )
    ids = [event.id for event in doc.timeline]
    shown = doc
    if redact:
        with ctx.db.transaction() as session:
            shown = public_version(doc, redaction_policy(session, ctx))[0]
        for event, event_id in zip(shown.timeline, ids):
            event.id = event_id  # the same events, so the same citations
        draft = first_draft(shown, gap_minutes=gap_minutes, screen=screen)  # nothing unredacted in the draft sent along
    prompt = record_for_model(shown, ids, draft, max_events=ctx.settings.llm_max_events)
    left_out = f"; {prompt.events_left_out} events were not sent (CAIRN_LLM_MAX_EVENTS)" if prompt.events_left_out else ""
    try:
        exchange = chat(ctx.settings, prompt.messages)
    except ModelError as error:
        body = json.dumps({"model": ctx.settings.llm_model, "messages": prompt.messages}, ensure_ascii=False)
        return _ModelOutcome({}, body, None, None, f"the model was not used: {error.message}{left_out}", shown)
    try:
        texts = read_answer(exchange.content)
    except UnreadableAnswer as error:
        return _ModelOutcome({}, exchange.request, exchange.response, exchange.model, f"the model was not used: {error.message}{left_out}", shown)
    return _ModelOutcome(texts, exchange.request, exchange.response, exchange.model or ctx.settings.llm_model, left_out.lstrip("; ") or None, shown)


def _target(doc: IncidentDoc, key: str) -> tuple[str, str, str] | None:
    """(editor name, title, current text) of the section a draft section goes into, if it exists."""
    names = section_names(doc)
    if key in PROSE_NAMES:
        return next((n for n in names if n[0] == key), None)
    wanted = {alias.casefold() for alias in ALIASES.get(key, (TITLES[key],))}
    return next((n for n in names if n[0] not in PROSE_NAMES and n[1].strip().casefold() in wanted), None)


def draft_postmortem(ctx: Context, key: str, *, use_model: bool = False, redact: bool = False, gap_minutes: int = 20) -> DraftResult:
    """Draft the empty sections from the record and suggest text beside the others."""
    if not 1 <= gap_minutes <= MAX_GAP_MINUTES:
        raise InvalidInput(f"the quiet-gap threshold is 1 to {MAX_GAP_MINUTES} minutes, not {gap_minutes}")
    prepared = _prepare(ctx, key)
    screen = _screen(ctx, prepared.doc)
    draft = first_draft(prepared.doc, gap_minutes=gap_minutes, screen=screen)
    outcome = _ask_model(ctx, prepared, draft, redact=redact, gap_minutes=gap_minutes, screen=screen) if use_model else None
    evidence = Evidence.of(prepared.doc)
    model_evidence = Evidence.of(outcome.shown) if outcome is not None else evidence

    proposals: list[tuple[str, str, str, int, list[dict[str, Any]]]] = []  # key, title, text, kept, dropped
    for section in draft.sections:
        if outcome is not None and section.key in outcome.texts:
            verified, kept, dropped = _verify_model(outcome.texts[section.key], model_evidence, screen, section.title)
        else:
            verified, kept, dropped = _verify(section.markdown, evidence, screen)
        if outcome is not None and section.key in outcome.texts and not verified.strip():
            # Nothing of the model's text held: Cairn's own draft, which always verifies, stands in.
            verified, kept, more = _verify(section.markdown, evidence, screen)
            dropped = dropped + more
        if verified.strip():
            proposals.append((section.key, section.title, verified, kept, dropped))
    source = "model" if outcome is not None and outcome.texts else "record"
    results: list[SectionResult] = []

    def change(doc: IncidentDoc) -> dict[str, Any]:
        results.clear()
        for section_key, title, text, kept, dropped in proposals:
            found = _target(doc, section_key)
            if found is None:
                doc.postmortem.sections.append(SectionDoc(title, text))
                results.append(SectionResult(section_key, title, f"section-{len(doc.postmortem.sections) - 1}", "filled", text, kept, dropped))
                continue
            name, shown_title, current = found
            if not current.strip():
                if name in PROSE_NAMES:
                    doc.postmortem.prose[name] = text
                else:
                    index = int(name.removeprefix("section-"))
                    doc.postmortem.sections[index] = SectionDoc(doc.postmortem.sections[index].title, text)
                results.append(SectionResult(section_key, shown_title, name, "filled", text, kept, dropped))
            elif current.strip() == text.strip():
                results.append(SectionResult(section_key, shown_title, name, "unchanged", text, kept, dropped))
            else:
                results.append(SectionResult(section_key, shown_title, name, "suggested", text, kept, dropped, base=fingerprint(current)))
        return {"draft": source, "filled": [r.key for r in results if r.placed == "filled"], "suggested": [r.key for r in results if r.placed == "suggested"]}

    stored: dict[str, int] = {}

    def keep(session: Session, incident: Incident) -> None:
        row = PostmortemDraft(
            incident_id=incident.id, created_at=now_utc(), created_by=ctx.actor, source=source,
            model=outcome.model if outcome else None, redacted=bool(redact and outcome),
            request=outcome.request if outcome else None, response=outcome.response if outcome else None,
            note=outcome.note if outcome else None,
            verification=json.dumps([{"section": r.key, "placed": r.placed, "kept": r.kept, "dropped": r.dropped} for r in results], ensure_ascii=False),
        )
        session.add(row)
        newer = {result.key for result in results if result.placed != "unchanged"}
        for older in session.scalars(
            select(DraftSuggestion).where(DraftSuggestion.incident_id == incident.id, DraftSuggestion.state == "pending")
        ):
            if older.section in newer:  # a later draft of the same section takes its place: one pending at a time
                older.state, older.decided_by, older.decided_at = "superseded", ctx.actor, now_utc()
        for result in results:
            if result.placed == "unchanged":
                continue
            suggestion = DraftSuggestion(
                incident_id=incident.id, section=result.key, title=result.title, text=result.text,
                base=result.base or fingerprint(""), state="filled" if result.placed == "filled" else "pending",
            )
            row.suggestions.append(suggestion)
        session.flush()
        stored["draft"] = row.id
        for result, suggestion in zip([r for r in results if r.placed != "unchanged"], row.suggestions):
            result.suggestion_id = suggestion.id

    change(copy.deepcopy(prepared.doc))
    if all(result.placed == "unchanged" for result in results):
        # Nothing to write into the postmortem: the draft is kept for the record, the incident untouched.
        with ctx.db.transaction() as session:
            incident = require_incident(session, ctx, key, events=False)
            keep(session, incident)
            version = incident.version
        key_shown = prepared.doc.key or key
    else:
        edited = edit_document(ctx, key, "postmortem.drafted", change, also=keep)
        version, key_shown = edited.version, edited.doc.key or key
    return DraftResult(key_shown, stored["draft"], source, outcome.model if outcome else None, outcome.note if outcome else None, version, results)


# --- suggestions: accept, reject, list -------------------------------------------------


@dataclass(frozen=True)
class SuggestionView:
    id: int
    draft_id: int
    section: str
    title: str
    text: str
    state: str
    created_at: datetime
    created_by: str | None
    source: str
    decided_by: str | None


def _view(row: DraftSuggestion, draft: PostmortemDraft) -> SuggestionView:
    return SuggestionView(row.id, row.draft_id, row.section, row.title, row.text, row.state, draft.created_at, draft.created_by, draft.source, row.decided_by)


def suggestions(ctx: Context, key: str, *, pending_only: bool = True) -> list[SuggestionView]:
    with ctx.db.transaction() as session:
        incident = require_incident(session, ctx, key, events=False)
        query = (
            select(DraftSuggestion, PostmortemDraft).join(PostmortemDraft, PostmortemDraft.id == DraftSuggestion.draft_id)
            .where(DraftSuggestion.incident_id == incident.id).order_by(DraftSuggestion.id)
        )
        if pending_only:
            query = query.where(DraftSuggestion.state == "pending")
        return [_view(row, draft) for row, draft in session.execute(query)]


def _suggestion(session: Session, incident: Incident, suggestion_id: int) -> DraftSuggestion:
    row = session.get(DraftSuggestion, suggestion_id)
    if row is None or row.incident_id != incident.id:
        raise NotFound(f"no draft suggestion {suggestion_id} on this incident")
    return row


def accept_suggestion(
    ctx: Context, key: str, suggestion_id: int, *, edited_text: str | None = None, base: str | None = None,
) -> SuggestionView:
    """Put the suggestion (or the author's edit of it) into its section. Refused with both
    versions when the section changed since the draft was made (or since `base`, the digest
    of the text the author merged with): merge in the editor, and save again."""
    with ctx.db.transaction() as session:
        incident = require_incident(session, ctx, key, events=False)
        wanted = _suggestion(session, incident, suggestion_id)
        if wanted.state != "pending":
            raise Conflict(f"draft suggestion {suggestion_id} is already {wanted.state}")
        section_key, title, text = wanted.section, wanted.title, wanted.text
        base = base or wanted.base
    if edited_text is not None:
        text = edited_text
    decided: dict[str, SuggestionView] = {}

    def change(doc: IncidentDoc) -> dict[str, Any]:
        found = _target(doc, section_key) if section_key in TITLES else None
        found = found or next((n for n in section_names(doc) if n[1].strip().casefold() == title.strip().casefold()), None)
        if found is None:
            raise Conflict(f"the section {title!r} is no longer in this postmortem")
        name, _title, current = found
        if fingerprint(current) != base and current.strip() != text.strip():
            raise EditConflict(
                f"the {title} section changed since this draft was made: compare both versions, merge them in the editor, and save",
                part=name, theirs=current, yours=text, base=fingerprint(current), version=doc.version or 0,
            )
        if name in PROSE_NAMES:
            doc.postmortem.prose[name] = text
        else:
            index = int(name.removeprefix("section-"))
            doc.postmortem.sections[index] = SectionDoc(doc.postmortem.sections[index].title, text)
        return {"suggestion": suggestion_id, "section": name, "edited": edited_text is not None}

    def settle(session: Session, incident: Incident) -> None:
        row = _suggestion(session, incident, suggestion_id)
        if row.state != "pending":
            raise Conflict(f"draft suggestion {suggestion_id} is already {row.state}")
        row.state, row.decided_by, row.decided_at = ("edited" if edited_text is not None else "accepted"), ctx.actor, now_utc()
        session.flush()  # the compare-and-swap on the suggestion's version: of two accepts, one wins
        decided["view"] = _view(row, session.get(PostmortemDraft, row.draft_id))  # type: ignore[arg-type]

    edit_document(ctx, key, "postmortem.suggestion_accepted", change, also=settle)
    return decided["view"]


@retry_stale
def reject_suggestion(ctx: Context, key: str, suggestion_id: int) -> SuggestionView:
    with ctx.db.transaction() as session:
        incident = require_incident(session, ctx, key, events=False, write=True)
        row = _suggestion(session, incident, suggestion_id)
        if row.state != "pending":
            raise Conflict(f"draft suggestion {suggestion_id} is already {row.state}")
        row.state, row.decided_by, row.decided_at = "rejected", ctx.actor, now_utc()
        record(session, ctx.actor, "postmortem.suggestion_rejected", incident, {"suggestion": suggestion_id})
        session.flush()
        return _view(row, session.get(PostmortemDraft, row.draft_id))  # type: ignore[arg-type]


# --- the audit trail and the admins' leave for restricted incidents ----------------------


def list_drafts(ctx: Context, key: str) -> list[dict[str, Any]]:
    """Every draft of the incident with how it was made, its verification and, for model
    drafts, the request and the answer as exchanged."""
    with ctx.db.transaction() as session:
        incident = require_incident(session, ctx, key, events=False)
        rows = session.scalars(select(PostmortemDraft).where(PostmortemDraft.incident_id == incident.id).order_by(PostmortemDraft.id))
        return [
            {
                "draft": row.id, "created_at": row.created_at.isoformat(), "created_by": row.created_by, "source": row.source,
                "model": row.model, "redacted": row.redacted, "note": row.note,
                "verification": json.loads(row.verification), "request": row.request, "response": row.response,
                "suggestions": [{"id": s.id, "section": s.section, "state": s.state} for s in row.suggestions],
            }
            for row in rows
        ]


def set_model_consent(ctx: Context, key: str, allowed: bool) -> bool:
    """An admin allows (or stops allowing) this restricted incident's record to go to the model."""
    require_admin(ctx)
    with ctx.db.transaction() as session:
        incident = require_incident(session, ctx, key, events=False, write=True)
        existing = session.get(ModelConsent, incident.id)
        if allowed and incident.visibility != Visibility.RESTRICTED.value:
            raise InvalidInput(f"{format_key(ctx.settings.key_prefix, incident.number)} is not restricted: its record needs no leave to go to the model")
        if allowed and existing is None:
            session.add(ModelConsent(incident_id=incident.id, granted_by=ctx.actor, granted_at=now_utc()))
        elif not allowed and existing is not None:
            session.delete(existing)
        record(session, ctx.actor, "postmortem.model_consent", incident, {"allowed": allowed})
        return allowed


# --- citations in the text as it stands ------------------------------------------------


def cited_sections(ctx: Context, key: str) -> list[dict[str, Any]]:
    """Each section's sentences with the citations they carry, what each cites, and whether the
    sentence still holds against the record: the citations read as data from the current text,
    whoever edited it since."""
    with ctx.db.transaction() as session:
        doc = to_doc(require_incident(session, ctx, key, full=True), ctx.settings.key_prefix)
    evidence = Evidence.of(doc)
    zone = evidence.zone
    out: list[dict[str, Any]] = []
    for name, title, text in section_names(doc):
        if not text.strip():
            continue
        checks = check_text(text, evidence).sentences
        out.append({
            "section": name, "title": title,
            "sentences": [
                {
                    "text": c.text, "question": c.question, "holds": c.kept, "reasons": c.reasons,
                    "citations": [cited_item(evidence, citation, zone) for citation in c.citations],
                }
                for c in checks if c.citations or not c.kept
            ],
        })
    return out


def cited_item(evidence: Evidence, citation, zone) -> dict[str, Any]:  # type: ignore[no-untyped-def]
    """One citation as data: its kind and reference, and the cited time and text (if it exists)."""
    from cairn.domain.times import format_local

    at = evidence.time_of(citation)
    return {
        "kind": citation.kind.value, "ref": citation.ref, "token": citation.token, "exists": evidence.has(citation),
        "at": at.isoformat() if at else None, "shown_at": format_local(at, zone) if at else None,
        "text": evidence.text_of(citation) or None,
    }


def cited_events(ctx: Context, key: str, texts: list[str]) -> dict[str, tuple[datetime, str]]:
    """The events the texts cite (id -> time, text), read by id: a page that shows one page of a
    long timeline still links every citation."""
    from cairn.domain.citations import CitationKind, citations_in
    from cairn.storage.models import TimelineEvent

    ids = sorted({int(c.ref) for text in texts for c in citations_in(text) if c.kind is CitationKind.EVENT})
    if not ids:
        return {}
    with ctx.db.transaction() as session:
        incident = require_incident(session, ctx, key, events=False)
        found: dict[str, tuple[datetime, str]] = {}
        for start in range(0, len(ids), 500):
            rows = session.execute(
                select(TimelineEvent.id, TimelineEvent.at, TimelineEvent.text)
                .where(TimelineEvent.incident_id == incident.id, TimelineEvent.id.in_(ids[start:start + 500]))
            )
            found.update({str(row.id): (row.at, row.text) for row in rows})
        return found


def suggestions_by_section(ctx: Context, doc: IncidentDoc) -> dict[str, list[SuggestionView]]:
    """Pending suggestions keyed by the editor's name of the section they are for."""
    placed: dict[str, list[SuggestionView]] = {}
    for row in suggestions(ctx, doc.key or "", pending_only=True):
        found = _target(doc, row.section) if row.section in TITLES else None
        found = found or next((n for n in section_names(doc) if n[1].strip().casefold() == row.title.strip().casefold()), None)
        if found is not None:
            placed.setdefault(found[0], []).append(row)
    return placed
