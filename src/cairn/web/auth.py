"""Who is asking: a browser sign-in (cookie) or an API token (Bearer).

Every page and API route depends on one of the dependencies here, which hand
the route a Context acting for that user, so the services apply the access
rules. Changes made with a cookie must carry the session's CSRF token (a form
field, or the X-CSRF-Token header for scripts); token requests need none,
since a browser never adds an Authorization header by itself.
"""

from __future__ import annotations

import hmac
import secrets
from typing import Annotated
from urllib.parse import quote

from fastapi import Depends, Request
from fastapi.security import HTTPAuthorizationCredentials, HTTPBearer

from cairn.errors import CairnError, Forbidden, Unauthorized
from cairn.services.accounts import ActiveSession, session_user
from cairn.services.context import Context
from cairn.services.tokens import authenticate
from cairn.web.deps import get_context

SESSION_COOKIE = "cairn_session"
SIGNIN_CSRF_COOKIE = "cairn_signin"
CSRF_FIELD = "csrf_token"
CSRF_HEADER = "x-csrf-token"
UNSAFE = {"POST", "PUT", "PATCH", "DELETE"}


class SignInRequired(CairnError):
    """A page needs a signed-in user; the handler redirects to the sign-in form."""

    status_code = 401
    title = "sign-in required"


def bearer(request: Request) -> str | None:
    header = request.headers.get("authorization", "")
    scheme, _, token = header.partition(" ")
    return token.strip() if scheme.lower() == "bearer" else None


def active_session(request: Request) -> ActiveSession | None:
    """The browser session of this request, looked up once."""
    if not hasattr(request.state, "cairn_session"):
        ctx = get_context(request)
        request.state.cairn_session = session_user(ctx, request.cookies.get(SESSION_COOKIE))
    return request.state.cairn_session


def cookie_is_secure(request: Request) -> bool:
    return request.url.scheme == "https" or get_context(request).settings.secure_cookies


def same_origin(request: Request) -> bool:
    """A browser's Origin header, when sent, must name this server."""
    origin = request.headers.get("origin")
    if not origin or origin == "null":
        return origin is None
    host = request.headers.get("host", "")
    return origin.split("://", 1)[-1].rstrip("/") == host


async def _form_csrf(request: Request) -> str | None:
    content_type = request.headers.get("content-type", "")
    if content_type.startswith(("application/x-www-form-urlencoded", "multipart/form-data")):
        value = (await request.form()).get(CSRF_FIELD)
        return value if isinstance(value, str) else None
    return None


async def check_csrf(request: Request, expected: str) -> None:
    if request.method not in UNSAFE:
        return
    offered = request.headers.get(CSRF_HEADER) or await _form_csrf(request)
    if not offered or not hmac.compare_digest(offered.encode(), expected.encode()) or not same_origin(request):
        raise Forbidden("the form has expired or did not come from this site (CSRF check failed): reload the page and try again")


# Declared so the OpenAPI schema (and Swagger UI's Authorize button) knows about tokens.
token_scheme = HTTPBearer(auto_error=False, description="An API token: `cairn token create` or the account page.")


async def api_context(
    request: Request, _token: Annotated[HTTPAuthorizationCredentials | None, Depends(token_scheme)] = None
) -> Context:
    """The context of an API call: a token, or a signed-in browser with its CSRF token."""
    ctx = get_context(request)
    raw = bearer(request)
    if raw is not None:
        return ctx.as_user(authenticate(ctx, raw))
    signed_in = active_session(request)
    if signed_in is None:
        raise Unauthorized("sign in, or send an API token as 'Authorization: Bearer <token>'")
    await check_csrf(request, signed_in.csrf_token)
    return ctx.as_user(signed_in.principal)


async def page_context(request: Request) -> Context:
    """The context of a page: a signed-in browser; forms must carry the CSRF token."""
    ctx = get_context(request)
    signed_in = active_session(request)
    if signed_in is None:
        raise SignInRequired("sign in to see this page")
    await check_csrf(request, signed_in.csrf_token)
    return ctx.as_user(signed_in.principal)


def signin_redirect_target(request: Request) -> str:
    """The sign-in page, coming back here afterwards (GET pages only)."""
    target = request.url.path + (f"?{request.url.query}" if request.url.query else "")
    signin = request.url_for("signin_form").path
    return f"{signin}?next={quote(target, safe='')}" if request.method == "GET" else signin


def new_signin_csrf() -> str:
    return secrets.token_urlsafe(24)


ApiContextDep = Annotated[Context, Depends(api_context)]
PageContextDep = Annotated[Context, Depends(page_context)]
