"""What the incident page needs of a timeline, asked of the database.

An incident may hold tens of thousands of imported log lines. The page shows
one page of them, counts for the filters, a binned chart, which rows carry a
key moment and the blameless review of what people typed; none of that needs
every event read into Python, so each is one query. Exports and the API still
read the whole timeline (`convert.event_docs`).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime, timedelta, timezone
from math import ceil

from sqlalchemy import BigInteger, ColumnElement, Integer, and_, cast, func, literal, select
from sqlalchemy.orm import Session

from cairn.domain.document import EventDoc, IncidentDoc
from cairn.errors import InvalidInput
from cairn.formats.timeline_svg import BIN_ABOVE, BINS, ChartEvents, chart_range, span_milliseconds
from cairn.domain.levels import LEVELS, canonical_level
from cairn.storage.models import TimelineEvent
from cairn.storage.types import UTCDateTime

EVENTS = TimelineEvent.__table__.c  # plain columns: Core queries, no ORM row processing
# EventDoc's field order
ROW = (EVENTS.at, EVENTS.kind, EVENTS.text, EVENTS.actor, EVENTS.source, EVENTS.source_ref, EVENTS.id, EVENTS.level, EVENTS.component)
COMPONENTS_OFFERED = 200  # the filter lists at most this many components (the most frequent)


def lowest_level(name: str | None) -> str:
    """The canonical level a filter keeps from (any spelling a log uses: "warn", "ERR"),
    or "" for no level filter; an unknown name is refused."""
    text = (name or "").strip()
    if not text:
        return ""
    level = canonical_level(text)
    if level is None:
        raise InvalidInput(f"unknown level {text[:40]!r}: choose one of {', '.join(LEVELS)}")
    return level


@dataclass(frozen=True)
class TimelineFilter:
    """What a timeline read keeps; the one meaning of the filters for the page,
    the API and `cairn timeline`.

    `level` keeps that level and every more severe one; events without a
    level (typed by people, most alerts) are left out by it. `component`
    keeps the events of exactly that component or logger."""

    kind: str = ""
    source: str = ""
    level: str = ""  # lowest level kept: any spelling, read as one of domain.levels.LEVELS
    text: str = ""  # words in the event's text or actor, any case
    component: str = ""

    def __post_init__(self) -> None:
        object.__setattr__(self, "level", lowest_level(self.level))
        object.__setattr__(self, "component", (self.component or "").strip())

    @property
    def kept_levels(self) -> list[str]:
        return LEVELS[LEVELS.index(self.level):] if self.level else []


@dataclass
class TimelineWindow:
    """One page of the (filtered) timeline, with the counts the filters offer."""

    events: list[EventDoc]
    total: int  # events in the incident
    matching: int  # events the filters keep
    page: int
    pages: int
    first: int  # 1-based position of the page's first event among the matching ones
    kinds: list[tuple[str, int]] = field(default_factory=list)
    sources: list[tuple[str, int]] = field(default_factory=list)
    levels: list[tuple[str, int]] = field(default_factory=list)  # events of each level, lowest level first
    components: list[tuple[str, int]] = field(default_factory=list)  # by name; the most frequent COMPONENTS_OFFERED
    last_id: int = 0

    @property
    def is_latest(self) -> bool:
        return self.page == self.pages

    @property
    def paged(self) -> bool:
        return self.pages > 1

    @property
    def levelled(self) -> int:
        """Events that have a level (what a level filter can keep)."""
        return sum(count for _level, count in self.levels)

    def at_or_above(self) -> list[tuple[str, int]]:
        """(level, events of that level or more severe) for each level present: what a level filter would keep."""
        counts = dict(self.levels)
        kept, total = [], 0
        for level in reversed(LEVELS):
            total += counts.get(level, 0)
            if level in counts:
                kept.append((level, total))
        return list(reversed(kept))


def _escape_like(text: str) -> str:
    return text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")


def _lower(session: Session, value):  # type: ignore[no-untyped-def]
    """Lower case as Python writes it (SQLite's lower() folds ASCII only; see storage.db)."""
    return func.unicode_lower(value) if session.get_bind().dialect.name == "sqlite" else func.lower(value)


def _conditions(session: Session, incident_id: int, wanted: TimelineFilter) -> list[ColumnElement[bool]]:
    where: list[ColumnElement[bool]] = [EVENTS.incident_id == incident_id]
    if wanted.kind:
        where.append(EVENTS.kind == wanted.kind)
    if wanted.source:
        where.append(EVENTS.source == wanted.source)
    if wanted.level:
        where.append(EVENTS.level.in_(wanted.kept_levels))  # NULL (no level) is never in the list
    if wanted.component:
        where.append(EVENTS.component == wanted.component)
    if wanted.text:
        haystack = _lower(session, EVENTS.text + " " + func.coalesce(EVENTS.actor, ""))
        where.append(haystack.like(f"%{_escape_like(wanted.text.lower())}%", escape="\\"))
    return where


def filtered_events(
    session: Session, incident_id: int, wanted: TimelineFilter, *, after_id: int = 0, limit: int | None = None,
) -> list[EventDoc]:
    """The events `wanted` keeps with an id above `after_id` (the first `limit` of them by id), in time order."""
    where = _conditions(session, incident_id, wanted)
    if after_id:
        where.append(EVENTS.id > after_id)
    query = select(*ROW).where(*where)
    if limit is not None:
        query = query.order_by(EVENTS.id).limit(limit)
    events = [EventDoc(*row) for row in session.execute(query).all()]
    return sorted(events, key=lambda e: (e.at, e.id or 0))


def timeline_window(
    session: Session, incident_id: int, wanted: TimelineFilter, page: int | None, size: int,
) -> TimelineWindow:
    """Page `page` (None: the latest) of the events `wanted` keeps, in time order."""
    mine = EVENTS.incident_id == incident_id
    total, last_id = session.execute(select(func.count(), func.coalesce(func.max(EVENTS.id), 0)).where(mine)).one()
    where = _conditions(session, incident_id, wanted)
    matching = total if len(where) == 1 else session.scalar(select(func.count()).where(and_(*where)))
    pages = max(1, ceil(matching / size))
    page = pages if page is None else min(page, pages)
    start = (page - 1) * size
    rows = session.execute(select(*ROW).where(*where).order_by(EVENTS.at, EVENTS.id).limit(size).offset(start))
    events = [EventDoc(*row) for row in rows.all()]
    kinds = session.execute(select(EVENTS.kind, func.count()).where(mine).group_by(EVENTS.kind).order_by(EVENTS.kind)).all()
    sources = session.execute(select(EVENTS.source, func.count()).where(mine).group_by(EVENTS.source).order_by(EVENTS.source)).all()
    return TimelineWindow(
        events=events, total=total, matching=matching, page=page, pages=pages, first=start + 1,
        kinds=[(kind, count) for kind, count in kinds], sources=[(source, count) for source, count in sources],
        levels=level_counts(session, incident_id), components=component_counts(session, incident_id), last_id=last_id,
    )


def position_of(session: Session, incident_id: int, event_id: int) -> tuple[int, int] | None:
    """How many of the incident's events come before this one in time order, and
    how many it has (None: not one of its events), so a link can open the page
    that holds it."""
    at = session.scalar(select(EVENTS.at).where(EVENTS.incident_id == incident_id, EVENTS.id == event_id))
    if at is None:
        return None
    earlier = (EVENTS.at < at) | ((EVENTS.at == at) & (EVENTS.id < event_id))
    before, total = session.execute(
        select(func.count().filter(earlier), func.count()).where(EVENTS.incident_id == incident_id)
    ).one()
    return before, total


def level_counts(session: Session, incident_id: int) -> list[tuple[str, int]]:
    """How many events of each level, lowest level first (events without one are not counted)."""
    rows = session.execute(
        select(EVENTS.level, func.count()).where(EVENTS.incident_id == incident_id, EVENTS.level.is_not(None)).group_by(EVENTS.level)
    ).all()
    rank = {level: index for index, level in enumerate(LEVELS)}
    return sorted(((level, count) for level, count in rows), key=lambda pair: (rank.get(pair[0], len(LEVELS)), pair[0]))


def component_counts(session: Session, incident_id: int, most: int = COMPONENTS_OFFERED) -> list[tuple[str, int]]:
    """The most frequent `most` components with their events, by name."""
    rows = session.execute(
        select(EVENTS.component, func.count().label("events"))
        .where(EVENTS.incident_id == incident_id, EVENTS.component.is_not(None))
        .group_by(EVENTS.component).order_by(func.count().desc(), EVENTS.component).limit(most)
    ).all()
    return sorted((component, count) for component, count in rows)


EPOCH = datetime(1970, 1, 1, tzinfo=timezone.utc)
MICROSECOND = timedelta(microseconds=1)


def _milliseconds_after(session: Session, column, origin: datetime):  # type: ignore[no-untyped-def]
    """Whole milliseconds (rounded half up) from `origin` to a UTC time column,
    computed exactly in integers, as `timeline_svg.chart_events` computes them."""
    if session.get_bind().dialect.name == "sqlite":
        # Stored as naive UTC text 'YYYY-MM-DD HH:MM:SS.ffffff' (SQLAlchemy's SQLite
        # format): whole seconds from strftime, microseconds from the text itself.
        origin_us = (origin - EPOCH) // MICROSECOND
        micro = cast(func.strftime("%s", column), Integer) * 1_000_000 + cast(func.substr(column, 21, 6), Integer)
        return (micro - origin_us + 500) // 1000
    return cast(func.round(func.extract("epoch", column - literal(origin, UTCDateTime())) * 1000), BigInteger)


def chart_events_in(session: Session, incident_id: int, doc: IncidentDoc) -> ChartEvents:
    """What the timeline chart of `doc` draws, counted by the database when the
    events are too many to draw one by one."""
    mine = EVENTS.incident_id == incident_id
    count, first, last = session.execute(select(func.count(), func.min(EVENTS.at), func.max(EVENTS.at)).where(mine)).one()
    kinds = set(session.scalars(select(EVENTS.kind).where(mine).distinct()))
    if count <= BIN_ABOVE:
        rows = session.execute(select(*ROW).where(mine).order_by(EVENTS.at, EVENTS.id))
        return ChartEvents(kinds, first, last, [EventDoc(*row) for row in rows.all()])
    covered = chart_range(first, last, doc)
    assert covered is not None  # there are events
    origin, _end, span = covered
    counts = binned(session, incident_id, origin, span, BINS)

    def counted(at: datetime, seconds: float, columns: int) -> dict[tuple[str, int], int]:
        if (at, seconds, columns) != (origin, span, BINS):  # the chart spans what was counted
            raise ValueError("the chart asked for other columns than the database counted")
        return counts

    return ChartEvents(kinds, first, last, None, counted)


def binned(session: Session, incident_id: int, origin: datetime, span_seconds: float, columns: int) -> dict[tuple[str, int], int]:
    """Events per (kind, column) of `columns` equal columns from `origin` over
    `span_seconds`, placed exactly as `timeline_svg.bin_column` places them."""
    span_ms = span_milliseconds(span_seconds)
    # Integer division in the database (`//`), as bin_column divides: one row per kind and column.
    column = ((_milliseconds_after(session, EVENTS.at, origin) * columns) // span_ms).label("column")
    rows = session.execute(
        select(EVENTS.kind, column, func.count()).where(EVENTS.incident_id == incident_id).group_by(EVENTS.kind, column)
    )
    counts: dict[tuple[str, int], int] = {}
    for kind, at_column, count in rows:
        cell = (kind, max(0, min(columns - 1, int(at_column))))  # the last instant falls in the last column
        counts[cell] = counts.get(cell, 0) + count
    return counts


def first_event_at(session: Session, incident_id: int, times: list[datetime]) -> dict[datetime, int]:
    """For each of `times`, the id of the first event logged at exactly that time."""
    if not times:
        return {}
    rows = session.execute(
        select(EVENTS.at, func.min(EVENTS.id)).where(EVENTS.incident_id == incident_id, EVENTS.at.in_(times)).group_by(EVENTS.at)
    )
    return {at: event_id for at, event_id in rows}


def latest_logged(session: Session, incident_id: int, kinds: list[str]) -> dict[str, datetime]:
    """The time of the latest event of each kind that people or tools logged
    (not Cairn's own status notes)."""
    rows = session.execute(
        select(EVENTS.kind, func.max(EVENTS.at))
        .where(EVENTS.incident_id == incident_id, EVENTS.kind.in_(kinds), EVENTS.source != "cairn")
        .group_by(EVENTS.kind)
    )
    return {kind: at for kind, at in rows if at is not None}


def typed_texts(session: Session, incident_id: int) -> list[tuple[int, str]]:
    """(id, text) of every event a person typed: what the blameless review reads."""
    rows = session.execute(
        select(EVENTS.id, EVENTS.text).where(EVENTS.incident_id == incident_id, EVENTS.source == "manual").order_by(EVENTS.at, EVENTS.id)
    )
    return [(event_id, text) for event_id, text in rows]


def times_of(session: Session, ids: list[int]) -> dict[int, datetime]:
    if not ids:
        return {}
    return {event_id: at for event_id, at in session.execute(select(EVENTS.id, EVENTS.at).where(EVENTS.id.in_(ids)))}
