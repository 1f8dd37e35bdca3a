"""My work, the inbox, the account and users pages in Chromium, as a person uses them."""

from __future__ import annotations

import os
from typing import Any

from cairn.services.context import Context
from tests.web.personas import PASSWORD
from tests.web.test_my_work import _work_for_member

WIDTHS = (390, 1366)
SHOTS = os.environ.get("CAIRN_SCREENSHOTS")  # a folder: keep screenshots to look at


def _sign_in(browser: Any, base_url: str, username: str, width: int = 1366) -> Any:
    page = browser.new_page(viewport={"width": width, "height": 900})
    page.goto(base_url + "/signin")
    page.get_by_label("Username").fill(username)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    return page


def _overflows(page: Any) -> bool:
    return page.evaluate("document.documentElement.scrollWidth > document.documentElement.clientWidth + 1")


def test_a_member_lands_on_my_work_follows_a_notification_and_the_count_goes_down(
    browser: Any, base_url: str, ctx: Context, people: None
) -> None:
    keys = _work_for_member(ctx)
    page = _sign_in(browser, base_url, "member")
    page.wait_for_url(base_url + "/mine")
    assert page.get_by_role("heading", name="My work").is_visible()
    reviews = page.get_by_role("region", name="Reviews waiting for me")
    assert keys["review"] in reviews.inner_text()
    assert "Pin the pool size" in page.get_by_role("region", name="My open action items").inner_text()
    assert page.locator(".unread-count").inner_text() == "2"
    page.get_by_role("link", name="Inbox").click()
    page.wait_for_url(base_url + "/inbox")
    page.get_by_role("button", name=f"admin asked you to review the postmortem of {keys['review']}: Search latency doubled").click()
    page.wait_for_url(f"{base_url}/incidents/{keys['review']}/postmortem")
    assert page.locator(".unread-count").inner_text() == "1"


def test_a_new_token_is_copied_with_one_click(browser: Any, base_url: str, ctx: Context, people: None) -> None:
    context = browser.new_context(viewport={"width": 1366, "height": 900})
    context.grant_permissions(["clipboard-read", "clipboard-write"], origin=base_url)
    page = context.new_page()
    page.goto(base_url + "/signin")
    page.get_by_label("Username").fill("member")
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    page.wait_for_url(base_url + "/mine")
    page.goto(base_url + "/account")
    page.get_by_label("What it is for").fill("laptop")
    page.get_by_role("button", name="Create token").click()
    token = page.locator("#new-token").inner_text().strip()
    page.get_by_role("button", name="Copy").click()
    page.get_by_text("Copied.").wait_for()
    assert page.evaluate("navigator.clipboard.readText()") == token
    context.close()


def test_my_work_inbox_account_and_users_pages_fit_the_screen_at_390_and_1366_px(
    browser: Any, base_url: str, ctx: Context, people: None
) -> None:
    _work_for_member(ctx)
    for width in WIDTHS:
        page = _sign_in(browser, base_url, "admin", width)
        page.wait_for_url(base_url + "/mine")
        for path in ("/mine", "/inbox", "/account", "/admin/users"):
            page.goto(base_url + path)
            if SHOTS:
                page.screenshot(path=f"{SHOTS}/{path.strip('/').replace('/', '-')}-{width}.png", full_page=True)
            assert not _overflows(page), f"{path} scrolls sideways at {width} px"
        page.close()
