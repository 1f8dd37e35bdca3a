"""Drafting in Chromium: the button fills the empty sections, a written one keeps its text
with the draft beside it, and a citation shows the cited event on hover."""

from __future__ import annotations

import os
from typing import Any

from cairn.services.context import Context
from cairn.services.editing import save_section
from cairn.services.incidents import show_incident
from tests.drafts.records import make_outage
from tests.web.test_access import acting
from tests.web.test_browser_mywork import _overflows, _sign_in

SHOTS = os.environ.get("CAIRN_SCREENSHOTS")


def test_drafting_from_the_editor_cites_the_record_and_keeps_written_text(
    browser: Any, base_url: str, ctx: Context, people: None
) -> None:
    member = acting(ctx, "member")
    key = make_outage(member)
    save_section(member, key, "summary", "Checkout failed for about an hour (the facilitator's words).", base=None)
    page = _sign_in(browser, base_url, "member")
    page.wait_for_url(base_url + "/mine")
    page.goto(f"{base_url}/incidents/{key}/postmortem")
    page.get_by_role("button", name="Draft from the record").click()
    page.locator("#draft-result").wait_for()
    assert "5 empty sections filled, 1 suggestion beside written text" in page.content()

    summary = page.locator("#section-summary")
    assert "the facilitator's words" in summary.locator("textarea").input_value()
    assert summary.locator(".suggestion").count() == 1

    mitigation = next(e for e in show_incident(ctx, key).timeline if e.kind == "mitigation")
    cite = page.locator(f'#section-resolution a.cite[href$="/events/{mitigation.id}"]').first
    cite.hover()
    title = cite.get_attribute("title") or ""
    assert "14:52 CET" in title and "Rollback to 4.2.0 complete" in title

    for width in (390, 1366):
        page.set_viewport_size({"width": width, "height": 900})
        assert not _overflows(page), f"the editor scrolls sideways at {width} px"
        if SHOTS:
            page.screenshot(path=f"{SHOTS}/draft-editor-{width}.png", full_page=True)
            page.locator("#drafting").screenshot(path=f"{SHOTS}/draft-result-{width}.png")
            summary.screenshot(path=f"{SHOTS}/draft-suggestion-{width}.png")

    summary.get_by_role("button", name="Replace the section with it").click()
    page.get_by_text("Summary: the drafted text was accepted.").wait_for()
    assert "[moment: started]" in show_incident(ctx, key).postmortem.prose["summary"]
