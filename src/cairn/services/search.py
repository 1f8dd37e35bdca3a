"""Knowledge-base search: ranked incidents, where each matched, a highlighted
snippet, and facet counts, over the index of `storage/search_index.py`.

The one visibility rule (`access.visible_clause`) filters the incidents
before anything is ranked, counted or quoted, so a reader never finds, counts
or sees a snippet of an incident they may not see.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field, replace
from datetime import datetime, time, timedelta, timezone
from typing import Any

from markupsafe import escape
from sqlalchemy import ARRAY, ColumnElement, Integer, Select, and_, any_, bindparam, case, column, false, func, literal, literal_column, select, table, text
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


def _among(session: Session, column, ids: list[int]) -> ColumnElement[bool]:  # type: ignore[no-untyped-def]
    """`column` is one of `ids`, as one parameter however many there are."""
    if is_sqlite(session):
        listed = select(literal_column("value")).select_from(func.json_each(bindparam("among_ids", json.dumps(ids), unique=True)))
        return column.in_(listed)
    return column == any_(bindparam("among_ids", ids, type_=ARRAY(Integer), unique=True))


SEPARATOR = "\x1f"  # between the labels of one incident's matching entries; never in a label


@dataclass(frozen=True)
class _Matches:
    """Per matched incident id: (id, score, best entry id for the snippet, labels joined by SEPARATOR, severity, year)."""

    rows: dict[int, Any]

    def places(self, incident_id: int) -> tuple[list[str], int]:
        _incident, _score, best, labels, _severity, _year = self.rows[incident_id]
        return [label for label in dict.fromkeys((labels or "").split(SEPARATOR)) if label], best

    def counted(self, index: int) -> list[tuple[str, int]]:
        counts: dict[str, int] = {}
        for row in self.rows.values():
            value = row[index] or "unknown"
            counts[value] = counts.get(value, 0) + 1
        return list(counts.items())


def _ranked_incidents(session: Session, query: SearchQuery, conditions: list[ColumnElement[bool]]) -> _Matches:
    """The visible incidents that have every positive term somewhere (in any of their
    texts) and no excluded term anywhere, scored by the sum over the terms of
    their best entry's rank.

    One statement, one ranked pass of the index over the entries holding any
    of the terms, grouped by incident in the database: the cost stays near that
    of one full-text query however many incidents match."""
    positives = [term for term in query.terms if not term.excluded]
    negatives = [term for term in query.terms if term.excluded]
    tsv = literal_column("search_entries.tsv")
    if is_sqlite(session):
        ranked = (
            select(FTS.c.rowid.label("entry_id"), (-literal_column("bm25(search_fts)")).label("score"))
            .select_from(FTS).where(literal_column("search_fts").op("MATCH")(bindparam("fts_any", any_of(session, positives))))
            .cte("ranked").prefix_with("MATERIALIZED")
        )
        source = ranked.join(SearchEntry.__table__, ENTRIES.id == ranked.c.entry_id)
        score, where = ranked.c.score, []

        def holds(index: int, term: Term) -> ColumnElement[bool]:
            return ranked.c.entry_id.in_(
                select(FTS.c.rowid).where(literal_column("search_fts").op("MATCH")(bindparam(f"fts_term_{index}", _backend_term(session, term))))
            )

        best = ENTRIES.id  # SQLite: a bare column beside max() comes from the row holding the max
        labels = func.group_concat(ENTRIES.label, SEPARATOR)
    else:
        from sqlalchemy.dialects.postgresql import aggregate_order_by

        any_query = func.to_tsquery("english", bindparam("ts_any", any_of(session, positives)))
        source = SearchEntry.__table__
        score, where = func.ts_rank_cd(tsv, any_query), [tsv.op("@@")(any_query)]

        def holds(index: int, term: Term) -> ColumnElement[bool]:
            return tsv.op("@@")(func.to_tsquery("english", bindparam(f"ts_term_{index}", _backend_term(session, term))))

        best = func.array_agg(aggregate_order_by(ENTRIES.id, score.desc()))[1]
        labels = func.string_agg(ENTRIES.label, aggregate_order_by(literal(SEPARATOR), score.desc()))
    per_term = [func.max(score if len(positives) == 1 else case((holds(i, term), score))) for i, term in enumerate(positives)]
    year = func.strftime("%Y", Incident.started_at) if is_sqlite(session) else func.to_char(func.timezone("UTC", Incident.started_at), "YYYY")
    incidents = Incident.__table__
    grouped = (
        select(ENTRIES.incident_id, sum(per_term[1:], per_term[0]).label("score"), best.label("best"), labels.label("labels"),
               func.min(incidents.c.severity).label("severity"), func.min(year).label("year"))
        # The filters and the visibility rule are checked on each matching entry's incident
        # (one lookup by key), rather than building the set of every visible incident.
        .select_from(source.join(incidents, incidents.c.id == ENTRIES.incident_id)).where(*conditions, *where)
        .group_by(ENTRIES.incident_id).having(and_(*[part.is_not(None) for part in per_term]))
    )
    for term in negatives:
        unwanted = matching_entries(session, _backend_term(session, term)).subquery()
        grouped = grouped.where(ENTRIES.incident_id.not_in(select(unwanted.c.incident_id)))
    return _Matches({row[0]: row for row in session.connection().execute(grouped)})


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
            matches = _ranked_incidents(session, query, conditions)
            ordered = sorted(((row[1], incident_id) for incident_id, row in matches.rows.items()), reverse=True)
            page = [(incident_id, float(score)) for score, incident_id in ordered[offset:offset + limit]]
            places = {incident_id: matches.places(incident_id) for incident_id, _score in page}
            any_term = any_of(session, [term for term in query.terms if not term.excluded])
            total = len(matches.rows)
            among = _among(session, Incident.id, sorted(matches.rows)) if matches.rows else false()
            facets = _facets(session, among, severity=matches.counted(4), years=matches.counted(5))
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


def _facets(
    session: Session, chosen: ColumnElement[bool], *, severity: list[tuple[str, int]] | None = None, years: list[tuple[str, int]] | None = None,
) -> dict[str, list[tuple[str, int]]]:
    """Counts by severity, service, factor category and year of the matched incidents (`chosen`: a condition
    on Incident.id); `severity` and `years` when the ranking counted them already."""
    ids = select(Incident.id).where(chosen)
    if severity is None:
        severity = session.execute(select(Incident.severity, func.count()).where(chosen).group_by(Incident.severity)).all()
    services = session.execute(
        select(IncidentService.name, func.count(func.distinct(IncidentService.incident_id))).where(IncidentService.incident_id.in_(ids))
        .group_by(IncidentService.name)
    ).all()
    categories = session.execute(
        select(ContributingFactor.category, func.count(func.distinct(Postmortem.incident_id)))
        .join(Postmortem, Postmortem.id == ContributingFactor.postmortem_id).where(Postmortem.incident_id.in_(ids))
        .group_by(ContributingFactor.category)
    ).all()
    if years is None:
        year = func.strftime("%Y", Incident.started_at) if is_sqlite(session) else func.to_char(func.timezone("UTC", Incident.started_at), "YYYY")
        years = [(str(value) if value else "unknown", int(count)) for value, count in session.execute(
            select(year, func.count()).where(chosen).group_by(year)
        )]

    def ordered(pairs) -> list[tuple[str, int]]:  # type: ignore[no-untyped-def]
        return sorted(((str(value), int(count)) for value, count in pairs), key=lambda pair: (-pair[1], pair[0]))

    return {
        "severity": sorted(((str(v), int(c)) for v, c in severity), key=lambda pair: pair[0]),
        "service": ordered(services),
        "category": ordered(categories),
        "year": sorted(((str(value), int(count)) for value, count in years), reverse=True),
    }


def reindex_all(ctx: Context, progress=None) -> int:  # type: ignore[no-untyped-def]
    """Build the whole index again (`cairn search --reindex`); returns the incidents indexed."""
    from cairn.services.access import require_admin
    from cairn.storage.search_index import rebuild_all

    require_admin(ctx)
    with ctx.db.transaction() as session:
        return rebuild_all(session.connection(), progress)
