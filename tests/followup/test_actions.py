"""Action items: rules, lists, and the on-schedule rate on hand-checked data."""

from __future__ import annotations

from datetime import date, datetime, timezone

import pytest
from sqlalchemy import select

from cairn.analysis.stats import median, percentile
from cairn.errors import Conflict, InvalidInput, NotFound
from cairn.services.actions import action_stats, add_action_item, list_action_items, update_action_item
from cairn.services.incidents import open_incident
from cairn.services.people import create_user
from cairn.storage.models import ActionItem
from tests.web.personas import signed_in_client

TODAY = date(2026, 11, 24)


@pytest.fixture
def incident(ctx):
    create_user(ctx, "alice", teams=["payments"])
    create_user(ctx, "bob", teams=["platform"])
    return open_incident(ctx, "Checkout 502", severity="SEV2", teams=["payments"], started="2026-11-01T10:00Z").key


def add(ctx, key, title, owner="alice", due="2026-12-01", **extra):
    extra.setdefault("impact", 3)
    extra.setdefault("effort", 1)
    return add_action_item(ctx, key, title, owner=owner, due=due, today=TODAY, **extra)


def test_an_item_gets_a_label_and_a_priority_from_impact_and_effort(ctx, incident):
    row = add(ctx, incident, "Pin the pool size")
    assert (row.label, row.priority, row.owner, row.status) == ("A1", "P1", "alice", "open")
    assert add(ctx, incident, "Write it down", impact=1, effort=3).priority == "P4"
    assert add(ctx, incident, "Override", priority="p2").priority == "P2"


@pytest.mark.parametrize(
    ("overrides", "message"),
    [
        ({"due": "2026-11-01"}, "due date 2026-11-01 is in the past"),
        ({"owner": "mallory"}, "unknown owner 'mallory'"),
        ({"impact": None, "effort": None}, "give an impact and an effort"),
        ({"impact": 5}, "impact must be 1"),
        ({"kind": "blame"}, "unknown action item kind 'blame'"),
        ({"factors": ["F9"]}, "no contributing factor F9"),
        ({"url": "javascript:alert(1)"}, r"is not an http\(s\) URL"),
    ],
)
def test_bad_items_are_refused(ctx, incident, overrides, message):
    with pytest.raises(InvalidInput, match=message):
        add(ctx, incident, "Something", **overrides)
    assert list_action_items(ctx, today=TODAY) == []


def test_closing_records_when_and_wont_do_needs_a_reason(ctx, incident):
    add(ctx, incident, "Pin the pool size")
    done = update_action_item(ctx, incident, "a1", status="done", today=TODAY)
    assert done.status == "done" and done.closed_at is not None
    with pytest.raises(Conflict, match="A1 of INC-1 is already done"):
        update_action_item(ctx, incident, "A1", status="done")
    reopened = update_action_item(ctx, incident, "A1", status="open")
    assert reopened.closed_at is None
    with pytest.raises(InvalidInput, match="won't do needs a reason"):
        update_action_item(ctx, incident, "A1", status="wont do")
    dropped = update_action_item(ctx, incident, "A1", status="won't do", note="Superseded by the new gateway")
    assert dropped.status == "won't do"
    with pytest.raises(NotFound, match="no action item A7 in INC-1"):
        update_action_item(ctx, incident, "A7", status="done")


def test_lists_filter_by_owner_team_overdue_and_due_soon(ctx, incident):
    add(ctx, incident, "Soon", due="2026-11-27")
    add(ctx, incident, "Later", owner="bob", due="2027-01-15")
    _force(ctx, "A1", due=date(2026, 11, 20))  # now overdue
    assert [r.title for r in list_action_items(ctx, overdue=True, today=TODAY)] == ["Soon"]
    assert [r.title for r in list_action_items(ctx, owner="bob", today=TODAY)] == ["Later"]
    assert [r.title for r in list_action_items(ctx, team="platform", today=TODAY)] == ["Later"]  # bob is in platform
    assert [r.title for r in list_action_items(ctx, team="payments", today=TODAY)] == ["Soon", "Later"]  # the incident's team
    assert [r.title for r in list_action_items(ctx, due_within=7, today=date(2026, 11, 18))] == ["Soon"]


def _force(ctx, label, *, due=None, status=None, closed=None, created=None):
    """Set history directly: the rules refuse past dates for new items, as they should."""
    with ctx.db.transaction() as session:
        item = next(i for i in session.scalars(select(ActionItem)) if i.label == label)
        if due is not None:
            item.due_date = due
        if status is not None:
            item.status = status
        if closed is not None:
            item.closed_at = closed
        if created is not None:
            item.created_at = created


def test_the_on_schedule_rate_on_hand_checked_data(ctx, incident):
    # A1 done on time, A2 done 3 days late, A3 open and overdue, A4 open and not yet due,
    # A5 won't do (not judged), A6 done early with no team difference: P2.
    for title in ("on time", "late", "overdue", "not yet due", "dropped", "early"):
        add(ctx, incident, title, due="2026-12-31")
    utc = timezone.utc
    _force(ctx, "A1", due=date(2026, 11, 10), status="done", closed=datetime(2026, 11, 10, 18, 0, tzinfo=utc), created=datetime(2026, 11, 2, tzinfo=utc))
    _force(ctx, "A2", due=date(2026, 10, 20), status="done", closed=datetime(2026, 10, 23, 9, 0, tzinfo=utc), created=datetime(2026, 10, 1, tzinfo=utc))
    _force(ctx, "A3", due=date(2026, 11, 15), created=datetime(2026, 11, 4, tzinfo=utc))
    _force(ctx, "A4", due=date(2026, 12, 15), created=datetime(2026, 11, 14, tzinfo=utc))
    _force(ctx, "A5", due=date(2026, 11, 1), status="won't do", closed=datetime(2026, 10, 30, tzinfo=utc))
    _force(ctx, "A6", due=date(2026, 12, 20), status="done", closed=datetime(2026, 11, 21, tzinfo=utc))
    stats = action_stats(ctx, today=TODAY)
    assert (stats.overall.on_time, stats.overall.judged) == (2, 4)  # A1, A6 of A1, A2, A3, A6
    assert stats.overall.rate == 0.5
    assert (stats.by_month["2026-11"].on_time, stats.by_month["2026-11"].judged) == (1, 2)  # A1 yes, A3 no (A5 not judged)
    assert (stats.by_month["2026-10"].on_time, stats.by_month["2026-10"].judged) == (0, 1)
    assert (stats.by_team["payments"].on_time, stats.by_team["payments"].judged) == (2, 4)
    assert stats.open_count == 2 and stats.open_overdue == 1
    assert stats.age_median_days == 15  # open ages: A3 20 days, A4 10 days
    assert stats.age_p90_days == 19


def test_median_and_percentiles_interpolate():
    assert median([3, 1, 2]) == 2 and median([1, 2, 3, 4]) == 2.5 and median([]) is None
    assert percentile([10, 20], 0.9) == 19
    with pytest.raises(ValueError):
        percentile([1], 2)


def test_the_actions_commands(cli, ctx, incident):
    result = cli("actions", "add", incident, "Pin the pool size", "--owner", "alice", "--due", "2099-01-31", "--impact", "3", "--effort", "2")
    assert result.output.strip() == "INC-1 A1 [P1] Pin the pool size — alice, due 2099-01-31"
    assert cli("actions", "add", incident, "x", "--owner", "alice", "--due", "2000-01-01", "--priority", "P3").exit_code == 2
    assert "A1" in cli("actions", "list", "--owner", "alice").output
    assert cli("actions", "update", incident, "A1", "--status", "done").output.startswith("INC-1 A1 is done, closed")
    assert "closed on schedule: 100% (1/1)" in cli("actions", "stats").output
    assert '"rate": 1.0' in cli("actions", "stats", "--json").output


def test_the_api_lists_items_and_stats(settings, ctx, incident):


    add_action_item(ctx, incident, "Pin", owner="alice", due="2099-01-01", impact=3, effort=1)
    client = signed_in_client(settings, ctx)
    data = client.get("/api/v1/action-items?owner=alice").json()
    assert data["total"] == 1 and data["items"][0]["id"] == "A1" and data["items"][0]["overdue"] is False
    assert client.get("/api/v1/action-items/stats").json()["open"] == 1
    assert client.get("/api/v1/action-items?due_within=-1").status_code == 422


def test_the_action_items_page_shows_views_and_figures(settings, ctx, incident):


    add_action_item(ctx, incident, "Pin the pool", owner="alice", due="2099-01-01", impact=3, effort=1)
    add_action_item(ctx, incident, "Old one", owner="bob", due="2099-01-02", impact=3, effort=1)
    _force(ctx, "A2", due=date(2026, 1, 1))
    client = signed_in_client(settings, ctx)
    html = client.get("/actions").text
    assert "Pin the pool" in html and "Closed on schedule" in html and "overdue" in html
    stalled = client.get("/actions?view=stalled").text
    assert "Old one" in stalled and "Pin the pool" not in stalled
    assert "Old one" not in client.get("/actions?owner=alice").text
    assert client.get("/actions?view=everything").status_code == 422


def test_postmortem_owners_see_their_items_and_stalled_items_are_listed(ctx, incident):
    from cairn.services.incidents import add_participant

    add_participant(ctx, incident, "bob", "owner")
    add_action_item(ctx, incident, "Pin", owner="alice", due="2099-01-01", impact=3, effort=1)
    assert [r.title for r in list_action_items(ctx, postmortem_owner="bob", today=TODAY)] == ["Pin"]
    assert list_action_items(ctx, postmortem_owner="alice", today=TODAY) == []
    _force(ctx, "A1", due=date(2026, 11, 10))
    assert [r.title for r in list_action_items(ctx, stalled_after=7, today=TODAY)] == ["Pin"]
    assert list_action_items(ctx, stalled_after=30, today=TODAY) == []
