"""Notifications: who is told of what, in the inbox and by e-mail and the team's
channels (a real SMTP server and a real HTTP server), once, and only of what
they may see."""

from __future__ import annotations

from datetime import date, datetime, timezone

import pytest
from sqlalchemy import delete, select, update

from cairn.services.actions import add_action_item, update_action_item
from cairn.services.context import Context
from cairn.services.editing import save_section
from cairn.services.incidents import add_participant, change_status, open_incident
from cairn.services.notifications import inbox, mark_read, run_notifications, save_settings, unread_count
from cairn.services.review import comment, decide, request_review
from cairn.storage.models import Incident, Notification, Participant, User
from tests.followup.channels import team_channels
from tests.web.test_access import SECRET_TITLE, acting

NOW = datetime(2026, 3, 20, 10, 0, tzinfo=timezone.utc)


def texts(ctx: Context, username: str) -> list[str]:
    return [n.text for n in inbox(acting(ctx, username))]


@pytest.fixture
def channels(ctx: Context, tmp_path, people: None):  # type: ignore[no-untyped-def]
    with team_channels(ctx, tmp_path) as running:
        yield running


def _owned(ctx: Context, *, restricted: bool = False) -> str:
    """An incident whose postmortem member owns."""
    key = open_incident(acting(ctx, "member"), SECRET_TITLE if restricted else "Checkout returns 502", severity="SEV3",
                        visibility="restricted" if restricted else "internal").key
    add_participant(ctx, key, "member", "owner")
    return key


def test_asking_for_a_review_tells_each_reviewer_but_not_the_one_who_asked(ctx: Context, people: None) -> None:
    key = _owned(ctx)
    request_review(acting(ctx, "member"), key, ["admin", "reader", "member"])
    assert texts(ctx, "admin") == [f"member asked you to review the postmortem of {key}: Checkout returns 502"]
    assert len(texts(ctx, "reader")) == 1
    assert texts(ctx, "member") == []


def test_an_approval_and_a_request_for_changes_tell_the_postmortem_owner(ctx: Context, people: None) -> None:
    key = _owned(ctx)
    request_review(acting(ctx, "member"), key, ["admin"])
    decide(acting(ctx, "admin"), key, approve=False, note="quantify the impact")
    request_review(acting(ctx, "member"), key, ["admin"])
    decide(acting(ctx, "admin"), key, approve=True)
    assert texts(ctx, "member") == [
        f"admin approved the postmortem of {key}: Checkout returns 502",
        f"admin asked for changes to the postmortem of {key}: Checkout returns 502 — “quantify the impact”",
    ]


def test_a_comment_tells_whoever_wrote_the_section_last(ctx: Context, people: None) -> None:
    key = _owned(ctx)
    save_section(acting(ctx, "outsider"), key, "summary", "Checkout failed for 20 minutes.", base=None)
    comment(acting(ctx, "admin"), key, "summary", "How many users?")
    comment(acting(ctx, "admin"), key, "went_well", "Nice rollback.")
    assert texts(ctx, "outsider") == [f"admin commented on “Summary” in the postmortem of {key}: Checkout returns 502"]
    assert texts(ctx, "member") == [f"admin commented on “What went well” in the postmortem of {key}: Checkout returns 502"]


def test_giving_an_action_item_tells_its_owner_and_so_does_handing_it_to_someone_else(ctx: Context, people: None) -> None:
    key = _owned(ctx)
    add_action_item(acting(ctx, "member"), key, "Pin the pool size", owner="outsider", due="2099-01-01", priority="P1")
    update_action_item(acting(ctx, "member"), key, "A1", owner="reader")
    update_action_item(acting(ctx, "member"), key, "A1", owner="reader")
    assert texts(ctx, "outsider") == [f"member gave you action item {key} A1: Pin the pool size, due 2099-01-01"]
    assert len(texts(ctx, "reader")) == 1


def test_a_new_sev1_tells_who_follows_its_service_or_team_and_a_restricted_one_only_those_who_may_see_it(
    ctx: Context, people: None
) -> None:
    save_settings(acting(ctx, "outsider"), {("severe_incident", "in_app")}, services=["checkout"], teams=[])
    save_settings(acting(ctx, "reader"), {("severe_incident", "in_app")}, services=[], teams=["payments"])
    minor = open_incident(acting(ctx, "member"), "Slow search", severity="SEV3", services=["checkout"]).key
    major = open_incident(acting(ctx, "member"), "Checkout down", severity="SEV1", services=["checkout"], teams=["payments"]).key
    open_incident(acting(ctx, "member"), SECRET_TITLE, severity="SEV1", services=["checkout"], visibility="restricted")
    assert texts(ctx, "outsider") == texts(ctx, "reader") == [f"New SEV1: {major} Checkout down (checkout, payments)"]
    assert minor not in " ".join(texts(ctx, "outsider"))


def test_the_owner_of_an_owed_postmortem_is_told_once_and_again_once_when_it_is_overdue(ctx: Context, people: None) -> None:
    key = open_incident(acting(ctx, "member"), "Checkout down", severity="SEV1", started="2026-03-02T09:00Z").key
    change_status(ctx, key, "resolved", at="2026-03-02T10:00Z")
    run_notifications(ctx, today=date(2026, 3, 3), now=NOW)
    run_notifications(ctx, today=date(2026, 3, 4), now=NOW)
    assert texts(ctx, "member") == [f"You owe the postmortem of {key}: Checkout down, due 2026-03-09"]
    run_notifications(ctx, today=date(2026, 3, 12), now=NOW)
    run_notifications(ctx, today=date(2026, 3, 13), now=NOW)
    assert texts(ctx, "member")[0] == f"The postmortem of {key}: Checkout down is overdue (due 2026-03-09)"
    assert len(texts(ctx, "member")) == 2


def test_notifications_go_by_e_mail_once_and_a_restricted_incident_never_to_the_teams_channels(channels) -> None:  # type: ignore[no-untyped-def]
    ctx, mail, hooks = channels
    for name in ("member", "outsider"):
        save_settings(acting(ctx, name), {(k, c) for k in ("action_assigned",) for c in ("in_app", "email", "slack", "webhook")},
                      services=[], teams=[])
    public, secret = _owned(ctx), _owned(ctx, restricted=True)
    add_action_item(acting(ctx, "admin"), public, "Pin the pool size", owner="member", due="2099-01-01", priority="P1")
    add_action_item(acting(ctx, "admin"), secret, "Rotate the payroll bucket keys", owner="member", due="2099-01-01", priority="P1")
    first = run_notifications(ctx, now=datetime.now(timezone.utc), backoff=0)
    again = run_notifications(ctx, now=datetime.now(timezone.utc), backoff=0)
    assert sorted(first.delivered) == [("member", "email", 2), ("member", "slack", 1), ("member", "webhook", 1)]
    assert again.delivered == [] and first.failures == []
    assert [m["To"] for m in mail.messages] == ["member@example.test"]
    assert "Rotate the payroll bucket keys" in mail.messages[0].get_content()
    shared = " ".join(str(post) for post in hooks.received)
    assert "Pin the pool size" in shared and "payroll" not in shared.lower() and secret not in shared


def test_a_failed_delivery_stays_owed_and_goes_out_on_the_next_run(channels) -> None:  # type: ignore[no-untyped-def]
    ctx, _mail, hooks = channels
    save_settings(acting(ctx, "member"), {("action_assigned", "webhook")}, services=[], teams=[])
    key = _owned(ctx)
    add_action_item(acting(ctx, "admin"), key, "Pin the pool size", owner="member", due="2099-01-01", priority="P1")
    hooks.fail_next.extend([500, 500, 500])
    failed = run_notifications(ctx, backoff=0)
    assert failed.delivered == [] and "member by webhook" in failed.failures[0]
    assert run_notifications(ctx, backoff=0).delivered == [("member", "webhook", 1)]
    assert hooks.received == [{"recipient": "member", "notifications": [f"admin gave you action item {key} A1: Pin the pool size, due 2099-01-01"]}]


def test_a_kind_turned_off_everywhere_is_not_written_and_one_off_in_the_inbox_is_not_shown(ctx: Context, people: None) -> None:
    save_settings(acting(ctx, "outsider"), set(), services=[], teams=[])
    save_settings(acting(ctx, "reader"), {("review_requested", "email")}, services=[], teams=[])
    key = _owned(ctx)
    request_review(acting(ctx, "member"), key, ["outsider", "reader"])
    with ctx.db.transaction() as session:
        written = {n.user_id for n in session.scalars(select(Notification))}
    assert len(written) == 1  # the reader's, for e-mail only
    assert texts(ctx, "outsider") == texts(ctx, "reader") == []


def test_an_incident_made_restricted_later_vanishes_from_the_inbox_of_whoever_may_no_longer_see_it(ctx: Context, people: None) -> None:
    key = _owned(ctx)
    request_review(acting(ctx, "member"), key, ["outsider"])
    assert unread_count(acting(ctx, "outsider")) == 1 and len(texts(ctx, "outsider")) == 1
    with ctx.db.transaction() as session:
        session.execute(update(Incident).values(visibility="restricted"))
    assert len(texts(ctx, "outsider")) == 1  # named reviewer: a participant, still allowed to see it
    with ctx.db.transaction() as session:  # taken off the incident
        outsider = session.scalar(select(User.id).where(User.username == "outsider"))
        session.execute(delete(Participant).where(Participant.user_id == outsider))
    assert texts(ctx, "outsider") == [] and unread_count(acting(ctx, "outsider")) == 0


def test_marking_read_one_or_all_lowers_the_unread_count(ctx: Context, people: None) -> None:
    key = _owned(ctx)
    request_review(acting(ctx, "member"), key, ["admin"])
    add_action_item(acting(ctx, "member"), key, "Pin the pool size", owner="admin", due="2099-01-01", priority="P1")
    admin = acting(ctx, "admin")
    assert unread_count(admin) == 2
    assert mark_read(admin, inbox(admin)[0].id) == 1 and unread_count(admin) == 1
    assert mark_read(acting(ctx, "member"), inbox(admin)[1].id) == 0  # not theirs
    assert mark_read(admin) == 1 and unread_count(admin) == 0
