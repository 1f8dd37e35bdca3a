"""In Chromium: a responder raises the severity, corrects an event in place and deletes another
after confirming; the page fits at phone and laptop widths."""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

from cairn.services.context import Context
from cairn.services.incidents import open_incident, show_incident
from cairn.services.timeline import log_event
from tests.web.personas import signed_in

SHOTS = Path(os.environ.get("CAIRN_SCREENSHOTS", "/tmp/cairn-shots"))


def test_a_responder_escalates_corrects_and_deletes_from_the_incident_page(browser: Any, base_url: str, ctx: Context, people: None) -> None:
    key = open_incident(ctx, "Checkout 502", severity="SEV3", timezone="Europe/Berlin", started="2026-11-23T13:50+01:00").key
    typo = log_event(ctx, key, "restartd db-2", kind="note", at="2026-11-23 14:05").event.id
    extra = log_event(ctx, key, "pasted into the wrong incident", at="2026-11-23 14:06").event.id
    page = signed_in(browser, base_url, "member")
    page.goto(f"{base_url}/incidents/{key}")

    page.get_by_text("Edit details").click()
    page.locator("#edit-incident select[name=severity]").select_option("SEV1")
    page.get_by_role("button", name="Save details").click()
    page.wait_for_url(f"{base_url}/incidents/{key}")
    assert show_incident(ctx, key).severity == "SEV1"
    assert page.locator("#timeline-body .event-text").get_by_text("severity SEV3 → SEV1").is_visible()

    page.get_by_label(f"Edit or delete event {typo}").click()
    change = page.locator(f"#event-{typo}-change")
    change.locator("[name=text]").fill("restarted db-2")
    change.locator("select[name=kind]").select_option("action")
    change.get_by_role("button", name="Save event").click()
    page.wait_for_load_state()
    assert page.locator("#timeline-body .event-text").get_by_text("restarted db-2", exact=True).is_visible()

    page.get_by_label(f"Edit or delete event {extra}").click()
    row = page.locator(f"#event-{extra}-change")
    row.get_by_text("Delete…").click()
    SHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SHOTS / "event-delete-1366.png"))
    row.get_by_role("button", name=f"Yes, delete event {extra}").click()
    page.wait_for_load_state()
    assert page.locator("#timeline-body .event-text").get_by_text("pasted into the wrong incident").count() == 0
    texts = [e.text for e in show_incident(ctx, key).timeline]
    assert "pasted into the wrong incident" not in texts and "restarted db-2" in texts

    for width in (390, 1366):
        page.set_viewport_size({"width": width, "height": 900})
        page.get_by_text("Edit details").click() if not page.locator("#edit-incident").get_attribute("open") else None
        page.screenshot(path=str(SHOTS / f"incident-edit-{width}.png"), full_page=False)
        wide = page.evaluate(
            "[...document.querySelectorAll('#edit-incident, #edit-incident *, .t-mark details, .t-mark details *, .status-form, .status-form *')]"
            ".filter(e => e.getBoundingClientRect().right > document.documentElement.clientWidth + 1).map(e => e.outerHTML.slice(0, 80))"
        )
        assert wide == [], f"new controls reach past the right edge at {width}px: {wide}"
