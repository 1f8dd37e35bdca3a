"""Web fixtures: the app over the test database, and incidents worth showing."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from fastapi.testclient import TestClient

from cairn.config import Settings
from cairn.services.context import Context
from cairn.services.portable import import_document
from cairn.web.app import create_app
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
