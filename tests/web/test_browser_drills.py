"""A drill in Chromium with two signed-in people: the game master reveals, the
responder's page shows it without a reload and never holds a hidden fact, and
the debrief sets both timelines side by side."""

from __future__ import annotations

import os
from typing import Any

from cairn.services.context import Context
from tests.web.test_browser_mywork import _overflows, _sign_in
from tests.web.test_drills_api import TRIGGER, _incident

SHOTS = os.environ.get("CAIRN_SCREENSHOTS")
HIDDEN = (TRIGGER, "Rolled back release 2026.11.3", "Support: card payments fail")


def test_a_reveal_reaches_the_responder_live_and_the_debrief_shows_both_timelines(
    browser: Any, base_url: str, ctx: Context, people: None
) -> None:
    key = _incident(ctx)
    gm = _sign_in(browser, base_url, "member")
    gm.wait_for_url(base_url + "/mine")
    gm.goto(base_url + "/drills")
    gm.get_by_label("Incident", exact=True).fill(key)
    gm.get_by_label("Responders").fill("outsider")
    gm.get_by_role("button", name="Draft the drill").click()
    gm.wait_for_url(base_url + "/drills/1")
    gm.get_by_role("button", name="Start the clock").click()
    gm.wait_for_url(base_url + "/drills/1")

    responder = _sign_in(browser, base_url, "outsider")
    responder.wait_for_url(base_url + "/mine")
    responder.goto(base_url + "/drills/1")
    shown = responder.locator("#drill-shown")
    assert shown.locator("li").count() == 0
    html = responder.content()
    for secret in HIDDEN:
        assert secret not in html, secret

    gm.get_by_role("button", name="Reveal 1").click()
    shown.get_by_text("Support: card payments fail").wait_for(timeout=10_000)  # no reload: the page polls
    assert responder.evaluate("performance.getEntriesByType('navigation').length") == 1
    html = responder.content()
    assert TRIGGER not in html and "Rolled back release 2026.11.3" not in html

    responder.get_by_label("What you checked, think or did").fill("#decision roll back the release")
    responder.get_by_role("button", name="Log").click()
    responder.locator("#drill-log").get_by_text("roll back the release").wait_for()
    gm.locator("#drill-log").get_by_text("roll back the release").wait_for(timeout=10_000)

    gm.get_by_role("button", name="Mark mitigated").click()
    gm.get_by_role("button", name="End and debrief").click()
    gm.wait_for_url(base_url + "/drills/1#debrief")
    timelines = gm.locator("#debrief-timelines")
    assert "roll back the release" in timelines.inner_text() and "Rolled back release 2026.11.3" in timelines.inner_text()
    responder.get_by_role("heading", name="Debrief").wait_for(timeout=10_000)  # the responder's page follows into the debrief
    assert TRIGGER in responder.content()

    for width in (390, 1366):
        for page in (gm, responder):
            page.set_viewport_size({"width": width, "height": 900})
            wide = page.evaluate("""() => [...document.querySelectorAll('body *')].filter(e => e.getBoundingClientRect().right > document.documentElement.clientWidth + 1).slice(0, 5).map(e => e.tagName + '.' + e.className + ' ' + (e.textContent || '').slice(0, 40))""")
            assert not _overflows(page), f"the drill page scrolls sideways at {width} px: {wide}"
        if SHOTS:
            gm.screenshot(path=f"{SHOTS}/drill-debrief-{width}.png", full_page=True)
    gm.goto(base_url + "/drills")
    assert not _overflows(gm)
