"""The standalone HTML export loads nothing from elsewhere: remote images in
the text become visible placeholders, and the file carries its own tight
policy (images only as data: URIs)."""

from __future__ import annotations

import re
from html import unescape

from fastapi.testclient import TestClient

from cairn.services.portable import export_file, import_document
from tests.web.webdata import CHECKOUT_OUTAGE

PIXEL = "![tracker](https://tracker.example/pixel.png?who=reader)"


def exported_html(ctx) -> str:
    key = import_document(ctx, CHECKOUT_OUTAGE.replace("## Summary\n", f"## Summary\n\n{PIXEL} and <img src='http://intranet.example/x.gif' alt='graph'>\n")).key
    return export_file(ctx, key, "html").body.decode("utf-8")


def test_remote_images_in_the_text_are_left_out_with_a_visible_placeholder(ctx) -> None:
    html = exported_html(ctx)
    assert "<img" not in html
    assert re.search(r'src=["\']?https?:', html) is None
    assert "[tracker: image not included, this file loads nothing from elsewhere: https://tracker.example/pixel.png?who=reader]" in html
    assert "[graph: image not included" in html and "http://intranet.example/x.gif" in html


def test_the_file_carries_a_policy_without_remote_images_or_scripts(ctx) -> None:
    html = exported_html(ctx)
    policy = unescape(re.search(r'<meta http-equiv="Content-Security-Policy" content="([^"]+)">', html).group(1))
    assert "img-src data:" in policy and "https:" not in policy and "http:" not in policy
    assert "default-src 'none'" in policy and "script-src" not in policy


def test_served_by_cairn_the_export_policy_is_as_tight(client: TestClient, outage: str) -> None:
    answer = client.get(f"/api/v1/incidents/{outage}/export", params={"format": "html"})
    policy = answer.headers["Content-Security-Policy"]
    assert "img-src data:" in policy and "https:" not in policy and "sandbox" in policy


def test_pages_still_show_the_same_text_with_its_image(client: TestClient, ctx) -> None:
    key = import_document(ctx, CHECKOUT_OUTAGE.replace("## Summary\n", f"## Summary\n\n{PIXEL}\n")).key
    page = client.get(f"/incidents/{key}")
    assert 'src="https://tracker.example/pixel.png?who=reader"' in page.text
