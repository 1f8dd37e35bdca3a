"""The standalone HTML export and its timeline chart, checked by parsing them."""

from __future__ import annotations

import xml.etree.ElementTree as ET
from html.parser import HTMLParser

from cairn.services.incidents import show_incident
from cairn.services.portable import export_incident, import_document
from tests.web.webdata import CHECKOUT_OUTAGE

SVG = "{http://www.w3.org/2000/svg}"


class Collect(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.tags: list[tuple[str, dict]] = []
        self.text: list[str] = []

    def handle_starttag(self, tag, attrs):  # type: ignore[no-untyped-def]
        self.tags.append((tag, dict(attrs)))

    def handle_data(self, data):  # type: ignore[no-untyped-def]
        self.text.append(data)


def test_the_html_export_is_one_printable_file_with_every_part_and_no_outside_assets(ctx, cli, tmp_path) -> None:
    key = import_document(ctx, CHECKOUT_OUTAGE.replace("## Summary\n", "## Summary\n\n<script>alert(1)</script>\n")).key
    html = export_incident(ctx, key, "html")
    parsed = Collect()
    parsed.feed(html)
    tags = [tag for tag, _attrs in parsed.tags]
    text = " ".join(parsed.text)
    doc = show_incident(ctx, key)
    assert "script" not in tags and "link" not in tags and "iframe" not in tags
    assert not [a["src"] for _t, a in parsed.tags if "src" in a]  # nothing is loaded, from anywhere
    assert all(event.text in text for event in doc.timeline)
    assert all(f.description in text for f in doc.factors) and all(a.title in text for a in doc.action_items)
    assert "What went well" in text and "Time to resolve" in text
    assert "@media print" in html
    written = tmp_path / "INC.html"
    assert cli("export", key, "--format", "html", "-o", str(written)).exit_code == 0
    assert written.read_text(encoding="utf-8") == html


def test_the_timeline_chart_is_valid_svg_with_one_mark_per_event_and_each_key_moment(ctx) -> None:
    key = import_document(ctx, CHECKOUT_OUTAGE).key
    html = export_incident(ctx, key, "html")
    svg_text = html[html.index("<svg"):html.index("</svg>") + 6]
    root = ET.fromstring(svg_text)
    doc = show_incident(ctx, key)
    events = root.findall(f"{SVG}circle")
    assert len(events) == len(doc.timeline)
    moments = [line for line in root.findall(f"{SVG}line") if line.get("class") == "moment"]
    assert len(moments) == sum(1 for _m, at in doc.moments.items() if at is not None)
    xs = [float(c.get("cx")) for c in events]
    assert xs == sorted(xs)  # time runs left to right
    titles = [c.find(f"{SVG}title").text for c in events]
    assert titles[0].endswith(doc.timeline[0].text)


def test_the_chart_of_an_incident_without_events_says_so(ctx) -> None:
    from cairn.formats.timeline_svg import timeline_svg
    from cairn.services.incidents import open_incident

    doc = open_incident(ctx, "Quiet <b>one</b>", severity="SEV4")
    doc.timeline = []
    root = ET.fromstring(timeline_svg(doc))
    assert root.find(f"{SVG}title").text.endswith("Quiet <b>one</b>")


def test_the_incident_page_shows_the_same_chart(ctx, settings) -> None:
    from tests.web.personas import signed_in_client

    key = import_document(ctx, CHECKOUT_OUTAGE).key
    page = signed_in_client(settings, ctx, "reader").get(f"/incidents/{key}").text
    svg_text = page[page.index("<svg xmlns"):page.index("</svg>", page.index("<svg xmlns")) + 6]
    assert len(ET.fromstring(svg_text).findall(f"{SVG}circle")) == len(show_incident(ctx, key).timeline)


def graphviz_or_skip() -> None:
    import os
    import shutil

    import pytest

    if shutil.which("dot") is None:
        if os.environ.get("CI") == "true":
            pytest.fail("Graphviz (dot) is required when CI=true")
        pytest.skip("Graphviz (dot) is not installed")


def test_the_factor_graph_links_factors_whys_and_action_items(ctx, settings) -> None:
    from cairn.formats.factor_graph import factor_graph_svg
    from tests.web.personas import signed_in_client

    graphviz_or_skip()
    key = import_document(ctx, CHECKOUT_OUTAGE).key
    doc = show_incident(ctx, key)
    root = ET.fromstring(factor_graph_svg(doc))
    nodes = [g for g in root.iter(f"{SVG}g") if g.get("class") == "node"]
    edges = [g for g in root.iter(f"{SVG}g") if g.get("class") == "edge"]
    whys = sum(len(f.whys) for f in doc.factors)
    linked = [a for a in doc.action_items if a.factors]
    assert len(nodes) == 1 + len(doc.factors) + whys + len(linked)
    assert len(edges) == len(doc.factors) + whys + sum(len(a.factors) for a in linked)
    labels = " ".join(t.text or "" for t in root.iter(f"{SVG}text"))
    assert "F1:" in labels and "(configuration; trigger)" in labels
    page = signed_in_client(settings, ctx, "reader").get(f"/incidents/{key}").text
    assert 'class="chart factor-graph"' in page
    assert export_incident(ctx, key, "html").count('<g id="graph0" class="graph"') == 1


def test_hostile_factor_text_stays_text_in_the_graph(ctx) -> None:
    from cairn.formats.factor_graph import factor_dot, factor_graph_svg
    from cairn.services.editing import add_factor

    graphviz_or_skip()
    key = import_document(ctx, CHECKOUT_OUTAGE).key
    add_factor(ctx, key, description='"];\nevil -> incident; <script>alert(1)</script> \\', category="process", role="trigger")
    doc = show_incident(ctx, key)
    assert '\\"]; evil -> incident;' in factor_dot(doc)  # the quote is escaped: still inside the label
    svg = factor_graph_svg(doc)
    assert "<script" not in svg and "&lt;script&gt;" in svg
    node_ids = [g.find(f"{SVG}title").text for g in ET.fromstring(svg).iter(f"{SVG}g") if g.get("class") == "node"]
    assert "evil" not in node_ids and "f_F3" in node_ids


def test_the_pdf_export_carries_the_whole_postmortem_as_text(ctx, cli, tmp_path) -> None:
    import io

    import pypdf

    from cairn.services.portable import export_file

    key = import_document(ctx, CHECKOUT_OUTAGE.replace("## Summary\n", "## Summary\n\n![tracker](https://example.com/pixel.png)\n")).key
    pdf = export_file(ctx, key, "pdf").body
    assert pdf.startswith(b"%PDF-")
    text = " ".join(" ".join(page.extract_text().split()) for page in pypdf.PdfReader(io.BytesIO(pdf)).pages)
    doc = show_incident(ctx, key)
    assert doc.title in text and "Contributing factors" in text and "Action items" in text
    assert all(" ".join(a.title.split()) in text for a in doc.action_items)
    assert doc.timeline[0].text in text
    written = tmp_path / "INC.pdf"
    result = cli("export", key, "--format", "pdf", "-o", str(written))
    assert result.exit_code == 0 and written.read_bytes().startswith(b"%PDF-")
