"""Local accounts: passwords, roles, and browser sign-ins.

Passwords are hashed with argon2id. A sign-in is a random cookie value whose
SHA-256 is stored with the user's CSRF token and an expiry that slides with
use; changing a password or a role ends every sign-in of that user.
"""

from __future__ import annotations

import hashlib
import math
import secrets
from dataclasses import dataclass
from datetime import timedelta

from sqlalchemy import bindparam, delete, func, select, update

from cairn.domain.enums import UserRole, parse_choice
from cairn.domain.names import check_username
from cairn.domain.times import now_utc
from cairn.errors import InvalidInput, TooManyAttempts, Unauthorized
from cairn.services.access import require_admin
from cairn.services.audit import record
from cairn.services.context import Context, Principal
from cairn.services.people import get_user, require_user
from cairn.storage.models import AuditEvent, User, WebSession

MIN_PASSWORD = 10
MAX_PASSWORD = 1024
# Refresh a session's expiry at most this often, so reads do not write on every request.
SLIDE_EVERY = timedelta(minutes=5)
# Guessing passwords: this many failures for one username within the window pause its sign-ins.
MAX_FAILURES = 10
FAILURE_WINDOW = timedelta(minutes=15)
FIRST_ADMIN = "admin"


def _hasher():  # type: ignore[no-untyped-def]
    from argon2 import PasswordHasher

    return PasswordHasher()


def principal_of(user: User) -> Principal:
    return Principal(user_id=user.id, username=user.username, role=user.role)


def check_password(password: str) -> str:
    if len(password) < MIN_PASSWORD:
        raise InvalidInput(f"a password needs at least {MIN_PASSWORD} characters")
    if len(password) > MAX_PASSWORD:
        raise InvalidInput(f"a password has at most {MAX_PASSWORD} characters")
    return password


def hash_password(password: str) -> str:
    return _hasher().hash(check_password(password))


def set_password(ctx: Context, username: str, password: str) -> None:
    """Set a password (an admin, or users for themselves); other sign-ins end."""
    if ctx.principal is not None and ctx.principal.username != username:
        require_admin(ctx)
    hashed = hash_password(password)
    with ctx.db.transaction() as session:
        user = require_user(session, username)
        user.password_hash = hashed
        session.execute(delete(WebSession).where(WebSession.user_id == user.id))
        record(session, ctx.actor, "user.password_set", None, {"username": user.username})


def set_role(ctx: Context, username: str, role: str) -> User:
    require_admin(ctx)
    value = parse_choice(UserRole, role, "role").value
    with ctx.db.transaction() as session:
        user = require_user(session, username)
        if user.role == UserRole.ADMIN.value and value != UserRole.ADMIN.value:
            admins = session.scalar(
                select(func.count()).select_from(User).where(User.role == UserRole.ADMIN.value, User.is_active.is_(True))
            )
            if admins == 1:
                raise InvalidInput(f"{user.username} is the last admin; make someone else admin first")
        before = user.role
        user.role = value
        session.execute(delete(WebSession).where(WebSession.user_id == user.id))
        record(session, ctx.actor, "user.role_set", None, {"username": user.username, "from": before, "to": value})
        return user


@dataclass(frozen=True)
class SignIn:
    cookie: str  # the raw session value, for the cookie only; never stored
    csrf_token: str
    principal: Principal


def _digest(value: str) -> str:
    return hashlib.sha256(value.encode("utf-8")).hexdigest()


def _verified(ctx: Context, username: str, password: str) -> tuple[str, str]:
    """(username, stored hash) when the password is right; else the same 401 for
    every mistake, each failure counted towards pausing that username."""
    from argon2.exceptions import InvalidHashError, VerificationError

    refusal = Unauthorized("wrong username or password")
    try:
        name = check_username(username)
    except InvalidInput:
        raise refusal from None
    _check_attempts(ctx, name)
    with ctx.db.transaction() as session:
        user = get_user(session, name)
        stored = user.password_hash if user is not None and user.is_active else None
        try:
            # Hash even for unknown users, so timing does not reveal who exists.
            _hasher().verify(stored or _dummy_hash(), password[:MAX_PASSWORD])
            accepted = user is not None and stored is not None
        except (VerificationError, InvalidHashError):
            accepted = False
    if not accepted or stored is None:
        _record_failure(ctx, name)
        raise refusal
    return name, stored


def change_own_password(ctx: Context, current: str, new: str, confirm: str) -> None:
    """The signed-in user's new password, proven by the current one; every sign-in ends."""
    assert ctx.principal is not None
    _verified(ctx, ctx.principal.username, current)
    if new != confirm:
        raise InvalidInput("the new password and its confirmation differ")
    set_password(ctx, ctx.principal.username, new)


def sign_in(ctx: Context, username: str, password: str) -> SignIn:
    """A new session for the right username and password; any mistake is the same 401."""
    name, stored = _verified(ctx, username, password)
    hasher = _hasher()
    with ctx.db.transaction() as session:
        user = require_user(session, name)
        if hasher.check_needs_rehash(stored):
            user.password_hash = hasher.hash(password)
        now = now_utc()
        raw, csrf = secrets.token_urlsafe(32), secrets.token_urlsafe(32)
        session.add(
            WebSession(
                token_hash=_digest(raw), user_id=user.id, csrf_token=csrf, created_at=now, last_seen_at=now,
                expires_at=now + timedelta(hours=ctx.settings.session_hours),
            )
        )
        session.execute(delete(WebSession).where(WebSession.user_id == user.id, WebSession.expires_at <= now))
        record(session, user.username, "user.signed_in", None, {"username": user.username})
        return SignIn(raw, csrf, principal_of(user))


def _check_attempts(ctx: Context, name: str) -> None:
    """After MAX_FAILURES wrong passwords for one username within FAILURE_WINDOW,
    refuse sign-ins for that name until the oldest of them leaves the window."""
    since = now_utc() - FAILURE_WINDOW
    with ctx.db.transaction() as session:
        failures = list(session.scalars(
            select(AuditEvent.at).where(AuditEvent.action == "user.sign_in_failed", AuditEvent.actor == name, AuditEvent.at > since)
            .order_by(AuditEvent.at.desc()).limit(MAX_FAILURES)
        ))
    if len(failures) >= MAX_FAILURES:
        seconds = max(1, math.ceil((failures[-1] + FAILURE_WINDOW - now_utc()).total_seconds()))
        wait = math.ceil(seconds / 60)  # whole minutes, rounded up: never tell someone to come back too early
        raise TooManyAttempts(
            f"too many wrong passwords for {name}: try again in {wait} minute{'s' if wait != 1 else ''}",
            retry_after_seconds=seconds,
        )


def _record_failure(ctx: Context, name: str) -> None:
    with ctx.db.transaction() as session:
        record(session, name, "user.sign_in_failed", None, {"username": name})


_DUMMY: list[str] = []


def _dummy_hash() -> str:
    if not _DUMMY:
        _DUMMY.append(_hasher().hash(secrets.token_urlsafe(16)))
    return _DUMMY[0]


# Built once: it runs on every page.
SESSION_LOOKUP = (
    select(WebSession.id, WebSession.csrf_token, WebSession.last_seen_at, WebSession.expires_at,
           User.id.label("user_id"), User.username, User.role, User.is_active)
    .join(User, User.id == WebSession.user_id)
    .where(WebSession.token_hash == bindparam("digest"))
)


@dataclass(frozen=True)
class ActiveSession:
    principal: Principal
    csrf_token: str


def session_user(ctx: Context, raw: str | None) -> ActiveSession | None:
    """The signed-in user behind a cookie value, or None when it is not valid.

    Runs on every page, so it reads a few columns without the ORM and writes
    only to slide the expiry, at most every few minutes.
    """
    if not raw or len(raw) > 200:
        return None
    row = ctx.db.read_row(SESSION_LOOKUP, {"digest": _digest(raw)})
    now = now_utc()
    if row is None or row.expires_at <= now or not row.is_active:
        return None
    if now - row.last_seen_at >= SLIDE_EVERY:
        with ctx.db.transaction() as session:
            session.execute(
                update(WebSession).where(WebSession.id == row.id)
                .values(last_seen_at=now, expires_at=now + timedelta(hours=ctx.settings.session_hours))
            )
    return ActiveSession(Principal(user_id=row.user_id, username=row.username, role=row.role), row.csrf_token)


def sign_out(ctx: Context, raw: str | None) -> None:
    if not raw:
        return
    with ctx.db.transaction() as session:
        session.execute(delete(WebSession).where(WebSession.token_hash == _digest(raw)))


def ensure_first_admin(ctx: Context) -> str | None:
    """Create the `admin` account when no admin can sign in; return its new password.

    Returns None when an admin with a password already exists.
    """
    with ctx.db.transaction() as session:
        existing = session.scalar(
            select(User).where(User.role == UserRole.ADMIN.value, User.password_hash.is_not(None), User.is_active.is_(True))
        )
        if existing is not None:
            return None
        password = secrets.token_urlsafe(12)
        user = get_user(session, FIRST_ADMIN)
        if user is None:
            user = User(username=FIRST_ADMIN, display_name="Administrator", role=UserRole.ADMIN.value, is_active=True, created_at=now_utc())
            session.add(user)
        user.role = UserRole.ADMIN.value
        user.password_hash = hash_password(password)
        session.flush()
        record(session, ctx.actor, "user.first_admin", None, {"username": user.username})
        return password


def reset_password(ctx: Context, username: str) -> str:
    """An admin gives someone a new random password, shown once; their sign-ins end."""
    require_admin(ctx)
    password = secrets.token_urlsafe(12)
    set_password(ctx, username, password)
    return password


def set_active(ctx: Context, username: str, active: bool) -> User:
    """Deactivate an account (it can no longer sign in, its tokens stop working,
    nobody notifies or reminds it) or bring it back; the last admin stays."""
    require_admin(ctx)
    with ctx.db.transaction() as session:
        user = require_user(session, username)
        if not active and ctx.principal is not None and user.id == ctx.principal.user_id:
            raise InvalidInput("you cannot deactivate your own account")
        if not active and user.role == UserRole.ADMIN.value and user.is_active:
            admins = session.scalar(
                select(func.count()).select_from(User).where(User.role == UserRole.ADMIN.value, User.is_active.is_(True))
            )
            if admins == 1:
                raise InvalidInput(f"{user.username} is the last admin; make someone else admin first")
        user.is_active = active
        if not active:
            session.execute(delete(WebSession).where(WebSession.user_id == user.id))
        record(session, ctx.actor, "user.activated" if active else "user.deactivated", None, {"username": user.username})
        return user
