"""Postmortem prose is Markdown from anyone: it must render, and stay inert."""

from __future__ import annotations

import re

import pytest
from fastapi.testclient import TestClient
from markupsafe import Markup

from cairn.errors import ImportFailed
from cairn.services.context import Context
from cairn.services.portable import import_document
from cairn.web.markdown import render_markdown
from tests.web.webdata import plain_document

HOSTILE = """\
Before <script>alert('boom')</script> after.

<img src="x.png" onerror="alert('img')">

[x](javascript:alert(1)) and <a href="JaVaScRiPt:alert(2)" onclick="alert(3)">y</a>

<div onmouseover="alert(4)" style="position:fixed">hover</div>

<iframe src="https://evil.example/"></iframe>
"""


def test_markdown_renders_to_markup() -> None:
    html = render_markdown("Some **bold** and `code`\n\n- one\n- two")
    assert isinstance(html, Markup)
    assert "<strong>bold</strong>" in html and "<code>code</code>" in html and "<li>one</li>" in html


def test_empty_markdown_renders_to_nothing() -> None:
    assert render_markdown("") == Markup("")
    assert render_markdown(None) == Markup("")


def test_scripts_are_removed_with_their_content() -> None:
    html = render_markdown(HOSTILE)
    assert "<script" not in html.lower()
    assert "boom" not in html
    assert "Before" in html and "after." in html


def test_event_handler_attributes_are_dropped() -> None:
    html = render_markdown(HOSTILE)
    assert not re.search(r"\son\w+\s*=", html, re.I)
    assert 'src="x.png"' in html  # the image itself stays


def test_javascript_links_are_not_links() -> None:
    html = render_markdown(HOSTILE)
    assert "javascript:" not in re.sub(r"\[x\]\(javascript:alert\(1\)\)", "", html).lower()
    assert not re.search(r'href="\s*javascript', html, re.I)


def test_frames_and_inline_styles_are_dropped() -> None:
    html = render_markdown(HOSTILE)
    assert "<iframe" not in html and "style=" not in html and "<div" not in html
    assert "hover" in html


def test_safe_links_get_a_rel_that_protects_the_opener() -> None:
    html = render_markdown("[runbook](https://runbooks.example.com/db)")
    assert 'href="https://runbooks.example.com/db"' in html
    assert 'rel="noopener noreferrer nofollow"' in html


def test_table_alignment_becomes_classes_not_styles() -> None:
    html = render_markdown("| a | b |\n|--:|:-:|\n| 1 | 2 |")
    assert '<td class="align-right">1</td>' in html and '<td class="align-center">2</td>' in html
    assert "style=" not in html


def test_hostile_markdown_in_a_postmortem_section_is_inert_on_the_page(client: TestClient, ctx: Context) -> None:
    key = import_document(ctx, plain_document("Hostile prose", started="2026-02-02T10:00:00Z", section=HOSTILE)).key
    stored = client.get(f"/api/v1/incidents/{key}").json()["postmortem"]["sections"]["summary"]
    assert "<script>" in stored and "onerror=" in stored  # kept as written; only the page cleans it
    html = client.get(f"/incidents/{key}").text
    summary = html[html.index("<h3>Summary</h3>"):]
    summary = summary[:summary.index("</section>")]
    assert "<script" not in summary.lower() and "boom" not in summary
    assert not re.search(r"\son\w+\s*=", summary, re.I)
    assert not re.search(r'href="\s*javascript', summary, re.I)
    assert "<iframe" not in summary
    assert "Before" in summary and "after." in summary


def test_an_action_item_link_must_be_http_and_renders_as_a_link(client: TestClient, ctx: Context) -> None:
    base = plain_document("Links", started="2026-02-02T10:00:00Z")
    sneaky = base.replace(
        "---\n## Summary",
        "action_items:\n- {title: Sneaky, url: 'javascript:alert(1)'}\n---\n## Summary",
    )
    with pytest.raises(ImportFailed, match=r"action_items\[0\]\.url: url 'javascript:alert\(1\)' is not an http\(s\) URL"):
        import_document(ctx, sneaky)
    safe = base.replace(
        "---\n## Summary",
        "action_items:\n- {title: Safe, url: 'https://tracker.example.com/1'}\n---\n## Summary",
    )
    key = import_document(ctx, safe).key
    html = client.get(f"/incidents/{key}").text
    assert '<a href="https://tracker.example.com/1"' in html
    assert "javascript:" not in html
