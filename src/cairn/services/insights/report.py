"""The periodic review of the process: one quarter or month against the one before.

Incidents by severity and kind, durations, postmortems owed, written, overdue
and time to publish, action items opened, closed, on schedule and overdue,
recurring factors and repeats, blameless-language findings, and the
period's published postmortems. Counts follow the metrics' rule (an incident
the reader may not see counts only among three or more such); everything
that names an incident or quotes it comes from incidents the reader may see.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta, timezone
from typing import Any

from sqlalchemy import select

from cairn.analysis.insights.distributions import hidden_admitted
from cairn.analysis.stats import median
from cairn.domain.enums import ActionStatus, IncidentKind, PostmortemStatus
from cairn.domain.keys import format_key
from cairn.domain.periods import Period
from cairn.domain.times import now_utc
from cairn.services.context import Context
from cairn.services.insights.factors import RecurringFactors, recurring_factors
from cairn.services.insights.metrics import Metrics, MetricsFilter, metrics, seen_by_reader
from cairn.storage.models import ActionItem, Incident, Postmortem

SUMMARY_CHARS = 220


@dataclass(frozen=True)
class Side:
    """The figures of one period."""

    period: Period
    figures: Metrics  # durations and counts by severity, postmortem lag
    near_misses: int
    incidents_proper: int
    items: dict[str, int]
    factors: RecurringFactors

    def to_data(self) -> dict[str, Any]:
        return {
            "period": self.period.to_data(),
            "incidents": {
                "total": self.figures.overall.incidents,
                "by_severity": {g.key: g.incidents for g in self.figures.groups},
                "by_kind": {IncidentKind.INCIDENT.value: self.incidents_proper, IncidentKind.NEAR_MISS.value: self.near_misses},
            },
            "durations": {m: d.to_data() for m, d in self.figures.overall.measures.items()},
            "postmortem_lag": self.figures.postmortem_lag.to_data(),
            "published_on_time": self.figures.published_on_time.to_data(),
            "action_items": self.items,
            "categories": {c.category: c.incidents for c in self.factors.categories},
        }


@dataclass(frozen=True)
class Published:
    key: str
    title: str
    severity: str
    published_on: date
    summary: str
    findings: int  # open blameless-language findings

    def to_data(self) -> dict[str, Any]:
        return {"key": self.key, "title": self.title, "severity": self.severity, "published_on": self.published_on.isoformat(),
                "summary": self.summary, "language_findings": self.findings}


@dataclass(frozen=True)
class PeriodReport:
    current: Side
    previous: Side
    owed: dict[str, Any]
    published: list[Published]
    language: list[dict[str, Any]]  # per month: postmortems published, findings, median per postmortem
    generated_at: datetime = field(default_factory=now_utc)

    @property
    def period(self) -> Period:
        return self.current.period

    def to_data(self) -> dict[str, Any]:
        return {
            "period": self.period.to_data(), "previous": self.previous.period.to_data(),
            "generated_at": self.generated_at.isoformat(),
            "current": self.current.to_data(), "before": self.previous.to_data(),
            "postmortems": self.owed,
            "recurring_factors": [c.to_data() for c in self.current.factors.categories[:8]],
            "services": self.current.factors.by_service,
            "repeats": self.current.factors.repeats,
            "language": self.language,
            "published": [p.to_data() for p in self.published],
        }


def _bounds(period: Period) -> tuple[datetime, datetime]:
    start = datetime.combine(period.first, time.min, tzinfo=timezone.utc)
    return start, datetime.combine(period.last + timedelta(days=1), time.min, tzinfo=timezone.utc)


def _items(session, ctx: Context, period: Period, today: date) -> dict[str, int]:  # type: ignore[no-untyped-def]
    """Action items opened and closed in the period, closed on schedule, and overdue at its end."""
    start, end = _bounds(period)
    judged_until = min(period.last, today)
    rows = session.execute(
        select(ActionItem.id, ActionItem.created_at, ActionItem.closed_at, ActionItem.status, ActionItem.due_date, seen_by_reader(ctx).label("seen"))
        .join(Postmortem, Postmortem.id == ActionItem.postmortem_id).join(Incident, Incident.id == Postmortem.incident_id)
        .where(ActionItem.created_at < end, *([Incident.visibility != "restricted"] if not ctx.settings.metrics_include_restricted else []))
    ).all()
    tallies: dict[str, dict[bool, int]] = {name: {True: 0, False: 0} for name in ("opened", "closed", "closed_on_schedule", "overdue_at_end")}
    for row in rows:
        closed_in = row.closed_at is not None and start <= row.closed_at < end
        still_open = row.closed_at is None or row.closed_at >= end
        facts = {
            "opened": row.created_at >= start,
            "closed": closed_in,
            "closed_on_schedule": closed_in and row.status == ActionStatus.DONE.value and row.due_date is not None and row.closed_at.date() <= row.due_date,
            "overdue_at_end": still_open and row.due_date is not None and row.due_date < judged_until,
        }
        for name, true in facts.items():
            if true:
                tallies[name][bool(row.seen)] += 1
    return {name: seen + (hidden if hidden_admitted(range(hidden)) else 0) for name, (seen, hidden) in ((n, (t[True], t[False])) for n, t in tallies.items())}


def _side(ctx: Context, period: Period, today: date) -> Side:
    wanted = MetricsFilter(since=period.first, until=period.last)
    figures = metrics(ctx, wanted, by="severity", today=today)
    near = metrics(ctx, MetricsFilter(since=period.first, until=period.last, kind=IncidentKind.NEAR_MISS.value), today=today).overall.incidents
    proper = metrics(ctx, MetricsFilter(since=period.first, until=period.last, kind=IncidentKind.INCIDENT.value), today=today).overall.incidents
    with ctx.db.transaction() as session:
        items = _items(session, ctx, period, today)
    return Side(period, figures, near, proper, items, recurring_factors(ctx, wanted))


def _one_line(text: str) -> str:
    """The first sentence of a summary, plain, at most SUMMARY_CHARS."""
    plain = " ".join(text.replace("#", " ").replace("*", "").replace("`", "").split())
    for stop in (". ", "! ", "? "):
        if stop in plain:
            plain = plain[: plain.index(stop) + 1]
            break
    return plain if len(plain) <= SUMMARY_CHARS else plain[: SUMMARY_CHARS - 1].rstrip() + "…"


def _published(ctx: Context, period: Period) -> list[Published]:
    """The period's published postmortems the reader may see, with their open language findings."""
    from cairn.services.access import visible_clause
    from cairn.services.lint import count_open_findings

    start, end = _bounds(period)
    with ctx.db.transaction() as session:
        rows = session.execute(
            select(Incident.number, Incident.title, Incident.severity, Postmortem.published_at, Postmortem.summary)
            .join(Postmortem, Postmortem.incident_id == Incident.id)
            .where(visible_clause(ctx), Postmortem.status == PostmortemStatus.PUBLISHED.value,
                   Postmortem.published_at >= start, Postmortem.published_at < end)
            .order_by(Postmortem.published_at, Incident.number)
        ).all()
    found = []
    for number, title, severity, published_at, summary in rows:
        key = format_key(ctx.settings.key_prefix, number)
        found.append(Published(key, title, severity, published_at.date(), _one_line(summary or ""), count_open_findings(ctx, key)))
    return found


def _language(published: list[Published]) -> list[dict[str, Any]]:
    months: dict[str, list[int]] = defaultdict(list)
    for item in published:
        months[item.published_on.strftime("%Y-%m")].append(item.findings)
    return [
        {"month": month, "postmortems": len(counts), "findings": sum(counts), "median_per_postmortem": median(counts)}
        for month, counts in sorted(months.items())
    ]


def _owed(ctx: Context, period: Period, published: list[Published], today: date) -> dict[str, Any]:
    """Postmortems the policy made due in the period, those written (published) in it,
    and those due in it but not published by its end (or by today, for the current period)."""
    from cairn.domain.keys import parse_key
    from cairn.services.policy import owed_postmortems

    judged_until = min(period.last, today)
    due_here = [o for o in owed_postmortems(ctx, today=today, include_done=True) if o.due and period.first <= o.due <= period.last]
    published_at: dict[int, date] = {}
    if due_here:
        with ctx.db.transaction() as session:
            numbers = [parse_key(o.key, ctx.settings.key_prefix) for o in due_here]
            for number, at in session.execute(
                select(Incident.number, Postmortem.published_at).join(Postmortem, Postmortem.incident_id == Incident.id)
                .where(Incident.number.in_(numbers), Postmortem.published_at.is_not(None))
            ):
                published_at[number] = at.date()

    def published_on(owed) -> date | None:  # type: ignore[no-untyped-def]
        return published_at.get(parse_key(owed.key, ctx.settings.key_prefix))

    overdue = [o.key for o in due_here if o.due < judged_until and (published_on(o) is None or published_on(o) > judged_until)]
    return {
        "due": len(due_here), "written": len(published), "overdue_at_end": len(overdue), "overdue": overdue,
        "due_and_written_on_time": sum(1 for o in due_here if published_on(o) is not None and published_on(o) <= o.due),
    }


def period_report(ctx: Context, period: Period, *, today: date | None = None) -> PeriodReport:
    """The report of `period` for the reader of `ctx`."""
    today = today or now_utc().date()
    current, previous = _side(ctx, period, today), _side(ctx, period.previous(), today)
    published = _published(ctx, period)
    return PeriodReport(current, previous, _owed(ctx, period, published, today), published, _language(published))
