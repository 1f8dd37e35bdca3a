"""Pages as a user sees them in Chromium: the API reference, widths, long incidents."""

from __future__ import annotations

from typing import Any

import pytest

from tests.web.personas import signed_in

pytestmark = pytest.mark.browser


def test_the_api_reference_lists_the_operations_of_the_openapi_31_schema(
    browser: Any, base_url: str, people: None
) -> None:
    page = signed_in(browser, base_url)
    elsewhere: list[str] = []
    page.on("request", lambda request: None if request.url.startswith(base_url) else elsewhere.append(request.url))
    page.goto(f"{base_url}/api/docs")
    page.wait_for_selector(".opblock", timeout=15000)
    assert "Unable to render" not in page.inner_text("body")
    paths = page.locator(".opblock-summary-path").all_inner_texts()
    assert any("/api/v1/incidents" in path for path in paths)
    assert page.locator(".opblock").count() > 10
    assert elsewhere == []
    page.close()
