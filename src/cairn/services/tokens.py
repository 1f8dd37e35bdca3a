"""API tokens for scripts and integrations.

A token is shown once, when created; only its SHA-256 digest is stored (the
token carries 256 bits of randomness, so a slow password hash adds nothing).
Tokens expire, can be revoked, and record when they were last used.
"""

from __future__ import annotations

import hashlib
import hmac
import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import bindparam, select, update

from cairn.domain.names import check_line
from cairn.domain.times import now_utc
from cairn.domain.enums import UserRole
from cairn.errors import Forbidden, InvalidInput, NotFound, Unauthorized
from cairn.services.access import require_admin
from cairn.services.audit import record
from cairn.services.context import Context, Principal
from cairn.services.people import require_user
from cairn.storage.models import ApiToken, User

PREFIX = "cairn_"
MAX_DAYS = 3650
USED_RESOLUTION = timedelta(minutes=1)


@dataclass(frozen=True)
class TokenInfo:
    id: int
    name: str
    user: str
    prefix: str
    created_at: datetime
    expires_at: datetime | None
    revoked_at: datetime | None
    last_used_at: datetime | None


def digest(token: str) -> str:
    return hashlib.sha256(token.encode("utf-8")).hexdigest()


def create_token(ctx: Context, name: str, username: str, *, days: int | None = 90) -> tuple[str, TokenInfo]:
    """A new token for `username`; the plain token is returned only here.

    Users make tokens for themselves; only an admin makes them for others.
    """
    if ctx.principal is not None and ctx.principal.username != username:
        require_admin(ctx)
    label = check_line(name, "token name", 100)
    if days is not None and not 1 <= days <= MAX_DAYS:
        raise InvalidInput(f"a token lives between 1 and {MAX_DAYS} days")
    raw = PREFIX + secrets.token_urlsafe(32)
    now = now_utc()
    with ctx.db.transaction() as session:
        user = require_user(session, username)
        token = ApiToken(
            name=label,
            user_id=user.id,
            token_hash=digest(raw),
            prefix=raw[: len(PREFIX) + 6],
            created_at=now,
            expires_at=now + timedelta(days=days) if days else None,
        )
        session.add(token)
        session.flush()
        record(session, ctx.actor, "token.created", None, {"token": token.id, "user": user.username, "name": label})
        return raw, _info(token, user.username)


# Built once: constructing the statement costs more than running it.
TOKEN_LOOKUP = (
    select(ApiToken.id, ApiToken.token_hash, ApiToken.revoked_at, ApiToken.expires_at, ApiToken.last_used_at,
           User.id.label("user_id"), User.username, User.role, User.is_active)
    .join(User, User.id == ApiToken.user_id)
    .where(ApiToken.token_hash == bindparam("digest"))
)


def authenticate(ctx: Context, raw: str | None) -> Principal:
    """The user a token belongs to; any problem is the same 401 (no hints).

    Runs on every API request, so it reads a few columns without the ORM and
    writes only when `last_used_at` is a minute old.
    """
    if not raw or not raw.startswith(PREFIX) or len(raw) > 200:
        raise Unauthorized("a valid API token is required")
    wanted = digest(raw)
    row = ctx.db.read_row(TOKEN_LOOKUP, {"digest": wanted})
    now = now_utc()
    if (
        row is None
        or not hmac.compare_digest(row.token_hash, wanted)
        or row.revoked_at is not None
        or (row.expires_at is not None and row.expires_at <= now)
        or not row.is_active
    ):
        raise Unauthorized("a valid API token is required")
    if row.last_used_at is None or now - row.last_used_at >= USED_RESOLUTION:
        with ctx.db.transaction() as session:
            session.execute(update(ApiToken).where(ApiToken.id == row.id).values(last_used_at=now))
    return Principal(user_id=row.user_id, username=row.username, role=row.role)


def require_writer(ctx: Context, raw: str | None) -> Principal:
    """The token's user, if that user may change incidents (responder or admin)."""
    user = authenticate(ctx, raw)
    if user.role not in (UserRole.RESPONDER.value, UserRole.ADMIN.value):
        raise Forbidden("this token's user may not write incidents")
    return user


def list_tokens(ctx: Context) -> list[TokenInfo]:
    """Every token for an admin (or the local CLI); one's own for anyone else."""
    query = select(ApiToken).order_by(ApiToken.id)
    if ctx.principal is not None and not ctx.principal.is_admin:
        query = query.where(ApiToken.user_id == ctx.principal.user_id)
    with ctx.db.transaction() as session:
        return [_info(t, t.user.username) for t in session.scalars(query)]


def revoke_token(ctx: Context, token_id: int) -> TokenInfo:
    with ctx.db.transaction() as session:
        token = session.get(ApiToken, token_id)
        principal = ctx.principal
        if token is None or (principal is not None and not principal.is_admin and token.user_id != principal.user_id):
            raise NotFound(f"no API token {token_id}")
        if token.revoked_at is None:
            token.revoked_at = now_utc()
            record(session, ctx.actor, "token.revoked", None, {"token": token.id})
        return _info(token, token.user.username)


def _info(token: ApiToken, username: str) -> TokenInfo:
    return TokenInfo(token.id, token.name, username, token.prefix, token.created_at, token.expires_at, token.revoked_at, token.last_used_at)
