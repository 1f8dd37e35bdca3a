"""The history import page in Chromium: choose a zip, read the dry run, confirm,
at a phone's width and a laptop's, nothing spilling sideways."""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

import pytest

from cairn.services.context import Context
from tests.web.test_browser_mywork import WIDTHS, _overflows, _sign_in
from tests.web.test_history_import_web import _zip

SHOTS = os.environ.get("CAIRN_SCREENSHOTS")


@pytest.mark.browser
@pytest.mark.parametrize("width", WIDTHS)
def test_an_admin_checks_a_zip_then_imports_it(browser: Any, base_url: str, ctx: Context, people: None,
                                               tmp_path: Path, width: int) -> None:
    archive = tmp_path / "history.zip"
    archive.write_bytes(_zip())
    page = _sign_in(browser, base_url, "admin", width)
    page.goto(base_url + "/admin/users")
    assert not _overflows(page)
    if SHOTS:
        page.screenshot(path=f"{SHOTS}/users-{width}.png", full_page=True)
    page.get_by_role("link", name="Import history").click()
    page.get_by_label("Files or a zip").set_input_files(str(archive))
    page.get_by_role("button", name="Check").click()
    summary = page.locator(".history-summary")
    assert "1 would be created, 1 refused" in summary.inner_text()
    assert "no date stated" in page.locator(".history-outcome.refused").inner_text()
    assert not _overflows(page)
    if SHOTS:
        page.screenshot(path=f"{SHOTS}/history-check-{width}.png", full_page=True)
    page.get_by_role("button", name="Import 1 incident").click()
    assert "1 created, 1 refused" in page.locator(".history-summary").inner_text()
    page.get_by_role("link", name="INC-1").click()
    assert "Checkout outage" in page.locator("h1").inner_text()
    page.close()
