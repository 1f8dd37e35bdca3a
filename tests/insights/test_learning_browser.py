"""Similar incidents, recurring factors and the report as a user sees them in Chromium."""

from __future__ import annotations

import os
from typing import Any

import pytest

from tests.insights.history import build_history
from tests.web.personas import signed_in

pytestmark = pytest.mark.browser
SHOTS = os.environ.get("CAIRN_SCREENSHOTS")  # a folder to keep screenshots in, for a person to look at


def _shot(page: Any, name: str) -> None:
    if SHOTS:
        page.screenshot(path=f"{SHOTS}/{name}.png", full_page=True)


@pytest.mark.parametrize("width", [390, 1366])
def test_a_responder_confirms_a_similar_incident_from_the_incident_page(browser: Any, base_url: str, ctx, people: None, width: int) -> None:  # type: ignore[no-untyped-def]
    history = build_history(ctx)
    page = signed_in(browser, base_url, "member")
    page.set_viewport_size({"width": width, "height": 900})
    page.goto(f"{base_url}/incidents/{history['pool_2']}#similar")
    panel = page.locator("#similar")
    assert panel.is_visible()
    assert "may not have prevented this" in panel.inner_text()
    assert page.evaluate("() => document.documentElement.scrollWidth - document.documentElement.clientWidth") <= 0
    _shot(page, f"similar-{width}")
    panel.get_by_role("button", name=f"Related to {history['pool_1']}").click()
    page.wait_for_url(f"**/incidents/{history['pool_2']}#similar")
    assert history["pool_1"] in page.locator(".related-list").inner_text()
    page.goto(f"{base_url}/incidents/{history['pool_1']}")
    assert history["pool_2"] in page.locator("#similar .related-list").inner_text()
    page.close()


@pytest.mark.parametrize("width", [390, 1366])
def test_the_factors_and_report_pages_fit_the_screen(browser: Any, base_url: str, ctx, people: None, width: int) -> None:  # type: ignore[no-untyped-def]
    build_history(ctx)
    page = signed_in(browser, base_url)
    page.set_viewport_size({"width": width, "height": 900})
    for path, name in (("/insights/factors", "factors"), ("/reports/2025-Q3", "report"), ("/reports", "reports")):
        page.goto(base_url + path)
        assert page.evaluate("() => document.documentElement.scrollWidth - document.documentElement.clientWidth") <= 0, path
        _shot(page, f"{name}-{width}")
    page.goto(base_url + "/reports/2025-Q3")
    assert page.locator("svg[role=img]").count() >= 1 and "Repeats" in page.inner_text("main")
    page.close()
