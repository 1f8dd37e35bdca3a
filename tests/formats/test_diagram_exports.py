"""Diagrams in every export format, and exports from the web: checked by
parsing what comes out (JSON, SVG, Markdown, HTML), not by file names."""

from __future__ import annotations

import base64
import json
import re
import xml.etree.ElementTree as ET

import pytest

from cairn.formats import markdown
from cairn.services.incidents import show_incident
from cairn.services.portable import export_file, export_incident, import_document
from tests.formats.test_html_export import SVG, Collect, graphviz_or_skip
from tests.web.webdata import CHECKOUT_OUTAGE

DATA_IMAGE = re.compile(r"!\[([^\]]*)\]\(data:image/svg\+xml;base64,([A-Za-z0-9+/=]+)\)")


def event_marks(svg_text: str) -> int:
    return len(ET.fromstring(svg_text).findall(f"{SVG}circle"))


def factor_nodes(svg_text: str) -> list[str]:
    root = ET.fromstring(svg_text)
    return [g.find(f"{SVG}title").text for g in root.iter(f"{SVG}g") if g.get("class") == "node"]


def test_the_json_export_carries_both_diagrams_and_the_graph_source(ctx) -> None:
    graphviz_or_skip()
    key = import_document(ctx, CHECKOUT_OUTAGE).key
    doc = show_incident(ctx, key)
    exported = export_file(ctx, key, "json")
    assert exported.media_type == "application/json" and exported.filename == f"{key}-postmortem.json"
    data = json.loads(exported.body)
    diagrams = data.pop("diagrams")
    assert data.pop("executive_summary")["what"].endswith(doc.title)
    assert data == json.loads(export_incident(ctx, key, "json"))  # the rest is the portable data, unchanged
    assert event_marks(diagrams["timeline_svg"]) == len(doc.timeline)
    assert "f_F1" in factor_nodes(diagrams["factor_graph_svg"])
    assert diagrams["factor_graph_dot"].startswith("digraph factors {") and diagrams["factor_graph_note"] is None
    assert "diagrams" not in json.loads(export_file(ctx, key, "json", diagrams=False).body)


def test_markdown_written_to_a_file_links_svg_files_beside_it_and_imports_back_unchanged(ctx, cli, tmp_path) -> None:
    graphviz_or_skip()
    key = import_document(ctx, CHECKOUT_OUTAGE).key
    doc = show_incident(ctx, key)
    target = tmp_path / "outage.md"
    result = cli("export", key, "-o", str(target))
    assert result.exit_code == 0, result.output
    written = sorted(path.name for path in tmp_path.iterdir() if not path.name.startswith(".") and path.suffix in (".md", ".svg"))
    assert written == ["outage.factors.svg", "outage.md", "outage.timeline.svg"]
    text = target.read_text(encoding="utf-8")
    assert "## Diagrams (drawn by Cairn)" in text
    assert "](outage.timeline.svg)" in text and "](outage.factors.svg)" in text
    timeline = (tmp_path / "outage.timeline.svg").read_text(encoding="utf-8")
    assert timeline.startswith("<?xml") and event_marks(timeline.split("\n", 1)[1]) == len(doc.timeline)
    assert "f_F1" in factor_nodes((tmp_path / "outage.factors.svg").read_text(encoding="utf-8").split("\n", 1)[1])
    # The diagrams are derived: the document reads back as the same incident.
    again = cli("import", str(target))
    assert again.exit_code == 0 and again.output.strip() == f"{key} unchanged"
    assert markdown.parse(text).doc == markdown.parse(export_incident(ctx, key)).doc


def test_markdown_on_stdout_has_no_diagrams_unless_asked_and_then_embeds_them(ctx, cli) -> None:
    graphviz_or_skip()
    key = import_document(ctx, CHECKOUT_OUTAGE).key
    plain = cli("export", key)
    assert plain.exit_code == 0 and "Diagrams" not in plain.output
    assert plain.output == export_incident(ctx, key)
    embedded = cli("export", key, "--diagrams")
    images = DATA_IMAGE.findall(embedded.output)
    assert [alt.split(" of ")[0] for alt, _data in images] == ["Timeline", "Contributing factors"]
    assert event_marks(base64.b64decode(images[0][1]).decode()) == len(show_incident(ctx, key).timeline)
    assert import_document(ctx, embedded.output, force=True).changed is False


def test_no_diagrams_leaves_the_markdown_portable_and_plain(ctx, cli, tmp_path) -> None:
    key = import_document(ctx, CHECKOUT_OUTAGE).key
    target = tmp_path / "plain.md"
    assert cli("export", key, "-o", str(target), "--no-diagrams").exit_code == 0
    assert target.read_text(encoding="utf-8") == export_incident(ctx, key)
    assert sorted(path.name for path in tmp_path.glob("plain*")) == ["plain.md"]


def test_the_derived_section_is_skipped_on_import_and_its_title_is_reserved(ctx, settings) -> None:
    from cairn.domain.document import SectionDoc
    from cairn.formats.fielderror import FieldError
    from cairn.services.validation import canonical

    key = import_document(ctx, CHECKOUT_OUTAGE).key
    text = export_incident(ctx, key) + "\n## Diagrams (drawn by Cairn)\n\nHand-written text here is not kept.\n"
    imported = markdown.parse(text).doc
    assert [section.title for section in imported.postmortem.sections] == ["Follow-up review"]
    imported.postmortem.sections.append(SectionDoc(title="diagrams (drawn by cairn)", body="mine"))
    with pytest.raises(FieldError, match="built-in section"):
        canonical(imported, settings)


def test_an_unknown_format_is_refused_with_the_choices(ctx, cli) -> None:
    key = import_document(ctx, CHECKOUT_OUTAGE).key
    result = cli("export", key, "--format", "docx")
    assert result.exit_code != 0 and "unknown export format 'docx'" in result.output and "markdown, json, html, pdf" in result.output


def test_every_format_downloads_from_the_incident_page(ctx, settings) -> None:
    import io

    import pypdf

    from tests.web.personas import signed_in_client

    graphviz_or_skip()
    key = import_document(ctx, CHECKOUT_OUTAGE).key
    reader = signed_in_client(settings, ctx, "reader")
    page = Collect()
    page.feed(reader.get(f"/incidents/{key}").text)
    links = {attrs["data-format"]: attrs["href"] for tag, attrs in page.tags if tag == "a" and "data-format" in attrs}
    assert sorted(links) == ["html", "json", "markdown", "pdf"]
    answers = {fmt: reader.get(href) for fmt, href in links.items()}
    assert all(answer.status_code == 200 for answer in answers.values())
    assert answers["markdown"].headers["content-disposition"] == f"attachment; filename*=UTF-8''{key}-postmortem.md"
    assert markdown.parse(answers["markdown"].text).doc == markdown.parse(export_incident(ctx, key)).doc
    assert len(DATA_IMAGE.findall(answers["markdown"].text)) == 2
    assert "timeline_svg" in answers["json"].json()["diagrams"]
    html = answers["html"]
    assert html.headers["content-disposition"].startswith("inline;")
    assert "sandbox" in html.headers["content-security-policy"] and "script-src" not in html.headers["content-security-policy"]
    assert html.text.count("<svg") == 2
    pdf = pypdf.PdfReader(io.BytesIO(answers["pdf"].content))
    assert show_incident(ctx, key).title in " ".join(" ".join(p.extract_text().split()) for p in pdf.pages)
    assert reader.get(f"/incidents/{key}/export/docx").status_code == 422
    assert reader.get(f"/incidents/{key}/export/json?public=maybe").status_code == 422


def test_the_public_preview_lists_redactions_without_secrets_and_frames_the_public_html(ctx, settings) -> None:
    from tests.formats.test_redaction import DOC
    from tests.web.personas import signed_in_client

    key = import_document(ctx, DOC).key
    client = signed_in_client(settings, ctx, "reader")
    answer = client.get(f"/incidents/{key}/public")
    assert answer.status_code == 200
    assert "frame-src 'self'" in answer.headers["content-security-policy"]
    page = answer.text
    assert "AKIA… (20 characters)" in page and "AKIAIOSFODNN7EXAMPLE" not in page and "hunter2hunter2" not in page
    frames = [attrs for tag, attrs in _tags(page) if tag == "iframe"]
    assert len(frames) == 1 and "sandbox" in frames[0]
    framed = client.get(frames[0]["src"])
    assert framed.status_code == 200 and "Person A" in framed.text and "AKIAIOSFODNN7EXAMPLE" not in framed.text
    api = client.get(f"/api/v1/incidents/{key}/redactions").json()
    assert api["count"] == len(api["redactions"]) > 5
    assert "AKIAIOSFODNN7EXAMPLE" not in json.dumps(api)
    exported = client.get(f"/api/v1/incidents/{key}/export", params={"format": "markdown", "public": "true"})
    assert exported.status_code == 200 and "hunter2hunter2" not in exported.text and "[secret removed]" in exported.text


def _tags(html: str) -> list[tuple[str, dict]]:
    parsed = Collect()
    parsed.feed(html)
    return parsed.tags


def test_the_executive_summary_heads_the_export_the_pages_and_the_meeting_kit(ctx, settings) -> None:
    from html import unescape

    from cairn.domain.executive import executive_summary
    from tests.web.personas import signed_in_client

    key = import_document(ctx, CHECKOUT_OUTAGE).key
    glance = executive_summary(show_incident(ctx, key))
    assert glance.missing == [] and glance.how_long and glance.who
    exported = Collect()
    exported.feed(export_incident(ctx, key, "html"))
    text = " ".join(exported.text)
    assert text.index("At a glance") < text.index("Key moments") < text.index("Summary")
    assert glance.how_long in text and glance.who in text
    client = signed_in_client(settings, ctx, "admin")
    for path in (f"/incidents/{key}", f"/incidents/{key}/postmortem", f"/incidents/{key}/agenda"):
        page = unescape(client.get(path).text)
        assert "At a glance" in page and glance.how_long in page and glance.what in page, path
    fresh = client.post("/api/v1/incidents", json={"title": "Queue stalled", "severity": "SEV3"}).json()["key"]
    editor = unescape(client.get(f"/incidents/{fresh}/postmortem").text)
    assert "Still to record: how long it lasted" in editor and "who was affected" in editor
