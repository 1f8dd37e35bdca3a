"""Named people for access-control tests, and signing a test client in as one.

admin: manages users and sees everything. member: a responder who is a
participant of the restricted incident. outsider: a responder who is not.
reader: a viewer. All share one password, which is good enough for tests.
"""

from __future__ import annotations

import re
from typing import Any

from fastapi.testclient import TestClient

from sqlalchemy import select

from cairn.services.accounts import hash_password
from cairn.services.context import Context
from cairn.services.people import create_user
from cairn.storage.models import User

PASSWORD = "correct horse battery"
PERSONAS = {"admin": "admin", "member": "responder", "outsider": "responder", "reader": "viewer"}


_HASH: list[str] = []


def create_personas(ctx: Context) -> None:
    """Create the personas; argon2 runs once per test session, not once per user."""
    if not _HASH:
        _HASH.append(hash_password(PASSWORD))
    for name, role in PERSONAS.items():
        create_user(ctx, name, display_name=name.title(), email=f"{name}@example.test", role=role, teams=["payments"])
    with ctx.db.transaction() as session:
        for user in session.scalars(select(User).where(User.username.in_(list(PERSONAS)))):
            user.password_hash = _HASH[0]


def signin_csrf(client: TestClient) -> str:
    page = client.get("/signin")
    assert page.status_code == 200
    return re.search(r'name="csrf_token" value="([^"]+)"', page.text).group(1)


def sign_in(client: TestClient, username: str, password: str = PASSWORD) -> str:
    """Sign in through the form; returns the session's CSRF token for later forms."""
    response = client.post(
        "/signin",
        data={"username": username, "password": password, "csrf_token": signin_csrf(client), "next": "/"},
        follow_redirects=False,
    )
    assert response.status_code == 303, response.text
    return csrf_of(client)


def csrf(client: TestClient) -> dict[str, str]:
    """The header a signed-in browser's script sends with a change."""
    return {"X-CSRF-Token": client.csrf}  # type: ignore[attr-defined]


def csrf_of(client: TestClient) -> str:
    page = client.get("/account")
    return re.search(r'data-csrf="([^"]+)"', page.text).group(1)


def signed_in(browser: Any, base_url: str, username: str = "admin") -> Any:
    """A new page, signed in through the form as one of tests.web.personas."""
    page = browser.new_page()
    page.goto(base_url + "/")
    assert page.title() == "Sign in · Cairn"
    page.get_by_label("Username").fill(username)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    page.wait_for_url(base_url + "/mine")  # the landing page after sign-in
    page.goto(base_url + "/")
    return page


def signed_in_client(settings: Any, ctx: Context, username: str = "admin") -> TestClient:
    """A test client of a new app, signed in (personas are created when missing)."""
    from cairn.services.people import list_users
    from cairn.web.app import create_app

    if not any(user.username == username for user in list_users(ctx)):
        create_personas(ctx)
    client = TestClient(create_app(settings, context=ctx))
    client.csrf = sign_in(client, username)  # type: ignore[attr-defined]
    client.headers["X-CSRF-Token"] = client.csrf  # type: ignore[attr-defined]
    return client
