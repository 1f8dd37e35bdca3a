"""The executive summary answers what, when, how long and who from the data,
and names what is still missing instead of inventing it."""

from __future__ import annotations

from datetime import UTC, datetime

from cairn.domain.document import ImpactDoc, IncidentDoc, PostmortemDoc
from cairn.domain.executive import executive_summary
from cairn.domain.moments import KeyMoments


def at(hour: int, minute: int) -> datetime:
    return datetime(2026, 3, 10, hour, minute, tzinfo=UTC)


def test_a_complete_incident_answers_all_four_questions() -> None:
    doc = IncidentDoc(
        title="Checkout failed", severity="SEV2", timezone="Europe/Berlin", services=["payments-api", "checkout"],
        moments=KeyMoments(started=at(13, 2), detected=at(13, 9), mitigated=at(13, 41), resolved=at(14, 20)),
        postmortem=PostmortemDoc(impact=ImpactDoc(users_affected=12400, users_share=8.5, data_loss="none")),
    )
    summary = executive_summary(doc)
    assert summary.what == "SEV2 incident affecting payments-api, checkout: Checkout failed"
    assert summary.when == "started 2026-03-10 14:02 CET, detected 7m later"
    assert summary.how_long == "1h 18m until resolved (mitigated after 39m)"
    assert summary.who == "12,400 users; 8.5 % of users; data loss: none"
    assert summary.missing == []


def test_a_fresh_near_miss_says_which_answers_are_missing() -> None:
    doc = IncidentDoc(title="Almost lost the queue", severity="SEV4", kind="near miss")
    summary = executive_summary(doc)
    assert summary.what == "SEV4 near miss: Almost lost the queue"
    assert (summary.when, summary.how_long, summary.who) == (None, None, None)
    assert [gap.split(" (")[0] for gap in summary.missing] == ["when it started", "how long it lasted", "who was affected"]


def test_detection_stands_in_for_an_unknown_start_and_a_recorded_duration_for_missing_moments() -> None:
    detected_only = IncidentDoc(title="t", severity="SEV3", moments=KeyMoments(detected=at(9, 0), mitigated=at(9, 25)))
    assert executive_summary(detected_only).when == "detected 2026-03-10 09:00 UTC"
    assert executive_summary(detected_only).how_long == "25m until mitigated"
    recorded = IncidentDoc(title="t", severity="SEV3", postmortem=PostmortemDoc(impact=ImpactDoc(duration_minutes=90)))
    assert executive_summary(recorded).how_long == "impact for 1h 30m (as recorded)"
