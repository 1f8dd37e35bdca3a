"""Web fixtures: the app over the test database, and incidents worth showing."""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient

from cairn.config import Settings
from cairn.services.context import Context
from cairn.services.portable import import_document
from cairn.web.app import create_app
from tests.live_server import live_server
from tests.web.personas import create_personas, sign_in
from tests.web.webdata import CHECKOUT_OUTAGE


@pytest.fixture
def people(ctx: Context) -> None:
    """The personas of tests.web.personas, with passwords."""
    create_personas(ctx)


@pytest.fixture
def anonymous(settings: Settings, ctx: Context, people: None) -> Iterator[TestClient]:
    """A client that has not signed in."""
    with TestClient(create_app(settings, context=ctx)) as test_client:
        yield test_client


@pytest.fixture
def client(settings: Settings, ctx: Context, people: None) -> Iterator[TestClient]:
    """A client signed in as the admin; its CSRF token is `client.csrf`."""
    with TestClient(create_app(settings, context=ctx)) as test_client:
        test_client.csrf = sign_in(test_client, "admin")  # type: ignore[attr-defined]
        yield test_client


@pytest.fixture
def as_user(settings: Settings, ctx: Context, people: None) -> Iterator:
    """Make a client signed in as a given persona: `as_user("member")`."""
    clients: list[TestClient] = []

    def make(name: str) -> TestClient:
        test_client = TestClient(create_app(settings, context=ctx))
        test_client.__enter__()
        clients.append(test_client)
        test_client.csrf = sign_in(test_client, name)  # type: ignore[attr-defined]
        return test_client

    yield make
    for test_client in clients:
        test_client.__exit__(None, None, None)


@pytest.fixture
def outage(ctx: Context) -> str:
    """Key of a fully written postmortem."""
    return import_document(ctx, CHECKOUT_OUTAGE, source="outage.md").key


# ---- Browser tests: the system Chromium driven by Playwright, the app on a real port ----

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
    """The app served on a real loopback port for the browser."""
    with live_server(create_app(settings, context=ctx)) as url:
        yield url
