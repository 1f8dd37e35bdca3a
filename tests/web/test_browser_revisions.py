"""In a real browser: an edit after approval returns the postmortem to review,
and readers of a revised postmortem see the published revision."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from cairn.services.context import Context
from cairn.services.editing import save_section
from cairn.services.portable import import_document
from cairn.services.review import decide, publish, request_review
from tests.services.test_completeness import COMPLETE
from tests.web.personas import signed_in
from tests.owners import known_owners


@pytest.fixture(autouse=True)
def _owner_account(ctx) -> None:  # type: ignore[no-untyped-def]
    known_owners(ctx, "alice")  # owns the action item of the documents these tests import

pytestmark = pytest.mark.browser


def test_an_edit_after_approval_in_the_editor_sends_the_postmortem_back_to_review(
    browser: Any, base_url: str, ctx: Context, people: None
) -> None:
    key = import_document(ctx, COMPLETE).key
    request_review(ctx, key, ["member"])
    page = signed_in(browser, base_url, "member")
    page.goto(f"{base_url}/incidents/{key}/postmortem")
    page.get_by_role("button", name="Approve").click()
    assert page.locator("#review-h").inner_text() == "Review approved"
    page.locator("#section-summary textarea").fill("Card payments failed for 72 minutes in two regions.")
    page.get_by_role("button", name="Save summary").click()
    page.wait_for_load_state()
    page.goto(f"{base_url}/incidents/{key}/postmortem")
    assert page.locator("#review-h").inner_text() == "Review in review"
    assert "pending" in page.locator("#review ul.people").inner_text()
    assert page.get_by_role("button", name="Approve").is_visible()  # member has to look again
    page.close()


@pytest.mark.parametrize("width", [390, 1366])
def test_a_reader_of_a_revised_postmortem_sees_the_published_revision_and_the_diff_without_sideways_scrolling(
    browser: Any, base_url: str, ctx: Context, people: None, width: int, tmp_path: Path
) -> None:
    key = import_document(ctx, COMPLETE).key
    request_review(ctx, key, ["member"])
    decide(ctx.acting_as("member"), key, approve=True)
    publish(ctx.acting_as("member"), key)
    save_section(ctx, key, "summary", "Card payments failed for 72 minutes in two regions, " + "and a very long sentence " * 8, base=None)
    page = signed_in(browser, base_url, "reader")
    page.set_viewport_size({"width": width, "height": 900})
    page.goto(f"{base_url}/incidents/{key}")
    notice = page.locator("#newer-draft")
    assert notice.is_visible() and "published revision 1" in notice.inner_text()
    notice.get_by_role("link", name="published revision 1").click()
    page.wait_for_url(f"{base_url}/incidents/{key}/postmortem/revisions/1")
    assert page.get_by_text("A newer draft of this postmortem exists").is_visible()
    assert page.locator("article.revision").get_by_text("Card payments failed for 72 minutes.").is_visible()
    page.get_by_role("link", name="See what changed").click()
    page.wait_for_url(f"{base_url}/incidents/{key}/postmortem/revisions")
    assert page.locator("pre.diff ins").first.inner_text().startswith("+Card payments failed for 72 minutes in two regions")
    assert page.locator("pre.diff del").first.inner_text() == "-Card payments failed for 72 minutes."
    page.screenshot(path=str(tmp_path / f"revisions-{width}.png"), full_page=True)
    overflow = page.evaluate("document.documentElement.scrollWidth - document.documentElement.clientWidth")
    assert overflow <= 0
    page.close()
