"""Severity and impact figures stated in an imported postmortem."""

from __future__ import annotations

import pytest

from cairn.importers.history.facts_text import facts_in, severity_in

SEVERITIES = ["SEV1", "SEV2", "SEV3", "SEV4", "SEV5"]


@pytest.mark.parametrize(("text", "severity"), [
    ("This was a SEV1 incident.", "SEV1"), ("Sev-2 declared at 14:00", "SEV2"), ("**Severity:** High", "SEV2"), ("Severity: Critical", "SEV1"),
    ("Priority: P3", "SEV3"), ("severity level 4", "SEV4"), ("Severity - minor", "SEV4"), ("It was bad.", None),
    ("We used 3 priorities", None),
])
def test_severity_as_teams_write_it(text: str, severity: str | None) -> None:
    found = severity_in(text, SEVERITIES)
    assert (found[0] if found else None) == severity


def test_severity_onto_a_team_of_names() -> None:
    assert severity_in("Severity: major", ["critical", "major", "minor"]) == ("major", "Severity: major")
    assert severity_in("SEV1", ["critical", "major", "minor"])[0] == "critical"  # type: ignore[index]


def test_impact_figures_with_the_words_they_came_from() -> None:
    found = facts_in(
        "On September 29 the service had an outage lasting 1 hour and 48 minutes. Approximately 78% of flag evaluation requests failed "
        "with HTTP 504 errors, and 1,250 customers were affected. No data was lost. Credits of $12,000 were issued.", SEVERITIES,
    )
    impact = found.impact
    assert (impact.users_affected, impact.users_share, impact.duration_minutes, impact.data_loss, impact.cost) == (1250, 0.78, 108, "none", "$12,000")
    assert found.evidence["users_affected"] == "1,250 customers were affected"
    assert found.evidence["duration_minutes"] == "lasting 1 hour and 48 minutes"


def test_figures_only_where_numbers_are_stated() -> None:
    found = facts_in("Many users were unhappy and some data may be stale.", SEVERITIES)
    assert (found.impact.users_affected, found.impact.users_share, found.impact.cost, found.severity) == (None, None, None, None)
    scaled = facts_in("About 1.2M users saw errors; 305 affected teams got credits.", SEVERITIES)
    assert scaled.impact.users_affected == 1_200_000
