"""Charts of the metrics as standalone SVG, drawn on the server: box plots per
group, a trend of the median and 90th percentile, and severity against
duration. Plain SVG text (no scripts, no outside fonts) with role="img", a
title and a description, so it works without JavaScript, prints, and embeds
in pages and exports alike; each chart has a table of its numbers beside it
(`*_table`), for readers who cannot see the picture and for copying.

Durations are skewed over several orders of magnitude (a minute to a week),
so the duration axis is logarithmic, and says so.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass
from xml.sax.saxutils import escape, quoteattr

from cairn.analysis.insights.distributions import Distribution, format_span

WIDTH = 600
INK, MUTED, GRID, BOX, P90, MEDIAN = "#1f2a30", "#5b676d", "#e2e0d9", "#cfe0de", "#7a3b08", "#24575a"
TICKS = (1, 10, 60, 300, 900, 3600, 3 * 3600, 12 * 3600, 86400, 3 * 86400, 7 * 86400, 30 * 86400, 90 * 86400, 365 * 86400)


@dataclass(frozen=True)
class ChartTable:
    """The numbers of a chart, as a table beside it."""

    caption: str
    headers: list[str]
    rows: list[list[str]]


class _LogScale:
    """Seconds to a position along `length`, logarithmically; 0 is drawn at the low end."""

    def __init__(self, values: Sequence[float], start: float, length: float, reverse: bool = False) -> None:
        positive = [v for v in values if v > 0]
        low = min(positive) if positive else 60.0
        high = max(positive) if positive else 3600.0
        self.low = max(1.0, min(low, high / 10) * 0.8)
        self.high = max(high * 1.15, self.low * 10)
        self.start, self.length, self.reverse = start, length, reverse

    def __call__(self, seconds: float) -> float:
        share = (math.log(max(seconds, self.low)) - math.log(self.low)) / (math.log(self.high) - math.log(self.low))
        share = min(1.0, max(0.0, share))
        return round(self.start + self.length * ((1 - share) if self.reverse else share), 1)

    def ticks(self) -> list[float]:
        inside = [t for t in TICKS if self.low <= t <= self.high]
        return inside[::2] if len(inside) > 7 else inside


def _open(kind: str, width: int, height: int, title: str, description: str) -> list[str]:
    return [
        f'<svg xmlns="http://www.w3.org/2000/svg" class="insight-chart {kind}" viewBox="0 0 {width} {height}" '
        f'width="{width}" height="{height}" role="img" aria-label={quoteattr(title + ". " + description)} '
        'font-family="system-ui, sans-serif" font-size="12">',
        f"<title>{escape(title)}</title><desc>{escape(description)}</desc>",
    ]


def _empty(kind: str, title: str, message: str) -> str:
    parts = _open(kind, WIDTH, 60, title, message)
    parts.append(f'<text x="16" y="34" fill="{MUTED}">{escape(message)}</text></svg>')
    return "".join(parts)


def tick_label(seconds: float) -> str:
    """An axis tick, in the one unit it is a whole number of: 10 s, 15 min, 3 h, 7 d."""
    for size, unit in ((86400, "d"), (3600, "h"), (60, "min")):
        if seconds >= size and seconds % size == 0:
            return f"{int(seconds // size)} {unit}"
    return f"{int(seconds)} s"


def _short(label: str, limit: int = 15) -> str:
    return label if len(label) <= limit else label[: limit - 1] + "…"


def box_plot(title: str, groups: Sequence[tuple[str, Distribution]]) -> str:
    """One horizontal box per group: whiskers from the least to the greatest
    value, the box from the 25th to the 75th percentile, a bar at the median
    and a mark at the 90th percentile."""
    drawn = [(label, d) for label, d in groups if d.count]
    if not drawn:
        return _empty("box-plot", title, "No incident has this duration yet.")
    left, right, top, lane = 140, 20, 16, 34
    height = top + lane * len(drawn) + 44
    scale = _LogScale([v for _l, d in drawn for v in (d.min or 0, d.max or 0)], left, WIDTH - left - right)
    description = "; ".join(
        f"{label}: median {format_span(d.median)}, 90th percentile {format_span(d.p90)}, maximum {format_span(d.max)}, {d.count} incidents"
        for label, d in drawn
    )
    parts = _open("box-plot", WIDTH, height, title, description)
    bottom = top + lane * len(drawn)
    parts.extend(_x_ticks(scale, top, bottom))
    for index, (label, d) in enumerate(drawn):
        y = top + lane * index + lane / 2
        low, q1, mid, q3, p90, high = (scale(v or 0) for v in (d.min, d.p25, d.median, d.p75, d.p90, d.max))
        parts.append(f'<text x="{left - 10}" y="{y + 4}" text-anchor="end" fill="{INK}">{escape(_short(label))} <tspan fill="{MUTED}">({d.count})</tspan></text>')
        parts.append(f'<line x1="{low}" y1="{y}" x2="{high}" y2="{y}" stroke="{INK}"/>')
        parts.append(f'<line x1="{low}" y1="{y - 6}" x2="{low}" y2="{y + 6}" stroke="{INK}"/><line x1="{high}" y1="{y - 6}" x2="{high}" y2="{y + 6}" stroke="{INK}"/>')
        parts.append(f'<rect x="{q1}" y="{y - 10}" width="{max(round(q3 - q1, 1), 1.5)}" height="20" fill="{BOX}" stroke="{MEDIAN}"/>')
        parts.append(f'<line x1="{mid}" y1="{y - 10}" x2="{mid}" y2="{y + 10}" stroke="{MEDIAN}" stroke-width="3"/>')
        parts.append(f'<path d="M{p90} {y - 12} l-5 -7 h10 z" fill="{P90}"><title>90th percentile {escape(format_span(d.p90))}</title></path>')
    parts.append(_legend(left, height - 10, [("box", "25th–75th percentile"), ("median", "median"), ("p90", "90th percentile")]))
    parts.append("</svg>")
    return "".join(parts)


def _x_ticks(scale: _LogScale, top: float, bottom: float) -> list[str]:
    parts = []
    for tick in scale.ticks():
        x = scale(tick)
        parts.append(f'<line x1="{x}" y1="{top}" x2="{x}" y2="{bottom}" stroke="{GRID}"/>')
        parts.append(f'<text x="{x}" y="{bottom + 16}" text-anchor="middle" fill="{MUTED}">{escape(tick_label(tick))}</text>')
    parts.append(f'<text x="{WIDTH - 24}" y="{bottom + 34}" text-anchor="end" fill="{MUTED}" font-size="11">log scale</text>')
    return parts


def _y_ticks(scale: _LogScale, left: float, right: float) -> list[str]:
    parts = []
    for tick in scale.ticks():
        y = scale(tick)
        parts.append(f'<line x1="{left}" y1="{y}" x2="{right}" y2="{y}" stroke="{GRID}"/>')
        parts.append(f'<text x="{left - 8}" y="{y + 4}" text-anchor="end" fill="{MUTED}">{escape(tick_label(tick))}</text>')
    return parts


def _legend(x: float, y: float, items: list[tuple[str, str]]) -> str:
    shapes = {
        "box": f'<rect x="0" y="-9" width="14" height="10" fill="{BOX}" stroke="{MEDIAN}"/>',
        "median": f'<line x1="0" y1="-4" x2="16" y2="-4" stroke="{MEDIAN}" stroke-width="3"/>',
        "p90": f'<line x1="0" y1="-4" x2="16" y2="-4" stroke="{P90}" stroke-width="2" stroke-dasharray="5 3"/><path d="M8 -1 l-4 -6 h8 z" fill="{P90}"/>',
        "point": f'<circle cx="6" cy="-4" r="4" fill="{MEDIAN}" fill-opacity="0.7"/>',
    }
    parts, offset = [], 0.0
    for shape, text in items:
        parts.append(f'<g transform="translate({round(x + offset, 1)} {y})">{shapes[shape]}<text x="22" y="0" fill="{INK}">{escape(text)}</text></g>')
        offset += 40 + 7.5 * len(text)
    return "".join(parts)


def trend_chart(title: str, buckets: Sequence[tuple[str, Distribution]]) -> str:
    """The median and the 90th percentile per bucket (month or quarter), the
    line broken where a bucket has no incident, its count under the axis."""
    known = [(label, d) for label, d in buckets if d.count]
    if not known:
        return _empty("trend-chart", title, "No incident has this duration in the period.")
    left, right, top, plot = 80, 24, 16, 220
    height = top + plot + 64
    scale = _LogScale([v for _l, d in known for v in (d.median or 0, d.p90 or 0)], top, plot, reverse=True)
    step = (WIDTH - left - right) / max(1, len(buckets))
    description = "; ".join(
        f"{label}: median {format_span(d.median)}, 90th percentile {format_span(d.p90)} of {d.count}" for label, d in known
    )
    parts = _open("trend-chart", WIDTH, height, title, description)
    parts.extend(_y_ticks(scale, left, WIDTH - right))
    every = max(1, math.ceil(len(buckets) / 12))
    lines: dict[str, list[list[str]]] = {"median": [[]], "p90": [[]]}
    for index, (label, d) in enumerate(buckets):
        x = round(left + step * (index + 0.5), 1)
        if index % every == 0:
            parts.append(f'<text x="{x}" y="{top + plot + 18}" text-anchor="middle" fill="{MUTED}">{escape(label)}</text>')
            parts.append(f'<text x="{x}" y="{top + plot + 32}" text-anchor="middle" fill="{MUTED}" font-size="10">n={d.count}</text>')
        for name, value in (("median", d.median), ("p90", d.p90)):
            if value is None or not d.count:
                lines[name].append([])
                continue
            lines[name][-1].append(f"{x},{scale(value)}")
            colour = MEDIAN if name == "median" else P90
            what = "median" if name == "median" else "90th percentile"
            parts.append(f'<circle cx="{x}" cy="{scale(value)}" r="3.5" fill="{colour}"><title>{escape(f"{label}: {what} {format_span(value)} of {d.count}")}</title></circle>')
    for name, runs in lines.items():
        style = f'stroke="{MEDIAN}" stroke-width="2.5"' if name == "median" else f'stroke="{P90}" stroke-width="2" stroke-dasharray="5 3"'
        for run in runs:
            if len(run) > 1:
                parts.append(f'<polyline points="{" ".join(run)}" fill="none" {style}/>')
    parts.append(_legend(left, height - 8, [("median", "median"), ("p90", "90th percentile")]))
    parts.append(f'<text x="{WIDTH - right}" y="{height - 8}" text-anchor="end" fill="{MUTED}" font-size="11">log scale</text>')
    parts.append("</svg>")
    return "".join(parts)


def scatter_chart(title: str, points: Sequence[tuple[str, float, str]], categories: Sequence[str]) -> str:
    """One dot per incident (category, seconds, label): severity against
    duration, spread sideways within a column so equal values stay apart."""
    if not points:
        return _empty("scatter-chart", title, "No incident you may see has this duration yet.")
    shown = [c for c in categories if any(p[0] == c for p in points)] + sorted({p[0] for p in points} - set(categories))
    left, right, top, plot = 80, 24, 16, 240
    height = top + plot + 40
    scale = _LogScale([p[1] for p in points], top, plot, reverse=True)
    column = (WIDTH - left - right) / len(shown)
    description = f"{len(points)} incidents; " + "; ".join(
        f"{c}: {sum(1 for p in points if p[0] == c)}" for c in shown
    )
    parts = _open("scatter-chart", WIDTH, height, title, description)
    parts.extend(_y_ticks(scale, left, WIDTH - right))
    for index, category in enumerate(shown):
        x = round(left + column * (index + 0.5), 1)
        parts.append(f'<text x="{x}" y="{top + plot + 20}" text-anchor="middle" fill="{INK}">{escape(_short(category, 12))}</text>')
    placed: dict[str, int] = {}
    for category, seconds, label in points:
        index = shown.index(category)
        nth = placed[category] = placed.get(category, -1) + 1
        spread = ((nth * 0.618034) % 1 - 0.5) * column * 0.6  # golden-ratio steps: an even spread, the same on every drawing
        x = round(left + column * (index + 0.5) + spread, 1)
        parts.append(
            f'<circle cx="{x}" cy="{scale(seconds)}" r="4" fill="{MEDIAN}" fill-opacity="0.65">'
            f"<title>{escape(f'{label} {category}: {format_span(seconds)}')}</title></circle>"
        )
    parts.append(f'<text x="{WIDTH - right}" y="{height - 4}" text-anchor="end" fill="{MUTED}" font-size="11">log scale</text>')
    parts.append("</svg>")
    return "".join(parts)


def distribution_table(caption: str, groups: Sequence[tuple[str, Distribution]]) -> ChartTable:
    return ChartTable(caption, ["group", "count", "median", "75th", "90th", "max", "mean", "missing", "inconsistent"], [
        [label, str(d.count), *(format_span(v) for v in (d.median, d.p75, d.p90, d.max, d.mean)), str(d.missing), str(d.inconsistent)]
        for label, d in groups
    ])


def trend_table(caption: str, buckets: Sequence[tuple[str, Distribution]]) -> ChartTable:
    return ChartTable(caption, ["period", "count", "median", "90th", "missing"], [
        [label, str(d.count), format_span(d.median), format_span(d.p90), str(d.missing)] for label, d in buckets
    ])


def scatter_table(caption: str, points: Sequence[tuple[str, float, str]]) -> ChartTable:
    return ChartTable(caption, ["incident", "severity", "duration"], [[label, category, format_span(seconds)] for category, seconds, label in points])
