"""A real browser walks from the incident list to an incident's timeline.

Drives the system Chromium through Playwright against the app served by
uvicorn on a free local port. Without Chromium or Playwright the test is
skipped, except in CI (CI=true), where a missing browser is a failure.
"""

from __future__ import annotations

from typing import Any

import pytest

from cairn.services.context import Context
from tests.web.personas import signed_in

pytestmark = pytest.mark.browser


def test_a_reader_opens_an_incident_from_the_list_and_sees_its_timeline(
    browser: Any, base_url: str, outage: str, people: None
) -> None:
    page = signed_in(browser, base_url, "reader")
    problems: list[str] = []
    elsewhere: list[str] = []
    page.on("console", lambda message: problems.append(message.text) if message.type == "error" else None)
    page.on("request", lambda request: None if request.url.startswith(base_url) else elsewhere.append(request.url))

    page.reload()
    assert page.title() == "Incidents · Cairn"
    page.get_by_role("link", name=outage, exact=True).click()
    page.wait_for_url(f"{base_url}/incidents/{outage}")

    timeline = page.locator("#timeline")
    assert timeline.is_visible()
    assert timeline.locator("#timeline-body").get_by_text("payments-api config v142 rolled out").is_visible()
    assert timeline.locator("tbody tr").count() == 6
    assert page.get_by_role("heading", name="Durations").is_visible()
    assert problems == []  # no missing files, no policy violations
    assert elsewhere == []  # nothing fetched from outside
    page.close()


def test_a_lint_finding_explains_itself_on_keyboard_focus(browser: Any, base_url: str, ctx: Context, people: None) -> None:
    from cairn.services.portable import import_document

    key = import_document(
        ctx,
        "---\ntitle: Focus\nseverity: SEV3\nmoments: {started: 2026-01-01T10:00:00Z}\n---\n"
        "## What went wrong\n\nThe deploy was obviously risky.\n",
    ).key
    page = signed_in(browser, base_url)
    page.goto(f"{base_url}/incidents/{key}")
    mark = page.locator("mark.lint").first
    tip = mark.locator(".lint-tip")
    assert mark.inner_text().startswith("obviously")
    assert not tip.is_visible()
    for _ in range(400):  # tab through the page until the mark has focus
        page.keyboard.press("Tab")
        if mark.evaluate("node => node === document.activeElement"):
            break
    assert mark.evaluate("node => node === document.activeElement")
    assert tip.is_visible()
    assert "Drop the word" in tip.inner_text()
    page.close()
