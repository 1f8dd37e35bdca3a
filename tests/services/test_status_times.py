"""Every status change is dated after what it follows: an impossible order is
refused with one line, and nothing changes."""

from __future__ import annotations

import pytest

from cairn.errors import InvalidInput
from cairn.services.incidents import change_status, open_incident, show_incident


@pytest.fixture
def closed(ctx) -> str:
    key = open_incident(ctx, "Checkout", severity="SEV2", started="2026-11-23T14:00Z").key
    change_status(ctx, key, "resolved", at="2026-11-23T15:00Z")
    change_status(ctx, key, "closed", at="2026-11-24T09:00Z")
    return key


def test_resolving_a_closed_incident_at_a_time_before_its_start_is_refused_and_it_stays_closed(cli, ctx, closed) -> None:
    before = show_incident(ctx, closed)
    result = cli("incident", "resolve", closed, "--at", "2000-01-01T00:00+00:00")
    assert result.exit_code == 2, result.output
    assert result.output.strip() == "error: resolved (2000-01-01 00:00 UTC) cannot be before started (2026-11-23 14:00 UTC)"
    after = show_incident(ctx, closed)
    assert (after.status, after.moments, after.version) == ("closed", before.moments, before.version)


def test_taking_a_closed_incident_back_to_resolved_before_it_was_closed_is_refused(ctx, closed) -> None:
    with pytest.raises(InvalidInput, match=r"cannot be before closed \(2026-11-24 09:00 UTC\)"):
        change_status(ctx, closed, "resolved", at="2026-11-23T16:00Z")
    assert change_status(ctx, closed, "resolved", at="2026-11-24T10:00Z").status == "resolved"


def test_closing_before_the_resolution_is_refused(ctx) -> None:
    key = open_incident(ctx, "Checkout", severity="SEV2", started="2026-11-23T14:00Z").key
    change_status(ctx, key, "resolved", at="2026-11-23T15:00Z")
    with pytest.raises(InvalidInput, match=r"closed \(2026-11-23 14:30 UTC\) cannot be before resolved"):
        change_status(ctx, key, "closed", at="2026-11-23T14:30Z")
    assert show_incident(ctx, key).status == "resolved"


def test_reopening_before_the_resolution_it_undoes_is_refused(ctx) -> None:
    key = open_incident(ctx, "Checkout", severity="SEV2", started="2026-11-23T14:00Z").key
    change_status(ctx, key, "resolved", at="2026-11-23T15:00Z")
    with pytest.raises(InvalidInput, match=r"open \(2026-11-23 14:10 UTC\) cannot be before (mitigated|resolved)"):
        change_status(ctx, key, "open", at="2026-11-23T14:10Z")
    doc = show_incident(ctx, key)
    assert doc.status == "resolved" and doc.moments.resolved is not None


def test_mitigating_before_the_start_is_refused(ctx) -> None:
    key = open_incident(ctx, "Checkout", severity="SEV2", started="2026-11-23T14:00Z").key
    with pytest.raises(InvalidInput, match="cannot be before started"):
        change_status(ctx, key, "mitigated", at="2026-11-23T13:00Z")
