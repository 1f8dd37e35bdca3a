"""Logging during an incident in a real browser: the quick line keeps up with a
responder typing at full speed, shortcuts stay out of the way, and key
moments are marked from the rows themselves."""

from __future__ import annotations

from typing import Any

import pytest
from playwright.sync_api import expect

from cairn.services.context import Context
from cairn.services.incidents import open_incident, show_incident
from cairn.services.timeline import log_event
from tests.web.personas import signed_in

pytestmark = pytest.mark.browser

LINES = [
    "10:01 #alert p99 latency alert",
    "10:02 @member #action restarted db-2",
    "e then typed a line that starts with the shortcut key",
    "10:04 #mitigation rolled back the deploy",
]


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
    page.keyboard.type("\n".join(LINES) + "\n")  # no pause between lines
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
