"""Similar earlier incidents, the relations people confirmed or dismissed, and
repeats: a similar earlier incident's fix that may not have held.

Only incidents the reader may see are suggested, listed or named
(`access.visible_clause`): a restricted incident is never a suggestion, a
reason or a repeat for someone outside it.

Candidates come from two doors, both cheap at any size: the search index
(an OR of the incident's distinctive words, ranked by the index) and the
incident's own services and teams (the most recent earlier incidents that share
them). Each candidate is then scored by `analysis.insights.similarity`.
"""

from __future__ import annotations

import math
from collections import defaultdict
from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from datetime import datetime
from typing import Any

from sqlalchemy import and_, delete, exists, func, or_, select, text
from sqlalchemy.orm import Session

from cairn.analysis.insights.similarity import (
    MIN_SCORE, QUERY_TERMS, WEIGHTS, Profile, distinctive_terms, likeness, pairs, rarity_of, reasons, term_counts,
)
from cairn.domain.enums import ActionStatus, FactorRole
from cairn.domain.keys import format_key
from cairn.domain.search_query import Term
from cairn.domain.times import now_utc
from cairn.errors import InvalidInput
from cairn.services.access import visible_clause, visible_clause_on
from cairn.services.audit import record
from cairn.services.context import Context
from cairn.services.incidents import require_incident, touch
from cairn.services.search import any_of, matching_entries
from cairn.storage.db import retry_stale
from cairn.storage.models import (
    ActionItem, ActionItemFactor, ContributingFactor, Incident, IncidentRelation, IncidentService, IncidentTeam,
    Postmortem, SearchEntry, Team,
)

LIMIT = 10
POOL = 60  # candidates from each door
CANDIDATE_TERMS = 30  # the incident's most repeated words whose rarity is looked up
DF_CAP = 1_000  # a word in at least this many indexed texts is too common to look for
EVENT_TEXTS = 300  # timeline texts of the incident itself that are read for its words
RELATED, DISMISSED = "related", "dismissed"
ENTRIES = SearchEntry.__table__.c


@dataclass(frozen=True)
class Brief:
    """An incident as a list names it."""

    key: str
    title: str
    severity: str
    status: str
    started_at: datetime | None

    def to_data(self) -> dict[str, Any]:
        return {"key": self.key, "title": self.title, "severity": self.severity, "status": self.status,
                "started_at": self.started_at.isoformat() if self.started_at else None}


@dataclass(frozen=True)
class Suggestion:
    incident: Brief
    score: float
    reasons: list[str]
    parts: dict[str, float]

    def to_data(self) -> dict[str, Any]:
        return {**self.incident.to_data(), "score": round(self.score, 3), "reasons": self.reasons,
                "evidence": {name: round(value, 3) for name, value in self.parts.items()}}


@dataclass(frozen=True)
class Repeat:
    """An earlier incident's completed action item, for a factor of the same
    category on the same service as one of this incident's factors."""

    earlier: Brief
    item: str  # "A2"
    item_title: str
    closed_on: str  # YYYY-MM-DD
    category: str
    services: list[str]

    @property
    def message(self) -> str:
        return f"the fix from {self.earlier.key} ({self.item}, closed {self.closed_on}) may not have prevented this"

    def to_data(self) -> dict[str, Any]:
        return {"incident": self.earlier.to_data(), "item": self.item, "item_title": self.item_title,
                "closed_on": self.closed_on, "category": self.category, "services": self.services, "message": self.message}


@dataclass(frozen=True)
class Relation:
    incident: Brief
    state: str
    decided_by: str | None
    decided_at: datetime

    def to_data(self) -> dict[str, Any]:
        return {**self.incident.to_data(), "state": self.state, "decided_by": self.decided_by, "decided_at": self.decided_at.isoformat()}


@dataclass(frozen=True)
class SimilarIncidents:
    key: str
    suggestions: list[Suggestion] = field(default_factory=list)
    related: list[Relation] = field(default_factory=list)
    repeats: list[Repeat] = field(default_factory=list)

    def to_data(self) -> dict[str, Any]:
        return {"key": self.key, "similar": [s.to_data() for s in self.suggestions],
                "related": [r.to_data() for r in self.related], "repeats": [r.to_data() for r in self.repeats]}


def _brief(ctx: Context, row: Any) -> Brief:
    return Brief(format_key(ctx.settings.key_prefix, row.number), row.title, row.severity, row.status, row.started_at)


def _briefs(session: Session, ctx: Context, ids: set[int]) -> dict[int, Brief]:
    if not ids:
        return {}
    rows = session.execute(
        select(Incident.id, Incident.number, Incident.title, Incident.severity, Incident.status, Incident.started_at)
        .where(Incident.id.in_(ids))
    )
    return {row.id: _brief(ctx, row) for row in rows}


def _earlier_than(incident: Incident):  # type: ignore[no-untyped-def]
    """Incidents before this one: started earlier, or (without a start) opened earlier."""
    if incident.started_at is None:
        return Incident.number < incident.number
    return or_(Incident.started_at < incident.started_at, and_(Incident.started_at.is_(None), Incident.number < incident.number))


def _texts(session: Session, incident_ids: list[int], *, events: int | None) -> dict[int, list[str]]:
    """The indexed texts of these incidents; with `events`, at most that many timeline texts each."""
    found: dict[int, list[str]] = defaultdict(list)
    if not incident_ids:
        return found
    for incident_id, body in session.execute(
        select(ENTRIES.incident_id, ENTRIES.body).where(ENTRIES.incident_id.in_(incident_ids), ~ENTRIES.place.startswith("event:"))
    ):
        found[incident_id].append(body)
    if events:
        for incident_id in incident_ids:
            found[incident_id].extend(session.scalars(
                select(ENTRIES.body).where(ENTRIES.incident_id == incident_id, ENTRIES.place.startswith("event:"))
                .order_by(ENTRIES.id).limit(events)
            ))
    return found


def _profiles(session: Session, ids: list[int], texts: dict[int, list[str]], *, phrases: bool = True) -> dict[int, Profile]:
    """What similarity compares of these incidents; without `phrases` (needed only to
    name shared terms) for the many candidates of which few are kept."""
    facts: dict[int, dict[str, set[str]]] = {i: {"services": set(), "teams": set(), "categories": set(), "triggers": set()} for i in ids}
    for incident_id, name in session.execute(select(IncidentService.incident_id, IncidentService.name).where(IncidentService.incident_id.in_(ids))):
        facts[incident_id]["services"].add(name.lower())
    for incident_id, name in session.execute(
        select(IncidentTeam.incident_id, Team.name).join(Team, Team.id == IncidentTeam.team_id).where(IncidentTeam.incident_id.in_(ids))
    ):
        facts[incident_id]["teams"].add(name.lower())
    for incident_id, category, role in session.execute(
        select(Postmortem.incident_id, ContributingFactor.category, ContributingFactor.role)
        .join(ContributingFactor, ContributingFactor.postmortem_id == Postmortem.id).where(Postmortem.incident_id.in_(ids))
    ):
        facts[incident_id]["categories"].add(category)
        if role == FactorRole.TRIGGER.value:
            facts[incident_id]["triggers"].add(category)
    rows = session.execute(select(Incident.id, Incident.severity, Incident.kind).where(Incident.id.in_(ids)))
    return {
        row.id: Profile(
            row.id, frozenset(facts[row.id]["services"]), frozenset(facts[row.id]["teams"]), frozenset(facts[row.id]["categories"]),
            frozenset(facts[row.id]["triggers"]), row.severity, row.kind,
            term_counts(texts.get(row.id, [])), frozenset(pairs(texts.get(row.id, []))) if phrases else frozenset(),
        )
        for row in rows
    }


def _text_candidates(session: Session, terms: list[str], eligible: list) -> list[int]:  # type: ignore[type-arg]
    """The earlier visible incidents the index ranks best for any of `terms`: the
    eligibility is checked on each matched incident (one lookup by key), not by
    listing every eligible incident first."""
    if not terms:
        return []
    found = matching_entries(session, any_of(session, [Term(term) for term in terms])).subquery()
    score = func.sum(found.c.score)
    return list(session.scalars(
        select(found.c.incident_id).join(Incident, Incident.id == found.c.incident_id).where(*eligible)
        .group_by(found.c.incident_id).order_by(score.desc(), found.c.incident_id.desc()).limit(POOL)
    ))


def query_terms(session: Session, counts: Mapping[str, int]) -> list[str]:
    """The words to look for in other incidents: the incident's most repeated words,
    kept when they are rare in the index (a word in more than DF_CAP texts says
    little and makes the query slow), the rarest and most repeated first.
    The counts are capped and taken in one statement; on PostgreSQL the column's
    statistics answer for the common words."""
    from cairn.services.search import is_sqlite

    candidates = distinctive_terms(counts, CANDIDATE_TERMS)
    if not candidates:
        return []
    if is_sqlite(session):
        capped = "(SELECT count(*) FROM (SELECT 1 FROM search_fts WHERE search_fts MATCH :q{n} LIMIT :cap) AS hits_{n})"
    else:
        capped = "(SELECT count(*) FROM (SELECT 1 FROM search_entries WHERE tsv @@ to_tsquery('english', :q{n}) LIMIT :cap) AS hits_{n})"
    estimated = None if is_sqlite(session) else _estimated_frequencies(session, candidates)
    counted = [term for term in candidates if estimated is None or estimated[term] is None]
    frequencies = dict(estimated or {})
    if counted:
        statement = text("SELECT " + ", ".join(capped.format(n=n) for n in range(len(counted))))
        values: dict[str, Any] = {f"q{n}": any_of(session, [Term(term)]) for n, term in enumerate(counted)}
        connection = session.connection()
        previous = None
        if estimated is not None:
            # Only words the statistics do not list are counted here, so they are rare: the word
            # index answers them at once, where the planner would scan the table (for this statement only).
            previous = connection.execute(text("SELECT current_setting('enable_seqscan')")).scalar()
            connection.execute(text("SELECT set_config('enable_seqscan', 'off', true)"))
        frequencies.update(zip(counted, connection.execute(statement, {**values, "cap": DF_CAP}).one()))
        if previous is not None:
            connection.execute(text("SELECT set_config('enable_seqscan', :previous, true)"), {"previous": previous})
    total = max(session.scalar(select(func.max(ENTRIES.id))) or 1, 1)
    weighted = [
        (counts[term] * math.log(total / frequencies[term]), term)
        for term in candidates if 0 < (frequencies.get(term) or 0) < DF_CAP
    ]
    return [term for _weight, term in sorted(weighted, reverse=True)[:QUERY_TERMS]]


def _estimated_frequencies(session: Session, words: list[str]) -> dict[str, int | None] | None:
    """PostgreSQL: how many indexed texts hold each word, estimated from the
    planner's statistics of the tsvector column (its most common lexemes and their
    shares). A word they do not list is None: it is rarer than the rarest listed,
    which on a large index may still be above the cap, so it is counted (cheaply,
    being rare). None without statistics (a table never analysed): every word is
    counted then."""
    row = session.execute(text(
        "SELECT most_common_elems::text::text[], most_common_elem_freqs, "
        "(SELECT reltuples FROM pg_class WHERE oid = 'search_entries'::regclass) "
        "FROM pg_stats WHERE schemaname = current_schema() AND tablename = 'search_entries' AND attname = 'tsv'"
    )).first()
    if row is None or not row[0] or not row[1] or not row[2] or row[2] <= 0:
        return None
    lexemes, shares, rows = row[0], row[1], float(row[2])
    share_of = dict(zip(lexemes, shares))
    stems = session.execute(
        text("SELECT word, coalesce((SELECT array_agg(lexeme) FROM unnest(to_tsvector('english', word))), '{}') "
             "FROM unnest(CAST(:words AS text[])) AS word"),
        {"words": words},
    ).all()
    found: dict[str, int | None] = {}
    for word, stemmed in stems:
        if not stemmed:
            found[word] = 0  # a stop word: the index holds nothing for it
        elif all(lexeme in share_of for lexeme in stemmed):
            found[word] = max(1, round(max(share_of[lexeme] for lexeme in stemmed) * rows))
        else:
            found[word] = None
    return {word: found.get(word, 0) for word in words}


def _structural_candidates(session: Session, profile: Profile, incident: Incident, eligible: list) -> list[int]:  # type: ignore[type-arg]
    """The most recent earlier visible incidents sharing a service (or a team): read
    newest first along the index of start times, so only the nearest are looked at."""
    shared = []
    if profile.services:
        shared.append(exists().where(IncidentService.incident_id == Incident.id, func.lower(IncidentService.name).in_(profile.services)))
    if profile.teams:
        shared.append(exists().where(
            IncidentTeam.incident_id == Incident.id,
            IncidentTeam.team_id.in_(select(Team.id).where(func.lower(Team.name).in_(profile.teams))),
        ))
    if not shared:
        return []
    newest_first = (Incident.started_at.desc(), Incident.id.desc())
    if incident.started_at is None:
        return list(session.scalars(
            select(Incident.id).where(*eligible, or_(*shared)).order_by(Incident.started_at.desc().nulls_last(), Incident.id.desc()).limit(POOL)
        ))
    found = list(session.scalars(
        select(Incident.id).where(*eligible, Incident.started_at < incident.started_at, or_(*shared)).order_by(*newest_first).limit(POOL)
    ))
    if len(found) < POOL:  # then the earlier ones without a start, as _earlier_than orders them
        found += session.scalars(
            select(Incident.id).where(*eligible, Incident.started_at.is_(None), or_(*shared)).order_by(Incident.id.desc()).limit(POOL - len(found))
        )
    return found


def _decisions(session: Session, incident_id: int) -> dict[int, IncidentRelation]:
    rows = session.scalars(select(IncidentRelation).where(or_(IncidentRelation.incident_id == incident_id, IncidentRelation.other_id == incident_id)))
    return {(row.other_id if row.incident_id == incident_id else row.incident_id): row for row in rows}


def similar_to(
    session: Session, ctx: Context, incident: Incident, limit: int = LIMIT, *,
    weights: Mapping[str, float] = WEIGHTS, min_score: float = MIN_SCORE,
) -> list[Suggestion]:
    """Up to `limit` earlier incidents the reader may see, most alike first,
    leaving out those already confirmed or dismissed (`weights` and `min_score`
    for bench/similarity_quality.py)."""
    eligible = [visible_clause(ctx), _earlier_than(incident), Incident.id != incident.id]
    own_texts = _texts(session, [incident.id], events=EVENT_TEXTS)
    target = _profiles(session, [incident.id], own_texts)[incident.id]
    decided = _decisions(session, incident.id)
    pool = [i for i in dict.fromkeys(
        _text_candidates(session, query_terms(session, target.terms), eligible) + _structural_candidates(session, target, incident, eligible)
    ) if i not in decided]
    if not pool:
        return []
    pool_texts = _texts(session, pool, events=None)
    others = _profiles(session, pool, pool_texts, phrases=False)
    rarity = rarity_of([target, *others.values()])
    scored = sorted(
        ((likeness(target, other, rarity, weights, explain=False), other.incident_id) for other in others.values()),
        key=lambda pair: (-pair[0].score, -pair[1]),
    )
    kept = [(like, other_id) for like, other_id in scored if like.score >= min_score][:limit]
    briefs = _briefs(session, ctx, {other_id for _like, other_id in kept})
    suggestions = []
    for like, other_id in kept:
        other = replace(others[other_id], phrases=frozenset(pairs(pool_texts.get(other_id, []))))
        suggestions.append(Suggestion(briefs[other_id], like.score, reasons(target, other, rarity), like.parts))
    return suggestions


def repeats_of(session: Session, ctx: Context, incident: Incident) -> list[Repeat]:
    """Earlier incidents' fixes that addressed what came back: an action item done
    before this incident started, linked to a factor of a category this
    incident's factors share, on a service they share. Pairs someone dismissed
    as unrelated are left out."""
    pairs_found = repeat_rows(session, ctx, [incident.id])
    decided = _decisions(session, incident.id)
    wanted = [row for row in pairs_found if not (row["earlier_id"] in decided and decided[row["earlier_id"]].state == DISMISSED)]
    briefs = _briefs(session, ctx, {row["earlier_id"] for row in wanted})
    grouped: dict[tuple[int, int], dict[str, Any]] = {}
    for row in wanted:
        entry = grouped.setdefault((row["earlier_id"], row["item_number"]), {**row, "services": set()})
        entry["services"].add(row["service"])
    return [
        Repeat(briefs[row["earlier_id"]], f"A{row['item_number']}", row["item_title"], row["closed_at"].date().isoformat(),
               row["category"], sorted(row["services"]))
        for row in sorted(grouped.values(), key=lambda r: (r["closed_at"], r["item_number"]), reverse=True)
    ]


def repeat_rows(session: Session, ctx: Context, incident_ids: Any = None) -> list[dict[str, Any]]:
    """Every (incident, earlier incident, completed item, category, service) that makes
    a repeat, among incidents the reader may see on both sides; `incident_ids`
    (ids, or a select of them) narrows the later side."""
    later, earlier = Incident.__table__.alias("later"), Incident.__table__.alias("earlier")
    pm_later, pm_earlier = Postmortem.__table__.alias("pm_later"), Postmortem.__table__.alias("pm_earlier")
    f_later, f_earlier = ContributingFactor.__table__.alias("f_later"), ContributingFactor.__table__.alias("f_earlier")
    s_later, s_earlier = IncidentService.__table__.alias("s_later"), IncidentService.__table__.alias("s_earlier")
    items, links = ActionItem.__table__, ActionItemFactor.__table__
    query = (
        select(
            later.c.id.label("incident_id"), earlier.c.id.label("earlier_id"), items.c.number.label("item_number"),
            items.c.title.label("item_title"), items.c.closed_at, f_later.c.category, s_later.c.name.label("service"),
        )
        .select_from(later)
        .join(pm_later, pm_later.c.incident_id == later.c.id)
        .join(f_later, f_later.c.postmortem_id == pm_later.c.id)
        .join(f_earlier, f_earlier.c.category == f_later.c.category)
        .join(pm_earlier, pm_earlier.c.id == f_earlier.c.postmortem_id)
        .join(earlier, earlier.c.id == pm_earlier.c.incident_id)
        .join(links, links.c.factor_id == f_earlier.c.id)
        .join(items, items.c.id == links.c.action_item_id)
        .join(s_later, s_later.c.incident_id == later.c.id)
        .join(s_earlier, and_(s_earlier.c.incident_id == earlier.c.id, s_earlier.c.name == s_later.c.name))
        .where(
            earlier.c.id != later.c.id, items.c.status == ActionStatus.DONE.value, items.c.closed_at.is_not(None),
            later.c.started_at.is_not(None), items.c.closed_at < later.c.started_at,
            visible_clause_on(ctx, earlier), visible_clause_on(ctx, later),
        )
        .distinct()
    )
    if incident_ids is not None:
        query = query.where(later.c.id.in_(incident_ids))
    return [dict(row._mapping) for row in session.execute(query)]


def relations_of(session: Session, ctx: Context, incident: Incident) -> list[Relation]:
    """The incidents people confirmed as related to this one (either side), that the reader may see."""
    decided = {other: row for other, row in _decisions(session, incident.id).items() if row.state == RELATED}
    visible = set(session.scalars(select(Incident.id).where(Incident.id.in_(decided), visible_clause(ctx))))
    briefs = _briefs(session, ctx, visible)
    return sorted(
        (Relation(briefs[other], row.state, row.decided_by, row.decided_at) for other, row in decided.items() if other in visible),
        key=lambda relation: relation.decided_at, reverse=True,
    )


def similar_incidents(ctx: Context, key: str, *, limit: int = LIMIT) -> SimilarIncidents:
    """What the incident page, the editor, the meeting kit, the API and `cairn similar` show."""
    limit = max(1, min(limit, 50))
    with ctx.db.transaction() as session:
        incident = require_incident(session, ctx, key)
        return SimilarIncidents(
            format_key(ctx.settings.key_prefix, incident.number), similar_to(session, ctx, incident, limit),
            relations_of(session, ctx, incident), repeats_of(session, ctx, incident),
        )


@retry_stale
def decide_relation(ctx: Context, key: str, other_key: str, state: str) -> SimilarIncidents:
    """Confirm two incidents as related, dismiss a suggestion, or ("none") take the judgement back.

    Both incidents must be visible to the person deciding; the judgement is
    recorded in both incidents' history.
    """
    if state not in (RELATED, DISMISSED, "none"):
        raise InvalidInput(f"unknown relation {state!r}: choose related, dismissed or none")
    with ctx.db.transaction() as session:
        incident = require_incident(session, ctx, key, write=True)
        other = require_incident(session, ctx, other_key, write=True)
        if other.id == incident.id:
            raise InvalidInput("an incident cannot be related to itself")
        low, high = sorted((incident.id, other.id))
        session.execute(delete(IncidentRelation).where(IncidentRelation.incident_id == low, IncidentRelation.other_id == high))
        if state != "none":
            session.add(IncidentRelation(incident_id=low, other_id=high, state=state, decided_by=ctx.actor, decided_at=now_utc()))
        prefix = ctx.settings.key_prefix
        for one, two in ((incident, other), (other, incident)):
            touch(one)  # shown on both: both change, and two racing decisions meet in the compare-and-swap
            record(session, ctx.actor, f"relation.{state}", one, {"other": format_key(prefix, two.number)})
    return similar_incidents(ctx, key)


def agenda_lines(found: SimilarIncidents, limit: int = 5) -> tuple[list[str], list[str]]:
    """The meeting kit's "Seen before": (repeat sentences, lines of related and similar incidents)."""
    repeats = [f"{r.message} ({r.category} on {', '.join(r.services)}: {r.item_title})" for r in found.repeats]
    lines = [f"Related: {r.incident.key} {r.incident.title}" for r in found.related]
    lines += [f"Similar: {s.incident.key} {s.incident.title} ({'; '.join(s.reasons)})" for s in found.suggestions[:limit]]
    return repeats, lines
