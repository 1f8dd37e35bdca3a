"""Which incidents owe a postmortem, why, and by when."""

from __future__ import annotations

from datetime import date, datetime, timezone
from pathlib import Path

import pytest

from cairn.domain.document import FactorDoc, ImpactDoc, IncidentDoc
from cairn.domain.moments import KeyMoments
from cairn.domain.policy import Policy, add_business_days, reasons_for, requirement
from cairn.errors import InvalidInput
from cairn.services.policy import load_policy, owed_postmortems
from cairn.services.portable import import_document

def utc(*parts: int) -> datetime:
    return datetime(*parts, tzinfo=timezone.utc)


QUIET = Policy(severities=(), user_visible=False, data_loss=False, resolve_minutes_over=None, monitoring_failure=False, manual_tag="")


def doc(**changes) -> IncidentDoc:  # type: ignore[no-untyped-def]
    base = IncidentDoc(title="t", severity="SEV3", timezone="Europe/Berlin",
                       moments=KeyMoments(started=utc(2026, 11, 20, 10), resolved=utc(2026, 11, 20, 10, 30)))
    for name, value in changes.items():
        setattr(base, name, value)
    return base


def test_each_trigger_makes_a_postmortem_owed_and_says_why() -> None:
    assert reasons_for(Policy(), doc()) == []
    assert reasons_for(Policy(), doc(severity="SEV1")) == ["severity SEV1"]
    with_users = doc()
    with_users.postmortem.impact = ImpactDoc(users_affected=12)
    assert reasons_for(Policy(), with_users) == ["user-visible impact"]
    lost = doc()
    lost.postmortem.impact = ImpactDoc(data_loss="3 orders")
    assert reasons_for(Policy(), lost) == ["data loss"]
    none_lost = doc()
    none_lost.postmortem.impact = ImpactDoc(data_loss="none")
    assert reasons_for(Policy(), none_lost) == []
    slow = doc(moments=KeyMoments(started=utc(2026, 11, 20, 10), resolved=utc(2026, 11, 20, 11, 1)))
    assert reasons_for(Policy(), slow) == ["resolved after more than 60 minutes"]
    blind = doc(factors=[FactorDoc("F1", "no alert on lag", "monitoring gap", "made worse")])
    assert reasons_for(Policy(), blind) == ["monitoring failure"]
    asked = doc(tags=["postmortem-requested"])
    assert reasons_for(Policy(), asked) == ["requested"]
    from cairn.domain.document import EventDoc

    paged = doc(timeline=[EventDoc(at=utc(2026, 11, 20, 10, 5), kind="acknowledgement", text="ack")])
    assert reasons_for(Policy(), paged) == []
    assert reasons_for(Policy(on_call_intervention=True), paged) == ["on-call intervention"]
    assert reasons_for(QUIET, doc(severity="SEV1", tags=["postmortem-requested"])) == []


def test_the_due_date_counts_business_days_after_resolution_in_the_incidents_zone() -> None:
    assert add_business_days(date(2026, 11, 20), 5) == date(2026, 11, 27)  # Friday + 5 working days
    assert add_business_days(date(2026, 11, 21), 1) == date(2026, 11, 23)  # Saturday -> Monday
    # Thursday 23:30 UTC is already Friday in Berlin: one business day later is Monday, not Friday.
    late_night = doc(severity="SEV1", moments=KeyMoments(started=utc(2026, 11, 19, 23), resolved=utc(2026, 11, 19, 23, 30)))
    assert requirement(Policy(due_by_severity={"SEV1": 1}), late_night).due == date(2026, 11, 23)
    assert requirement(Policy(), late_night).due == date(2026, 11, 27)
    unresolved = doc(severity="SEV1", moments=KeyMoments(started=utc(2026, 11, 20, 10)))
    assert requirement(Policy(), unresolved).required and requirement(Policy(), unresolved).due is None


def test_a_policy_file_changes_the_defaults_and_bad_ones_name_file_and_key(tmp_path: Path) -> None:
    good = tmp_path / "policy.toml"
    good.write_text('[postmortem]\nseverities = ["SEV1"]\nresolve_minutes_over = false\ndue_by_severity = { SEV1 = 3 }\n')
    policy = load_policy(good)
    assert policy.severities == ("SEV1",) and policy.resolve_minutes_over is None and policy.due_by_severity == {"SEV1": 3}
    assert policy.user_visible is True
    for text, message in [
        ("[postmortem]\nseverity = [\"SEV1\"]\n", "unknown key 'severity'"),
        ("[postmortem]\nuser_visible = \"yes\"\n", "user_visible must be true or false"),
        ("[postmortem]\ndue_business_days = -1\n", "due_business_days must be a whole number"),
        ("[postmortem\n", "line 1"),
    ]:
        bad = tmp_path / "bad.toml"
        bad.write_text(text)
        with pytest.raises(InvalidInput) as error:
            load_policy(bad)
        assert str(bad) in str(error.value) and message in str(error.value)


RESOLVED_SEV1 = """---
title: Payments down
severity: SEV1
timezone: UTC
moments: {started: 2026-11-02T10:00:00Z, resolved: 2026-11-02T10:40:00Z}
participants:
- {user: amara, role: owner}
---
"""


def test_owed_postmortems_are_listed_with_state_owner_and_due_date(ctx, cli) -> None:
    import_document(ctx, RESOLVED_SEV1)
    import_document(ctx, RESOLVED_SEV1.replace("Payments down", "Quiet one").replace("SEV1", "SEV4"))
    import_document(ctx, RESOLVED_SEV1.replace("Payments down", "Old and done").replace("title:", "postmortem: {status: published}\ntitle:"))
    rows = owed_postmortems(ctx, today=date(2026, 11, 5))
    assert [(r.key, r.status, r.due, r.owner) for r in rows] == [("INC-1", "owed", date(2026, 11, 9), "amara")]
    assert [r.status for r in owed_postmortems(ctx, today=date(2026, 11, 10), include_done=True)] == ["overdue", "done"]
    result = cli("postmortem", "owed", "--today", "2026-11-10")
    assert result.exit_code == 1 and result.output.startswith("INC-1\toverdue\tdue 2026-11-09\towner amara\tSEV1")
    assert cli("postmortem", "owed", "--today", "2026-11-05").exit_code == 0


def test_the_api_lists_owed_postmortems_visible_to_the_reader(settings, ctx) -> None:
    from tests.web.personas import signed_in_client

    import_document(ctx, RESOLVED_SEV1)
    client = signed_in_client(settings, ctx, "reader")
    items = client.get("/api/v1/postmortems/owed").json()["items"]
    assert [(i["key"], i["owner"], i["reasons"]) for i in items] == [("INC-1", "amara", ["severity SEV1"])]


def test_the_incident_list_marks_owed_and_overdue_postmortems(settings, ctx) -> None:
    from tests.web.personas import signed_in_client

    import_document(ctx, RESOLVED_SEV1)
    import_document(ctx, RESOLVED_SEV1.replace("Payments down", "Quiet one").replace("SEV1", "SEV4"))
    page = signed_in_client(settings, ctx, "reader").get("/").text
    assert 'class="duty duty-overdue" title="Owed: severity SEV1">overdue · due 2026-11-09</span>' in page
    assert page.count('class="duty') == 1


def test_a_required_postmortem_without_a_named_owner_falls_to_the_incident_commander(ctx) -> None:
    doc = RESOLVED_SEV1.replace("- {user: amara, role: owner}", "- {user: li, role: responder}\n- {user: jonas, role: incident commander}")
    import_document(ctx, doc)
    assert [r.owner for r in owed_postmortems(ctx, today=date(2026, 11, 5))] == ["jonas"]
