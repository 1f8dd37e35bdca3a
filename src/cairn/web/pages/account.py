"""Signing in and out, one's own account (password, API tokens), and user admin."""

from __future__ import annotations

import hmac
from typing import Annotated

from fastapi import APIRouter, Form, Query, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response

from cairn.errors import CairnError, Forbidden
from cairn.services.access import require_admin
from cairn.services.accounts import change_own_password, set_role, sign_in, sign_out
from cairn.services.people import create_user, list_users
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
    response = RedirectResponse(safe_next(next), status_code=303)
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
    context = {"tokens": mine, "new_token": new_token, "message": message, "error": error}
    return templates.TemplateResponse(request, "account.html", context, status_code=status)


@router.get("/account", name="account_page")
def account_page(request: Request, ctx: PageContextDep, templates: TemplatesDep) -> Response:
    return _account_page(request, ctx, templates)


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


@router.get("/admin/users", name="users_page")
def users_page(request: Request, ctx: PageContextDep, templates: TemplatesDep, error: str | None = None) -> Response:
    require_admin(ctx)
    return templates.TemplateResponse(request, "users.html", {"users": list_users(ctx), "error": error})


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
        context = {"users": list_users(ctx), "error": error.message}
        return templates.TemplateResponse(request, "users.html", context, status_code=error.status_code)
    return RedirectResponse(request.url_for("users_page").path, status_code=303)


@router.post("/admin/users/{username}/role", name="user_role")
def user_role(request: Request, username: str, ctx: PageContextDep, templates: TemplatesDep, role: Annotated[str, Form(max_length=20)]) -> Response:
    require_admin(ctx)
    try:
        set_role(ctx, username, role)
    except CairnError as error:
        context = {"users": list_users(ctx), "error": error.message}
        return templates.TemplateResponse(request, "users.html", context, status_code=error.status_code)
    return RedirectResponse(request.url_for("users_page").path, status_code=303)
