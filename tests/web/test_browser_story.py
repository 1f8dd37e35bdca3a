"""The whole story of one incident, in a real browser, the way a team lives it:
open it, raise its severity, log four lines typed back to back, correct one and
delete another, import a log file and undo the import, write the postmortem
with one "Save all", have a colleague review it, see an edit after approval
send it back to review, publish, and find it all on My work and in the inbox.

Every step goes through the pages; the database is only read to check what a
page claims. Runs on SQLite and, in CI, on PostgreSQL like every test.
"""

from __future__ import annotations

from datetime import date, timedelta
from pathlib import Path
from typing import Any

import pytest
from playwright.sync_api import expect

from cairn.domain.times import now_utc
from cairn.services.context import Context
from cairn.services.incidents import show_incident
from tests.web.personas import signed_in

pytestmark = pytest.mark.browser

LINES = [
    "#alert p99 latency alert for checkout",
    "@member #action restartd checkout-2",
    "#note pasted into the wrong incident",
    "#mitigation rolled back the deploy",
]
SECTIONS = {
    "summary": "Checkout answered 502 for a share of card payments for about 40 minutes.",
    "impact": "About 1,200 payments failed; customers could retry.",
    "resolution": "Rolling back the deploy restored checkout.",
    "went_well": "The alert fired within two minutes.",
    "went_wrong": "The deploy pipeline had no canary stage for config.",
}


def _log_file(path: Path) -> Path:
    """Three lines of an application log from the last hour, in UTC."""
    start = now_utc() - timedelta(minutes=50)
    lines = [
        f"{(start + timedelta(minutes=minute)).strftime('%Y-%m-%dT%H:%M:%SZ')} {level} {text}"
        for minute, level, text in [(1, "WARN", "pool at 90%"), (2, "ERROR", "pool exhausted"), (3, "ERROR", "upstream timeout")]
    ]
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


def test_one_incident_from_opening_to_a_published_postmortem(
    browser: Any, base_url: str, ctx: Context, people: None, tmp_path: Path
) -> None:
    author = signed_in(browser, base_url, "member")
    problems: list[str] = []
    author.on("console", lambda message: problems.append(message.text) if message.type == "error" else None)

    # Open it.
    author.goto(base_url + "/new")
    author.get_by_label("What is happening").fill("Checkout answers 502 for card payments")
    author.get_by_label("Severity").select_option("SEV3")
    author.get_by_label("Services (comma-separated)").fill("checkout")
    author.locator("input[name=started]").fill("-1h")
    author.get_by_role("button", name="Open incident").click()
    author.wait_for_url(f"{base_url}/incidents/INC-1")
    key = "INC-1"

    # Raise the severity; the timeline says when.
    author.get_by_text("Edit details").click()
    author.locator("#edit-incident select[name=severity]").select_option("SEV2")
    author.get_by_role("button", name="Save details").click()
    author.wait_for_url(f"{base_url}/incidents/{key}")
    expect(author.locator("#timeline-body .event-text").get_by_text("severity SEV3 → SEV2")).to_be_visible()

    # Four lines typed back to back at full speed: all saved, in order, no reload.
    line = author.get_by_label("Add an event")
    line.click()
    author.keyboard.type("\n".join(LINES) + "\n")
    for text in ("p99 latency alert for checkout", "restartd checkout-2", "pasted into the wrong incident", "rolled back the deploy"):
        author.locator("#timeline-body .event-text").get_by_text(text, exact=True).wait_for(timeout=15_000)
    assert line.input_value() == ""
    by_text = {event.text: event for event in show_incident(ctx, key).timeline}
    assert by_text["restartd checkout-2"].actor == "member" and by_text["rolled back the deploy"].kind == "mitigation"

    # Correct the typo and delete the stray line (on rows the page added itself).
    typo, stray = by_text["restartd checkout-2"].id, by_text["pasted into the wrong incident"].id
    author.get_by_label(f"Edit or delete event {typo}").click()
    change = author.locator(f"#event-{typo}-change")
    change.locator("[name=text]").fill("restarted checkout-2")
    with author.expect_navigation():
        change.get_by_role("button", name="Save event").click()
    expect(author.locator("#timeline-body .event-text").get_by_text("restarted checkout-2", exact=True)).to_be_visible()
    author.get_by_label(f"Edit or delete event {stray}").click()
    stray_row = author.locator(f"#event-{stray}-change")
    stray_row.get_by_text("Delete…").click()
    with author.expect_navigation():
        stray_row.get_by_role("button", name=f"Yes, delete event {stray}").click()
    expect(author.locator("#timeline-body .event-text").get_by_text("pasted into the wrong incident")).to_have_count(0)

    # Import a log file, then undo exactly that import.
    author.get_by_text("Import alerts, pager logs, chat or log files").click()
    author.locator(".import-box input[type=file]").set_input_files(str(_log_file(tmp_path / "checkout.log")))
    author.locator(".import-box select[name=source]").select_option("log")
    author.locator(".import-box").get_by_role("button", name="Import").click()
    author.locator("#import-list .import-file", has_text="checkout.log").wait_for(timeout=30_000)
    expect(author.locator("#timeline-body .event-text").get_by_text("pool exhausted")).to_be_visible()
    assert sum(1 for e in show_incident(ctx, key).timeline if e.source == "log") == 3
    author.get_by_label("Undo the import of checkout.log").click()
    with author.expect_navigation():
        author.get_by_role("button", name="Remove 3 events").click()
    expect(author.locator("#timeline-body .event-text").get_by_text("pool exhausted")).to_have_count(0)
    assert not any(e.source == "log" for e in show_incident(ctx, key).timeline)

    # Resolve at the time the page proposes (the latest mitigation logged).
    with author.expect_navigation():
        author.get_by_role("button", name="Resolve").click()
    assert show_incident(ctx, key).status == "resolved"

    # Write the postmortem: every section typed, one "Save all".
    author.get_by_role("link", name="Edit postmortem").click()
    author.wait_for_url(f"{base_url}/incidents/{key}/postmortem")
    for section, text in SECTIONS.items():
        author.locator(f"#section-{section} textarea").fill(text)
    author.get_by_role("button", name="Save all").click()
    author.locator("#save-all-state", has_text=f"Saved {len(SECTIONS)} sections.").wait_for(timeout=15_000)
    assert show_incident(ctx, key).postmortem.prose["went_wrong"] == SECTIONS["went_wrong"]
    author.reload()
    impact = author.locator("#impact")
    impact.get_by_label("Users affected").fill("1200")
    impact.get_by_label("Impact duration (min)").fill("40")
    with author.expect_navigation():
        impact.get_by_role("button", name="Save impact").click()
    adding = author.locator("details.factor-edit.add")
    if adding.get_attribute("open") is None:  # open by itself while there is no factor
        adding.locator("summary").click()
    factor = author.locator("#factor-add")
    factor.get_by_label("Description").fill("Config changes skip the canary stage")
    factor.get_by_label("Why 1").fill("Why did the bad config reach every host?")
    factor.get_by_label("Because 1").fill("Config pushes bypass the canary")
    factor.get_by_role("button", name="Add factor").click()
    author.wait_for_url(f"{base_url}/incidents/{key}/postmortem#factors")
    adder = author.locator("#action-add")
    adder.get_by_label("New action item").fill("Route config pushes through the canary")
    adder.get_by_label("Owner").fill("member")
    adder.get_by_label("Due").fill((date.today() + timedelta(days=14)).isoformat())
    adder.get_by_label("Priority").select_option("P1")
    adder.get_by_role("button", name="Add action item").click()
    author.wait_for_url(f"{base_url}/incidents/{key}/postmortem#action-items")

    # Ask a colleague to review; they find it on My work and in their inbox.
    author.get_by_label("Reviewers (usernames, comma-separated)").fill("outsider")
    author.get_by_role("button", name="Send to review").click()
    author.wait_for_url(f"{base_url}/incidents/{key}/postmortem#review")
    reviewer = signed_in(browser, base_url, "outsider")
    reviewer.get_by_role("link", name="My work").first.click()
    expect(reviewer.locator("h1")).to_have_text("My work")
    waiting = reviewer.locator("section", has=reviewer.locator("#h-reviews"))
    expect(waiting.get_by_role("link", name=key).first).to_be_visible()
    reviewer.goto(base_url + "/inbox")
    expect(reviewer.locator("main")).to_contain_text(key)
    expect(reviewer.locator("main")).to_contain_text("review")
    reviewer.goto(f"{base_url}/incidents/{key}/postmortem")
    reviewer.get_by_role("button", name="Approve").click()
    reviewer.wait_for_url(f"{base_url}/incidents/{key}/postmortem#review")
    assert show_incident(ctx, key).postmortem.status == "approved"

    # An edit after approval sends it back: the approval was for the old text.
    author.goto(f"{base_url}/incidents/{key}/postmortem")
    author.locator("#section-summary textarea").fill(SECTIONS["summary"] + " Card payments in two regions.")
    with author.expect_navigation():
        author.get_by_role("button", name="Save summary").click()
    author.goto(f"{base_url}/incidents/{key}/postmortem")
    expect(author.locator("#review-h")).to_have_text("Review in review")
    assert show_incident(ctx, key).postmortem.status == "in review"
    reviewer.goto(f"{base_url}/incidents/{key}/postmortem")
    reviewer.get_by_role("button", name="Approve").click()
    reviewer.wait_for_url(f"{base_url}/incidents/{key}/postmortem#review")

    # Publish; the author is told of each approval and sees it on My work.
    author.goto(f"{base_url}/incidents/{key}/postmortem")
    author.get_by_role("button", name="Publish").click()
    author.wait_for_url(f"{base_url}/incidents/{key}/postmortem#review")
    assert show_incident(ctx, key).postmortem.status == "published"
    author.goto(base_url + "/inbox")
    expect(author.locator("main")).to_contain_text("approved")
    author.goto(base_url + "/mine")
    expect(author.locator("main")).to_contain_text("Route config pushes through the canary")  # my open action item
    author.goto(base_url + "/postmortems")
    expect(author.locator("article.published").first).to_contain_text(key)
    assert problems == []
    author.close()
    reviewer.close()
