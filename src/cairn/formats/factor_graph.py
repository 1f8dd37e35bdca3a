"""A graph of the contributing factors: each factor points at the incident,
each 5-Whys chain runs from its factor down to the deepest answer, and each
action item points at the factors it addresses. Laid out by Graphviz (`dot`)
when installed, else by factor_layout.py, and returned as SVG text for pages
and exports."""

from __future__ import annotations

import shutil
import subprocess
import textwrap

from cairn.domain.document import IncidentDoc
from cairn.errors import CairnError
from cairn.formats.factor_layout import factor_graph_plain_svg

TIMEOUT_SECONDS = 20
ROLE_COLOURS = {"trigger": "#fbe9e7", "latent condition": "#fcf1d8", "made worse": "#fbe9e7", "helped": "#e3f2e6"}


class GraphUnavailable(CairnError):
    """Graphviz is not installed, or could not lay the graph out."""

    status_code = 503
    title = "graph unavailable"


def _label(text: str, width: int = 34, lines: int = 4) -> str:
    wrapped = textwrap.wrap(" ".join(text.split()), width=width)[:lines] or [""]
    if len(textwrap.wrap(" ".join(text.split()), width=width)) > lines:
        wrapped[-1] = wrapped[-1][: width - 1] + "…"
    escaped = [line.replace("\\", "\\\\").replace('"', '\\"') for line in wrapped]
    return "\\n".join(escaped)


def factor_dot(doc: IncidentDoc) -> str:
    """The graph in the DOT language."""
    heading = f"{doc.key or ''} {doc.title}".strip()
    out = [
        "digraph factors {",
        '  graph [rankdir=BT, bgcolor="transparent", nodesep=0.3, ranksep=0.4];',
        '  node [shape=box, style="rounded,filled", fillcolor="#ffffff", color="#8a949a", fontname="Helvetica", fontsize=10];',
        '  edge [color="#66737a", arrowsize=0.7];',
        f'  incident [label="{_label(heading, 40)}", fillcolor="#24373b", fontcolor="#ffffff"];',
    ]
    for factor in doc.factors:
        node = f"f_{factor.label}"
        colour = ROLE_COLOURS.get(factor.role, "#ffffff")
        out.append(f'  {node} [label="{factor.label}: {_label(factor.description)}\\n({factor.category}; {factor.role})", fillcolor="{colour}"];')
        out.append(f"  {node} -> incident;")
        previous = node
        for index, why in enumerate(factor.whys, 1):
            why_node = f"{node}_w{index}"
            question = why.question if why.question.lower().startswith("why") else f"Why? {why.question}"
            text = question + (f" — {why.answer}" if why.answer else "")
            out.append(f'  {why_node} [label="{_label(text)}", shape=note, fillcolor="#f6f5f1"];')
            out.append(f'  {why_node} -> {previous} [style=dotted, arrowhead=none];')
            previous = why_node
    for item in doc.action_items:
        if not item.factors:
            continue
        node = f"a_{item.label}"
        out.append(f'  {node} [label="{item.label}: {_label(item.title)}", shape=component, fillcolor="#e4eef7"];')
        for ref in item.factors:
            out.append(f"  {node} -> f_{ref} [style=dashed];")
    out.append("}")
    return "\n".join(out) + "\n"


def factor_graph_svg(doc: IncidentDoc) -> str:
    """The graph as SVG (no XML prolog, ready to embed); GraphUnavailable without Graphviz."""
    dot = shutil.which("dot")
    if dot is None:
        raise GraphUnavailable("the factor graph needs Graphviz: install it (apt-get install graphviz)")
    try:
        result = subprocess.run([dot, "-Tsvg"], input=factor_dot(doc).encode("utf-8"), capture_output=True, timeout=TIMEOUT_SECONDS, check=False)
    except subprocess.TimeoutExpired:
        raise GraphUnavailable(f"Graphviz took longer than {TIMEOUT_SECONDS} s to lay out the factor graph") from None
    if result.returncode != 0:
        raise GraphUnavailable(f"Graphviz failed: {result.stderr.decode('utf-8', 'replace').strip()[:300]}")
    svg = result.stdout.decode("utf-8")
    return svg[svg.index("<svg"):]


def factor_graph_or_note(doc: IncidentDoc) -> tuple[str | None, str | None]:
    """(svg, None) for pages and exports, or (None, None) without factors. Without
    Graphviz (or when it fails) the graph is drawn by Cairn's own layout, so every
    reader sees it on a fresh install."""
    if not doc.factors:
        return None, None
    try:
        return factor_graph_svg(doc), None
    except GraphUnavailable:
        return factor_graph_plain_svg(doc), None
