"""Log levels in Chromium: a log imported through the page's form shows each
line's level as a badge, error rows stand out from info rows, and the level
filter works from the form; screenshots at 390 and 1366 px when
CAIRN_SCREENSHOTS names a folder."""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

import pytest
from playwright.sync_api import expect

from cairn.services.context import Context
from cairn.services.incidents import open_incident, show_incident
from cairn.services.timeline import log_event
from tests.web.personas import PASSWORD

pytestmark = pytest.mark.browser

SHOTS = os.environ.get("CAIRN_SCREENSHOTS")
LOG = (
    "2026-11-23T14:01:00Z INFO request served in 40 ms\n"
    "2026-11-23T14:02:00Z WARN pool at 90%\n"
    "2026-11-23T14:03:00Z ERROR pool exhausted, requests queue\n"
    "2026-11-23T14:04:00Z INFO retrying\n"
    "2026-11-23T14:05:00Z CRITICAL checkout down for card payments\n"
)


def _page(browser: Any, base_url: str, width: int) -> Any:
    page = browser.new_page(viewport={"width": width, "height": 900})
    page.goto(base_url + "/signin")
    page.get_by_label("Username").fill("admin")
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    page.wait_for_url(base_url + "/mine")
    return page


def test_a_log_imported_on_the_page_shows_levels_marks_errors_and_filters_by_level(
    browser: Any, base_url: str, ctx: Context, people: None, tmp_path: Path
) -> None:
    key = open_incident(ctx, "Checkout 502", severity="SEV2", timezone="Europe/Berlin", started="2026-11-23T14:00Z").key
    log_event(ctx, key, "restarted db-2", kind="action", at="2026-11-23T14:06Z", actor="alice")
    log = tmp_path / "checkout.log"
    log.write_text(LOG, encoding="utf-8")
    page = _page(browser, base_url, 1366)
    problems: list[str] = []
    page.on("console", lambda message: problems.append(message.text) if message.type == "error" else None)
    page.goto(f"{base_url}/incidents/{key}")
    page.get_by_text("Import alerts, pager logs, chat or log files").click()
    box = page.locator(".import-box")
    assert box.locator("input[name=since]").input_value() == "2026-11-23 14:00"  # an hour before the start, in Berlin
    assert box.locator("input[name=until]").input_value() == "now"
    assert box.locator("input[name=tz]").input_value() == "Europe/Berlin"
    box.locator("input[type=file]").set_input_files(str(log))
    box.get_by_label("Lowest level kept").select_option("info")
    box.get_by_label("Log format").select_option("iso")
    with page.expect_navigation():
        box.get_by_role("button", name="Import").click()
    expect(page.locator("#confirmation")).to_contain_text("Imported checkout.log as log: 5 added")
    assert sum(1 for e in show_incident(ctx, key).timeline if e.level) == 5

    error = page.locator("#timeline-body tr", has_text="pool exhausted")
    info = page.locator("#timeline-body tr", has_text="request served")
    assert "level-severe" in (error.get_attribute("class") or "")
    assert "level-severe" not in (info.get_attribute("class") or "") and "level-warning" not in (info.get_attribute("class") or "")
    badge = error.locator(".level-badge")
    assert badge.text_content() == "✖error" and badge.evaluate("node => getComputedStyle(node).textTransform") == "uppercase"
    assert error.locator(".event-text").inner_text() == "pool exhausted, requests queue"  # the badge replaces "[ERROR]"
    weight = lambda row: int(row.locator(".event-text").evaluate("node => getComputedStyle(node).fontWeight"))  # noqa: E731
    assert weight(error) > weight(info)  # not colour alone: weight, the icon and the badge's words
    assert error.evaluate("node => getComputedStyle(node).backgroundColor") != info.evaluate("node => getComputedStyle(node).backgroundColor")
    warning = page.locator("#timeline-body tr", has_text="pool at 90%")
    assert "level-warning" in (warning.get_attribute("class") or "") and warning.locator(".level-icon").text_content() == "▲"
    if SHOTS:
        page.locator("#timeline").screenshot(path=f"{SHOTS}/levels-timeline-1366.png")

    filters = page.get_by_role("form", name="Filter the timeline")
    filters.get_by_label("Level").select_option("error")
    with page.expect_navigation():
        filters.get_by_role("button", name="Filter").click()
    rows = page.locator("#timeline-body tr")
    expect(rows).to_have_count(2)
    assert [row.locator(".level-badge").text_content() for row in rows.all()] == ["✖error", "✖critical"]
    assert "restarted db-2" not in page.locator("#timeline-body").inner_text()  # no level: left out, as the hint says
    assert "without a level" in page.locator("#level-hint").inner_text()
    assert page.url.endswith(f"/incidents/{key}?kind=&source=&level=error&q=#timeline")
    if SHOTS:
        page.screenshot(path=f"{SHOTS}/levels-filtered-1366.png", full_page=True)
    assert problems == []
    page.close()

    narrow = _page(browser, base_url, 390)
    narrow.goto(f"{base_url}/incidents/{key}?level=warning#timeline")
    expect(narrow.locator("#timeline-body tr")).to_have_count(3)
    assert narrow.evaluate("document.documentElement.scrollWidth <= document.documentElement.clientWidth + 1")
    if SHOTS:
        narrow.locator("#timeline").screenshot(path=f"{SHOTS}/levels-timeline-390.png")
        narrow.goto(f"{base_url}/incidents/{key}#import-box")
        narrow.get_by_text("Import alerts, pager logs, chat or log files").click()
        narrow.locator(".import-box").screenshot(path=f"{SHOTS}/levels-import-form-390.png")
    narrow.close()
