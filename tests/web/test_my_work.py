"""My work (page, API, `cairn mine` local and remote), the inbox page and its
header count, one's account page, and the admin's users page."""

from __future__ import annotations

import re
from datetime import date

from fastapi.testclient import TestClient
from sqlalchemy import select

from cairn.services.actions import add_action_item
from cairn.services.context import Context
from cairn.services.incidents import add_participant, change_status, open_incident
from cairn.services.mywork import my_work
from cairn.services.review import request_review
from cairn.services.tokens import create_token
from cairn.storage.models import User
from tests.conftest import Cli
from tests.live_server import live_server
from tests.web.personas import PASSWORD, sign_in, signin_csrf
from tests.web.test_access import SECRET_TITLE, acting


def _work_for_member(ctx: Context) -> dict[str, str]:
    """member: asked to review one postmortem, owes another, owns an item, is in an open incident."""
    admin = acting(ctx, "admin")
    review = open_incident(admin, "Search latency doubled", severity="SEV3").key
    request_review(admin, review, ["member"])
    owed = open_incident(admin, "Checkout down", severity="SEV1", started="2026-03-02T09:00Z").key
    add_participant(ctx, owed, "member", "owner")
    change_status(ctx, owed, "resolved", at="2026-03-02T10:00Z")
    add_action_item(admin, owed, "Pin the pool size", owner="member", due="2099-01-01", priority="P1")
    live = open_incident(acting(ctx, "member"), "Queue backlog growing", severity="SEV2").key
    secret = open_incident(admin, SECRET_TITLE, severity="SEV1", visibility="restricted").key
    return {"review": review, "owed": owed, "live": live, "secret": secret}


def test_my_work_lists_reviews_waiting_postmortems_owed_open_items_and_open_incidents_i_am_in(ctx: Context, people: None) -> None:
    keys = _work_for_member(ctx)
    work = my_work(acting(ctx, "member"), today=date(2026, 3, 4))
    assert [r.key for r in work.reviews] == [keys["review"]]
    assert [(o.key, o.due, o.status) for o in work.owed] == [
        (keys["owed"], date(2026, 3, 9), "owed"), (keys["live"], None, "not resolved yet")]
    assert [(a.key, a.label) for a in work.actions] == [(keys["owed"], "A1")]
    assert [(i.key, i.roles) for i in work.incidents] == [(keys["live"], ["responder"])]
    assert my_work(acting(ctx, "outsider")).empty


def test_signing_in_lands_on_my_work_with_each_part_shown(ctx: Context, anonymous: TestClient) -> None:
    keys = _work_for_member(ctx)
    token = signin_csrf(anonymous)
    landed = anonymous.post("/signin", data={"username": "member", "password": PASSWORD, "csrf_token": token, "next": "/"})
    assert landed.url.path == "/mine" and "<h1>My work</h1>" in landed.text
    for key in (keys["review"], keys["owed"], keys["live"]):
        assert key in landed.text
    assert "Pin the pool size" in landed.text and keys["secret"] not in landed.text


def test_the_header_counts_unread_notifications_and_opening_one_marks_it_read_and_follows_its_link(
    ctx: Context, as_user
) -> None:
    keys = _work_for_member(ctx)
    member = as_user("member")
    page = member.get("/inbox")
    assert re.search(r'class="unread-count" aria-label="2 unread">2<', page.text)
    assert f"admin asked you to review the postmortem of {keys['review']}" in page.text
    first = re.search(r'action="(/inbox/(\d+)/open)"', page.text)
    opened = member.post(first[1], data={"csrf_token": member.csrf}, follow_redirects=False)
    assert opened.status_code == 303 and opened.headers["location"].startswith("/incidents/")
    assert 'aria-label="1 unread"' in member.get("/mine").text
    member.post("/inbox/read", data={"csrf_token": member.csrf})
    assert "unread-count" not in member.get("/mine").text
    answer = member.get("/api/v1/notifications").json()
    assert answer["total"] == 2 and answer["unread"] == 0


def test_the_api_gives_my_work_as_json(ctx: Context, as_user) -> None:
    keys = _work_for_member(ctx)
    data = as_user("member").get("/api/v1/mine").json()
    assert data["user"] == "member"
    assert [r["key"] for r in data["reviews"]] == [keys["review"]]
    assert [i["key"] for i in data["incidents"]] == [keys["live"]]


def test_cairn_mine_prints_my_work_for_cairn_user_and_refuses_an_unknown_account(ctx: Context, people: None, cli: Cli) -> None:
    keys = _work_for_member(ctx)
    shown = cli("mine", env={"CAIRN_USER": "member", "COLUMNS": "200"})
    assert shown.exit_code == 0, shown.output
    assert "Reviews waiting for me (1)" in shown.output and keys["review"] in shown.output
    assert "Pin the pool size" in shown.output and "Open incidents I am in (1)" in shown.output
    unknown = cli("mine", env={"CAIRN_USER": "nobody"})
    assert unknown.exit_code == 2 and unknown.output.strip().splitlines() == ["error: no account 'nobody': set CAIRN_USER to your username"]


def test_cairn_mine_works_remotely_for_the_tokens_user(settings, ctx: Context, people: None, tmp_path) -> None:  # type: ignore[no-untyped-def]
    from cairn.web.app import create_app

    keys = _work_for_member(ctx)
    raw, _info = create_token(ctx, "laptop", "member", days=1)
    laptop = Cli(f"sqlite:///{tmp_path / 'laptop.db'}", tmp_path / "laptop")
    with live_server(create_app(settings, context=ctx)) as url:
        shown = laptop("--server", url, "--token", raw, "mine", "--json")
    assert shown.exit_code == 0, shown.output
    assert '"user": "member"' in shown.output and keys["review"] in shown.output and raw not in shown.output


def test_my_account_keeps_name_e_mail_and_time_zone_and_refuses_an_unknown_zone_in_one_line(ctx: Context, as_user) -> None:
    member = as_user("member")
    saved = member.post("/account/profile", data={"csrf_token": member.csrf, "display_name": "Mem  Ber",
                                                  "email": "mb@example.test", "timezone": "Europe/Berlin"})
    assert "Profile saved." in saved.text and 'value="Europe/Berlin"' in saved.text and "payments" in saved.text
    with ctx.db.transaction() as session:
        user = session.scalar(select(User).where(User.username == "member"))
        assert (user.display_name, user.email, user.timezone) == ("Mem Ber", "mb@example.test", "Europe/Berlin")
    bad = member.post("/account/profile", data={"csrf_token": member.csrf, "timezone": "Mars/Olympus"})
    assert bad.status_code == 422 and "unknown time zone &#39;Mars/Olympus&#39;" in bad.text


def test_notification_settings_are_saved_from_the_account_page(ctx: Context, as_user) -> None:
    member = as_user("member")
    member.post("/account/notifications", data={"csrf_token": member.csrf, "severe_incident:in_app": "on",
                                                "services": "checkout, search", "teams": "payments"})
    page = member.get("/account")
    assert 'name="severe_incident:in_app" aria-label="A new SEV1/SEV2 of a service or team I follow by Inbox" checked' in page.text
    assert 'name="review_requested:email" aria-label="Review requested from me by E-mail">' in page.text  # now off
    assert 'value="checkout, search"' in page.text
    open_incident(acting(ctx, "admin"), "Checkout down", severity="SEV2", services=["checkout"])
    assert "New SEV2: INC-1 Checkout down" in member.get("/inbox").text


def test_a_new_token_is_shown_once_with_a_copy_button(as_user) -> None:
    member = as_user("member")
    made = member.post("/account/tokens", data={"csrf_token": member.csrf, "name": "laptop"})
    assert 'data-copy="new-token"' in made.text and "account.js" in made.text
    assert 'id="new-token"' not in member.get("/account").text


def test_an_admin_resets_a_password_shown_once_and_the_old_one_stops_working(as_user, anonymous: TestClient) -> None:
    admin = as_user("admin")
    reset = admin.post("/admin/users/member/password", data={"csrf_token": admin.csrf})
    new = re.search(r'<code class="secret" id="new-password">([^<]+)</code>', reset.text)[1]
    assert new not in admin.get("/admin/users").text
    sign_in(anonymous, "member", new)
    refused = anonymous.post("/signin", data={"username": "member", "password": PASSWORD, "csrf_token": signin_csrf(anonymous)})
    assert refused.status_code == 401
    short = admin.post("/admin/users/member/password", data={"csrf_token": admin.csrf, "password": "short"})
    assert short.status_code == 422 and "at least 10 characters" in short.text


def test_a_deactivated_account_cannot_sign_in_or_use_its_token_and_the_last_admin_stays(ctx: Context, as_user, anonymous: TestClient) -> None:
    raw, _info = create_token(ctx, "laptop", "member", days=1)
    admin = as_user("admin")
    admin.post("/admin/users/member/active", data={"csrf_token": admin.csrf, "active": "no"})
    assert "deactivated" in admin.get("/admin/users").text
    refused = anonymous.post("/signin", data={"username": "member", "password": PASSWORD, "csrf_token": signin_csrf(anonymous)})
    assert refused.status_code == 401
    assert anonymous.get("/api/v1/me", headers={"Authorization": f"Bearer {raw}"}).status_code == 401
    myself = admin.post("/admin/users/admin/active", data={"csrf_token": admin.csrf, "active": "no"})
    assert myself.status_code == 422 and "your own account" in myself.text
    admin.post("/admin/users/member/active", data={"csrf_token": admin.csrf, "active": "yes"})
    sign_in(anonymous, "member")


def test_an_admin_assigns_teams_and_bad_team_names_get_one_line(as_user) -> None:
    admin = as_user("admin")
    admin.post("/admin/users/reader/teams", data={"csrf_token": admin.csrf, "teams": "search, payments"})
    assert 'value="payments, search" aria-label="Teams of reader' in admin.get("/admin/users").text
    assert "payments, search" in as_user("reader").get("/account").text
    missing = admin.post("/admin/users/nobody/teams", data={"csrf_token": admin.csrf, "teams": "search"})
    assert missing.status_code == 404 and "no user &#39;nobody&#39;" in missing.text
    viewer = as_user("reader")
    assert viewer.post("/admin/users/reader/teams", data={"csrf_token": viewer.csrf, "teams": "x"}).status_code == 403
