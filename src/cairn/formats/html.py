"""Standalone HTML export: one file, printable, with its styles inline and
no outside assets, the timeline chart as inline SVG and every Markdown field
rendered and sanitised as on the pages."""

from __future__ import annotations

from pathlib import Path

import jinja2
from markupsafe import Markup

from cairn.domain.document import PROSE_SECTIONS, IncidentDoc
from cairn.domain.executive import executive_summary
from cairn.domain.moments import durations
from cairn.domain.times import format_duration, format_local, require_zone
from cairn.formats.factor_graph import factor_graph_or_note
from cairn.formats.printed_timeline import PrintedTimeline, printed_timeline
from cairn.formats.timeline_svg import timeline_svg

# The file's own policy, for when it is opened from disk or mailed around:
# inline styles, images only as data: URIs (the charts are inline SVG),
# nothing fetched, nothing run. Served by Cairn, the same holds by header.
FILE_POLICY = "default-src 'none'; style-src 'unsafe-inline'; img-src data:"

TEMPLATE = Path(__file__).resolve().parent.parent / "web" / "templates" / "export.html"


def render_html(doc: IncidentDoc, *, printed: bool = False) -> str:
    """The standalone page; `printed` (for the PDF) folds long runs of log lines."""
    from cairn.web.markdown import render_markdown_offline

    zone = require_zone(doc.timezone)
    env = jinja2.Environment(autoescape=True, undefined=jinja2.StrictUndefined, trim_blocks=True, lstrip_blocks=True)
    env.filters["markdown"] = render_markdown_offline  # the file promises no outside assets
    env.globals["policy"] = FILE_POLICY
    env.filters["local"] = lambda at: format_local(at, zone, seconds=True) if at else "—"
    template = env.from_string(TEMPLATE.read_text(encoding="utf-8"))
    graph, note = factor_graph_or_note(doc)
    sections = [(title, doc.postmortem.prose.get(name, "")) for name, title in PROSE_SECTIONS]
    sections += [(section.title, section.body) for section in doc.postmortem.sections]
    return template.render(
        doc=doc,
        glance=executive_summary(doc),
        sections=[(title, body) for title, body in sections if body.strip()],
        durations=[(name, format_duration(span)) for name, span in durations(doc.moments).items() if span is not None],
        chart=Markup(timeline_svg(doc)),
        timeline=printed_timeline(doc.timeline) if printed else PrintedTimeline(list(doc.timeline), 0),
        factor_graph=Markup(graph) if graph else None,
        graph_note=note,
    )
