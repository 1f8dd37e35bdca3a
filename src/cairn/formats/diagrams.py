"""The two diagrams of a postmortem, drawn once for every export format.

The timeline chart and the contributing-factor graph are derived from the
data: JSON carries them under `diagrams`, Markdown in a last section titled
`DIAGRAMS_TITLE` which the Markdown reader skips, so a document
with diagrams still imports to the same incident.
"""

from __future__ import annotations

import base64
from dataclasses import dataclass
from typing import Any

from cairn.domain.document import DIAGRAMS_TITLE, IncidentDoc
from cairn.formats.factor_graph import factor_dot, factor_graph_or_note
from cairn.formats.timeline_svg import timeline_svg

SECTION_NOTE = "<!-- Drawn from the data above when exported; Cairn ignores this section on import. -->"
SVG_PROLOG = '<?xml version="1.0" encoding="UTF-8"?>\n'


@dataclass(frozen=True)
class Diagrams:
    timeline_svg: str
    factor_dot: str | None
    factor_svg: str | None
    factor_note: str | None  # why there is no factor graph although there are factors

    def files(self, stem: str) -> dict[str, str]:
        """Standalone SVG files, named after the export they belong to."""
        out = {f"{stem}.timeline.svg": SVG_PROLOG + self.timeline_svg + "\n"}
        if self.factor_svg:
            out[f"{stem}.factors.svg"] = SVG_PROLOG + self.factor_svg.rstrip("\n") + "\n"
        return out


def draw(doc: IncidentDoc) -> Diagrams:
    svg, note = factor_graph_or_note(doc)
    return Diagrams(
        timeline_svg=timeline_svg(doc),
        factor_dot=factor_dot(doc) if doc.factors else None,
        factor_svg=svg,
        factor_note=note,
    )


def as_data(diagrams: Diagrams) -> dict[str, Any]:
    """The JSON form: SVG text, plus the DOT source so others can lay the graph out again."""
    return {
        "timeline_svg": diagrams.timeline_svg,
        "factor_graph_svg": diagrams.factor_svg,
        "factor_graph_dot": diagrams.factor_dot,
        "factor_graph_note": diagrams.factor_note,
    }


def _data_uri(svg: str) -> str:
    return "data:image/svg+xml;base64," + base64.b64encode(svg.encode("utf-8")).decode("ascii")


def markdown_section(doc: IncidentDoc, diagrams: Diagrams, linked_stem: str | None = None) -> str:
    """The Markdown section: images linked to the files `Diagrams.files(linked_stem)`
    written beside the document, or embedded as data: URIs without a stem."""
    heading = f"{doc.key or ''} {doc.title}".strip().replace("[", "(").replace("]", ")")
    images = [(f"Timeline of {heading}", "timeline", diagrams.timeline_svg)]
    if diagrams.factor_svg:
        images.append((f"Contributing factors of {heading}", "factors", diagrams.factor_svg))
    lines = [f"## {DIAGRAMS_TITLE}", "", SECTION_NOTE, ""]
    for alt, part, svg in images:
        if linked_stem is None:
            target = _data_uri(svg)
        else:
            name = f"{linked_stem}.{part}.svg"
            # CommonMark: a destination with spaces or parentheses must be written in <...>.
            target = f"<{name}>" if any(c in name for c in " ()") else name
        lines += [f"![{alt}]({target})", ""]
    if diagrams.factor_note:
        lines += [f"*{diagrams.factor_note}*", ""]
    return "\n".join(lines)
