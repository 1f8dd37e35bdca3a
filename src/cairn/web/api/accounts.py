"""Accounts over the API: who am I, my API tokens, and users (admins manage them)."""

from __future__ import annotations

from typing import Any

from pydantic import BaseModel, Field

from cairn.services.accounts import set_role
from cairn.services.people import create_user, list_users
from cairn.services.tokens import TokenInfo, create_token, list_tokens, revoke_token
from cairn.web.api.reads import MeRead, RoleRead, TokenCreated, TokenList, TokenRead, UserList, UserRead
from cairn.web.api.schemas import Id, api_router
from cairn.web.auth import ApiContextDep

router = api_router(tags=["accounts"])


class TokenCreate(BaseModel):
    name: str = Field(max_length=100, description="what the token is for")
    days: int | None = Field(default=90, ge=1, le=3650, description="days until it expires; null: never")
    user: str | None = Field(default=None, description="whose token (admins only); default yourself")


class UserCreate(BaseModel):
    username: str = Field(max_length=100)
    role: str = "responder"
    password: str | None = Field(default=None, max_length=1024, description="at least 10 characters; none: cannot sign in yet")
    display_name: str | None = Field(default=None, max_length=200)
    email: str | None = Field(default=None, max_length=320)
    teams: list[str] = Field(default_factory=list, max_length=50)


class RoleUpdate(BaseModel):
    role: str = Field(description="viewer, responder or admin")


def token_data(info: TokenInfo) -> dict[str, Any]:
    def when(value):  # type: ignore[no-untyped-def]
        return value.isoformat() if value else None

    return {
        "id": info.id, "name": info.name, "user": info.user, "prefix": info.prefix, "created_at": when(info.created_at),
        "expires_at": when(info.expires_at), "revoked_at": when(info.revoked_at), "last_used_at": when(info.last_used_at),
    }


@router.get("/me", name="api_me", response_model=MeRead)
def me(ctx: ApiContextDep) -> dict[str, Any]:
    assert ctx.principal is not None
    return {"username": ctx.principal.username, "role": ctx.principal.role}


@router.get("/tokens", name="api_tokens", response_model=TokenList)
def tokens(ctx: ApiContextDep) -> dict[str, Any]:
    """Your tokens (an admin sees everyone's); never their secret."""
    items = [token_data(info) for info in list_tokens(ctx)]
    return {"total": len(items), "items": items}


@router.post("/tokens", name="api_token_create", response_model=TokenCreated, status_code=201)
def token_create(body: TokenCreate, ctx: ApiContextDep) -> dict[str, Any]:
    """A new token; the secret is in `token`, shown this once and stored only as a digest."""
    assert ctx.principal is not None
    raw, info = create_token(ctx, body.name, body.user or ctx.principal.username, days=body.days)
    return {**token_data(info), "token": raw}


@router.delete("/tokens/{token_id}", name="api_token_revoke", response_model=TokenRead)
def token_revoke(token_id: Id, ctx: ApiContextDep) -> dict[str, Any]:
    return token_data(revoke_token(ctx, token_id))


@router.get("/users", name="api_users", response_model=UserList)
def users(ctx: ApiContextDep) -> dict[str, Any]:
    """Everyone who can own work, for pickers: names and roles, never credentials."""
    rows = list_users(ctx)
    items = [{"username": u.username, "display_name": u.display_name, "role": u.role} for u in rows]
    return {"total": len(items), "items": items}


@router.post("/users", name="api_user_create", response_model=UserRead, status_code=201)
def user_create(body: UserCreate, ctx: ApiContextDep) -> dict[str, Any]:
    user = create_user(
        ctx, body.username, display_name=body.display_name, email=body.email, role=body.role, teams=body.teams, password=body.password,
    )
    return {"username": user.username, "display_name": user.display_name, "role": user.role}


@router.put("/users/{username}/role", name="api_user_role", response_model=RoleRead)
def user_role(username: str, body: RoleUpdate, ctx: ApiContextDep) -> dict[str, Any]:
    user = set_role(ctx, username, body.role)
    return {"username": user.username, "role": user.role}
