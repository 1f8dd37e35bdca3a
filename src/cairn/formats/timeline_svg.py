"""A timeline chart of an incident as standalone SVG: events by kind against
time, key moments marked. Plain SVG text (no scripts, no outside fonts), so
it embeds in pages and exports alike."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta
from xml.sax.saxutils import escape, quoteattr

from cairn.domain.document import EventDoc, IncidentDoc
from cairn.domain.times import require_zone

WIDTH, LEFT, RIGHT, TOP, LANE = 760, 130, 20, 34, 22
# Above this many events a dot per event turns into a smear of thousands of
# elements; the chart then counts events per kind in BINS columns instead.
BIN_ABOVE, BINS = 300, 120
COLOURS = {
    "alert": "#c0392b", "detection": "#c0392b", "acknowledgement": "#2a557a", "action": "#2c6e6a",
    "decision": "#7a5608", "communication": "#545e63", "escalation": "#7a5608", "deploy": "#6b3fa0",
    "mitigation": "#2c6a3a", "resolution": "#2c6a3a", "note": "#8a949a",
}


def span_milliseconds(span: float) -> int:
    return max(1, round(span * 1000))


def bin_column(offset_ms: int, span_ms: int, columns: int) -> int:
    """The column of an event `offset_ms` after the chart's start: whole
    milliseconds and integer arithmetic, so the database counts exactly alike."""
    return max(0, min(columns - 1, offset_ms * columns // span_ms))


BinCounter = Callable[[datetime, float, int], dict[tuple[str, int], int]]


@dataclass(frozen=True)
class ChartEvents:
    """The events a chart draws: each one (`events`) when they are few, else a
    function counting them per kind and time column (`count_bins(origin, span, columns)`)."""

    kinds: set[str]
    first: datetime | None
    last: datetime | None
    events: list[EventDoc] | None
    count_bins: BinCounter | None = None


def chart_events(timeline: list[EventDoc]) -> ChartEvents:
    """The chart's events from a timeline already in memory."""
    if not timeline:
        return ChartEvents(set(), None, None, [])
    times = [event.at for event in timeline]
    if len(timeline) <= BIN_ABOVE:
        return ChartEvents({event.kind for event in timeline}, min(times), max(times), list(timeline))

    def count_bins(origin: datetime, span: float, columns: int) -> dict[tuple[str, int], int]:
        counts: dict[tuple[str, int], int] = {}
        span_ms, micro = span_milliseconds(span), timedelta(microseconds=1)
        for event in timeline:
            offset_ms = ((event.at - origin) // micro + 500) // 1000  # rounded half up, as SQL's round()
            cell = (event.kind, bin_column(offset_ms, span_ms, columns))
            counts[cell] = counts.get(cell, 0) + 1
        return counts

    return ChartEvents({event.kind for event in timeline}, min(times), max(times), None, count_bins)


def chart_range(first: datetime | None, last: datetime | None, doc: IncidentDoc) -> tuple[datetime, datetime, float] | None:
    """(start, end, seconds drawn) of the chart: the events' times and the key moments; at least a minute is drawn."""
    times = [at for at in (first, last) if at is not None] + [at for _m, at in doc.moments.items() if at is not None]
    if not times:
        return None
    start, end = min(times), max(times)
    return start, end, max((end - start).total_seconds(), 60.0)


def timeline_svg(doc: IncidentDoc, drawn: ChartEvents | None = None) -> str:
    """The chart of `doc`; `drawn` when its events were summarised elsewhere (by the database)."""
    drawn = drawn or chart_events(doc.timeline)
    zone = require_zone(doc.timezone)
    moments = [(m.value, at) for m, at in doc.moments.items() if at is not None]
    kinds = sorted(drawn.kinds, key=lambda k: list(COLOURS).index(k) if k in COLOURS else 99)
    height = TOP + LANE * max(1, len(kinds)) + 40
    caption = f"Timeline of {doc.key or ''} {doc.title}".replace("  ", " ")
    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" class="timeline-chart" viewBox="0 0 {WIDTH} {height}" '
        f'width="{WIDTH}" height="{height}" role="img" aria-label={quoteattr(caption)} '
        'font-family="system-ui, sans-serif" font-size="11">',
        f"<title>{escape(caption)}</title>",
    ]
    covered = chart_range(drawn.first, drawn.last, doc)
    if covered is None:
        parts.append(f'<text x="{LEFT}" y="{TOP + 12}" fill="#66737a">No events recorded yet.</text></svg>')
        return "".join(parts)
    start, end, span = covered

    def x(at: datetime) -> float:
        return round(LEFT + (WIDTH - LEFT - RIGHT) * (at - start).total_seconds() / span, 1)

    bottom = TOP + LANE * max(1, len(kinds))
    for index, kind in enumerate(kinds):
        y = TOP + LANE * index + LANE / 2
        parts.append(f'<text x="{LEFT - 8}" y="{y + 4}" text-anchor="end" fill="#1f2a30">{escape(kind)}</text>')
        parts.append(f'<line x1="{LEFT}" y1="{y}" x2="{WIDTH - RIGHT}" y2="{y}" stroke="#e2e0d9"/>')
    for name, at in moments:
        mx = x(at)
        parts.append(f'<line class="moment" x1="{mx}" y1="{TOP - 10}" x2="{mx}" y2="{bottom}" stroke="#24373b" stroke-dasharray="3 3"/>')
        parts.append(f'<text x="{mx}" y="{TOP - 14}" text-anchor="middle" fill="#24373b">{escape(name)}</text>')
    if drawn.events is None:
        assert drawn.count_bins is not None
        parts.extend(_binned(drawn.count_bins(start, span, BINS), kinds, start, span, zone))
    else:
        for event in drawn.events:
            y = TOP + LANE * kinds.index(event.kind) + LANE / 2
            label = f"{event.at.astimezone(zone):%Y-%m-%d %H:%M:%S %Z} {event.kind}: {event.text}"
            colour = COLOURS.get(event.kind, "#8a949a")
            parts.append(f'<circle class="event" cx="{x(event.at)}" cy="{y}" r="4.5" fill="{colour}"><title>{escape(label[:500])}</title></circle>')
    for at, anchor in ((start, "start"), (end, "end")):
        stamp = f"{at.astimezone(zone):%Y-%m-%d %H:%M %Z}"
        parts.append(f'<text x="{x(at)}" y="{bottom + 18}" text-anchor="{anchor}" fill="#66737a">{escape(stamp)}</text>')
    parts.append("</svg>")
    return "".join(parts)


def _binned(by_kind: dict[tuple[str, int], int], kinds: list[str], start: datetime, span: float, zone) -> list[str]:  # type: ignore[no-untyped-def]
    """One bar per kind and time column, its height and title telling how many
    events fell there: the element count stays bounded however long the log."""
    lane_of = {kind: index for index, kind in enumerate(kinds)}
    counts = {(lane_of[kind], column): count for (kind, column), count in by_kind.items() if kind in lane_of}
    if not counts:
        return []
    most = max(counts.values())
    width = (WIDTH - LEFT - RIGHT) / BINS
    parts = []
    for (lane, column), count in sorted(counts.items()):
        kind = kinds[lane]
        height = round(4 + (LANE - 6) * count / most, 1)
        y = round(TOP + LANE * lane + (LANE - height) / 2, 1)
        left = start + timedelta(seconds=span * column / BINS)
        right = start + timedelta(seconds=span * (column + 1) / BINS)
        label = (
            f"{count} {kind} event{'' if count == 1 else 's'}, "
            f"{left.astimezone(zone):%H:%M:%S}–{right.astimezone(zone):%H:%M:%S %Z}"
        )
        colour = COLOURS.get(kind, "#8a949a")
        parts.append(
            f'<rect class="event-bin" x="{round(LEFT + width * column, 1)}" y="{y}" width="{round(max(width - 0.6, 1), 1)}" '
            f'height="{height}" fill="{colour}"><title>{escape(label)}</title></rect>'
        )
    return parts
