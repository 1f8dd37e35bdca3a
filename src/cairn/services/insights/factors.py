"""Recurring factors: contributing-factor categories by quarter and by service,
the categories that recur most, action items written again and again, and
the services with the most repeats (an earlier fix that may not have held).

Counts follow the metrics' privacy rule: an incident the reader may not see
counts in a group only when at least three such incidents fall in it (and
never when the admin setting leaves restricted incidents out). Anything that
names an incident or quotes its text (the incidents listed, action item
titles, repeats) comes only from incidents the reader may see.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from typing import Any

from sqlalchemy import select

from cairn.analysis.insights.recurrence import FactorRow, normalised_title, quarter_of, tally_by
from cairn.domain.keys import format_key
from cairn.services.context import Context
from cairn.services.insights.metrics import MetricsFilter, filter_conditions, seen_by_reader
from cairn.services.insights.similar import repeat_rows
from cairn.storage.models import ActionItem, ContributingFactor, Incident, IncidentService, Postmortem

INCIDENTS_LISTED = 8
REPEATED_AT_LEAST = 2


@dataclass(frozen=True)
class CategoryRecurrence:
    category: str
    incidents: int
    quarters: dict[str, int]  # quarter -> incidents with a factor of this category
    services: dict[str, int]
    triggers: int  # incidents where a factor of this category was the trigger
    examples: list[tuple[str, str]]  # (key, title) of the newest incidents the reader may see

    def to_data(self) -> dict[str, Any]:
        return {"category": self.category, "incidents": self.incidents, "quarters": self.quarters, "services": self.services,
                "as_trigger": self.triggers, "examples": [{"key": k, "title": t} for k, t in self.examples]}


@dataclass(frozen=True)
class RepeatedItem:
    title: str  # as first written
    incidents: list[tuple[str, str, str]]  # (key, label, status)

    def to_data(self) -> dict[str, Any]:
        return {"title": self.title, "count": len(self.incidents),
                "items": [{"key": k, "item": label, "status": status} for k, label, status in self.incidents]}


@dataclass(frozen=True)
class RecurringFactors:
    filter: MetricsFilter
    quarters: list[str]
    categories: list[CategoryRecurrence]  # most recurring first
    by_service: dict[str, dict[str, int]]  # service -> category -> incidents
    repeated_items: list[RepeatedItem]
    repeats: list[dict[str, Any]]  # (later, earlier, item, category, service), both sides visible
    repeats_by_service: dict[str, int]
    repeats_by_quarter: dict[str, int]

    def to_data(self) -> dict[str, Any]:
        return {
            "filter": self.filter.to_data(), "quarters": self.quarters,
            "categories": [c.to_data() for c in self.categories], "by_service": self.by_service,
            "repeated_action_items": [i.to_data() for i in self.repeated_items],
            "repeats": self.repeats, "repeats_by_service": self.repeats_by_service, "repeats_by_quarter": self.repeats_by_quarter,
        }


def _factor_rows(session, ctx: Context, wanted: MetricsFilter) -> list[FactorRow]:  # type: ignore[no-untyped-def]
    incidents = Incident.__table__.c
    services: dict[int, list[str]] = defaultdict(list)
    chosen = select(incidents.id).where(*filter_conditions(ctx, wanted))
    for incident_id, name in session.execute(
        select(IncidentService.incident_id, IncidentService.name).where(IncidentService.incident_id.in_(chosen))
        .order_by(IncidentService.incident_id, IncidentService.position)
    ):
        services[incident_id].append(name)
    rows = session.execute(
        select(incidents.id, incidents.started_at, ContributingFactor.category, ContributingFactor.role, seen_by_reader(ctx).label("seen"))
        .select_from(Incident.__table__)
        .join(Postmortem, Postmortem.incident_id == incidents.id)
        .join(ContributingFactor, ContributingFactor.postmortem_id == Postmortem.id)
        .where(*filter_conditions(ctx, wanted))
    )
    return [FactorRow(r.id, r.started_at, r.category, r.role, tuple(services.get(r.id, ())), bool(r.seen)) for r in rows]


def recurring_factors(ctx: Context, wanted: MetricsFilter | None = None) -> RecurringFactors:
    """The recurrence view for the incidents `wanted` selects (all by default)."""
    wanted = wanted or MetricsFilter()
    prefix = ctx.settings.key_prefix
    with ctx.db.transaction() as session:
        rows = _factor_rows(session, ctx, wanted)
        by_category = tally_by(rows, "category")
        by_quarter = tally_by(rows, "category", "quarter")
        by_category_service = tally_by(rows, "category", "service")
        as_trigger = tally_by([r for r in rows if r.role == "trigger"], "category")
        quarters = sorted({quarter for (_category, quarter) in by_quarter})
        seen_ids = {r.incident_id for r in rows if r.seen}
        briefs = {
            row.id: (format_key(prefix, row.number), row.title, row.started_at)
            for row in session.execute(select(Incident.id, Incident.number, Incident.title, Incident.started_at).where(Incident.id.in_(seen_ids)))
        } if seen_ids else {}
        categories = []
        for (category,), tally in by_category.items():
            if not tally.count:
                continue
            newest = sorted(tally.seen, key=lambda i: (briefs[i][2] is not None, briefs[i][2]), reverse=True)[:INCIDENTS_LISTED]
            categories.append(CategoryRecurrence(
                category, tally.count,
                {q: t.count for (c, q), t in sorted(by_quarter.items()) if c == category and t.count},
                dict(sorted(((s, t.count) for (c, s), t in by_category_service.items() if c == category and t.count), key=lambda p: (-p[1], p[0]))),
                as_trigger[(category,)].count if (category,) in as_trigger else 0,
                [(briefs[i][0], briefs[i][1]) for i in newest],
            ))
        categories.sort(key=lambda c: (-c.incidents, -len(c.quarters), c.category))
        by_service: dict[str, dict[str, int]] = defaultdict(dict)
        for (category, service), tally in sorted(by_category_service.items()):
            if tally.count:
                by_service[service][category] = tally.count
        repeated = _repeated_items(session, ctx, wanted)
        repeats = _repeats(session, ctx, wanted)
    return RecurringFactors(
        wanted, quarters, categories, dict(sorted(by_service.items(), key=lambda p: (-sum(p[1].values()), p[0]))), repeated,
        repeats, _distinct_incidents(repeats, "service"), dict(sorted(_distinct_incidents(repeats, "quarter").items())),
    )


def _distinct_incidents(repeats: list[dict[str, Any]], by: str) -> dict[str, int]:
    """Incidents that repeat an earlier one, per service or quarter (most first)."""
    groups: dict[str, set[str]] = defaultdict(set)
    for row in repeats:
        groups[row[by]].add(row["incident"])
    return dict(sorted(((name, len(keys)) for name, keys in groups.items()), key=lambda p: (-p[1], p[0])))


def _repeated_items(session, ctx: Context, wanted: MetricsFilter) -> list[RepeatedItem]:  # type: ignore[no-untyped-def]
    """Action items of the same normalised title on two or more incidents the reader may see."""
    incidents = Incident.__table__.c
    groups: dict[str, list[tuple[str, str, str, str]]] = defaultdict(list)
    for number, title, item_number, status in session.execute(
        select(incidents.number, ActionItem.title, ActionItem.number, ActionItem.status)
        .select_from(Incident.__table__)
        .join(Postmortem, Postmortem.incident_id == incidents.id).join(ActionItem, ActionItem.postmortem_id == Postmortem.id)
        .where(*filter_conditions(ctx, wanted), seen_by_reader(ctx)).order_by(incidents.started_at, incidents.number, ActionItem.number)
    ):
        groups[normalised_title(title)].append((format_key(ctx.settings.key_prefix, number), f"A{item_number}", status, title))
    found = []
    for entries in groups.values():
        if len({key for key, *_rest in entries}) >= REPEATED_AT_LEAST:
            found.append(RepeatedItem(entries[0][3], [(key, label, status) for key, label, status, _title in entries]))
    return sorted(found, key=lambda item: (-len(item.incidents), item.title.casefold()))


def _repeats(session, ctx: Context, wanted: MetricsFilter) -> list[dict[str, Any]]:  # type: ignore[no-untyped-def]
    """Repeats whose later incident the filter selects; both sides visible to the reader."""
    rows = repeat_rows(session, ctx, select(Incident.id).where(*filter_conditions(ctx, wanted)))
    ids = {r["incident_id"] for r in rows} | {r["earlier_id"] for r in rows}
    info = {row.id: row for row in session.execute(select(Incident.id, Incident.number, Incident.started_at).where(Incident.id.in_(ids)))} if ids else {}
    prefix = ctx.settings.key_prefix
    unique = {}
    for row in rows:
        later, earlier = info[row["incident_id"]], info[row["earlier_id"]]
        unique[(later.id, earlier.id, row["item_number"], row["service"])] = {
            "incident": format_key(prefix, later.number), "earlier": format_key(prefix, earlier.number),
            "item": f"A{row['item_number']}", "item_title": row["item_title"], "closed_on": row["closed_at"].date().isoformat(),
            "category": row["category"], "service": row["service"], "quarter": quarter_of(later.started_at),
        }
    return sorted(unique.values(), key=lambda r: (r["quarter"], r["incident"]), reverse=True)
