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


TOUR = ["/", "/new", "/incidents/{key}", "/incidents/{key}/postmortem", "/incidents/{key}/agenda", "/actions",
        "/postmortems", "/search?q=checkout", "/insights/factors", "/reports", "/reports/2026-Q1", "/account", "/admin/users", "/signin"]


@pytest.mark.parametrize("width", [390, 1366])
def test_no_page_of_the_tour_scrolls_sideways(browser: Any, base_url: str, outage: str, people: None, width: int) -> None:
    page = signed_in(browser, base_url)
    page.set_viewport_size({"width": width, "height": 900})
    wide: list[str] = []
    for path in TOUR:
        page.goto(base_url + path.format(key=outage))
        overflow = page.evaluate(
            "() => document.documentElement.scrollWidth - document.documentElement.clientWidth"
        )
        # A card's content wider than the card overflows it even when the page does not.
        spill = page.evaluate(
            """() => [...document.querySelectorAll('.card, main > section, main > form')]
                 .filter(el => el.scrollWidth > el.clientWidth + 1 && getComputedStyle(el).overflowX === 'visible')
                 .map(el => (el.id || el.className))"""
        )
        if overflow > 0 or spill:
            culprits = page.evaluate(
                """() => [...document.querySelectorAll('body *')]
                     .filter(el => el.getBoundingClientRect().right > document.documentElement.clientWidth + 1)
                     .filter(el => ![...el.children].some(c => c.getBoundingClientRect().right > document.documentElement.clientWidth + 1))
                     .slice(0, 6).map(el => el.tagName.toLowerCase() + '.' + el.className + ' ' + Math.round(el.getBoundingClientRect().width))"""
            )
            wide.append(f"{path}: {overflow}px {spill} {culprits}")
    assert wide == [], "\n".join(wide)
    page.close()
