"""History lines read as sentences, with times in the incident's zone."""

from __future__ import annotations

import re

from fastapi.testclient import TestClient

from cairn.services.context import Context
from cairn.services.incidents import change_status
from cairn.web.history_text import history_line


def test_a_publication_without_override_or_failing_checks_says_just_that() -> None:
    assert history_line("postmortem.published", {"override": None, "failing": []}, "UTC") == "published the postmortem"


def test_an_override_and_open_checks_are_spelled_out() -> None:
    line = history_line("postmortem.published", {"override": "urgent fix", "failing": ["summary", "owner"]}, "UTC")
    assert line == "published the postmortem with an admin override (urgent fix) while these checks were open: summary, owner"


def test_times_are_shown_in_the_incident_zone_not_as_utc_iso() -> None:
    line = history_line("incident.resolved", {"at": "2026-03-03T14:20:00+00:00"}, "Europe/Berlin")
    assert "+00:00" not in line and "15:20" in line and line.startswith("marked the incident resolved, effective")


def test_details_name_their_values_and_skip_empty_ones() -> None:
    line = history_line("action.updated", {"item": "A1", "owner": "li", "note": None}, "UTC")
    assert line == "changed an action item — item A1; owner li"
    assert history_line("review.requested", {"reviewers": ["amara", "jonas"]}, "UTC") == "asked for a review from amara, jonas"


def test_the_incident_page_history_has_no_raw_program_values(client: TestClient, outage: str, ctx: Context) -> None:
    change_status(ctx, outage, "closed")
    page = client.get(f"/incidents/{outage}").text
    history = re.sub(r"<[^>]+>", " ", page.split('id="history-h"')[1])  # the text a reader sees
    assert "closed the incident" in history
    assert "None" not in history and "[]" not in history and "+00:00" not in history
