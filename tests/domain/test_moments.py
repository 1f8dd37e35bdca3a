from datetime import datetime, timedelta, timezone
from zoneinfo import ZoneInfo

import pytest

from cairn.domain.enums import IncidentStatus, KeyMoment, PostmortemStatus
from cairn.domain.lifecycle import require_incident_transition, require_postmortem_transition, status_for_moments
from cairn.domain.moments import KeyMoments, check_order, durations
from cairn.errors import Conflict, InvalidInput

T0 = datetime(2026, 11, 23, 13, 0, tzinfo=timezone.utc)
UTC = ZoneInfo("UTC")


def test_durations_count_from_the_start_except_acknowledgement_which_counts_from_detection():
    moments = KeyMoments(
        started=T0,
        detected=T0 + timedelta(minutes=5),
        acknowledged=T0 + timedelta(minutes=8),
        mitigated=T0 + timedelta(minutes=40),
        resolved=T0 + timedelta(minutes=70),
    )
    spans = durations(moments)
    assert spans.to_detect == timedelta(minutes=5)
    assert spans.to_acknowledge == timedelta(minutes=3)
    assert spans.to_mitigate == timedelta(minutes=40)
    assert spans.to_resolve == timedelta(minutes=70)


def test_durations_are_unknown_while_a_moment_is_missing():
    spans = durations(KeyMoments(started=T0))
    assert spans.to_detect is None and spans.to_resolve is None


def test_resolved_before_started_is_refused_naming_both_moments():
    moments = KeyMoments(started=T0, resolved=T0 - timedelta(minutes=1))
    with pytest.raises(InvalidInput, match=r"resolved \(2026-11-23 12:59 UTC\) cannot be before started \(2026-11-23 13:00 UTC\)"):
        check_order(moments, UTC)


def test_acknowledged_before_detected_is_refused():
    with pytest.raises(InvalidInput, match="acknowledged .* cannot be before detected"):
        check_order(KeyMoments(started=T0, detected=T0 + timedelta(minutes=5), acknowledged=T0 + timedelta(minutes=1)), UTC)


def test_mitigation_before_acknowledgement_is_allowed_because_automation_can_mitigate():
    check_order(
        KeyMoments(started=T0, detected=T0, acknowledged=T0 + timedelta(minutes=9), mitigated=T0 + timedelta(minutes=2)),
        UTC,
    )


def test_with_moment_replaces_one_moment():
    moments = KeyMoments(started=T0).with_moment(KeyMoment.DETECTED, T0)
    assert moments.detected == T0 and moments.started == T0


def test_a_resolution_time_moves_an_open_incident_to_resolved():
    assert status_for_moments(IncidentStatus.OPEN, KeyMoments(started=T0, resolved=T0)) == IncidentStatus.RESOLVED
    assert status_for_moments(IncidentStatus.OPEN, KeyMoments(started=T0, mitigated=T0)) == IncidentStatus.MITIGATED
    assert status_for_moments(IncidentStatus.CLOSED, KeyMoments(started=T0, resolved=T0)) == IncidentStatus.CLOSED


def test_a_closed_incident_cannot_jump_back_to_open():
    with pytest.raises(Conflict, match="INC-1 cannot go from closed to open"):
        require_incident_transition(IncidentStatus.CLOSED, IncidentStatus.OPEN, "INC-1")
    with pytest.raises(Conflict, match="already open"):
        require_incident_transition(IncidentStatus.OPEN, IncidentStatus.OPEN, "INC-1")


def test_a_postmortem_is_reviewed_and_approved_before_it_is_published():
    require_postmortem_transition(PostmortemStatus.DRAFT, PostmortemStatus.IN_REVIEW, "INC-1")
    require_postmortem_transition(PostmortemStatus.APPROVED, PostmortemStatus.PUBLISHED, "INC-1")
    with pytest.raises(Conflict, match="the postmortem of INC-1 cannot go from draft to published"):
        require_postmortem_transition(PostmortemStatus.DRAFT, PostmortemStatus.PUBLISHED, "INC-1")
