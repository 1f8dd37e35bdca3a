"""Web fixtures: the app over the test database, and incidents worth showing."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from fastapi.testclient import TestClient

from cairn.config import Settings
from cairn.services.context import Context
from cairn.services.portable import import_document
from cairn.web.app import create_app
from tests.web.webdata import CHECKOUT_OUTAGE


@pytest.fixture
def client(settings: Settings, ctx: Context) -> Iterator[TestClient]:
    with TestClient(create_app(settings, context=ctx)) as test_client:
        yield test_client


@pytest.fixture
def outage(ctx: Context) -> str:
    """Key of a fully written postmortem."""
    return import_document(ctx, CHECKOUT_OUTAGE, source="outage.md").key
