"""Who may see and change what, through the API and the pages.

Personas (tests.web.personas): admin; member, a responder who took part in
the restricted incident; outsider, a responder who did not; reader, a viewer.
A restricted incident does not exist for those who may not see it: 404 on
every path, and absent from lists, counts, searches and action items.
"""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from fastapi.testclient import TestClient

from cairn.services.accounts import principal_of
from cairn.services.actions import add_action_item
from cairn.services.context import Context
from cairn.services.incidents import open_incident
from cairn.services.people import require_user
from tests.web.personas import csrf

SECRET_TITLE = "Payroll export leaked to the wrong bucket"



def acting(ctx: Context, username: str) -> Context:
    with ctx.db.transaction() as session:
        return ctx.as_user(principal_of(require_user(session, username)))


@pytest.fixture
def incidents(ctx: Context, people: None) -> dict[str, str]:
    """An internal incident opened by the admin, a restricted one opened by member."""
    public = open_incident(acting(ctx, "admin"), "Search latency doubled", severity="SEV3").key
    secret = open_incident(acting(ctx, "member"), SECRET_TITLE, severity="SEV1", visibility="restricted").key
    due = (date.today() + timedelta(days=10)).isoformat()
    add_action_item(ctx, secret, "Rotate the payroll bucket keys", owner="member", due=due, priority="P1")
    add_action_item(ctx, public, "Cache search suggestions", owner="member", due=due, priority="P3")
    return {"public": public, "secret": secret}


SECRET_PATHS = [
    "/api/v1/incidents/{key}",
    "/api/v1/incidents/{key}/timeline",
    "/api/v1/incidents/{key}/history",
    "/api/v1/incidents/{key}/lint",
    "/api/v1/incidents/{key}/postmortem",
    "/api/v1/incidents/{key}/export?format=json",
    "/api/v1/incidents/{key}/redactions",
    "/incidents/{key}",
    "/incidents/{key}/postmortem",
    "/incidents/{key}/export/markdown",
    "/incidents/{key}/export/pdf?public=1",
    "/incidents/{key}/public",
]


@pytest.mark.parametrize("path", SECRET_PATHS)
def test_a_restricted_incident_is_not_found_for_an_outsider_on_every_path(
    as_user, incidents: dict[str, str], path: str
) -> None:
    outsider = as_user("outsider")
    missing = outsider.get(path.format(key="INC-999"))
    answer = outsider.get(path.format(key=incidents["secret"]))
    assert answer.status_code == missing.status_code == 404
    assert SECRET_TITLE not in answer.text
    if path.startswith("/api"):
        assert answer.json()["detail"] == missing.json()["detail"].replace("INC-999", incidents["secret"])


@pytest.mark.parametrize("name", ["member", "admin"])
def test_participants_and_admins_see_the_restricted_incident(as_user, incidents: dict[str, str], name: str) -> None:
    client = as_user(name)
    for path in SECRET_PATHS:
        assert client.get(path.format(key=incidents["secret"])).status_code == 200, path
    listed = client.get("/api/v1/incidents").json()
    assert listed["total"] == 2
    assert SECRET_TITLE in client.get("/").text


def test_a_restricted_incident_is_left_out_of_lists_counts_searches_and_action_items(
    as_user, incidents: dict[str, str]
) -> None:
    for name in ("outsider", "reader"):
        client = as_user(name)
        listed = client.get("/api/v1/incidents").json()
        assert listed["total"] == 1 and [i["key"] for i in listed["items"]] == [incidents["public"]]
        assert client.get("/api/v1/incidents", params={"q": "payroll"}).json()["total"] == 0
        assert client.get("/api/v1/incidents", params={"severity": "SEV1"}).json()["total"] == 0
        page = client.get("/", params={"q": "payroll"}).text
        assert SECRET_TITLE not in page and "INC-2" not in page
        items = client.get("/api/v1/action-items").json()
        assert [i["title"] for i in items["items"]] == ["Cache search suggestions"]
        assert client.get("/api/v1/action-items/stats").json()["open"] == 1
        assert "Rotate the payroll" not in client.get("/actions", params={"view": "all"}).text


def test_an_outsider_cannot_change_a_restricted_incident_and_learns_nothing(
    as_user, incidents: dict[str, str], ctx: Context
) -> None:
    outsider = as_user("outsider")
    secret = incidents["secret"]
    attempts = [
        outsider.post(f"/api/v1/incidents/{secret}/timeline", json={"text": "peek"}, headers=csrf(outsider)),
        outsider.post(f"/api/v1/incidents/{secret}/status", json={"status": "resolved"}, headers=csrf(outsider)),
        outsider.put(f"/api/v1/incidents/{secret}/postmortem/sections/summary", json={"text": "x"}, headers=csrf(outsider)),
        outsider.post(f"/api/v1/incidents/{secret}/participants", json={"user": "outsider", "role": "responder"}, headers=csrf(outsider)),
        outsider.post(f"/incidents/{secret}/events", data={"line": "peek", "csrf_token": outsider.csrf}),
    ]
    for attempt in attempts:
        assert attempt.status_code == 404, attempt.request.url
    from cairn.services.incidents import show_incident

    doc = show_incident(ctx, secret)
    assert doc.timeline == [] and doc.status == "open" and [p.user for p in doc.participants] == ["member"]


def test_a_viewer_reads_but_every_change_is_forbidden(as_user, incidents: dict[str, str], ctx: Context) -> None:
    reader = as_user("reader")
    public = incidents["public"]
    assert reader.get(f"/api/v1/incidents/{public}").status_code == 200
    assert reader.get(f"/incidents/{public}").status_code == 200
    assert 'name="line"' not in reader.get(f"/incidents/{public}").text  # no add-event form offered
    attempts = [
        reader.post("/api/v1/incidents", json={"title": "x", "severity": "SEV3"}, headers=csrf(reader)),
        reader.post(f"/api/v1/incidents/{public}/timeline", json={"text": "x"}, headers=csrf(reader)),
        reader.post(f"/api/v1/incidents/{public}/status", json={"status": "resolved"}, headers=csrf(reader)),
        reader.put(f"/api/v1/incidents/{public}/postmortem/sections/summary", json={"text": "x"}, headers=csrf(reader)),
        reader.post(f"/api/v1/incidents/{public}/factors", json={"description": "x", "category": "process"}, headers=csrf(reader)),
        reader.post(f"/api/v1/incidents/{public}/action-items", json={"title": "x", "owner": "reader", "due": "2099-01-01"}, headers=csrf(reader)),
        reader.post(f"/incidents/{public}/events", data={"line": "x", "csrf_token": reader.csrf}),
        reader.post("/new", data={"title": "x", "severity": "SEV3", "csrf_token": reader.csrf}),
    ]
    for attempt in attempts:
        assert attempt.status_code == 403, attempt.request.url
    assert attempts[0].json()["error"] == "forbidden"
    from cairn.services.incidents import show_incident

    assert show_incident(ctx, public).timeline == []


def test_only_an_admin_manages_users_and_roles(as_user, client: TestClient, people: None) -> None:
    member = as_user("member")
    body = {"username": "newbie", "role": "responder", "password": "long enough password"}
    assert member.post("/api/v1/users", json=body).status_code == 403
    assert member.put("/api/v1/users/reader/role", json={"role": "admin"}).status_code == 403
    assert member.get("/admin/users").status_code == 403
    assert client.post("/api/v1/users", json=body, headers={"X-CSRF-Token": client.csrf}).status_code == 201
    changed = client.put("/api/v1/users/reader/role", json={"role": "responder"}, headers={"X-CSRF-Token": client.csrf})
    assert changed.json() == {"username": "reader", "role": "responder"}
    assert "newbie" in client.get("/admin/users").text


def test_the_last_admin_cannot_demote_themselves(client: TestClient) -> None:
    answer = client.put("/api/v1/users/admin/role", json={"role": "viewer"}, headers={"X-CSRF-Token": client.csrf})
    assert answer.status_code == 422
    assert "last admin" in answer.json()["detail"]


def test_without_sign_in_the_api_says_401_in_json_and_pages_go_to_the_sign_in_form(anonymous: TestClient) -> None:
    answer = anonymous.get("/api/v1/incidents")
    assert answer.status_code == 401
    assert answer.json()["error"] == "unauthorized"
    assert answer.headers["www-authenticate"] == "Bearer"
    page = anonymous.get("/actions?view=week", follow_redirects=False)
    assert page.status_code == 303
    assert page.headers["location"] == "/signin?next=%2Factions%3Fview%3Dweek"


def test_every_change_is_recorded_with_the_user_who_made_it(as_user, incidents: dict[str, str]) -> None:
    member = as_user("member")
    public = incidents["public"]
    member.post(f"/api/v1/incidents/{public}/timeline", json={"text": "checked the dashboards", "kind": "action"},
                headers={"X-CSRF-Token": member.csrf})
    member.post(f"/api/v1/incidents/{public}/status", json={"status": "mitigated"}, headers={"X-CSRF-Token": member.csrf})
    history = member.get(f"/api/v1/incidents/{public}/history").json()["items"]
    assert [(h["actor"], h["action"]) for h in history[-2:]] == [("member", "event.logged"), ("member", "incident.mitigated")]
    assert history[0]["actor"] == "admin" and history[0]["action"] == "incident.opened"
    page = member.get(f"/incidents/{public}").text
    assert "incident mitigated" in page and "<strong>member</strong>" in page


def test_the_published_postmortems_page_shows_only_what_the_reader_may_see(as_user, incidents: dict[str, str], ctx: Context) -> None:
    from sqlalchemy import update

    from cairn.storage.models import Postmortem

    with ctx.db.transaction() as session:
        session.execute(update(Postmortem).values(status="published"))
    assert SECRET_TITLE not in as_user("outsider").get("/postmortems").text
    assert "Search latency doubled" in as_user("outsider").get("/postmortems").text
    assert SECRET_TITLE in as_user("member").get("/postmortems").text
