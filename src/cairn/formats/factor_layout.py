"""The factor graph laid out in pure Python, for servers without Graphviz.

The graph has a fixed shape, so a simple layered layout reads well: the
incident on top, one column per contributing factor below it with its 5-Whys
chain going down the column, and the action items in a bottom row, each under
the factors it addresses. Same colours and meaning as the Graphviz drawing in
factor_graph.py; plain SVG text that embeds in pages and exports alike.
"""

from __future__ import annotations

import textwrap
from xml.sax.saxutils import escape, quoteattr

from cairn.domain.document import IncidentDoc

BOX_W, COL_W, LINE_H, PAD, GAP_Y, MARGIN = 200, 220, 13, 8, 34, 12
ROLE_COLOURS = {"trigger": "#fbe9e7", "latent condition": "#fcf1d8", "made worse": "#fbe9e7", "helped": "#e3f2e6"}


def _lines(text: str, width: int = 32, most: int = 4) -> list[str]:
    lines = textwrap.wrap(" ".join(text.split()), width=width) or [""]
    if len(lines) > most:
        lines = lines[:most]
        lines[-1] = lines[-1][: width - 1] + "…"
    return lines


class _Box:
    def __init__(self, lines: list[str], fill: str, *, ink: str = "#1f2a30", dashed: bool = False) -> None:
        self.lines, self.fill, self.ink, self.dashed = lines, fill, ink, dashed
        self.x = self.y = 0.0
        self.height = PAD * 2 + LINE_H * len(lines)

    @property
    def centre(self) -> float:
        return self.x + BOX_W / 2

    def svg(self) -> str:
        dash = ' stroke-dasharray="4 2"' if self.dashed else ""
        out = [f'<rect x="{self.x:.0f}" y="{self.y:.0f}" width="{BOX_W}" height="{self.height}" rx="6" '
               f'fill="{self.fill}" stroke="#8a949a"{dash}/>']
        for index, line in enumerate(self.lines):
            out.append(f'<text x="{self.centre:.0f}" y="{self.y + PAD + LINE_H * (index + 1) - 3:.0f}" '
                       f'text-anchor="middle" fill="{self.ink}">{escape(line)}</text>')
        return "".join(out)


def _edge(low: _Box, high: _Box, style: str) -> str:
    """A line from the bottom box's top edge up to the upper box's bottom edge."""
    attrs = {"arrow": ' marker-end="url(#fg-arrow)"', "dotted": ' stroke-dasharray="2 3"',
             "dashed": ' stroke-dasharray="6 3" marker-end="url(#fg-arrow)"'}[style]
    return (f'<line x1="{low.centre:.0f}" y1="{low.y:.0f}" x2="{high.centre:.0f}" y2="{high.y + high.height:.0f}" '
            f'stroke="#66737a"{attrs}/>')


def factor_graph_plain_svg(doc: IncidentDoc) -> str:
    heading = f"{doc.key or ''} {doc.title}".strip()
    incident = _Box(_lines(heading, 36, 3), "#24373b", ink="#ffffff")
    columns: list[list[_Box]] = []
    by_label: dict[str, _Box] = {}
    edges: list[str] = []
    for factor in doc.factors:
        box = _Box(_lines(f"{factor.label}: {factor.description}") + [f"({factor.category}; {factor.role})"],
                   ROLE_COLOURS.get(factor.role, "#ffffff"))
        by_label[factor.label or ""] = box
        column = [box]
        for why in factor.whys:
            question = why.question if why.question.lower().startswith("why") else f"Why? {why.question}"
            column.append(_Box(_lines(question + (f" — {why.answer}" if why.answer else "")), "#f6f5f1"))
        columns.append(column)
    width = MARGIN * 2 + max(1, len(columns)) * COL_W - (COL_W - BOX_W)
    incident.x, incident.y = (width - BOX_W) / 2, MARGIN
    row_y = incident.y + incident.height + GAP_Y
    bottom = row_y
    for index, column in enumerate(columns):
        y = row_y
        for depth, box in enumerate(column):
            box.x, box.y = MARGIN + index * COL_W, y
            y += box.height + (GAP_Y if depth == 0 else 18)
            edges.append(_edge(box, incident if depth == 0 else column[depth - 1], "arrow" if depth == 0 else "dotted"))
        bottom = max(bottom, y)
    items = [item for item in doc.action_items if item.factors]
    actions: list[_Box] = []
    wanted: list[float] = []
    for item in items:
        targets = [by_label[ref] for ref in item.factors if ref in by_label]
        box = _Box(_lines(f"{item.label}: {item.title}", 32, 3), "#e4eef7", dashed=True)
        actions.append(box)
        wanted.append(sum(t.x for t in targets) / len(targets) if targets else MARGIN)
        for target in targets:
            edges.append((box, target))  # type: ignore[arg-type]
    placed_right = MARGIN - COL_W
    for box, x in sorted(zip(actions, wanted), key=lambda pair: pair[1]):
        box.x = max(x, placed_right + COL_W)
        box.y = bottom + GAP_Y / 2
        placed_right = box.x
    if actions:
        width = max(width, max(box.x for box in actions) + BOX_W + MARGIN)
        bottom = bottom + GAP_Y / 2 + max(box.height for box in actions)
    height = bottom + MARGIN
    lines = [e if isinstance(e, str) else _edge(e[0], e[1], "dashed") for e in edges]
    caption = f"Contributing factors of {heading}"
    return "".join([
        f'<svg xmlns="http://www.w3.org/2000/svg" class="factor-graph" viewBox="0 0 {width:.0f} {height:.0f}" '
        f'width="{width:.0f}" height="{height:.0f}" role="img" aria-label={quoteattr(caption)} '
        'font-family="system-ui, sans-serif" font-size="10">',
        f"<title>{escape(caption)}</title>",
        '<defs><marker id="fg-arrow" viewBox="0 0 10 10" refX="10" refY="5" markerWidth="7" markerHeight="7" '
        'orient="auto-start-reverse"><path d="M0,0 L10,5 L0,10 z" fill="#66737a"/></marker></defs>',
        *lines,
        incident.svg(),
        *(box.svg() for column in columns for box in column),
        *(box.svg() for box in actions),
        "</svg>",
    ])
