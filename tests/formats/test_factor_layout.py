"""Without Graphviz the factor graph is still drawn, by Cairn's own layout."""

from __future__ import annotations

import xml.etree.ElementTree as ET

import pytest

from cairn.domain.document import ActionItemDoc, FactorDoc, IncidentDoc, WhyDoc
from cairn.formats import factor_graph
from cairn.formats.factor_layout import factor_graph_plain_svg

DOC = IncidentDoc(
    key="INC-7", title="Checkout failed after a pool change", severity="SEV2",
    factors=[
        FactorDoc("F1", "Pool size lowered to 20 in config v142", "configuration", "trigger",
                  whys=[WhyDoc("Why was it lowered?", "to save memory"), WhyDoc("Why not caught?", "no load test")]),
        FactorDoc("F2", "No alert on pool saturation", "monitoring gap", "latent condition"),
    ],
    action_items=[ActionItemDoc("A1", "Alert on pool saturation", "detect", "open", "high", factors=["F2", "F1"])],
)


def boxes(svg: str) -> list[tuple[float, float, float, float]]:
    root = ET.fromstring(svg)
    return [
        (float(r.get("x")), float(r.get("y")), float(r.get("width")), float(r.get("height")))
        for r in root.iter("{http://www.w3.org/2000/svg}rect")
    ]


def test_the_plain_layout_draws_every_factor_why_and_action_without_overlaps() -> None:
    svg = factor_graph_plain_svg(DOC)
    assert "F1: Pool size lowered" in svg and "Why? " not in svg and "Why was it lowered?" in svg
    assert "A1: Alert on pool saturation" in svg and "(monitoring gap; latent condition)" in svg
    drawn = boxes(svg)
    assert len(drawn) == 1 + 2 + 2 + 1  # incident, factors, whys, action
    for index, (x1, y1, w1, h1) in enumerate(drawn):
        for x2, y2, w2, h2 in drawn[index + 1:]:
            assert x1 + w1 <= x2 or x2 + w2 <= x1 or y1 + h1 <= y2 or y2 + h2 <= y1
    root = ET.fromstring(svg)
    width, height = (float(v) for v in root.get("viewBox").split()[2:])
    assert all(x + w <= width and y + h <= height for x, y, w, h in drawn)


def test_pages_and_exports_get_the_plain_graph_when_graphviz_is_missing(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(factor_graph.shutil, "which", lambda _name: None)
    svg, note = factor_graph.factor_graph_or_note(DOC)
    assert note is None
    assert svg == factor_graph_plain_svg(DOC)
