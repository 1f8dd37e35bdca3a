"""Knowledge-base search: ranked incidents, where each matched, a highlighted
snippet, and facet counts, over the index of `storage/search_index.py`.

The one visibility rule (`access.visible_clause`) filters the incidents
before anything is ranked, counted or quoted, so a reader never finds, counts
or sees a snippet of an incident they may not see.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime, time, timedelta, timezone
from typing import Any

from markupsafe import escape
from sqlalchemy import ColumnElement, Select, and_, column, func, literal_column, select, table, text
from sqlalchemy.orm import Session

from cairn.domain.search_query import SearchQuery, parse_query, to_fts5, to_tsquery
from cairn.services.access import visible_clause
from cairn.services.context import Context
from cairn.services.incidents import key_of
from cairn.storage.models import ContributingFactor, Incident, IncidentService, IncidentTeam, Postmortem, SearchEntry, Team

ENTRIES = SearchEntry.__table__.c
FTS = table("search_fts", column("rowid"), column("body"))  # SQLite's FTS5 table (migration 0014)
START, STOP = "\x02", "\x03"  # snippet marks: never in stored text, replaced after escaping
MAX_ENTRIES = 5_000  # matching texts ranked per search: the best of them decide each incident's place
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
    """A backend's snippet (matches between START and STOP) as safe HTML."""
    parts = []
    for index, piece in enumerate(marked.replace(STOP, START).split(START)):
        piece_html = str(escape(piece))
        parts.append(f"<mark>{piece_html}</mark>" if index % 2 and piece else piece_html)
    return "".join(parts)


def _day_start(day) -> datetime:  # type: ignore[no-untyped-def]
    return datetime.combine(day, time.min, tzinfo=timezone.utc)


def _filters(ctx: Context, query: SearchQuery) -> list[ColumnElement[bool]]:
    """The query's filters and the visibility rule, as conditions on Incident."""
    where: list[ColumnElement[bool]] = [visible_clause(ctx)]
    services = [value.lower() for value in query.filter("service")]
    if services:
        where.append(Incident.id.in_(select(IncidentService.incident_id).where(func.lower(IncidentService.name).in_(services))))
    teams = [value.lower() for value in query.filter("team")]
    if teams:
        where.append(Incident.id.in_(
            select(IncidentTeam.incident_id).join(Team, Team.id == IncidentTeam.team_id).where(func.lower(Team.name).in_(teams))
        ))
    for name, column in (("severity", Incident.severity), ("kind", Incident.kind), ("status", Incident.status)):
        values = [value.lower() for value in query.filter(name)]
        if values:
            where.append(func.lower(column).in_(values))
    categories = [value.lower() for value in query.filter("category")]
    if categories:
        where.append(Incident.id.in_(
            select(Postmortem.incident_id).join(ContributingFactor, ContributingFactor.postmortem_id == Postmortem.id)
            .where(func.lower(ContributingFactor.category).in_(categories))
        ))
    if query.after is not None:
        where.append(Incident.started_at >= _day_start(query.after))
    if query.before is not None:
        where.append(Incident.started_at < _day_start(query.before + timedelta(days=1)))
    return where


def _matching_entries(session: Session, query: SearchQuery) -> Select | None:
    """(entry id, incident id, label, score: higher is better) of every entry matching the words."""
    if session.get_bind().dialect.name == "sqlite":
        expression = to_fts5(query)
        if expression is None:
            return None
        # FTS5's bm25() works only in the query that runs MATCH, so the matches are
        # computed first (a materialised CTE) and joined afterwards. bm25 is lower
        # for better matches: negated, every backend's score grows with relevance.
        matches = (
            select(FTS.c.rowid.label("entry_id"), (-literal_column("bm25(search_fts)")).label("score"))
            .select_from(FTS).where(text("search_fts MATCH :fts_query").bindparams(fts_query=expression))
            .cte("fts_matches").prefix_with("MATERIALIZED")
        )
        return (
            select(ENTRIES.id, ENTRIES.incident_id, ENTRIES.label, matches.c.score)
            .select_from(SearchEntry.__table__.join(matches, matches.c.entry_id == ENTRIES.id))
        )
    expression = to_tsquery(query)
    if expression is None:
        return None
    tsquery = func.to_tsquery("english", expression)
    return (
        select(ENTRIES.id, ENTRIES.incident_id, ENTRIES.label, func.ts_rank_cd(literal_column("search_entries.tsv"), tsquery).label("score"))
        .where(literal_column("search_entries.tsv").op("@@")(tsquery))
    )


def _snippets(session: Session, query: SearchQuery, entry_ids: list[int]) -> dict[int, str]:
    if not entry_ids:
        return {}
    ids = ", ".join(str(int(entry_id)) for entry_id in entry_ids)
    if session.get_bind().dialect.name == "sqlite":
        rows = session.execute(
            text(f"SELECT rowid, snippet(search_fts, 0, :start, :stop, '…', 16) FROM search_fts "
                 f"WHERE search_fts MATCH :q AND rowid IN ({ids})"),
            {"start": START, "stop": STOP, "q": to_fts5(query)},
        )
    else:
        rows = session.execute(
            text(f"SELECT id, ts_headline('english', body, to_tsquery('english', :q), :options) FROM search_entries WHERE id IN ({ids})"),
            {"q": to_tsquery(query), "options": f"StartSel={START}, StopSel={STOP}, MaxWords=24, MinWords=10, ShortWord=2, MaxFragments=2, FragmentDelimiter=\" … \""},
        )
    return {entry_id: highlight(marked) for entry_id, marked in rows}


def search(ctx: Context, text_query: str, *, limit: int = 20, offset: int = 0) -> SearchResults:
    """The incidents the reader may see that match `text_query`, best first."""
    query = parse_query(text_query)
    limit = max(1, min(limit, MAX_LIMIT))
    offset = max(0, offset)
    visible = select(Incident.id).where(and_(*_filters(ctx, query)))
    with ctx.db.transaction() as session:
        if not query.has_text:  # filters only: the newest incidents first
            chosen = visible
            page = [
                (incident_id, 0.0) for incident_id in session.scalars(
                    visible.order_by(Incident.started_at.desc().nulls_last(), Incident.id.desc()).limit(limit).offset(offset)
                )
            ]
            places: dict[int, tuple[list[str], int | None]] = {}
        else:
            matching = _matching_entries(session, query)
            if matching is None:
                return SearchResults(text_query, [], 0, _facets(session, select(Incident.id).where(literal_column("1") == 0)))
            found = matching.where(ENTRIES.incident_id.in_(visible)).subquery()
            chosen = select(found.c.incident_id).distinct()
            best = func.max(found.c.score).label("best")
            page = [
                (incident_id, float(score)) for incident_id, score in session.execute(
                    select(found.c.incident_id, best).group_by(found.c.incident_id).order_by(best.desc(), found.c.incident_id)
                    .limit(limit).offset(offset)
                )
            ]
            places = {}
            page_ids = [incident_id for incident_id, _score in page]
            for entry_id, incident_id, label in session.execute(
                select(found.c.id, found.c.incident_id, found.c.label).where(found.c.incident_id.in_(page_ids))
                .order_by(found.c.score.desc(), found.c.id)
            ):
                labels, first = places.setdefault(incident_id, ([], entry_id))
                if label not in labels:
                    labels.append(label)
        total = session.scalar(select(func.count()).select_from(chosen.subquery()))
        snippets = _snippets(session, query, [entry for _labels, entry in places.values() if entry is not None])
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
        return SearchResults(text_query, hits, int(total or 0), _facets(session, chosen))


def _facets(session: Session, matched: Select) -> dict[str, list[tuple[str, int]]]:
    """Counts by severity, service, factor category and year of the matched incidents."""
    ids = matched.subquery()
    chosen = Incident.id.in_(select(ids.c[0]))
    severity = session.execute(select(Incident.severity, func.count()).where(chosen).group_by(Incident.severity)).all()
    services = session.execute(
        select(IncidentService.name, func.count(func.distinct(IncidentService.incident_id))).where(IncidentService.incident_id.in_(select(ids.c[0])))
        .group_by(IncidentService.name)
    ).all()
    categories = session.execute(
        select(ContributingFactor.category, func.count(func.distinct(Postmortem.incident_id)))
        .join(Postmortem, Postmortem.id == ContributingFactor.postmortem_id).where(Postmortem.incident_id.in_(select(ids.c[0])))
        .group_by(ContributingFactor.category)
    ).all()
    years: dict[str, int] = {}
    for started in session.scalars(select(Incident.started_at).where(chosen)):
        year = str(started.year) if started else "unknown"
        years[year] = years.get(year, 0) + 1

    def ordered(pairs) -> list[tuple[str, int]]:  # type: ignore[no-untyped-def]
        return sorted(((str(value), int(count)) for value, count in pairs), key=lambda pair: (-pair[1], pair[0]))

    return {
        "severity": sorted(((str(v), int(c)) for v, c in severity), key=lambda pair: pair[0]),
        "service": ordered(services),
        "category": ordered(categories),
        "year": sorted(years.items(), reverse=True),
    }
