"""Check an incoming IncidentDoc and bring it to canonical form.

Used by imports; every error is a FieldError whose path lets the caller
point at the file line.
"""

from __future__ import annotations

import re
from dataclasses import replace

from cairn.config import Settings
from cairn.domain.document import ActionItemDoc, EventDoc, FactorDoc, IncidentDoc, ParticipantDoc, SectionDoc, WhyDoc
from cairn.domain.enums import (
    ActionKind,
    ActionStatus,
    EventKind,
    FactorRole,
    IncidentKind,
    IncidentStatus,
    ParticipantRole,
    PostmortemStatus,
    Visibility,
    parse_choice,
)
from cairn.domain.moments import check_order
from cairn.domain.names import check_category, check_labels, check_line, check_severity, check_url, check_username
from cairn.domain.priority import check_priority, check_rating, priority_for
from cairn.domain.times import require_zone
from cairn.errors import InvalidInput
from cairn.formats.data import MAX_INTEGER
from cairn.formats.fielderror import FieldError, Path
from cairn.formats.markdown import check_section_body, check_section_title, clean_body, clean_text, reserved_title

EVENT_TEXT_LIMIT = 20_000

_LABEL = {"F": re.compile(r"^F([1-9]\d{0,5})$"), "A": re.compile(r"^A([1-9]\d{0,5})$")}


def _at(path: Path, check, *args):
    try:
        return check(*args)
    except FieldError:
        raise
    except InvalidInput as error:
        raise FieldError(path, str(error)) from None


def label_number(label: str, letter: str, path: Path) -> int:
    match = _LABEL[letter].match(label.strip().upper())
    if not match:
        raise FieldError(path, f"malformed id {label!r}: expected {letter}1, {letter}2, ...")
    return int(match[1])


def body_text(value: str, what: str, path: Path) -> str:
    text = _at(path, clean_body, value, what)
    _at(path, check_section_body, text, what)
    return text


def canonical(doc: IncidentDoc, settings: Settings) -> IncidentDoc:
    zone = _at(("timezone",), require_zone, doc.timezone)
    title = _at(("title",), check_line, doc.title, "title", 300) if doc.title else None
    if title is None:
        raise FieldError(("title",), "is required")
    if not doc.severity:
        raise FieldError(("severity",), "is required")
    status = _at(("status",), parse_choice, IncidentStatus, doc.status, "incident status")
    if doc.moments.started is None:
        raise FieldError(("moments", "started"), "is required: when did the impact start?")
    _at(("moments",), check_order, doc.moments, zone)
    if status in (IncidentStatus.RESOLVED, IncidentStatus.CLOSED) and doc.moments.resolved is None:
        raise FieldError(("status",), f"an incident that is {status.value} needs moments.resolved")
    if status == IncidentStatus.MITIGATED and doc.moments.mitigated is None:
        raise FieldError(("status",), "a mitigated incident needs moments.mitigated")

    participants = []
    seen_participants = set()
    for index, participant in enumerate(doc.participants):
        path: Path = ("participants", index)
        user = _at(path + ("user",), check_username, participant.user)
        role = _at(path + ("role",), parse_choice, ParticipantRole, participant.role, "participant role")
        if (user, role) in seen_participants:
            raise FieldError(path, f"{user} is listed twice as {role.value}")
        seen_participants.add((user, role))
        participants.append(replace(participant, user=user, role=role.value))

    pm = doc.postmortem
    impact = pm.impact
    ip: Path = ("postmortem", "impact")
    for name in ("users_affected", "duration_minutes"):
        value = getattr(impact, name)
        if value is not None and value > MAX_INTEGER:
            raise FieldError(ip + (name,), f"is at most {MAX_INTEGER}")
    if impact.users_affected is not None and impact.users_affected < 0:
        raise FieldError(ip + ("users_affected",), "cannot be negative")
    if impact.users_share is not None and not 0 <= impact.users_share <= 100:
        raise FieldError(ip + ("users_share",), "is a percentage between 0 and 100")
    if impact.duration_minutes is not None and impact.duration_minutes < 0:
        raise FieldError(ip + ("duration_minutes",), "cannot be negative")
    for name in ("likelihood", "severity"):
        value = getattr(pm, f"risk_{name}")
        if value is not None and not 1 <= value <= 5:
            raise FieldError(("postmortem", "risk", name), "is rated 1 (lowest) to 5 (highest)")
    impact = replace(
        impact,
        data_loss=_opt_text(impact.data_loss, ip + ("data_loss",)),
        cost=_opt_text(impact.cost, ip + ("cost",)),
        slo_budget=_opt_text(impact.slo_budget, ip + ("slo_budget",)),
    )
    prose = {
        name: body_text(text, f"section {name}", ("postmortem", "sections", name))
        for name, text in pm.prose.items()
    }
    sections = []
    seen_titles: set[str] = set()
    for index, section in enumerate(pm.sections):
        path = ("postmortem", "extra_sections", index)
        section_title = _at(path + ("title",), check_section_title, section.title, "section title")
        if reserved_title(section_title):
            raise FieldError(path + ("title",), f"{section_title!r} is a built-in section")
        if section_title.casefold() in seen_titles:
            raise FieldError(path + ("title",), f"section {section_title!r} appears twice")
        seen_titles.add(section_title.casefold())
        sections.append(SectionDoc(section_title, body_text(section.body, f"section {section_title!r}", path)))
    postmortem = replace(
        pm,
        status=_at(("postmortem", "status"), parse_choice, PostmortemStatus, pm.status, "postmortem status").value,
        template=_at(("postmortem", "template"), check_line, pm.template or "default", "template", 100),
        impact=impact,
        prose=prose,
        sections=sections,
    )

    factors = []
    factor_labels: set[str] = set()
    for index, factor in enumerate(doc.factors):
        factors.append(_factor(factor, ("factors", index), settings, factor_labels))
    _number_unlabelled(factors, "F")
    factor_labels = {factor.label for factor in factors if factor.label}

    items = []
    item_labels: set[str] = set()
    for index, item in enumerate(doc.action_items):
        items.append(_action_item(item, ("action_items", index), factor_labels, item_labels))
    _number_unlabelled(items, "A")

    timeline = [_event(event, ("timeline", index)) for index, event in enumerate(doc.timeline)]
    seen_refs: set[tuple[str, str]] = set()
    for index, event in enumerate(timeline):
        if event.ref is not None:
            if (event.source, event.ref) in seen_refs:
                raise FieldError(("timeline", index, "ref"), f"{event.source} record {event.ref!r} appears twice")
            seen_refs.add((event.source, event.ref))
    timeline.sort(key=lambda event: event.at)  # stable: equal times keep document order

    visibility = _at(("visibility",), parse_choice, Visibility, doc.visibility, "visibility")
    if visibility == Visibility.RESTRICTED:
        _admit_owners(participants, items)

    return replace(
        doc,
        title=title,
        severity=_at(("severity",), check_severity, doc.severity, settings.severities),
        kind=_at(("kind",), parse_choice, IncidentKind, doc.kind, "incident kind").value,
        status=status.value,
        visibility=visibility.value,
        services=_at(("services",), check_labels, doc.services, "service"),
        teams=_at(("teams",), check_labels, doc.teams, "team"),
        tags=_at(("tags",), check_labels, doc.tags, "tag"),
        participants=participants,
        postmortem=postmortem,
        factors=factors,
        action_items=items,
        timeline=timeline,
    )


def _admit_owners(participants: list[ParticipantDoc], items: list) -> None:  # type: ignore[type-arg]
    """In a restricted incident every action item's owner is a participant
    ("action owner"), so whoever owns the work can see it (services/access.py)."""
    listed = {participant.user for participant in participants}
    for item in items:
        if item.owner and item.owner not in listed:
            participants.append(ParticipantDoc(item.owner, ParticipantRole.ACTION_OWNER.value))
            listed.add(item.owner)


def _number_unlabelled(entries: list, letter: str) -> None:
    """Give entries without an id the next free numbers, in document order."""
    highest = max((int(entry.label[1:]) for entry in entries if entry.label), default=0)
    for entry in entries:
        if not entry.label:
            highest += 1
            entry.label = f"{letter}{highest}"


def _opt_text(value: str | None, path: Path) -> str | None:
    if value is None:
        return None
    text = _at(path, clean_text, value, "text").strip()
    return text or None


def _factor(factor: FactorDoc, path: Path, settings: Settings, labels: set[str]) -> FactorDoc:
    label = None
    if factor.label:
        label = f"F{label_number(factor.label, 'F', path + ('id',))}"
        if label in labels:
            raise FieldError(path + ("id",), f"{label} is used twice")
        labels.add(label)
    description = _at(path + ("description",), clean_text, factor.description, "description").strip()
    if not description:
        raise FieldError(path + ("description",), "is required")
    whys = []
    for index, why in enumerate(factor.whys):
        wpath = path + ("whys", index)
        question = _at(wpath + ("why",), clean_text, why.question, "question").strip()
        if not question:
            raise FieldError(wpath + ("why",), "is required")
        whys.append(WhyDoc(question, _at(wpath + ("because",), clean_text, why.answer, "answer").strip()))
    return FactorDoc(
        label=label,
        description=description,
        category=_at(path + ("category",), check_category, factor.category, settings.factor_categories),
        role=_at(path + ("role",), parse_choice, FactorRole, factor.role, "factor role").value,
        services=_at(path + ("services",), check_labels, factor.services, "service"),
        whys=whys,
    )


def _action_item(item: ActionItemDoc, path: Path, factor_labels: set[str], labels: set[str]) -> ActionItemDoc:
    label = None
    if item.label:
        label = f"A{label_number(item.label, 'A', path + ('id',))}"
        if label in labels:
            raise FieldError(path + ("id",), f"{label} is used twice")
        labels.add(label)
    title = _at(path + ("title",), check_line, item.title, "title", 500)
    owner = _at(path + ("owner",), check_username, item.owner, "owner") if item.owner else None
    impact = _at(path + ("impact",), check_rating, item.impact, "impact") if item.impact is not None else None
    effort = _at(path + ("effort",), check_rating, item.effort, "effort") if item.effort is not None else None
    if item.priority:
        priority = _at(path + ("priority",), check_priority, item.priority)
    elif impact is not None and effort is not None:
        priority = priority_for(impact, effort)
    else:
        priority = "P3"
    status = _at(path + ("status",), parse_choice, ActionStatus, item.status, "action item status")
    if item.closed_at is not None and not status.is_closed:
        raise FieldError(path + ("closed_at",), f"an item that is {status.value} cannot have closed_at")
    factors = []
    for index, ref in enumerate(item.factors):
        ref_label = f"F{label_number(ref, 'F', path + ('factors', index))}"
        if ref_label not in factor_labels:
            raise FieldError(path + ("factors", index), f"no contributing factor {ref_label} in this document")
        factors.append(ref_label)
    return ActionItemDoc(
        label=label,
        title=title,
        kind=_at(path + ("kind",), parse_choice, ActionKind, item.kind, "action item kind").value,
        status=status.value,
        priority=priority,
        owner=owner,
        due=item.due,
        impact=impact,
        effort=effort,
        closed_at=item.closed_at,
        url=_at(path + ("url",), check_url, item.url, "url") if item.url else None,
        note=_opt_text(item.note, path + ("note",)),
        factors=sorted(set(factors), key=lambda ref: int(ref[1:])),
    )


def _event(event: EventDoc, path: Path) -> EventDoc:
    text = _at(path + ("text",), clean_text, event.text, "text").strip()
    if not text:
        raise FieldError(path + ("text",), "is required")
    if len(text) > EVENT_TEXT_LIMIT:
        raise FieldError(path + ("text",), f"is longer than {EVENT_TEXT_LIMIT} characters")
    actor = _at(path + ("actor",), check_line, event.actor, "actor", 200) if event.actor else None
    source = _at(path + ("source",), check_line, event.source or "manual", "source", 30).lower()
    ref = _at(path + ("ref",), check_line, event.ref, "ref", 300) if event.ref else None
    return EventDoc(
        at=event.at,
        kind=_at(path + ("kind",), parse_choice, EventKind, event.kind, "event kind").value,
        text=text,
        actor=actor,
        source=source,
        ref=ref,
    )
