"""The postmortem editor in a real browser never loses typed text: drafts
stay in the browser until saved, leaving asks first, "Save all" saves every
changed section, and blameless-language findings appear while writing."""

from __future__ import annotations

from typing import Any

import pytest

from cairn.services.context import Context
from cairn.services.incidents import show_incident
from tests.web.personas import signed_in

pytestmark = pytest.mark.browser


def editor(browser: Any, base_url: str, key: str) -> Any:
    page = signed_in(browser, base_url)
    page.goto(f"{base_url}/incidents/{key}/postmortem")
    return page


def test_typing_in_two_sections_and_saving_one_keeps_the_other_as_a_draft(
    browser: Any, base_url: str, ctx: Context, people: None, outage: str
) -> None:
    page = editor(browser, base_url, outage)
    page.locator("#section-went_well textarea").fill("Paging reached the right team at once.")
    page.locator("#section-surprises textarea").fill("The canary passed although the config was bad.")
    page.get_by_role("button", name="Save what went well").click()
    page.wait_for_url("**/postmortem?saved=went_well#section-went_well")
    assert page.locator("#section-went_well .save-state").inner_text() == "Saved"
    assert page.locator("#section-surprises textarea").input_value() == "The canary passed although the config was bad."
    assert "restored" in page.locator("#section-surprises .save-state").inner_text()
    prose = show_incident(ctx, outage).postmortem.prose
    assert prose["went_well"].startswith("Paging reached the right team at once.")
    assert "canary passed" not in prose.get("surprises", "")

    page.get_by_role("button", name="Save where we got lucky").wait_for()  # the page is whole
    page.get_by_role("button", name="Save surprises").click()
    page.wait_for_url("**/postmortem?saved=surprises#section-surprises")
    assert show_incident(ctx, outage).postmortem.prose["surprises"].startswith("The canary passed although the config was bad.")
    page.reload()
    assert page.locator("#section-surprises .save-state").inner_text() == "Saved"  # no stale draft comes back
    assert page.locator("#save-all-bar").is_hidden()
    page.close()


def test_leaving_with_unsaved_text_asks_first(browser: Any, base_url: str, ctx: Context, people: None, outage: str) -> None:
    page = editor(browser, base_url, outage)
    page.locator("#section-surprises textarea").fill("Half a thought")
    asked: list[str] = []

    def answer(dialog: Any) -> None:
        asked.append(dialog.type)
        dialog.dismiss()  # stay on the page

    page.on("dialog", answer)
    page.get_by_role("link", name=outage).first.click()
    page.wait_for_timeout(500)
    assert asked == ["beforeunload"]
    assert page.url.endswith("/postmortem")
    assert page.locator("#section-surprises textarea").input_value() == "Half a thought"
    page.close()


def test_save_all_saves_every_changed_section_in_place(browser: Any, base_url: str, ctx: Context, people: None, outage: str) -> None:
    page = editor(browser, base_url, outage)
    page.locator("#section-got_lucky textarea").fill("The spike came at night.")
    page.locator("#section-surprises textarea").fill("Retries doubled the load.")
    assert page.locator("#section-surprises .save-state").inner_text() == "Not saved yet"
    page.get_by_role("button", name="Save all").click()
    page.locator("#save-all-state", has_text="Saved 2 sections.").wait_for()
    prose = show_incident(ctx, outage).postmortem.prose
    assert (prose["got_lucky"], prose["surprises"]) == ("The spike came at night.", "Retries doubled the load.")
    assert page.locator("#section-got_lucky .save-state").inner_text() == "Saved"
    # The page learnt the new versions: editing again and saving is no conflict.
    page.locator("#section-surprises textarea").fill("Retries tripled the load.")
    page.get_by_role("button", name="Save all").click()
    page.locator("#save-all-state", has_text="Saved 1 section.").wait_for()
    assert show_incident(ctx, outage).postmortem.prose["surprises"] == "Retries tripled the load."
    page.close()


def test_blameful_wording_is_pointed_out_under_the_section_while_typing(
    browser: Any, base_url: str, ctx: Context, people: None, outage: str
) -> None:
    page = editor(browser, base_url, outage)
    box = page.locator("#lint-surprises")
    page.locator("#section-surprises textarea").fill("")
    page.locator("#section-surprises textarea").type("The fix was obviously wrong.")
    box.locator("li").first.wait_for(timeout=10_000)
    assert "obviously" in box.inner_text()
    page.locator("#section-surprises textarea").fill("The fix did not cover the second region.")
    box.locator("li").first.wait_for(state="detached", timeout=10_000)
    page.close()


def test_removing_a_factor_asks_for_confirmation(browser: Any, base_url: str, ctx: Context, people: None, outage: str) -> None:
    page = editor(browser, base_url, outage)
    before = [f.label for f in show_incident(ctx, outage).factors]
    first = before[0]
    page.locator(f"#factor-{first} summary").click()
    questions: list[str] = []
    page.once("dialog", lambda dialog: (questions.append(dialog.message), dialog.dismiss()))
    page.get_by_role("button", name=f"Remove {first}").click()
    page.wait_for_timeout(300)
    assert questions and questions[0].startswith(f"Remove {first}")
    assert [f.label for f in show_incident(ctx, outage).factors] == before
    page.once("dialog", lambda dialog: dialog.accept())
    page.get_by_role("button", name=f"Remove {first}").click()
    page.wait_for_url("**/postmortem#factors")
    assert first not in [f.label for f in show_incident(ctx, outage).factors]
    page.close()
