"""Knowledge-base search: ranked incidents, where each matched, a highlighted
snippet, and facet counts, over the index of `storage/search_index.py`.

The one visibility rule (`access.visible_clause`) filters the incidents
before anything is ranked, counted or quoted, so a reader never finds, counts
or sees a snippet of an incident they may not see.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field, replace
from datetime import datetime, time, timedelta, timezone
from typing import Any

from markupsafe import escape
from sqlalchemy import (
    ColumnElement, Float, Integer, Select, String, and_, bindparam, case, cast, column, func, literal, literal_column, null, select,
    table, text, union_all,
)
from sqlalchemy.orm import Session

from cairn.domain.search_query import SearchQuery, Term, parse_query, to_fts5, to_tsquery
from cairn.services.access import visible_clause
from cairn.services.context import Context
from cairn.services.incidents import key_of
from cairn.storage.models import ContributingFactor, Incident, IncidentService, IncidentTeam, Postmortem, SearchEntry, Team

ENTRIES = SearchEntry.__table__.c
FTS = table("search_fts", column("rowid"), column("body"))  # SQLite's FTS5 table (migration 0014)
START, STOP = "\x02", "\x03"  # snippet marks: never in stored text, replaced after escaping
MAX_LIMIT = 100


@dataclass(frozen=True)
class SearchHit:
    key: str
    title: str
    severity: str
    status: str
    started_at: datetime | None
    where: list[str]  # the places it matched, best first: "summary", "factor F2", "timeline"
    snippet: str  # HTML: the text escaped, the matched words in <mark>
    score: float

    def to_data(self) -> dict[str, Any]:
        return {
            "key": self.key, "title": self.title, "severity": self.severity, "status": self.status,
            "started_at": self.started_at.isoformat() if self.started_at else None,
            "where": self.where, "snippet": self.snippet, "score": round(self.score, 4),
        }


@dataclass(frozen=True)
class SearchResults:
    query: str
    hits: list[SearchHit]
    total: int
    facets: dict[str, list[tuple[str, int]]] = field(default_factory=dict)

    def to_data(self) -> dict[str, Any]:
        return {
            "query": self.query, "total": self.total, "hits": [hit.to_data() for hit in self.hits],
            "facets": {name: [{"value": value, "count": count} for value, count in counts] for name, counts in self.facets.items()},
        }


def highlight(marked: str) -> str:
    """A backend's snippet (matches between START and STOP) as safe HTML. A stored
    text holding these control characters itself only shifts the marks: the
    text is escaped either way."""
    parts = []
    for index, piece in enumerate(marked.replace(STOP, START).split(START)):
        piece_html = str(escape(piece))
        parts.append(f"<mark>{piece_html}</mark>" if index % 2 and piece else piece_html)
    return "".join(parts)


def _day_start(day) -> datetime:  # type: ignore[no-untyped-def]
    return datetime.combine(day, time.min, tzinfo=timezone.utc)


def _filters(ctx: Context, query: SearchQuery, sqlite: bool) -> list[ColumnElement[bool]]:
    """The query's filters and the visibility rule, as conditions on Incident.
    Names compare case-insensitively beyond ASCII (SQLite's own lower() folds ASCII only)."""
    lower = func.unicode_lower if sqlite else func.lower
    where: list[ColumnElement[bool]] = [visible_clause(ctx)]
    services = [value.lower() for value in query.filter("service")]
    if services:
        where.append(Incident.id.in_(select(IncidentService.incident_id).where(lower(IncidentService.name).in_(services))))
    teams = [value.lower() for value in query.filter("team")]
    if teams:
        where.append(Incident.id.in_(
            select(IncidentTeam.incident_id).join(Team, Team.id == IncidentTeam.team_id).where(lower(Team.name).in_(teams))
        ))
    for name, column in (("severity", Incident.severity), ("kind", Incident.kind), ("status", Incident.status)):
        values = [value.lower() for value in query.filter(name)]
        if values:
            where.append(lower(column).in_(values))
    categories = [value.lower() for value in query.filter("category")]
    if categories:
        where.append(Incident.id.in_(
            select(Postmortem.incident_id).join(ContributingFactor, ContributingFactor.postmortem_id == Postmortem.id)
            .where(lower(ContributingFactor.category).in_(categories))
        ))
    if query.after is not None:
        where.append(Incident.started_at >= _day_start(query.after))
    if query.before is not None:
        where.append(Incident.started_at < _day_start(query.before + timedelta(days=1)))
    return where


def _backend_term(session: Session, term: Term) -> str:
    """One term in the backend's syntax, safely quoted (see domain.search_query)."""
    alone = SearchQuery(terms=(replace(term, excluded=False),))
    expression = to_fts5(alone) if is_sqlite(session) else to_tsquery(alone)
    assert expression is not None  # one positive term
    return expression


def any_of(session: Session, terms: list[Term]) -> str:
    """An expression matching a text with any of `terms` (for places and snippets)."""
    return (" OR " if is_sqlite(session) else " | ").join(_backend_term(session, term) for term in terms)


def _searchable(session: Session, query: SearchQuery) -> SearchQuery:
    """The query without the words the backend ignores: PostgreSQL drops stop words
    ("the", "of") from a query, and one of them would otherwise match nothing."""
    if is_sqlite(session) or not query.terms:
        return query
    kept = [
        term for term in query.terms
        if session.scalar(select(func.numnode(func.to_tsquery("english", _backend_term(session, term))))) > 0
    ]
    return replace(query, terms=tuple(kept))


def is_sqlite(session: Session) -> bool:
    return session.get_bind().dialect.name == "sqlite"


def matching_entries(session: Session, expression: str) -> Select:
    """(entry id, incident id, label, score: higher is better) of every entry matching `expression`."""
    if is_sqlite(session):
        # FTS5's bm25() works only in the query that runs MATCH, so the matches are
        # computed first (a materialised CTE) and joined afterwards. bm25 is lower
        # for better matches: negated, every backend's score grows with relevance.
        matches = (
            select(FTS.c.rowid.label("entry_id"), (-literal_column("bm25(search_fts)")).label("score"))
            # A unique parameter per MATCH: one statement may hold several of them.
            .select_from(FTS).where(literal_column("search_fts").op("MATCH")(bindparam("fts_query", expression, unique=True)))
            .cte().prefix_with("MATERIALIZED")
        )
        return (
            select(ENTRIES.id, ENTRIES.incident_id, ENTRIES.label, matches.c.score)
            .select_from(SearchEntry.__table__.join(matches, matches.c.entry_id == ENTRIES.id))
        )
    tsquery = func.to_tsquery("english", expression)
    return (
        select(ENTRIES.id, ENTRIES.incident_id, ENTRIES.label, func.ts_rank_cd(literal_column("search_entries.tsv"), tsquery).label("score"))
        .where(literal_column("search_entries.tsv").op("@@")(tsquery))
    )


@dataclass(frozen=True)
class _Ranked:
    """One page of ranked incidents and what the page shows about all of them."""

    page: list[tuple[int, float]]  # (incident id, score), best first
    places: dict[int, tuple[list[str], int | None]]  # per page incident: labels best first, best entry id
    total: int
    facets: dict[str, list[tuple[str, int]]]


def _ranked_incidents(
    session: Session, query: SearchQuery, conditions: list[ColumnElement[bool]], limit: int, offset: int,
) -> _Ranked:
    """The visible incidents that have every positive term somewhere (in any of their
    texts) and no excluded term anywhere, ranked by their best text's rank for
    the positive terms; the page, the places it matched, the count and the
    facets, in one statement.

    The index ranks once (one full-text query for any of the terms, as a raw
    query would) and records whether each text holds all the terms. Only the
    incidents whose terms are spread over several texts are checked term by
    term, so the usual query costs about one ranked full-text query."""
    sqlite = is_sqlite(session)
    positives = [term for term in query.terms if not term.excluded]
    negatives = [term for term in query.terms if term.excluded]
    tsv = literal_column("search_entries.tsv")
    all_of = SearchQuery(terms=tuple(positives))
    if sqlite:
        def fts_match(name: str, expression: str) -> ColumnElement[bool]:
            return literal_column("search_fts").op("MATCH")(bindparam(name, expression, unique=True))

        whole = FTS.c.rowid.in_(select(FTS.c.rowid).where(fts_match("fts_all", to_fts5(all_of) or "")))
        ranked = (
            select(FTS.c.rowid.label("entry_id"), (-literal_column("bm25(search_fts)")).label("score"),
                   case((whole, 1), else_=0).label("whole") if len(positives) > 1 else literal(1).label("whole"))
            .select_from(FTS).where(fts_match("fts_any", any_of(session, positives)))
            .cte("ranked").prefix_with("MATERIALIZED")
        )

        def holding(term: Term) -> Select:
            return select(ENTRIES.incident_id).where(ENTRIES.id.in_(select(FTS.c.rowid).where(fts_match("fts_term", _backend_term(session, term)))))
    else:
        def ts(name: str, expression: str):  # type: ignore[no-untyped-def]
            return func.to_tsquery("english", bindparam(name, expression, unique=True))

        any_query = ts("ts_any", any_of(session, positives))
        ranked = (
            select(ENTRIES.id.label("entry_id"), func.ts_rank_cd(tsv, any_query).label("score"),
                   case((tsv.op("@@")(ts("ts_all", to_tsquery(all_of) or "")), 1), else_=0).label("whole") if len(positives) > 1
                   else literal(1).label("whole"))
            .where(tsv.op("@@")(any_query)).cte("ranked")
        )

        def holding(term: Term) -> Select:
            return select(ENTRIES.incident_id).where(tsv.op("@@")(ts("ts_term", _backend_term(session, term))))

    def materialised(statement, name: str):  # type: ignore[no-untyped-def]
        cte = statement.cte(name)
        return cte.prefix_with("MATERIALIZED") if sqlite else cte

    per_incident = materialised(
        select(ENTRIES.incident_id.label("incident_id"), func.max(ranked.c.score).label("score"), func.max(ranked.c.whole).label("whole"))
        .select_from(ranked.join(SearchEntry.__table__, ENTRIES.id == ranked.c.entry_id)).group_by(ENTRIES.incident_id),
        "per_incident",
    )
    found = per_incident.c
    complete = select(found.incident_id, found.score).where(found.whole == 1)
    if len(positives) > 1:  # terms spread over texts: each looked up (only for these incidents)
        spread = select(found.incident_id, found.score).where(found.whole == 0, *[found.incident_id.in_(holding(t)) for t in positives])
        complete = union_all(complete, spread)
    chosen = complete.subquery("complete")
    incidents = Incident.__table__
    year = func.strftime("%Y", incidents.c.started_at) if sqlite else func.to_char(func.timezone("UTC", incidents.c.started_at), "YYYY")
    matched_query = (
        select(chosen.c.incident_id, chosen.c.score, incidents.c.severity, year.label("year"))
        .select_from(chosen.join(incidents, incidents.c.id == chosen.c.incident_id)).where(*conditions)
    )
    for term in negatives:
        matched_query = matched_query.where(chosen.c.incident_id.not_in(holding(term)))
    matched = materialised(matched_query, "matched")
    page = (
        select(matched.c.incident_id, matched.c.score).order_by(matched.c.score.desc(), matched.c.incident_id.desc())
        .limit(limit).offset(offset).cte("page")
    )
    number, name, entry = cast(null(), Float), cast(null(), String), cast(null(), Integer)

    def row(kind: str, incident_id, value, count, label=None, entry_id=None):  # type: ignore[no-untyped-def]
        return [literal(kind).label("kind"), incident_id.label("incident_id") if incident_id is not None else entry.label("incident_id"),
                (value if value is not None else name).label("value"), (count if count is not None else number).label("number"),
                (label if label is not None else name).label("label"), (entry_id if entry_id is not None else entry).label("entry_id")]

    services, factors, postmortems = IncidentService.__table__, ContributingFactor.__table__, Postmortem.__table__
    statement = union_all(
        select(*row("hit", page.c.incident_id, None, cast(page.c.score, Float))),
        select(*row("place", ENTRIES.incident_id, None, cast(ranked.c.score, Float), ENTRIES.label, ENTRIES.id)).select_from(
            page.join(SearchEntry.__table__, ENTRIES.incident_id == page.c.incident_id).join(ranked, ranked.c.entry_id == ENTRIES.id)
        ),
        select(*row("total", None, None, cast(func.count(), Float))).select_from(matched),
        select(*row("severity", None, matched.c.severity, cast(func.count(), Float))).group_by(matched.c.severity),
        select(*row("year", None, matched.c.year, cast(func.count(), Float))).group_by(matched.c.year),
        select(*row("service", None, services.c.name, cast(func.count(func.distinct(services.c.incident_id)), Float)))
        .select_from(matched.join(services, services.c.incident_id == matched.c.incident_id)).group_by(services.c.name),
        select(*row("category", None, factors.c.category, cast(func.count(func.distinct(postmortems.c.incident_id)), Float)))
        .select_from(matched.join(postmortems, postmortems.c.incident_id == matched.c.incident_id)
                     .join(factors, factors.c.postmortem_id == postmortems.c.id)).group_by(factors.c.category),
    )
    page_rows: list[tuple[int, float]] = []
    placed: dict[int, list[tuple[float, str, int]]] = defaultdict(list)
    counts: dict[str, list[tuple[str, int]]] = defaultdict(list)
    total = 0
    for kind, incident_id, value, count, label, entry_id in session.connection().execute(statement):
        if kind == "hit":
            page_rows.append((int(incident_id), float(count)))
        elif kind == "place":
            placed[int(incident_id)].append((float(count), str(label), int(entry_id)))
        elif kind == "total":
            total = int(count)
        else:
            counts[kind].append((str(value) if value is not None else "unknown", int(count)))
    page_rows.sort(key=lambda pair: (-pair[1], -pair[0]))
    places: dict[int, tuple[list[str], int | None]] = {}
    for incident_id, entries in placed.items():
        entries.sort(key=lambda item: (-item[0], item[2]))
        places[incident_id] = (list(dict.fromkeys(label for _score, label, _entry in entries if label)), entries[0][2])
    return _Ranked(page_rows, places, total, _ordered_facets(counts))


def _snippets(session: Session, expression: str, entry_ids: list[int]) -> dict[int, str]:
    if not entry_ids:
        return {}
    ids = ", ".join(str(int(entry_id)) for entry_id in entry_ids)
    if session.get_bind().dialect.name == "sqlite":
        rows = session.execute(
            text(f"SELECT rowid, snippet(search_fts, 0, :start, :stop, '…', 16) FROM search_fts "
                 f"WHERE search_fts MATCH :q AND rowid IN ({ids})"),
            {"start": START, "stop": STOP, "q": expression},
        )
    else:
        rows = session.execute(
            text(f"SELECT id, ts_headline('english', body, to_tsquery('english', :q), :options) FROM search_entries WHERE id IN ({ids})"),
            {"q": expression, "options": f"StartSel={START}, StopSel={STOP}, MaxWords=24, MinWords=10, ShortWord=2, MaxFragments=2, FragmentDelimiter=\" … \""},
        )
    return {entry_id: highlight(marked) for entry_id, marked in rows}


def search(ctx: Context, text_query: str, *, limit: int = 20, offset: int = 0) -> SearchResults:
    """The incidents the reader may see that match `text_query`, best first."""
    query = parse_query(text_query)
    limit = max(1, min(limit, MAX_LIMIT))
    offset = max(0, offset)
    with ctx.db.transaction() as session:
        conditions = _filters(ctx, query, is_sqlite(session))
        visible = select(Incident.id).where(and_(*conditions))
        query = _searchable(session, query)
        if not query.has_text:  # filters (and exclusions) only: the newest incidents first
            for term in query.terms:  # all excluded here
                unwanted = matching_entries(session, _backend_term(session, term)).subquery()
                visible = visible.where(Incident.id.not_in(select(unwanted.c.incident_id)))
            chosen = visible
            page = [
                (incident_id, 0.0) for incident_id in session.scalars(
                    visible.order_by(Incident.started_at.desc().nulls_last(), Incident.id.desc()).limit(limit).offset(offset)
                )
            ]
            places: dict[int, tuple[list[str], int | None]] = {}
            total = session.scalar(select(func.count()).select_from(chosen.subquery()))
            facets = _facets(session, Incident.id.in_(chosen))
        else:
            ranked = _ranked_incidents(session, query, conditions, limit, offset)
            page, places, total, facets = ranked.page, ranked.places, ranked.total, ranked.facets
            any_term = any_of(session, [term for term in query.terms if not term.excluded])
        snippets = _snippets(session, any_term, [entry for _labels, entry in places.values() if entry is not None]) if places else {}
        rows = {
            row.id: row for row in session.execute(
                select(Incident.id, Incident.number, Incident.title, Incident.severity, Incident.status, Incident.started_at)
                .where(Incident.id.in_([incident_id for incident_id, _score in page]))
            )
        }
        hits = []
        for incident_id, score in page:
            row = rows[incident_id]
            labels, entry = places.get(incident_id, ([], None))
            hits.append(SearchHit(
                key_of(ctx, row), row.title, row.severity, row.status, row.started_at, labels,
                snippets.get(entry, "") if entry is not None else "", score,
            ))
        return SearchResults(text_query, hits, int(total or 0), facets)


def _facets(session: Session, chosen: ColumnElement[bool]) -> dict[str, list[tuple[str, int]]]:
    """Counts by severity, service, factor category and year of the incidents `chosen`
    (a condition on Incident.id), for a search of filters only."""
    ids = select(Incident.id).where(chosen)
    year = func.strftime("%Y", Incident.started_at) if is_sqlite(session) else func.to_char(func.timezone("UTC", Incident.started_at), "YYYY")
    counted = {
        "severity": select(Incident.severity, func.count()).where(chosen).group_by(Incident.severity),
        "service": select(IncidentService.name, func.count(func.distinct(IncidentService.incident_id)))
        .where(IncidentService.incident_id.in_(ids)).group_by(IncidentService.name),
        "category": select(ContributingFactor.category, func.count(func.distinct(Postmortem.incident_id)))
        .join(Postmortem, Postmortem.id == ContributingFactor.postmortem_id).where(Postmortem.incident_id.in_(ids))
        .group_by(ContributingFactor.category),
        "year": select(year, func.count()).where(chosen).group_by(year),
    }
    return _ordered_facets({
        name: [(str(value) if value is not None else "unknown", int(count)) for value, count in session.execute(statement)]
        for name, statement in counted.items()
    })


def _ordered_facets(counts: dict[str, list[tuple[str, int]]]) -> dict[str, list[tuple[str, int]]]:
    """Severities by name, services and categories most frequent first, years newest first."""
    def frequent(pairs: list[tuple[str, int]]) -> list[tuple[str, int]]:
        return sorted(pairs, key=lambda pair: (-pair[1], pair[0]))

    return {
        "severity": sorted(counts.get("severity", []), key=lambda pair: pair[0]),
        "service": frequent(counts.get("service", [])),
        "category": frequent(counts.get("category", [])),
        "year": sorted(counts.get("year", []), reverse=True),
    }


def reindex_all(ctx: Context, progress=None) -> int:  # type: ignore[no-untyped-def]
    """Build the whole index again (`cairn search --reindex`); returns the incidents indexed."""
    from cairn.services.access import require_admin
    from cairn.storage.search_index import rebuild_all

    require_admin(ctx)
    with ctx.db.transaction() as session:
        return rebuild_all(session.connection(), progress)
