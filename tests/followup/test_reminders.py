"""Reminders: a real SMTP server and a real HTTP server, started by the tests."""

from __future__ import annotations

from datetime import date, datetime, timezone

import pytest
from sqlalchemy import select

from cairn.analysis.reminders import owed_stage
from cairn.services.actions import add_action_item, update_action_item
from cairn.services.context import Context
from cairn.services.incidents import open_incident
from cairn.services.people import create_user
from cairn.services.reminders import run_reminders
from cairn.storage.models import Team, User
from tests.followup.channels import Hooks, smtp_inbox
from tests.followup.fake_http import serving

UTC = timezone.utc


@pytest.fixture
def smtp():
    with smtp_inbox() as running:
        yield running


@pytest.fixture
def hooks():
    fake = Hooks()
    with serving(fake.handler) as server:
        fake.url = f"http://127.0.0.1:{server.server_port}/hook/secret-path"
        yield fake


@pytest.fixture
def world(ctx, smtp, hooks, tmp_path):
    """Alice (Berlin) owns items of a payments incident; Bob leads payments."""
    _inbox, port = smtp
    config = tmp_path / "notify.toml"
    config.write_text(f'[teams.payments]\nemail = true\nwebhook = "{hooks.url}"\n')
    settings = ctx.settings.model_copy(update={"smtp_host": "127.0.0.1", "smtp_port": port, "notify_config": config})
    tuned = Context(settings=settings, db=ctx.db, actor="tester")
    create_user(tuned, "alice", email="alice@example.com", teams=["payments"])
    create_user(tuned, "bob", email="bob@example.com", teams=["payments"])
    with ctx.db.transaction() as session:
        session.scalar(select(User).where(User.username == "alice")).timezone = "Europe/Berlin"
    key = open_incident(tuned, "Checkout 502", severity="SEV2", teams=["payments"], started="2026-03-01T10:00Z").key
    with ctx.db.transaction() as session:
        team = session.scalar(select(Team).where(Team.name == "payments"))
        team.lead_id = session.scalar(select(User.id).where(User.username == "bob"))
    for title, due in (("Pin the pool size", "2026-03-30"), ("Alert on saturation", "2026-03-31")):
        add_action_item(tuned, key, title, owner="alice", due=due, impact=3, effort=1, today=date(2026, 3, 1))
    return tuned, key


def at(text: str) -> datetime:
    return datetime.fromisoformat(text)


def test_stages_follow_the_calendar():
    due = date(2026, 3, 30)
    assert owed_stage(due, date(2026, 3, 26), before=[3], after=[1, 3, 7]) is None
    assert owed_stage(due, date(2026, 3, 27), before=[3], after=[1, 3, 7]) == "before-3"
    assert owed_stage(due, date(2026, 3, 30), before=[3], after=[1, 3, 7]) == "due"
    assert owed_stage(due, date(2026, 4, 2), before=[3], after=[1, 3, 7]) == "after-3"
    assert owed_stage(due, date(2026, 5, 1), before=[3], after=[1, 3, 7]) == "after-7"


def test_one_digest_per_person_per_day_by_email_and_webhook(world, smtp, hooks):
    ctx, key = world
    inbox, _port = smtp
    run = run_reminders(ctx, now=at("2026-03-28T09:30:00+01:00"), backoff=0)  # both items are within 3 days
    assert sorted(run.delivered) == [("alice", "email", 2), ("alice", "webhook", 2)]
    [message] = inbox.messages
    assert message["To"] == "alice@example.com" and message["Subject"] == "Cairn: 2 action items need attention"
    body = message.get_content()
    assert f"{key} A1 Pin the pool size — due 2026-03-30 (in 2 days)" in body
    [posted] = hooks.received
    assert [i["id"] for i in posted["items"]] == ["A1", "A2"] and posted["items"][0]["stage"] == "before-3"
    again = run_reminders(ctx, now=at("2026-03-28T15:00:00+01:00"), backoff=0)
    assert again.delivered == [] and len(inbox.messages) == 1 and len(hooks.received) == 1


def test_reminders_wait_for_the_owners_morning_across_a_dst_change(world, smtp):
    ctx, _key = world
    inbox, _port = smtp
    # 2026-03-29 is the spring-forward day in Berlin: 07:30 UTC is 09:30 CEST, 06:30 UTC is 08:30.
    assert run_reminders(ctx, now=at("2026-03-29T06:30:00+00:00"), backoff=0).delivered == []
    assert run_reminders(ctx, now=at("2026-03-29T07:30:00+00:00"), backoff=0).delivered
    assert len(inbox.messages) == 1


def test_nothing_is_sent_twice_across_a_restart(world, smtp):
    ctx, _key = world
    inbox, _port = smtp
    run_reminders(ctx, now=at("2026-03-30T10:00:00+02:00"), backoff=0)
    fresh = Context(settings=ctx.settings, db=type(ctx.db)(ctx.db.url), actor="restarted")
    assert run_reminders(fresh, now=at("2026-03-30T11:00:00+02:00"), backoff=0).delivered == []
    fresh.db.dispose()
    assert len(inbox.messages) == 1


def test_overdue_items_escalate_to_the_team_lead(world, smtp):
    ctx, key = world
    inbox, _port = smtp
    update_action_item(ctx, key, "A2", status="done", today=date(2026, 3, 1))
    run = run_reminders(ctx, now=at("2026-04-08T10:00:00+02:00"), backoff=0)  # A1 is 9 days late
    assert [(d.label, d.days_late) for d in run.stalled] == [("A1", 9)]
    recipients = sorted(m["To"] for m in inbox.messages)
    assert recipients == ["alice@example.com", "bob@example.com"]
    lead_mail = next(m for m in inbox.messages if m["To"] == "bob@example.com").get_content()
    assert "owned by alice, overdue by 9 days (escalated to you)" in lead_mail


def test_a_failing_webhook_is_retried_with_back_off_and_not_duplicated(world, hooks):
    ctx, _key = world
    hooks.fail_next = [500, 503]
    run = run_reminders(ctx, now=at("2026-03-28T10:00:00+01:00"), backoff=0)
    assert ("alice", "webhook", 2) in run.delivered and len(hooks.received) == 1
    hooks.fail_next = [500, 500, 500]
    later = run_reminders(ctx, now=at("2026-03-30T10:00:00+02:00"), backoff=0)
    assert any("webhook at 127.0.0.1" in f and "failed after 3 attempts (500)" in f for f in later.failures)
    assert all("secret-path" not in f for f in later.failures)  # the URL's secret part is never shown
    retried = run_reminders(ctx, now=at("2026-03-30T11:00:00+02:00"), backoff=0)  # the claim was given back
    assert ("alice", "webhook", 1) in retried.delivered and len(hooks.received) == 2  # A1 is due; A2 had its before-3


def test_an_unreachable_smtp_server_is_reported_and_the_reminder_stays_owed(world, smtp):
    ctx, _key = world
    broken = Context(settings=ctx.settings.model_copy(update={"smtp_port": 9}), db=ctx.db)
    run = run_reminders(broken, now=at("2026-03-28T10:00:00+01:00"), backoff=0)
    assert any(f.startswith("alice by email: SMTP 127.0.0.1:9") for f in run.failures)
    inbox, _port = smtp
    assert run_reminders(ctx, now=at("2026-03-28T11:00:00+01:00"), backoff=0).delivered
    assert len(inbox.messages) == 1


def test_the_remind_command(cli, world, smtp):
    ctx, _key = world
    _inbox, port = smtp
    env = {"CAIRN_SMTP_HOST": "127.0.0.1", "CAIRN_SMTP_PORT": str(port), "CAIRN_NOTIFY_CONFIG": str(ctx.settings.notify_config)}
    result = cli("remind", "--now", "2026-03-28T10:00:00+01:00", env=env)
    assert "sent 2 reminders to alice by email" in result.output
    assert cli("remind", "--now", "2026-03-28T11:00:00+01:00", env=env).output.strip() == "no reminders owed"


def test_a_teams_slack_incoming_webhook_gets_the_digest_as_text(world, hooks, tmp_path):
    ctx, key = world
    config = tmp_path / "slack.toml"
    config.write_text(f'[teams.payments]\nemail = false\nslack_webhook = "{hooks.url}"\n')
    slack = Context(settings=ctx.settings.model_copy(update={"notify_config": config}), db=ctx.db)
    run = run_reminders(slack, now=at("2026-03-28T10:00:00+01:00"), backoff=0)
    assert run.delivered == [("alice", "slack", 2)]
    [posted] = hooks.received
    assert set(posted) == {"text"} and posted["text"].startswith("Action items for alice:")
    assert f"- {key} A1 Pin the pool size" in posted["text"]


def test_an_item_added_after_todays_digest_waits_for_tomorrows(world, smtp):
    ctx, key = world
    inbox, _port = smtp
    run_reminders(ctx, now=at("2026-03-28T10:00:00+01:00"), backoff=0)
    add_action_item(ctx, key, "Runbook step", owner="alice", due="2026-03-29", impact=2, effort=1, today=date(2026, 3, 28))
    assert run_reminders(ctx, now=at("2026-03-28T16:00:00+01:00"), backoff=0).delivered == []
    tomorrow = run_reminders(ctx, now=at("2026-03-29T10:00:00+02:00"), backoff=0)
    assert ("alice", "email", 1) in tomorrow.delivered
    assert "Runbook step" in inbox.messages[-1].get_content() and len(inbox.messages) == 2
