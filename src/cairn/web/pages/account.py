"""Signing in and out, one's own account (password, API tokens), and user admin."""

from __future__ import annotations

import hmac
from typing import Annotated

from fastapi import APIRouter, Form, Query, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response

from cairn.errors import CairnError, Forbidden
from cairn.services.access import require_admin
from cairn.services.accounts import change_own_password, reset_password, set_active, set_password, set_role, sign_in, sign_out
from cairn.services.notifications import CHANNELS, KINDS, my_settings, save_settings
from cairn.services.people import create_user, list_users, set_teams, teams_of, update_profile
from cairn.services.tokens import create_token, list_tokens, revoke_token
from cairn.web.auth import (
    SESSION_COOKIE,
    SIGNIN_CSRF_COOKIE,
    PageContextDep,
    cookie_is_secure,
    new_signin_csrf,
    same_origin,
)
from cairn.web.deps import ContextDep, TemplatesDep

router = APIRouter(default_response_class=HTMLResponse, include_in_schema=False)


def safe_next(target: str | None) -> str:
    """Only a path on this site: never an absolute or scheme-relative URL."""
    if not target or not target.startswith("/") or target.startswith("//") or "\\" in target:
        return "/"
    return target


def _signin_page(request: Request, templates, *, next_path: str, error: str | None = None, username: str = "", status: int = 200) -> Response:  # type: ignore[no-untyped-def]
    token = new_signin_csrf()
    response = templates.TemplateResponse(
        request, "signin.html",
        {"next": next_path, "error": error, "username": username, "signin_csrf": token},
        status_code=status,
    )
    response.set_cookie(
        SIGNIN_CSRF_COOKIE, token, max_age=3600, httponly=True, samesite="strict", secure=cookie_is_secure(request)
    )
    return response


@router.get("/signin", name="signin_form")
def signin_form(
    request: Request, templates: TemplatesDep, next: Annotated[str | None, Query(max_length=2000)] = None
) -> Response:
    return _signin_page(request, templates, next_path=safe_next(next))


@router.post("/signin", name="signin")
def signin(
    request: Request,
    ctx: ContextDep,
    templates: TemplatesDep,
    username: Annotated[str, Form(max_length=200)] = "",
    password: Annotated[str, Form(max_length=2000)] = "",
    csrf_token: Annotated[str, Form(max_length=200)] = "",
    next: Annotated[str, Form(max_length=2000)] = "/",
) -> Response:
    expected = request.cookies.get(SIGNIN_CSRF_COOKIE, "")
    if not expected or not hmac.compare_digest(expected.encode(), csrf_token.encode()) or not same_origin(request):
        raise Forbidden("the sign-in form has expired (CSRF check failed): reload the page and try again")
    try:
        result = sign_in(ctx, username, password)
    except CairnError as error:
        page = _signin_page(request, templates, next_path=safe_next(next), error=error.message, username=username, status=error.status_code)
        page.headers.update(error.http_headers)
        return page
    target = safe_next(next)
    if target == "/":  # nowhere in particular: land on what waits for me
        target = request.url_for("my_work_page").path
    response = RedirectResponse(target, status_code=303)
    response.set_cookie(
        SESSION_COOKIE, result.cookie, max_age=ctx.settings.session_hours * 3600, httponly=True, samesite="lax",
        secure=cookie_is_secure(request), path="/",
    )
    response.delete_cookie(SIGNIN_CSRF_COOKIE)
    return response


@router.post("/signout", name="signout")
def signout(request: Request, ctx: PageContextDep) -> Response:
    sign_out(ctx, request.cookies.get(SESSION_COOKIE))
    response = RedirectResponse(request.url_for("signin_form").path, status_code=303)
    response.delete_cookie(SESSION_COOKIE, path="/")
    return response


def _account_page(request: Request, ctx, templates, *, new_token: str | None = None, message: str | None = None, error: str | None = None, status: int = 200) -> Response:  # type: ignore[no-untyped-def]
    assert ctx.principal is not None
    mine = [t for t in list_tokens(ctx) if t.user == ctx.principal.username]
    profile = next(u for u in list_users(ctx) if u.id == ctx.principal.user_id)
    context = {
        "tokens": mine, "new_token": new_token, "message": message, "error": error, "profile": profile,
        "teams": teams_of(ctx).get(profile.id, []), "notes": my_settings(ctx), "kinds": KINDS, "channels": CHANNELS,
        "default_zone": ctx.settings.timezone,
    }
    return templates.TemplateResponse(request, "account.html", context, status_code=status)


def _words(text: str) -> list[str]:
    return [part.strip() for part in text.replace("\n", ",").split(",") if part.strip()]


@router.post("/account/profile", name="account_profile")
def account_profile(
    request: Request,
    ctx: PageContextDep,
    templates: TemplatesDep,
    display_name: Annotated[str, Form(max_length=300)] = "",
    email: Annotated[str, Form(max_length=400)] = "",
    timezone: Annotated[str, Form(max_length=100)] = "",
) -> Response:
    try:
        update_profile(ctx, display_name=display_name, email=email, timezone=timezone)
    except CairnError as error:
        return _account_page(request, ctx, templates, error=error.message, status=error.status_code)
    return RedirectResponse(request.url_for("account_page").path + "?saved=profile", status_code=303)


@router.post("/account/notifications", name="account_notifications")
async def account_notifications(request: Request, ctx: PageContextDep, templates: TemplatesDep) -> Response:
    """Ticked boxes are named `KIND:CHANNEL`; services and teams to follow are comma-separated."""
    form = await request.form()
    enabled = {tuple(str(name).split(":", 1)) for name in form if ":" in str(name)}
    try:
        save_settings(ctx, enabled, services=_words(str(form.get("services", ""))[:2000]),  # type: ignore[arg-type]
                      teams=_words(str(form.get("teams", ""))[:2000]))
    except CairnError as error:
        return _account_page(request, ctx, templates, error=error.message, status=error.status_code)
    return RedirectResponse(request.url_for("account_page").path + "?saved=notifications#notifications", status_code=303)


SAVED = {"profile": "Profile saved.", "notifications": "Notification settings saved."}


@router.get("/account", name="account_page")
def account_page(
    request: Request, ctx: PageContextDep, templates: TemplatesDep, saved: Annotated[str | None, Query(max_length=40)] = None
) -> Response:
    return _account_page(request, ctx, templates, message=SAVED.get(saved or ""))


@router.post("/account/password", name="account_password")
def account_password(
    request: Request,
    ctx: PageContextDep,
    templates: TemplatesDep,
    current: Annotated[str, Form(max_length=2000)],
    password: Annotated[str, Form(max_length=2000)],
    confirm: Annotated[str, Form(max_length=2000)],
) -> Response:
    try:
        change_own_password(ctx, current, password, confirm)
    except CairnError as error:
        return _account_page(request, ctx, templates, error=error.message, status=error.status_code if error.status_code != 401 else 400)
    response = RedirectResponse(request.url_for("signin_form").path, status_code=303)
    response.delete_cookie(SESSION_COOKIE, path="/")
    return response


@router.post("/account/tokens", name="account_token_create")
def account_token_create(
    request: Request,
    ctx: PageContextDep,
    templates: TemplatesDep,
    name: Annotated[str, Form(max_length=200)],
    days: Annotated[int, Form(ge=0, le=3650)] = 90,
) -> Response:
    assert ctx.principal is not None
    try:
        raw, _info = create_token(ctx, name, ctx.principal.username, days=days or None)
    except CairnError as error:
        return _account_page(request, ctx, templates, error=error.message, status=error.status_code)
    return _account_page(request, ctx, templates, new_token=raw)


@router.post("/account/tokens/{token_id}/revoke", name="account_token_revoke")
def account_token_revoke(request: Request, token_id: int, ctx: PageContextDep, templates: TemplatesDep) -> Response:
    info = revoke_token(ctx, token_id)
    return _account_page(request, ctx, templates, message=f"Token “{info.name}” revoked.")


def _users_page(request: Request, ctx, templates, *, error: str | None = None, message: str | None = None,  # type: ignore[no-untyped-def]
                new_password: tuple[str, str] | None = None, status: int = 200) -> Response:
    context = {"users": list_users(ctx), "teams": teams_of(ctx), "error": error, "message": message, "new_password": new_password}
    return templates.TemplateResponse(request, "users.html", context, status_code=status)


@router.get("/admin/users", name="users_page")
def users_page(request: Request, ctx: PageContextDep, templates: TemplatesDep) -> Response:
    require_admin(ctx)
    return _users_page(request, ctx, templates)


@router.post("/admin/users/{username}/password", name="user_password")
def user_password(
    request: Request, username: str, ctx: PageContextDep, templates: TemplatesDep,
    password: Annotated[str, Form(max_length=2000)] = "",
) -> Response:
    """With a password: set it. Without: a new random one, shown to the admin this once."""
    require_admin(ctx)
    try:
        if password:
            set_password(ctx, username, password)
            return _users_page(request, ctx, templates, message=f"Password of {username} set; their sign-ins ended.")
        return _users_page(request, ctx, templates, new_password=(username, reset_password(ctx, username)))
    except CairnError as error:
        return _users_page(request, ctx, templates, error=error.message, status=error.status_code)


@router.post("/admin/users/{username}/active", name="user_active")
def user_active(
    request: Request, username: str, ctx: PageContextDep, templates: TemplatesDep,
    active: Annotated[str, Form(pattern="^(yes|no)$")],
) -> Response:
    require_admin(ctx)
    try:
        set_active(ctx, username, active == "yes")
    except CairnError as error:
        return _users_page(request, ctx, templates, error=error.message, status=error.status_code)
    return RedirectResponse(request.url_for("users_page").path, status_code=303)


@router.post("/admin/users/{username}/teams", name="user_teams")
def user_teams(
    request: Request, username: str, ctx: PageContextDep, templates: TemplatesDep,
    teams: Annotated[str, Form(max_length=2000)] = "",
) -> Response:
    require_admin(ctx)
    try:
        set_teams(ctx, username, _words(teams))
    except CairnError as error:
        return _users_page(request, ctx, templates, error=error.message, status=error.status_code)
    return RedirectResponse(request.url_for("users_page").path, status_code=303)


@router.post("/admin/users", name="user_create")
def user_create(
    request: Request,
    ctx: PageContextDep,
    templates: TemplatesDep,
    username: Annotated[str, Form(max_length=200)],
    role: Annotated[str, Form(max_length=20)],
    password: Annotated[str, Form(max_length=2000)],
    display_name: Annotated[str, Form(max_length=200)] = "",
    email: Annotated[str, Form(max_length=320)] = "",
) -> Response:
    require_admin(ctx)
    try:
        create_user(ctx, username, display_name=display_name or None, email=email or None, role=role, password=password)
    except CairnError as error:
        return _users_page(request, ctx, templates, error=error.message, status=error.status_code)
    return RedirectResponse(request.url_for("users_page").path, status_code=303)


@router.post("/admin/users/{username}/role", name="user_role")
def user_role(request: Request, username: str, ctx: PageContextDep, templates: TemplatesDep, role: Annotated[str, Form(max_length=20)]) -> Response:
    require_admin(ctx)
    try:
        set_role(ctx, username, role)
    except CairnError as error:
        return _users_page(request, ctx, templates, error=error.message, status=error.status_code)
    return RedirectResponse(request.url_for("users_page").path, status_code=303)
