"""Fixtures of the draft tests."""

from __future__ import annotations

import pytest

from cairn.services.context import Context
from tests.drafts.records import make_outage


@pytest.fixture
def outage(ctx: Context) -> str:
    return make_outage(ctx)
