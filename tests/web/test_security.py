"""Sign-in, sessions, CSRF, API tokens, edit conflicts and hostile text."""

from __future__ import annotations

from datetime import timedelta
from html.parser import HTMLParser

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import select, update

from cairn.domain.times import now_utc
from cairn.services.context import Context
from cairn.services.incidents import show_incident
from cairn.services.tokens import create_token, revoke_token
from cairn.storage.models import ApiToken, User
from tests.web.personas import csrf, PASSWORD, sign_in, signin_csrf



# ---- Sign-in and sessions ----

def test_passwords_are_stored_as_argon2id_hashes(ctx: Context, people: None) -> None:
    with ctx.db.transaction() as session:
        stored = session.scalar(select(User.password_hash).where(User.username == "member"))
    assert stored.startswith("$argon2id$") and PASSWORD not in stored


def test_a_wrong_password_is_refused_without_saying_which_part_was_wrong(anonymous: TestClient) -> None:
    token = signin_csrf(anonymous)
    wrong_password = anonymous.post("/signin", data={"username": "member", "password": "nope", "csrf_token": token})
    token = signin_csrf(anonymous)
    no_such_user = anonymous.post("/signin", data={"username": "ghost", "password": "nope", "csrf_token": token})
    assert wrong_password.status_code == no_such_user.status_code == 401
    assert "wrong username or password" in wrong_password.text and "wrong username or password" in no_such_user.text
    assert "cairn_session" not in wrong_password.cookies


def test_guessing_passwords_pauses_sign_ins_for_that_username_only(anonymous: TestClient) -> None:
    from cairn.services.accounts import MAX_FAILURES

    def attempt(username: str, password: str):  # type: ignore[no-untyped-def]
        token = signin_csrf(anonymous)
        return anonymous.post("/signin", data={"username": username, "password": password, "csrf_token": token}, follow_redirects=False)

    for _ in range(MAX_FAILURES):
        assert attempt("member", "guess").status_code == 401
    paused = attempt("member", PASSWORD)  # even the right password, for now
    assert paused.status_code == 429 and "too many wrong passwords for member: try again in 15 minutes" in paused.text
    assert attempt("outsider", PASSWORD).status_code == 303


def test_the_session_cookie_is_http_only_and_same_site(anonymous: TestClient) -> None:
    token = signin_csrf(anonymous)
    answer = anonymous.post("/signin", data={"username": "member", "password": PASSWORD, "csrf_token": token}, follow_redirects=False)
    cookie = answer.headers["set-cookie"]
    assert "cairn_session=" in cookie and "HttpOnly" in cookie and "SameSite=lax" in cookie


def test_the_sign_in_form_itself_needs_its_csrf_token(anonymous: TestClient) -> None:
    anonymous.get("/signin")
    answer = anonymous.post("/signin", data={"username": "member", "password": PASSWORD, "csrf_token": "forged"})
    assert answer.status_code == 403
    assert "cairn_session" not in anonymous.cookies


@pytest.mark.parametrize("target", ["//evil.example/x", "https://evil.example/", "/\\evil.example"])
def test_signing_in_never_redirects_to_another_site(anonymous: TestClient, target: str) -> None:
    token = signin_csrf(anonymous)
    answer = anonymous.post(
        "/signin", data={"username": "member", "password": PASSWORD, "csrf_token": token, "next": target},
        follow_redirects=False,
    )
    assert answer.status_code == 303 and answer.headers["location"] == "/mine"  # the landing page, on this site


def test_signing_out_ends_the_session_on_the_server(client: TestClient) -> None:
    cookie = client.cookies.get("cairn_session")
    assert client.post("/signout", data={"csrf_token": client.csrf}, follow_redirects=False).status_code == 303
    client.cookies.set("cairn_session", cookie)  # a copied cookie is no longer accepted
    assert client.get("/api/v1/me").status_code == 401


def test_a_role_change_ends_the_users_sessions(as_user, client: TestClient) -> None:
    member = as_user("member")
    assert member.get("/api/v1/me").json() == {"username": "member", "role": "responder"}
    client.put("/api/v1/users/member/role", json={"role": "viewer"}, headers=csrf(client))
    assert member.get("/api/v1/me").status_code == 401


def test_changing_ones_password_needs_the_current_one(as_user) -> None:
    member = as_user("member")
    refused = member.post("/account/password", data={"current": "wrong one!", "password": "a new long password", "confirm": "a new long password", "csrf_token": member.csrf})
    assert refused.status_code == 400 and "wrong username or password" in refused.text
    done = member.post("/account/password", data={"current": PASSWORD, "password": "a new long password", "confirm": "a new long password", "csrf_token": member.csrf}, follow_redirects=False)
    assert done.status_code == 303
    assert member.get("/api/v1/me").status_code == 401
    assert sign_in(member, "member", "a new long password")


# ---- CSRF ----

def test_a_form_without_the_csrf_token_is_refused_and_changes_nothing(client: TestClient, outage: str, ctx: Context) -> None:
    before = len(show_incident(ctx, outage).timeline)
    for data in ({"line": "forged"}, {"line": "forged", "csrf_token": "not-the-token"}):
        answer = client.post(f"/incidents/{outage}/events", data=data)
        assert answer.status_code == 403
        assert "CSRF" in answer.text
    assert len(show_incident(ctx, outage).timeline) == before


def test_an_api_change_with_a_session_cookie_needs_the_csrf_header(client: TestClient, outage: str, ctx: Context) -> None:
    refused = client.post(f"/api/v1/incidents/{outage}/timeline", json={"text": "forged"})
    assert refused.status_code == 403 and refused.json()["error"] == "forbidden"
    accepted = client.post(f"/api/v1/incidents/{outage}/timeline", json={"text": "real"}, headers=csrf(client))
    assert accepted.status_code == 201
    assert [e.text for e in show_incident(ctx, outage).timeline].count("forged") == 0


def test_a_change_from_another_origin_is_refused_even_with_the_token(client: TestClient, outage: str, ctx: Context) -> None:
    before = show_incident(ctx, outage)
    answer = client.post(
        f"/incidents/{outage}/events", data={"line": "sent from another site", "csrf_token": client.csrf},
        headers={"Origin": "https://evil.example"},
    )
    assert answer.status_code == 403
    after = show_incident(ctx, outage)
    assert [e.text for e in after.timeline] == [e.text for e in before.timeline]
    assert after.version == before.version


# ---- API tokens ----

def test_a_token_is_shown_once_and_works_until_revoked(client: TestClient, anonymous: TestClient) -> None:
    created = client.post("/api/v1/tokens", json={"name": "laptop", "days": 30}, headers=csrf(client)).json()
    raw = created["token"]
    assert raw.startswith("cairn_") and created["prefix"] == raw[:12]
    assert all("token" not in item for item in client.get("/api/v1/tokens").json()["items"])
    bearer = {"Authorization": f"Bearer {raw}"}
    assert anonymous.get("/api/v1/me", headers=bearer).json()["username"] == "admin"
    # A token needs no CSRF header: browsers never add Authorization by themselves.
    assert anonymous.post("/api/v1/incidents", json={"title": "From a script", "severity": "SEV4"}, headers=bearer).status_code == 201
    client.delete(f"/api/v1/tokens/{created['id']}", headers=csrf(client))
    assert anonymous.get("/api/v1/me", headers=bearer).status_code == 401


def test_an_expired_token_is_refused(ctx: Context, people: None, anonymous: TestClient) -> None:
    raw, info = create_token(ctx, "old", "member", days=1)
    with ctx.db.transaction() as session:
        session.execute(update(ApiToken).where(ApiToken.id == info.id).values(expires_at=now_utc() - timedelta(seconds=1)))
    answer = anonymous.get("/api/v1/incidents", headers={"Authorization": f"Bearer {raw}"})
    assert answer.status_code == 401 and answer.json()["detail"] == "a valid API token is required"


def test_a_member_manages_only_their_own_tokens(ctx: Context, as_user) -> None:
    _raw, admins = create_token(ctx, "admin script", "admin", days=5)
    member = as_user("member")
    assert member.post("/api/v1/tokens", json={"name": "x", "user": "admin"}, headers=csrf(member)).status_code == 403
    assert member.delete(f"/api/v1/tokens/{admins.id}", headers=csrf(member)).status_code == 404
    assert member.get("/api/v1/tokens").json()["total"] == 0
    assert revoke_token(ctx, admins.id).revoked_at is not None


def test_the_account_page_creates_and_revokes_a_token(as_user) -> None:
    member = as_user("member")
    page = member.post("/account/tokens", data={"name": "cli on laptop", "days": "7", "csrf_token": member.csrf})
    assert page.status_code == 200 and 'id="new-token">cairn_' in page.text
    listed = member.get("/api/v1/tokens").json()["items"]
    assert [t["name"] for t in listed] == ["cli on laptop"]
    member.post(f"/account/tokens/{listed[0]['id']}/revoke", data={"csrf_token": member.csrf})
    assert member.get("/api/v1/tokens").json()["items"][0]["revoked_at"] is not None


# ---- Edit conflicts ----

def test_the_second_of_two_saves_from_the_same_version_gets_a_conflict_with_both_texts(
    client: TestClient, as_user, outage: str, ctx: Context
) -> None:
    member = as_user("member")
    loaded = {s["name"]: s for s in client.get(f"/api/v1/incidents/{outage}/postmortem").json()["sections"]}
    base = loaded["summary"]["base"]
    first = client.put(f"/api/v1/incidents/{outage}/postmortem/sections/summary", json={"text": "Mine first.", "base": base}, headers=csrf(client))
    assert first.status_code == 200
    second = member.put(f"/api/v1/incidents/{outage}/postmortem/sections/summary", json={"text": "Theirs second.", "base": base}, headers=csrf(member))
    assert second.status_code == 409
    body = second.json()
    assert body["error"] == "conflict" and body["theirs"] == "Mine first." and body["yours"] == "Theirs second."
    assert show_incident(ctx, outage).postmortem.prose["summary"] == "Mine first."
    # Another section saved from the same old load is not a conflict.
    other = member.put(f"/api/v1/incidents/{outage}/postmortem/sections/went_well", json={"text": "Paging worked.", "base": loaded["went_well"]["base"]}, headers=csrf(member))
    assert other.status_code == 200
    # Saving again with the base the conflict returned is a deliberate overwrite.
    again = member.put(f"/api/v1/incidents/{outage}/postmortem/sections/summary", json={"text": "Merged.", "base": body["base"]}, headers=csrf(member))
    assert again.status_code == 200
    assert show_incident(ctx, outage).postmortem.prose["summary"] == "Merged."


def test_a_factor_changed_meanwhile_is_a_conflict_too(client: TestClient, outage: str) -> None:
    factor = client.get(f"/api/v1/incidents/{outage}/postmortem").json()["factors"][0]
    body = {k: factor[k] for k in ("description", "category", "role", "services", "whys")}
    ok = client.put(f"/api/v1/incidents/{outage}/factors/{factor['id']}", json={**body, "description": "First edit", "base": factor["base"]}, headers=csrf(client))
    assert ok.status_code == 200
    late = client.put(f"/api/v1/incidents/{outage}/factors/{factor['id']}", json={**body, "description": "Second edit", "base": factor["base"]}, headers=csrf(client))
    assert late.status_code == 409 and "First edit" in late.json()["theirs"] and "Second edit" in late.json()["yours"]


# ---- Hostile text in every field ----

PAYLOADS = [
    "<script>alert('x1')</script>",
    '<img src=x onerror="alert(\'x2\')">',
    "[click](javascript:alert('x3'))",
    '"><svg onload=alert(\'x4\')>',
    "<a href=\"javascript:alert('x5')\">x</a>",
]


class ActiveContent(HTMLParser):
    """Collects what would run: inline scripts, event handlers, javascript: links."""

    def __init__(self) -> None:
        super().__init__()
        self.found: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        names = {name for name, _ in attrs}
        if tag == "script" and "src" not in names:
            self.found.append("inline script")
        for name, value in attrs:
            if name.startswith("on"):
                self.found.append(f"{tag} {name}")
            if name in ("href", "src", "action", "formaction") and value and value.strip().lower().startswith("javascript:"):
                self.found.append(f"{tag} {name}={value}")


def test_the_detector_of_active_content_finds_what_it_looks_for() -> None:
    assert active_content('<p><img src=x onerror="a()"><a href=" JavaScript:a()">x</a><script>a()</script></p>') == [
        "img onerror", "a href= JavaScript:a()", "inline script",
    ]


def active_content(html: str) -> list[str]:
    parser = ActiveContent()
    parser.feed(html)
    return parser.found


def test_hostile_text_in_every_field_is_inert_on_every_page(client: TestClient, ctx: Context) -> None:
    from datetime import date

    hostile = " ".join(PAYLOADS)
    h = csrf(client)
    opened = client.post("/api/v1/incidents", json={"title": hostile[:300], "severity": "SEV2", "services": ["web"], "tags": ["x"]}, headers=h)
    assert opened.status_code == 201, opened.text
    key = opened.json()["key"]
    assert client.post(f"/api/v1/incidents/{key}/timeline", json={"text": hostile, "actor": PAYLOADS[1], "kind": "action"}, headers=h).status_code == 201
    for name in ("summary", "impact", "resolution", "did_not_work", "went_well", "went_wrong", "got_lucky", "surprises"):
        assert client.put(f"/api/v1/incidents/{key}/postmortem/sections/{name}", json={"text": hostile}, headers=h).status_code == 200
    assert client.put(f"/api/v1/incidents/{key}/postmortem/impact", json={"data_loss": hostile, "cost": hostile, "slo_budget": hostile}, headers=h).status_code == 200
    factor = {"description": hostile, "category": "process", "role": "trigger", "whys": [{"why": hostile, "because": hostile}]}
    assert client.post(f"/api/v1/incidents/{key}/factors", json=factor, headers=h).status_code == 201
    due = (date.today() + timedelta(days=3)).isoformat()
    assert client.post(f"/api/v1/incidents/{key}/action-items", json={"title": hostile[:500], "owner": "member", "due": due, "priority": "P2"}, headers=h).status_code == 201
    assert client.patch(f"/api/v1/incidents/{key}/action-items/A1", json={"status": "won't do", "note": hostile}, headers=h).status_code == 200

    for path in ("/", f"/incidents/{key}", f"/incidents/{key}/postmortem", "/actions?view=all", f"/?q={PAYLOADS[0]}"):
        page = client.get(path)
        assert page.status_code == 200, path
        assert active_content(page.text) == [], path
    preview = client.post("/api/v1/markdown/preview", json={"text": hostile}, headers=h).json()["html"]
    assert active_content(preview) == []
    # The data itself is kept as written: escaping happens on output.
    assert show_incident(ctx, key).timeline[0].text == hostile
