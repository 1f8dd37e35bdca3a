"""A responder works an incident in a real browser: sign in, open an incident,
log events (and see a colleague's appear live), edit a postmortem section with
its preview, add a contributing factor and an action item.

Drives the system Chromium through Playwright (fixtures in conftest.py).
"""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

import pytest

from cairn.services.context import Context
from cairn.services.incidents import show_incident
from cairn.services.timeline import log_event
from tests.web.personas import signed_in

pytestmark = pytest.mark.browser


def test_a_responder_opens_an_incident_and_logs_events_while_a_colleagues_appear_live(
    browser: Any, base_url: str, ctx: Context, people: None
) -> None:
    page = signed_in(browser, base_url, "member")
    problems: list[str] = []
    page.on("console", lambda message: problems.append(message.text) if message.type == "error" else None)
    page.goto(base_url + "/new")
    page.get_by_label("What is happening").fill("Checkout answers 502 for a share of users")
    page.get_by_label("Severity").select_option("SEV2")
    page.get_by_label("Services (comma-separated)").fill("checkout")
    page.get_by_role("button", name="Open incident").click()
    page.wait_for_url(f"{base_url}/incidents/INC-1")
    assert "Checkout answers 502" in page.locator("h1").inner_text()

    line = page.get_by_label("Add an event")
    line.fill("#action restarted checkout-2")
    line.press("Enter")  # one keystroke to add, no reload
    page.locator("#timeline-body").get_by_text("restarted checkout-2").wait_for(timeout=15_000)
    assert line.evaluate("node => node === document.activeElement")

    # Someone else logs from the CLI: the open page shows it without a reload.
    log_event(ctx.acting_as("outsider"), "INC-1", "error rate back under 1%", kind="mitigation")
    page.locator("#timeline-body").get_by_text("error rate back under 1%").wait_for(timeout=15_000)
    row = page.locator("#timeline-body tr", has_text="error rate back under 1%")
    assert "mitigation" in row.inner_text()

    # Mark the restart as the moment the incident was mitigated.
    restart = page.locator("#timeline-body tr", has_text="restarted checkout-2")
    restart.locator("summary", has_text="Mark").click()
    restart.get_by_role("button", name="as mitigated").click()
    page.wait_for_url(f"{base_url}/incidents/INC-1?marked=mitigated*")
    doc = show_incident(ctx, "INC-1")
    assert doc.status == "mitigated"
    assert doc.moments.mitigated == next(e.at for e in doc.timeline if e.text == "restarted checkout-2")
    assert problems == []
    page.close()


def test_a_responder_edits_a_section_with_a_live_preview_and_adds_a_factor_and_an_action_item(
    browser: Any, base_url: str, ctx: Context, people: None, outage: str
) -> None:
    page = signed_in(browser, base_url, "admin")
    page.goto(f"{base_url}/incidents/{outage}")
    page.get_by_role("link", name="Edit postmortem").click()
    page.wait_for_url(f"{base_url}/incidents/{outage}/postmortem")

    summary = page.locator("#section-summary textarea")
    summary.fill("Checkout failed for **12%** of payments.\n\n<img src=x onerror=alert(1)>")
    preview = page.locator("#preview-summary")
    preview.locator("strong", has_text="12%").wait_for(timeout=10_000)  # rendered while typing
    assert preview.locator("img[onerror]").count() == 0  # sanitised
    page.get_by_role("button", name="Save summary").click()
    page.wait_for_url(f"{base_url}/incidents/{outage}/postmortem?saved=summary#section-summary")
    assert show_incident(ctx, outage).postmortem.prose["summary"].startswith("Checkout failed for **12%**")

    page.get_by_text("Add a contributing factor").click()
    form = page.locator("#factor-add")
    form.get_by_label("Description").fill("Config changes skip the canary stage")
    form.get_by_label("Role").select_option("latent condition")
    form.get_by_label("Why 1").fill("Why did the bad config reach every host?")
    form.get_by_label("Because 1").fill("Config pushes bypass the canary")
    form.get_by_role("button", name="Add factor").click()
    page.wait_for_url(f"{base_url}/incidents/{outage}/postmortem#factors")

    due = (date.today() + timedelta(days=14)).isoformat()
    adder = page.locator("#action-add")
    adder.get_by_label("New action item").fill("Route config pushes through the canary")
    adder.get_by_label("Owner").fill("member")
    adder.get_by_label("Due").fill(due)
    adder.get_by_label("Priority").select_option("P1")
    adder.get_by_role("button", name="Add action item").click()
    page.wait_for_url(f"{base_url}/incidents/{outage}/postmortem#action-items")

    doc = show_incident(ctx, outage)
    factor = doc.factors[-1]
    assert factor.description == "Config changes skip the canary stage"
    assert [(w.question, w.answer) for w in factor.whys] == [("Why did the bad config reach every host?", "Config pushes bypass the canary")]
    item = doc.action_items[-1]
    assert (item.title, item.owner, item.due.isoformat(), item.priority) == ("Route config pushes through the canary", "member", due, "P1")

    page.goto(f"{base_url}/incidents/{outage}")
    assert page.get_by_text("Route config pushes through the canary").is_visible()
    page.close()


def test_the_second_of_two_editors_of_one_section_sees_both_versions_instead_of_overwriting(
    browser: Any, base_url: str, ctx: Context, people: None, outage: str
) -> None:
    first = signed_in(browser, base_url, "admin")
    second = signed_in(browser, base_url, "member")
    for page in (first, second):
        page.goto(f"{base_url}/incidents/{outage}/postmortem")
    first.locator("#section-resolution textarea").fill("Rolled back config v142.")
    first.get_by_role("button", name="Save resolution").click()
    first.wait_for_url(f"{base_url}/incidents/{outage}/postmortem?saved=resolution#section-resolution")

    second.locator("#section-resolution textarea").fill("Restarted the payments pods.")
    second.get_by_role("button", name="Save resolution").click()
    second.wait_for_load_state()
    assert "someone else saved this section" in second.locator("#editor-error").inner_text()
    assert second.locator("#conflict-theirs").inner_text() == "Rolled back config v142."
    assert second.locator("#conflict-yours").inner_text() == "Restarted the payments pods."
    assert show_incident(ctx, outage).postmortem.prose["resolution"] == "Rolled back config v142."

    # After merging, saving again is deliberate and goes through.
    second.locator("#section-resolution textarea").fill("Rolled back config v142, then restarted the payments pods.")
    second.get_by_role("button", name="Save resolution").click()
    second.wait_for_url(f"{base_url}/incidents/{outage}/postmortem?saved=resolution#section-resolution")
    assert show_incident(ctx, outage).postmortem.prose["resolution"].startswith("Rolled back config v142, then")


def test_a_postmortem_walks_from_draft_to_published_in_the_browser(
    browser: Any, base_url: str, ctx: Context, people: None, outage: str
) -> None:
    owner = signed_in(browser, base_url, "admin")
    owner.goto(f"{base_url}/incidents/{outage}/postmortem")
    owner.get_by_label("Reviewers (usernames, comma-separated)").fill("member")
    owner.get_by_role("button", name="Send to review").click()
    owner.wait_for_url(f"{base_url}/incidents/{outage}/postmortem#review")
    assert "in review" in owner.locator("#review").inner_text()

    reviewer = signed_in(browser, base_url, "member")
    reviewer.goto(f"{base_url}/incidents/{outage}/postmortem")
    reviewer.locator("#review").get_by_label("Comment", exact=True).fill("Clear timeline, thanks.")
    reviewer.locator("#review").get_by_role("button", name="Comment").click()
    reviewer.wait_for_url(f"{base_url}/incidents/{outage}/postmortem#review")
    reviewer.get_by_role("button", name="Approve").click()
    reviewer.wait_for_url(f"{base_url}/incidents/{outage}/postmortem#review")
    assert "approved" in reviewer.locator("#review").inner_text()

    owner.reload()
    owner.get_by_role("link", name="preview the public version").click()  # check what leaves the team
    owner.wait_for_url(f"{base_url}/incidents/{outage}/public")
    assert "redaction" in owner.locator("#redactions-h").inner_text()
    framed = owner.frame_locator("iframe.export-frame").locator("body")
    assert "Contributing factors" in framed.inner_text() and framed.locator("svg.timeline-chart").count() == 1
    owner.go_back()
    owner.get_by_label("Override reason (admins; only if checklist items still fail)").fill("language review pending with legal")
    owner.get_by_role("button", name="Publish").click()
    owner.wait_for_url(f"{base_url}/incidents/{outage}/postmortem#review")
    assert show_incident(ctx, outage).postmortem.status == "published"
    owner.goto(f"{base_url}/postmortems")
    assert outage in owner.locator("article.published").first.inner_text()
