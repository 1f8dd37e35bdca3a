"""The visibility rule on the doors that are not pages: webhooks and background jobs.

A hook acts as its token's user; a job that writes to a person acts for that
person; restricted incidents never go to a channel a team shares.
"""

from __future__ import annotations

from datetime import date, datetime

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import delete, select, update

from cairn.services import scheduler
from cairn.services.actions import add_action_item, update_action_item
from cairn.services.audit import incident_history
from cairn.services.context import Context
from cairn.services.incidents import open_incident, show_incident
from cairn.services.reminders import run_reminders
from cairn.services.tokens import create_token
from cairn.storage.models import ActionItem, Incident, Participant, Team, User
from cairn.web.app import create_app
from tests.followup.channels import team_channels
from tests.web.test_access import SECRET_TITLE, acting


def bearer(ctx: Context, username: str) -> dict[str, str]:
    raw, _info = create_token(ctx, f"{username} hook", username, days=1)
    return {"Authorization": f"Bearer {raw}"}


@pytest.fixture
def hook_client(settings, ctx: Context, people: None):  # type: ignore[no-untyped-def]
    with TestClient(create_app(settings, context=ctx)) as client:
        yield client


def _ticketed_secret(ctx: Context) -> str:
    key = open_incident(acting(ctx, "member"), SECRET_TITLE, severity="SEV1", visibility="restricted").key
    add_action_item(ctx, key, "Rotate the payroll bucket keys", owner="member", due="2099-01-01", priority="P1")
    with ctx.db.transaction() as session:
        session.execute(update(ActionItem).values(tracker="github", external_key="acme/app#7"))
    return key


GITHUB_CLOSED = {"action": "closed", "issue": {"number": 7, "state": "closed", "closed_at": "2026-12-06T08:00:00Z"},
                 "repository": {"full_name": "acme/app"}}


def test_a_tracker_hook_of_a_non_participant_cannot_close_a_restricted_item_nor_learn_its_key(
    ctx: Context, hook_client: TestClient
) -> None:
    key = _ticketed_secret(ctx)
    before = show_incident(ctx, key)
    answer = hook_client.post("/hooks/github", json=GITHUB_CLOSED, headers=bearer(ctx, "outsider"))
    unknown = hook_client.post("/hooks/github", json={**GITHUB_CLOSED, "issue": {**GITHUB_CLOSED["issue"], "number": 99}},
                               headers=bearer(ctx, "outsider"))
    assert answer.status_code == 200 and answer.json() == unknown.json() == {"closed": None}
    assert key not in answer.text
    after = show_incident(ctx, key)
    assert [a.status for a in after.action_items] == ["open"] and after.version == before.version


def test_a_tracker_hook_of_a_participant_closes_the_item_and_the_history_names_them_via_the_tracker(
    ctx: Context, hook_client: TestClient
) -> None:
    key = _ticketed_secret(ctx)
    answer = hook_client.post("/hooks/github", json=GITHUB_CLOSED, headers=bearer(ctx, "member"))
    assert answer.json() == {"closed": f"{key} A1"}
    assert show_incident(ctx, key).action_items[0].status == "done"
    last = incident_history(ctx, key)[-1]
    assert (last.actor, last.action) == ("member via GitHub", "action.closed_by_tracker")


def _alert(group: str) -> dict:
    alert = {"status": "firing", "labels": {"alertname": "PayrollExport", "severity": "critical"},
             "annotations": {"summary": "payroll export failing"}, "startsAt": "2026-11-23T14:05:00Z",
             "endsAt": "0001-01-01T00:00:00Z", "fingerprint": "p1"}
    return {"version": "4", "groupKey": group, "status": "firing", "receiver": "cairn", "groupLabels": {},
            "commonLabels": alert["labels"], "commonAnnotations": alert["annotations"], "alerts": [alert]}


def test_the_alertmanager_hook_does_not_reach_an_incident_made_restricted_for_a_non_participant(
    ctx: Context, hook_client: TestClient
) -> None:
    first = hook_client.post("/hooks/alertmanager", json=_alert("{}:payroll"), headers=bearer(ctx, "member")).json()
    key = first["incident"]
    with ctx.db.transaction() as session:
        session.execute(update(Incident).values(visibility="restricted"))
    before = show_incident(ctx, key)
    later = _alert("{}:payroll")
    later["alerts"][0]["fingerprint"] = "p2"
    later["alerts"][0]["startsAt"] = "2026-11-23T14:35:00Z"
    answer = hook_client.post("/hooks/alertmanager", json=later, headers=bearer(ctx, "outsider")).json()
    assert answer["incident"] != key and answer["created"] is True  # for the outsider the group has no incident
    assert show_incident(ctx, key).timeline == before.timeline and show_incident(ctx, key).version == before.version
    with ctx.db.transaction() as session:
        session.execute(update(Incident).where(Incident.number == 2).values(status="closed"))
    joined = hook_client.post("/hooks/alertmanager", json=later, headers=bearer(ctx, "member")).json()
    assert joined["incident"] == key and joined["added"] == 1
    assert incident_history(ctx, key)[-1].actor == "member via Alertmanager"


def test_giving_a_restricted_item_to_a_non_participant_makes_them_a_participant(ctx: Context, as_user) -> None:
    key = open_incident(acting(ctx, "member"), SECRET_TITLE, severity="SEV1", visibility="restricted").key
    outsider = as_user("outsider")
    assert outsider.get(f"/api/v1/incidents/{key}").status_code == 404
    add_action_item(acting(ctx, "member"), key, "Rotate the payroll bucket keys", owner="outsider", due="2099-01-01", priority="P1")
    assert ("outsider", "action owner") in [(p.user, p.role) for p in show_incident(ctx, key).participants]
    assert outsider.get(f"/api/v1/incidents/{key}").status_code == 200
    add_action_item(acting(ctx, "member"), key, "Review the bucket policies", owner="reader", due="2099-01-01", priority="P2")
    update_action_item(acting(ctx, "member"), key, "A2", owner="admin")
    roles = [(p.user, p.role) for p in show_incident(ctx, key).participants]
    assert roles == [("member", "responder"), ("outsider", "action owner"), ("reader", "action owner"), ("admin", "action owner")]


def test_a_restricted_document_lists_its_item_owners_as_participants(ctx: Context, people: None) -> None:
    from cairn.services.portable import export_incident, import_document

    key = open_incident(acting(ctx, "member"), SECRET_TITLE, severity="SEV1", visibility="restricted").key
    add_action_item(ctx, key, "Rotate the payroll bucket keys", owner="outsider", due="2099-01-01", priority="P1")
    text = export_incident(ctx, key)
    edited = text.replace("- user: outsider\n  role: action owner\n", "")
    assert edited != text  # the owner's participation removed by hand
    assert not import_document(ctx, edited, source="edited.md").created
    assert ("outsider", "action owner") in [(p.user, p.role) for p in show_incident(ctx, key).participants]


@pytest.fixture
def mail_and_hooks(ctx: Context, tmp_path, people: None):  # type: ignore[no-untyped-def]
    with team_channels(ctx, tmp_path) as running:
        yield running


def test_reminders_name_a_restricted_incident_only_to_recipients_who_may_see_it(mail_and_hooks) -> None:  # type: ignore[no-untyped-def]
    ctx, inbox, hooks = mail_and_hooks
    member = acting(ctx, "member")
    secret = open_incident(member, SECRET_TITLE, severity="SEV1", visibility="restricted", teams=["payments"]).key
    public = open_incident(member, "Search latency doubled", severity="SEV3", teams=["payments"]).key
    for key, title, owner in ((secret, "Rotate the payroll bucket keys", "outsider"), (secret, "Audit bucket reads", "member"),
                              (public, "Cache search suggestions", "outsider")):
        add_action_item(ctx, key, title, owner=owner, due="2026-03-10", priority="P1", today=date(2026, 3, 1))
    with ctx.db.transaction() as session:
        # Data from before the admission rule: an owner who is not a participant.
        outsider_id = session.scalar(select(User.id).where(User.username == "outsider"))
        session.execute(delete(Participant).where(Participant.user_id == outsider_id))
        team = session.scalar(select(Team).where(Team.name == "payments"))
        team.lead_id = session.scalar(select(User.id).where(User.username == "reader"))  # a lead who is no participant
    run = run_reminders(ctx, now=datetime.fromisoformat("2026-03-20T10:00:00+00:00"), backoff=0)
    assert run.delivered
    mails = {m["To"]: m.get_content() for m in inbox.messages}
    assert "Cache search suggestions" in mails["outsider@example.test"]
    assert "Audit bucket reads" in mails["member@example.test"]
    for recipient, body in mails.items():
        if recipient != "member@example.test":
            assert secret not in body and "payroll" not in body.lower(), recipient
    shared = " ".join(str(post) for post in hooks.received)
    assert "Cache search suggestions" in shared
    assert secret not in shared and "payroll" not in shared.lower()


def test_every_background_job_declares_whom_it_acts_for() -> None:
    # A job added to the loop must say how it obeys the visibility rule, and get a test here.
    assert {job.name: job.acts_for for job in scheduler.JOBS} == {
        "reminders": "each recipient (tested above)",
        "notifications": "each recipient: duties and deliveries are checked against what they may see (tested above)",
        "tracker sync": "the system: it closes items whose ticket closed and writes to nobody",
        "periodic report": "an outsider: its recipients are addresses, not accounts, so it names internal incidents only (tests/insights/test_report.py)",
    }
