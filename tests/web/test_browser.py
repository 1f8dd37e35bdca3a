"""A real browser walks from the incident list to an incident's timeline.

Drives the system Chromium through Playwright against the app served by
uvicorn on a free local port. Without Chromium or Playwright the test is
skipped, except in CI (CI=true), where a missing browser is a failure.
"""

from __future__ import annotations

import os
import socket
import threading
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import uvicorn

from cairn.config import Settings
from cairn.services.context import Context
from cairn.web.app import create_app

pytestmark = pytest.mark.browser

CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]


def unavailable(reason: str) -> None:
    if os.environ.get("CI") == "true":
        pytest.fail(f"{reason} (required when CI=true)")
    pytest.skip(reason)


@pytest.fixture
def browser() -> Iterator[Any]:
    if not CHROMIUM.exists():
        unavailable(f"no system Chromium at {CHROMIUM}: install it (apt-get install chromium)")
    try:
        from playwright.sync_api import sync_playwright
    except ImportError:
        unavailable("the playwright package is not installed: pip install playwright")
    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(executable_path=str(CHROMIUM), headless=True, args=CHROMIUM_ARGS)
        try:
            yield chromium
        finally:
            chromium.close()


@pytest.fixture
def base_url(settings: Settings, ctx: Context) -> Iterator[str]:
    """The app served in a background thread; the socket is bound before it starts."""
    sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    sock.bind(("127.0.0.1", 0))
    port = sock.getsockname()[1]
    server = uvicorn.Server(uvicorn.Config(create_app(settings, context=ctx), log_level="warning"))
    thread = threading.Thread(target=server.run, kwargs={"sockets": [sock]}, daemon=True)
    thread.start()
    deadline = time.monotonic() + 10
    while not server.started:
        if not thread.is_alive() or time.monotonic() > deadline:
            pytest.fail("the web server did not start")
        time.sleep(0.02)
    try:
        yield f"http://127.0.0.1:{port}"
    finally:
        server.should_exit = True
        thread.join(timeout=10)
        sock.close()


def test_a_reader_opens_an_incident_from_the_list_and_sees_its_timeline(
    browser: Any, base_url: str, outage: str
) -> None:
    page = browser.new_page()
    problems: list[str] = []
    elsewhere: list[str] = []
    page.on("console", lambda message: problems.append(message.text) if message.type == "error" else None)
    page.on("request", lambda request: None if request.url.startswith(base_url) else elsewhere.append(request.url))

    page.goto(base_url + "/")
    assert page.title() == "Incidents · Cairn"
    page.get_by_role("link", name=outage, exact=True).click()
    page.wait_for_url(f"{base_url}/incidents/{outage}")

    timeline = page.locator("#timeline")
    assert timeline.is_visible()
    assert timeline.get_by_text("payments-api config v142 rolled out").is_visible()
    assert timeline.locator("tbody tr").count() == 6
    assert page.get_by_role("heading", name="Durations").is_visible()
    assert problems == []  # no missing files, no policy violations
    assert elsewhere == []  # nothing fetched from outside
    page.close()


def test_a_lint_finding_explains_itself_on_keyboard_focus(browser: Any, base_url: str, ctx: Context) -> None:
    from cairn.services.portable import import_document

    key = import_document(
        ctx,
        "---\ntitle: Focus\nseverity: SEV3\nmoments: {started: 2026-01-01T10:00:00Z}\n---\n"
        "## What went wrong\n\nThe deploy was obviously risky.\n",
    ).key
    page = browser.new_page()
    page.goto(f"{base_url}/incidents/{key}")
    mark = page.locator("mark.lint").first
    tip = mark.locator(".lint-tip")
    assert mark.inner_text().startswith("obviously")
    assert not tip.is_visible()
    for _ in range(60):  # tab through the page until the mark has focus
        page.keyboard.press("Tab")
        if mark.evaluate("node => node === document.activeElement"):
            break
    assert mark.evaluate("node => node === document.activeElement")
    assert tip.is_visible()
    assert "Drop the word" in tip.inner_text()
    page.close()
