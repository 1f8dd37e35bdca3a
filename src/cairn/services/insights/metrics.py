"""Honest metrics across incidents: distributions of the time to detect,
acknowledge, mitigate and resolve, their trend, severity against duration,
near misses among reviews, postmortem lag, and action items on schedule.

Definitions (seconds; columns of `incidents`):
- detect = detected_at − started_at; acknowledge = acknowledged_at − detected_at;
  mitigate = mitigated_at − started_at; resolve = resolved_at − started_at.
- An incident lacking either end is counted as missing; a negative span
  (contradictory moments) as inconsistent; neither enters the figures.
- The filter's dates are UTC days of `started_at`, both included.

Privacy (the one visibility rule, services/access.py, decides who is hidden):
metrics count every incident, restricted ones included, but only as
aggregates. An incident the reader may not see enters a group's figures only
when at least three such hidden incidents (with a known span, for a duration)
fall in that same group; otherwise the hidden ones are left out of that group
entirely, so nobody can learn the figure of one restricted incident by
comparing against the incidents they can see. Groups the reader can see whole
are shown whatever their size. Anything per incident (the scatter's points, the
CSV rows that are incidents) lists only incidents the reader may see. With
CAIRN_METRICS_INCLUDE_RESTRICTED=false restricted incidents are left out of
every figure, for everyone.

Speed: the spans are computed by the database (integer microseconds on SQLite,
epoch arithmetic on PostgreSQL) and fetched as plain driver rows
(storage/plain_rows.py); no incident is loaded as an object. The figures are
read from columns (analysis/insights/columnar.py): each measure is sorted once
and every grouping is a stable reordering of it, and the page asks for only the
scatter points it draws.
"""

from __future__ import annotations

import csv
import io
import sqlite3
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta, timezone
from typing import Any, NamedTuple

import numpy as np
from sqlalchemy import BigInteger, ColumnElement, Integer, case, cast, func, select, true
from sqlalchemy.orm import Session

from cairn.analysis.insights.columnar import SortedSpans, codes_of, due_days, group_sizes, grouped_distributions, local_days, span_column
from cairn.analysis.insights.distributions import EMPTY, HIDDEN_MINIMUM, Distribution, Share, hidden_admitted
from cairn.domain.enums import IncidentKind, PostmortemStatus, Visibility, parse_choice
from cairn.domain.keys import format_key
from cairn.domain.names import check_label, check_severity
from cairn.domain.times import parse_date, require_zone
from cairn.errors import InvalidFilter, InvalidInput
from cairn.services.access import visible_to_viewer
from cairn.services.context import Context
from cairn.storage.models import Incident, IncidentService, IncidentTeam, Postmortem, Team
from cairn.storage.plain_rows import plain_rows

INCIDENT_TABLE, POSTMORTEM_TABLE = Incident.__table__, Postmortem.__table__
INCIDENTS, POSTMORTEMS = INCIDENT_TABLE.c, POSTMORTEM_TABLE.c
MEASURES = ("detect", "acknowledge", "mitigate", "resolve")
SPANS = {  # measure: (from, to)
    "detect": (INCIDENTS.started_at, INCIDENTS.detected_at),
    "acknowledge": (INCIDENTS.detected_at, INCIDENTS.acknowledged_at),
    "mitigate": (INCIDENTS.started_at, INCIDENTS.mitigated_at),
    "resolve": (INCIDENTS.started_at, INCIDENTS.resolved_at),
}
BY = ("severity", "service", "team", "month", "quarter")
NO_NAME = {"service": "(no service)", "team": "(no team)"}
SCATTER_MEASURE = "resolve"
FILL_AT_MOST = 240  # a trend fills empty months between its ends up to this many buckets


@dataclass(frozen=True)
class MetricsFilter:
    """Which incidents the figures describe: started on or after `since` and on
    or before `until` (UTC days), of a severity, service, team and kind."""

    since: date | None = None
    until: date | None = None
    severity: str | None = None
    service: str | None = None
    team: str | None = None
    kind: str | None = None

    @classmethod
    def parse(
        cls, ctx: Context, *, since: str | None = None, until: str | None = None, severity: str | None = None,
        service: str | None = None, team: str | None = None, kind: str | None = None,
    ) -> "MetricsFilter":
        """A filter from what a person typed (empty means any); InvalidFilter names what is wrong."""
        try:
            start = parse_date(since) if since and since.strip() else None
            end = parse_date(until) if until and until.strip() else None
            if start and end and end < start:
                raise InvalidInput(f"until ({end.isoformat()}) is before since ({start.isoformat()})")
            return cls(
                since=start, until=end,
                severity=check_severity(severity.strip(), ctx.settings.severities) if severity and severity.strip() else None,
                service=check_label(service, "service") if service and service.strip() else None,
                team=check_label(team, "team") if team and team.strip() else None,
                kind=parse_choice(IncidentKind, kind.strip(), "incident kind").value if kind and kind.strip() else None,
            )
        except InvalidFilter:
            raise
        except InvalidInput as error:
            raise InvalidFilter(str(error)) from None

    def to_data(self) -> dict[str, Any]:
        return {
            "since": self.since.isoformat() if self.since else None, "until": self.until.isoformat() if self.until else None,
            "severity": self.severity, "service": self.service, "team": self.team, "kind": self.kind,
        }


@dataclass(frozen=True)
class Group:
    """The figures of one group of incidents (all of them, one severity, one month...)."""

    key: str
    incidents: int  # incidents in the group's figures (hidden ones only when admitted)
    measures: dict[str, Distribution]

    def to_data(self) -> dict[str, Any]:
        return {"key": self.key, "incidents": self.incidents, "measures": {m: d.to_data() for m, d in self.measures.items()}}


class Point(NamedTuple):
    """One incident the reader may see, for the scatter of severity against duration
    (a named tuple: there may be one per incident, and they are cheap to make)."""

    key: str
    severity: str
    seconds: float

    def to_data(self) -> dict[str, Any]:
        return {"key": self.key, "severity": self.severity, "seconds": self.seconds}


@dataclass(frozen=True)
class Metrics:
    filter: MetricsFilter
    by: str | None
    overall: Group
    groups: list[Group]  # by `by`, in its natural order
    period: str  # the trend's bucket: month or quarter
    trend: list[Group]
    scatter: list[Point]  # visible incidents only
    near_misses: Share  # near misses among reviews (postmortems past their draft)
    postmortem_lag: Distribution  # resolved_at → published_at
    published_on_time: Share  # published by the policy's due date, among the lag's known spans
    action_schedule: list[tuple[str, Share]] = field(default_factory=list)  # (month due, closed on schedule of judged)
    restricted: str = "grouped"  # grouped (the group-of-three rule) or excluded (the setting)
    scatter_total: int = 0  # visible incidents with a known duration: the scatter's whole
    scatter_step: int = 1  # every `scatter_step`-th of them is in `scatter`

    def to_data(self) -> dict[str, Any]:
        return {
            "filter": self.filter.to_data(), "by": self.by, "unit": "seconds", "restricted": self.restricted,
            "overall": self.overall.to_data(), "groups": [g.to_data() for g in self.groups],
            "trend": {"period": self.period, "measure_buckets": [g.to_data() for g in self.trend]},
            "scatter": {"measure": SCATTER_MEASURE, "incidents": self.scatter_total, "every": self.scatter_step,
                        "points": [p.to_data() for p in self.scatter]},
            "near_misses": self.near_misses.to_data(),
            "postmortem_lag": self.postmortem_lag.to_data(),
            "published_on_time": self.published_on_time.to_data(),
            "action_items_on_schedule": [{"month": month, **share.to_data()} for month, share in self.action_schedule],
        }


UNIXEPOCH = sqlite3.sqlite_version_info >= (3, 38)  # unixepoch() is about twice as fast as strftime('%s')


def _micro_sqlite(column):  # type: ignore[no-untyped-def]
    """Microseconds since the epoch of a UTC column as SQLAlchemy stores it on
    SQLite ('YYYY-MM-DD HH:MM:SS.ffffff'), exactly, in integers."""
    seconds = func.unixepoch(column) if UNIXEPOCH else cast(func.strftime("%s", column), Integer)
    return seconds * 1_000_000 + cast(func.substr(column, 21, 6), Integer)


def epoch_micro(session: Session, column):  # type: ignore[no-untyped-def]
    """Microseconds since the epoch of a UTC column (integers: no datetime objects to build per row)."""
    if session.get_bind().dialect.name == "sqlite":
        return _micro_sqlite(column)
    return cast(func.round(func.extract("epoch", column) * 1_000_000), BigInteger)


def span_micro(session: Session, start, end):  # type: ignore[no-untyped-def]
    """end − start in whole microseconds, NULL when either is NULL."""
    if session.get_bind().dialect.name == "sqlite":
        return _micro_sqlite(end) - _micro_sqlite(start)
    return cast(func.round(func.extract("epoch", end - start) * 1_000_000), BigInteger)


def _month(session: Session, column):  # type: ignore[no-untyped-def]
    if session.get_bind().dialect.name == "sqlite":
        return func.substr(column, 1, 7)  # stored as 'YYYY-MM-DD HH:MM:SS.ffffff' in UTC
    return func.to_char(func.timezone("UTC", column), "YYYY-MM")


def _quarter(month: str) -> str:
    return f"{month[:4]}-Q{(int(month[5:7]) - 1) // 3 + 1}"


def _day_start(day: date) -> datetime:
    return datetime.combine(day, time.min, tzinfo=timezone.utc)


def filter_conditions(ctx: Context, wanted: MetricsFilter) -> list[ColumnElement[bool]]:
    where: list[ColumnElement[bool]] = []
    if not ctx.settings.metrics_include_restricted:
        where.append(INCIDENTS.visibility != Visibility.RESTRICTED.value)
    if wanted.since:
        where.append(INCIDENTS.started_at >= _day_start(wanted.since))
    if wanted.until:
        where.append(INCIDENTS.started_at < _day_start(wanted.until + timedelta(days=1)))
    if wanted.severity:
        where.append(INCIDENTS.severity == wanted.severity)
    if wanted.kind:
        where.append(INCIDENTS.kind == wanted.kind)
    if wanted.service:
        where.append(INCIDENTS.id.in_(select(IncidentService.incident_id).where(IncidentService.name == wanted.service)))
    if wanted.team:
        where.append(INCIDENTS.id.in_(
            select(IncidentTeam.incident_id).join(Team, Team.id == IncidentTeam.team_id).where(Team.name == wanted.team)
        ))
    return where


def seen_by_reader(ctx: Context) -> ColumnElement[bool]:
    """Whether the reader may see the row's incident: the rule of services/access.py, in SQL."""
    principal = ctx.principal
    if principal is None or principal.is_admin:
        return true()
    return visible_to_viewer(principal.user_id)


class _Table:
    """Rows fetched once, as columns: spans as float arrays (columnar.span_column),
    whether the reader may see each row, and any key columns as Python tuples."""

    def __init__(self, rows: list[Any], keys: int) -> None:
        columns = list(zip(*rows)) if rows else [()] * (keys + 1 + len(MEASURES))
        self.keys = columns[:keys]
        self.seen = np.array(columns[keys], dtype=bool) if rows else np.empty(0, dtype=bool)
        self.spans = [span_column(column) for column in columns[keys + 1:]]
        self.sorted = [SortedSpans(spans) for spans in self.spans]

    def groups(self, keys: Sequence[Any] | None, order: Any = sorted) -> list[Group]:  # type: ignore[no-untyped-def]
        """One Group per distinct key (in `order`), under the group-of-three rule;
        without keys, one group of every row."""
        if keys is None:
            codes, names = np.zeros(len(self.seen), dtype=np.int32), ["all"]
        else:
            codes, names = codes_of(keys)
        wanted = order(names)
        sizes = group_sizes(codes, self.seen, len(names))
        per_measure = [grouped_distributions(spans, codes, self.seen, len(names)) for spans in self.sorted]
        at = {name: code for code, name in enumerate(names)}
        return [Group(name, sizes[at[name]], {m: per_measure[i][at[name]] for i, m in enumerate(MEASURES)}) for name in wanted]


def metrics(
    ctx: Context, wanted: MetricsFilter | None = None, by: str | None = None, *, today: date | None = None, points: int | None = None,
) -> Metrics:
    """The figures of the incidents `wanted` keeps, grouped `by` one of BY (or not).
    `points` caps the scatter's points (every n-th incident is kept; the page draws
    at most a few thousand), None keeps them all (the API and the CSV)."""
    wanted = wanted or MetricsFilter()
    if by is not None and by not in BY:
        raise InvalidFilter(f"cannot group by {by!r}: choose one of {', '.join(BY)}")
    period = "quarter" if by == "quarter" else "month"
    where = filter_conditions(ctx, wanted)
    prefix = ctx.settings.key_prefix
    with ctx.db.transaction() as session:
        seen = seen_by_reader(ctx).label("seen")
        table = _Table(plain_rows(session, _main_query(session, where, seen)), keys=3)
        spans = [span_micro(session, *SPANS[name]).label(name) for name in MEASURES]
        keyed = _keyed_rows(session, ctx, by, where, spans, seen) if by in ("service", "team") else None
        near, lag, on_time = _postmortem_figures(session, ctx, where, seen)
    numbers, severities, months = table.keys
    if period == "quarter":
        quarters = {month: _quarter(month) for month in set(months) if month is not None}
        buckets: Sequence[str | None] = [quarters.get(month) for month in months]
    else:
        buckets = months
    by_bucket = {group.key: group for group in table.groups(buckets, order=lambda keys: [k for k in keys if k is not None])}
    trend = [by_bucket.get(key) or Group(key, 0, {m: EMPTY for m in MEASURES}) for key in _filled(sorted(by_bucket), period)]
    groups: list[Group] = []
    if by in ("month", "quarter"):
        groups = [g for g in trend if g.incidents]
    elif by == "severity":
        groups = table.groups(severities, order=lambda keys: _order(ctx, by, keys))
    elif keyed is not None:
        named = _Table(keyed, keys=1)
        groups = named.groups([name if name is not None else NO_NAME[by or ""] for name in named.keys[0]], order=lambda keys: _order(ctx, by, keys))
    groups = [g for g in groups if g.incidents]
    overall = table.groups(None)[0] if len(numbers) else Group("all", 0, {m: EMPTY for m in MEASURES})
    resolved = table.spans[MEASURES.index(SCATTER_MEASURE)]
    drawable = np.flatnonzero(table.seen & (resolved >= 0)) if len(numbers) else np.empty(0, dtype=np.int64)
    step = -(-len(drawable) // points) if points and len(drawable) > points else 1
    scatter = [Point(format_key(prefix, numbers[i]), severities[i], float(resolved[i]) / 1_000_000) for i in drawable[::step].tolist()]
    return Metrics(
        filter=wanted, by=by, overall=overall, groups=groups, period=period, trend=trend,
        scatter=scatter, near_misses=near, postmortem_lag=lag, published_on_time=on_time,
        action_schedule=_action_schedule(ctx, wanted, today),
        restricted="grouped" if ctx.settings.metrics_include_restricted else "excluded",
        scatter_total=len(drawable), scatter_step=step,
    )


MOMENTS = ("started_at", "detected_at", "acknowledged_at", "mitigated_at", "resolved_at")


def _main_query(session: Session, where, seen):  # type: ignore[no-untyped-def]
    """(number, severity, month, seen, *spans) per incident. Each moment becomes
    epoch microseconds once (a materialised CTE on SQLite, which would otherwise
    convert `started_at` once per span), and the spans are their differences."""
    moments = select(
        INCIDENTS.number, INCIDENTS.severity, _month(session, INCIDENTS.started_at).label("month"), seen,
        *(epoch_micro(session, INCIDENTS[name]).label(name) for name in MOMENTS),
    ).where(*where).cte("moments")
    if session.get_bind().dialect.name == "sqlite":
        moments = moments.prefix_with("MATERIALIZED")
    m = moments.c
    return select(
        m.number, m.severity, m.month, m.seen,
        m.detected_at - m.started_at, m.acknowledged_at - m.detected_at, m.mitigated_at - m.started_at, m.resolved_at - m.started_at,
    )


def _keyed_rows(session: Session, ctx: Context, by: str | None, where, spans, seen) -> list:  # type: ignore[no-untyped-def]
    """(service or team name, seen, spans...) with one row per incident and name;
    an incident without one falls in the (no service) / (no team) group."""
    if by == "service":
        name = IncidentService.__table__.c.name
        source = INCIDENT_TABLE.join(IncidentService.__table__, IncidentService.__table__.c.incident_id == INCIDENTS.id, isouter=True)
    else:
        links, teams = IncidentTeam.__table__, Team.__table__
        name = teams.c.name
        source = INCIDENT_TABLE.join(links, links.c.incident_id == INCIDENTS.id, isouter=True).join(teams, teams.c.id == links.c.team_id, isouter=True)
    return plain_rows(session, select(name, seen, *spans).select_from(source).where(*where))


def _order(ctx: Context, by: str | None, keys: list[str]) -> list[str]:
    if by == "severity":
        rank = {name: index for index, name in enumerate(ctx.settings.severities)}
        return sorted(keys, key=lambda k: (rank.get(k, len(rank)), k))
    if by in ("service", "team"):
        return sorted(keys, key=lambda k: (k in NO_NAME.values(), k.casefold()))
    return sorted(keys)


def _filled(keys: list[str], period: str) -> list[str]:
    """The buckets from the first to the last, empty ones included so the trend's
    time axis is true, unless that would make too many."""
    if len(keys) < 2:
        return keys
    step = 3 if period == "quarter" else 1
    first, last = keys[0], keys[-1]
    year, month = int(first[:4]), (int(first[6]) - 1) * 3 + 1 if period == "quarter" else int(first[5:7])
    filled: list[str] = []
    while len(filled) <= FILL_AT_MOST:
        key = f"{year:04d}-Q{(month - 1) // 3 + 1}" if period == "quarter" else f"{year:04d}-{month:02d}"
        filled.append(key)
        if key == last:
            return filled
        month += step
        if month > 12:
            year, month = year + 1, month - 12
    return keys


def _postmortem_figures(session: Session, ctx: Context, where, seen) -> tuple[Share, Distribution, Share]:  # type: ignore[no-untyped-def]
    """Near misses among reviews, postmortem lag and the share published by the
    due date (domain.policy.due_date: business days after the resolution's day in
    the incident's zone), each under the group-of-three rule; computed on columns."""
    from cairn.services.policy import load_policy

    joined = INCIDENT_TABLE.join(POSTMORTEM_TABLE, POSTMORTEM_TABLE.c.incident_id == INCIDENTS.id)
    is_published = POSTMORTEMS.status == PostmortemStatus.PUBLISHED.value
    # One pass over the reviews (postmortems past their draft); the moments only of the published ones.
    reviews = plain_rows(session,
        select(seen, INCIDENTS.kind == IncidentKind.NEAR_MISS.value, is_published, INCIDENTS.severity, INCIDENTS.timezone,
               case((is_published, epoch_micro(session, INCIDENTS.resolved_at))),
               case((is_published, epoch_micro(session, POSTMORTEMS.published_at))))
        .select_from(joined).where(*where, POSTMORTEMS.status != PostmortemStatus.DRAFT.value),
    )
    hidden_reviews = sum(1 for row in reviews if not row[0])
    admitted = hidden_admitted(range(hidden_reviews))
    near = Share(sum(1 for row in reviews if row[1] and (row[0] or admitted)), sum(1 for row in reviews if row[0] or admitted))
    published = [row for row in reviews if row[2]]
    if not published:
        return near, EMPTY, Share(0, 0)
    is_seen, _near, _published, severities, zones, resolved, published_at = zip(*published)
    visible = np.array(is_seen, dtype=bool)
    lags = span_column([None if r is None or p is None else p - r for r, p in zip(resolved, published_at)])
    lag = grouped_distributions(lags, np.zeros(len(lags), dtype=np.int32), visible, 1)[0]
    hidden_in = int(np.count_nonzero((lags >= 0) & ~visible)) >= HIDDEN_MINIMUM  # the same admission for the lag and its timeliness
    judged = np.flatnonzero(lags >= 0)
    if not len(judged):
        return near, lag, Share(0, 0)
    policy = load_policy(ctx.settings.postmortem_policy)
    ends = np.array([resolved[i] for i in judged.tolist()], dtype=np.int64)
    starts = np.array([published_at[i] for i in judged.tolist()], dtype=np.int64)
    zone_codes, zone_names = codes_of([zones[i] for i in judged.tolist()])
    resolved_day = np.empty(len(judged), dtype=np.int64)
    published_day = np.empty(len(judged), dtype=np.int64)
    for code, name in enumerate(zone_names):
        rows = zone_codes == code
        zone = require_zone(str(name))
        resolved_day[rows], published_day[rows] = local_days(ends[rows], zone), local_days(starts[rows], zone)
    allowed = np.array([policy.due_by_severity.get(severities[i], policy.due_business_days) for i in judged.tolist()], dtype=np.int64)
    timely = published_day <= due_days(resolved_day, allowed)
    counted = visible[judged] | hidden_in
    return near, lag, Share(int(np.count_nonzero(timely & counted)), int(np.count_nonzero(counted)))


def _action_schedule(ctx: Context, wanted: MetricsFilter, today: date | None) -> list[tuple[str, Share]]:
    """The action items' on-schedule rate per month due (services.actions.action_stats:
    the items the reader may see), within the filter's period when it has one."""
    from cairn.services.actions import action_stats

    stats = action_stats(ctx, today=today)
    low = wanted.since.strftime("%Y-%m") if wanted.since else ""
    high = wanted.until.strftime("%Y-%m") if wanted.until else "9999-99"
    return [(month, Share(value.on_time, value.judged)) for month, value in stats.by_month.items() if low <= month <= high]


# ---- The rows behind every chart, as CSV ----

CHARTS = ("distribution", "trend", "scatter", "postmortems", "actions")


def _number(value: float | None) -> str:
    return "" if value is None else f"{value:.3f}".rstrip("0").rstrip(".")


def chart_rows(result: Metrics | dict[str, Any], chart: str) -> tuple[list[str], list[list[str]]]:
    """(header, rows) behind one chart, from the figures or their `to_data()`
    (so a remote CLI writes the same CSV); seconds as plain numbers."""
    data = result.to_data() if isinstance(result, Metrics) else result
    figures = ["count", "missing", "inconsistent", "median_s", "p75_s", "p90_s", "max_s", "mean_s"]

    def summary(d: dict[str, Any]) -> list[str]:
        return [str(d["count"]), str(d["missing"]), str(d["inconsistent"]), *(_number(d[k]) for k in ("median", "p75", "p90", "max", "mean"))]

    def per_measure(groups: list[dict[str, Any]]) -> list[list[str]]:
        return [[g["key"], str(g["incidents"]), name, *summary(g["measures"][name])] for g in groups for name in MEASURES]

    if chart == "distribution":
        return ["group", "incidents", "measure", *figures], per_measure(data["groups"] or [data["overall"]])
    if chart == "trend":
        return [data["trend"]["period"], "incidents", "measure", *figures], per_measure(data["trend"]["measure_buckets"])
    if chart == "scatter":
        return ["incident", "severity", f"{SCATTER_MEASURE}_s"], [[p["key"], p["severity"], _number(p["seconds"])] for p in data["scatter"]["points"]]
    if chart == "postmortems":
        near, timely, blank = data["near_misses"], data["published_on_time"], [""] * len(figures)
        return ["figure", "part", "whole", "rate", *figures], [
            ["near misses among reviews", str(near["part"]), str(near["whole"]), _number(near["rate"]), *blank],
            ["published by the due date", str(timely["part"]), str(timely["whole"]), _number(timely["rate"]), *blank],
            ["postmortem lag (resolved to published)", "", "", "", *summary(data["postmortem_lag"])],
        ]
    if chart == "actions":
        return ["month_due", "on_time", "judged", "rate"], [
            [m["month"], str(m["part"]), str(m["whole"]), _number(m["rate"])] for m in data["action_items_on_schedule"]
        ]
    raise InvalidFilter(f"no chart {chart!r}: choose one of {', '.join(CHARTS)}")


def _inert(cell: str) -> str:
    """A name a spreadsheet would run as a formula (=, +, -, @ first) quoted as text."""
    return "'" + cell if cell[:1] in ("=", "+", "@") or (cell[:1] == "-" and not cell[1:2].isdigit()) else cell


def metrics_csv(result: Metrics | dict[str, Any], chart: str) -> str:
    """The rows behind one chart as CSV text (a header line first)."""
    header, rows = chart_rows(result, chart)
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(header)
    writer.writerows([[_inert(cell) for cell in row] for row in rows])
    return out.getvalue()
