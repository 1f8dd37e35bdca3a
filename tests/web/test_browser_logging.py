"""Logging during an incident in a real browser: the quick line keeps up with a
responder typing at full speed, shortcuts stay out of the way, and key
moments are marked from the rows themselves."""

from __future__ import annotations

import time
from datetime import UTC, datetime, timedelta

from typing import Any

import pytest
from playwright.sync_api import expect

from cairn.services.context import Context
from cairn.services.incidents import open_incident, show_incident
from cairn.services.timeline import log_event
from tests.web.personas import signed_in

pytestmark = pytest.mark.browser

def _lines() -> list[str]:
    """Four quick lines whose clock times are earlier today (a time of day later than now is refused),
    whatever the hour the test runs at."""
    now = datetime.now(UTC)
    if now.hour == 0 and now.minute < 4:
        time.sleep((4 - now.minute) * 60)
        now = datetime.now(UTC)
    base = max(now - timedelta(minutes=10), now.replace(hour=0, minute=0, second=0, microsecond=0))
    at = [f"{(base + timedelta(minutes=m)):%H:%M}" for m in (0, 1, 3)]
    return [f"{at[0]} #alert p99 latency alert", f"{at[1]} @member #action restarted db-2",
            "e then typed a line that starts with the shortcut key", f"{at[2]} #mitigation rolled back the deploy"]


def test_four_lines_typed_back_to_back_are_all_saved_and_focus_stays_in_the_field(
    browser: Any, base_url: str, ctx: Context, people: None
) -> None:
    key = open_incident(ctx, "Checkout slow", severity="SEV2", timezone="UTC", started="2026-11-01T10:00:00+00:00").key
    page = signed_in(browser, base_url)
    loads: list[str] = []
    page.on("load", lambda _page: loads.append("load"))
    page.goto(f"{base_url}/incidents/{key}")
    field = page.locator("#add-event input[name=line]")
    field.click()
    loads.clear()
    page.keyboard.type("\n".join(_lines()) + "\n")  # no pause between lines
    expect(page.locator("#timeline-body tr")).to_have_count(4, timeout=15000)  # no eval: the page's CSP forbids it
    assert loads == []  # no reload
    assert field.evaluate("node => node === document.activeElement")
    assert field.input_value() == ""
    timeline = show_incident(ctx, key).timeline
    assert sorted(e.text for e in timeline) == sorted(
        ["p99 latency alert", "restarted db-2", "e then typed a line that starts with the shortcut key", "rolled back the deploy"]
    )
    assert {e.text: (e.kind, e.actor) for e in timeline}["restarted db-2"] == ("action", "member")
    assert page.locator("#timeline-body").get_by_text("rolled back the deploy").is_visible()
    page.close()


def test_a_refused_line_comes_back_into_the_field_with_the_reason(browser: Any, base_url: str, ctx: Context, people: None) -> None:
    key = open_incident(ctx, "Checkout slow", severity="SEV2", timezone="UTC").key
    page = signed_in(browser, base_url)
    page.goto(f"{base_url}/incidents/{key}")
    field = page.locator("#add-event input[name=line]")
    field.click()
    page.keyboard.type("#oops restarted\n")
    status = page.locator("#quick-status")
    status.get_by_text("unknown event kind 'oops'").wait_for()
    assert field.input_value() == "#oops restarted"
    assert show_incident(ctx, key).timeline == []
    page.close()


def test_the_e_shortcut_works_outside_fields_and_never_while_typing_in_one(browser: Any, base_url: str, ctx: Context, people: None) -> None:
    key = open_incident(ctx, "Checkout slow", severity="SEV2", timezone="UTC").key
    page = signed_in(browser, base_url)
    page.goto(f"{base_url}/incidents/{key}")
    page.locator("#people-h").click()  # focus on nothing editable
    page.keyboard.press("e")
    line = page.locator("#add-event input[name=line]")
    assert line.evaluate("node => node === document.activeElement")
    username = page.locator("input[name=username]")
    username.click()
    page.keyboard.type("eve")
    assert username.input_value() == "eve"
    assert line.input_value() == ""
    page.close()


def test_a_key_moment_is_marked_on_its_row_confirmed_and_shown_there(browser: Any, base_url: str, ctx: Context, people: None) -> None:
    key = open_incident(ctx, "Checkout slow", severity="SEV2", timezone="UTC", started="2026-11-01T10:00:00+00:00").key
    log_event(ctx, key, "p99 alert", kind="alert", at="2026-11-01T10:05:00+00:00")
    page = signed_in(browser, base_url)
    page.goto(f"{base_url}/incidents/{key}")
    row = page.locator("#timeline-body tr").first
    row.get_by_label("mark 10:05 'p99 alert' as a key moment").click()
    row.get_by_role("button", name="mark 10:05 'p99 alert' as detected").click()
    page.wait_for_url(f"**/incidents/{key}?marked=detected*")
    assert "“detected” now has the time of event" in page.locator("#confirmation").inner_text()
    assert page.locator("#timeline-body tr").first.locator(".chip-moment").inner_text() == "detected"
    assert show_incident(ctx, key).moments.detected is not None
    page.close()


def test_a_row_the_live_feed_adds_has_an_edit_control_that_saves(browser: Any, base_url: str, ctx: Context, people: None) -> None:
    key = open_incident(ctx, "Checkout slow", severity="SEV2", timezone="Europe/Berlin", started="2026-11-01T10:00:00+01:00").key
    page = signed_in(browser, base_url)
    page.goto(f"{base_url}/incidents/{key}")
    added = log_event(ctx, key, "restarted db-2 from the console", kind="action", at="2026-11-01 10:05:30", actor="member").event
    row = page.locator(f"#event-{added.id}")
    row.wait_for(timeout=15000)  # brought by the feed, not by a reload
    change = row.locator("details.event-change")
    change.locator(":scope > summary").click()
    assert change.locator(":scope > summary").get_attribute("aria-label") == f"Edit or delete event {added.id}"
    assert change.locator("input[name=at]").input_value() == "2026-11-01 10:05:30"
    assert change.locator("select[name=kind]").input_value() == "action"
    assert change.locator("input[name=actor]").input_value() == "member"
    change.locator("input[name=text]").fill("restarted db-3 from the console")
    change.get_by_role("button", name="Save event").click()
    page.wait_for_load_state()
    page.locator("#timeline-body").get_by_text("restarted db-3 from the console").wait_for()
    [event] = show_incident(ctx, key).timeline
    assert (event.id, event.text, event.kind, event.actor) == (added.id, "restarted db-3 from the console", "action", "member")
    page.close()


def test_a_pdf_download_says_it_is_being_prepared_and_hands_over_the_file(
    browser: Any, base_url: str, ctx: Context, people: None, tmp_path: Any
) -> None:
    pytest.importorskip("weasyprint")
    key = open_incident(ctx, "Checkout slow", severity="SEV2", timezone="UTC", started="2026-11-01T10:00:00+00:00").key
    log_event(ctx, key, "p99 latency alert", kind="alert", at="2026-11-01 10:01")
    page = signed_in(browser, base_url)
    page.goto(f"{base_url}/incidents/{key}")
    link = page.locator('a[data-format="pdf"]').first
    with page.expect_download(timeout=60000) as download_info:
        link.click()
        expect(page.locator(".export-status").first).to_contain_text("PDF")
    download = download_info.value
    assert download.suggested_filename == f"{key}-postmortem.pdf"
    saved = tmp_path / "out.pdf"
    download.save_as(saved)
    assert saved.read_bytes().startswith(b"%PDF")
    expect(page.locator(".export-status").first).to_contain_text("PDF ready")
    page.close()
