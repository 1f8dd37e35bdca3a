"""Users and teams: looked up by name, created on first mention."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session

from cairn.domain.enums import UserRole, parse_choice
from cairn.domain.names import check_label, check_username
from cairn.domain.times import now_utc
from cairn.errors import Conflict, InvalidInput, NotFound
from cairn.services.context import Context
from cairn.storage.models import Team, User


def get_user(session: Session, username: str) -> User | None:
    return session.scalar(select(User).where(User.username == username))


def require_user(session: Session, username: str) -> User:
    user = get_user(session, check_username(username))
    if user is None:
        raise NotFound(f"no user {username!r}")
    return user


def ensure_user(session: Session, username: str) -> User:
    name = check_username(username)
    user = get_user(session, name)
    if user is None:
        user = User(username=name, role=UserRole.RESPONDER.value, is_active=True, created_at=now_utc())
        session.add(user)
        session.flush()
    return user


def require_owner(session: Session, username: str) -> User:
    """An action item's owner, on every door (actions, API, editor, Markdown
    import): an existing account, never one created on first mention, so a
    typo cannot create a user who will never see their reminders."""
    name = check_username(username, "owner")
    user = get_user(session, name)
    if user is None:
        raise InvalidInput(f"unknown owner {name!r}: create the user first")
    return user


def ensure_team(session: Session, name: str) -> Team:
    clean = check_label(name, "team")
    team = session.scalar(select(Team).where(Team.name == clean))
    if team is None:
        team = Team(name=clean, created_at=now_utc())
        session.add(team)
        session.flush()
    return team


def create_user(
    ctx: Context,
    username: str,
    *,
    display_name: str | None = None,
    email: str | None = None,
    role: str = "responder",
    teams: list[str] | None = None,
    password: str | None = None,
) -> User:
    """A new account (admins only); without a password it cannot sign in yet."""
    from cairn.services.access import require_admin
    from cairn.services.accounts import hash_password
    from cairn.services.audit import record
    from cairn.storage.models import TeamMember

    require_admin(ctx)
    hashed = hash_password(password) if password is not None else None
    with ctx.db.transaction() as session:
        name = check_username(username)
        if get_user(session, name) is not None:
            raise Conflict(f"user {name!r} already exists")
        user = User(
            username=name,
            display_name=" ".join(display_name.split()) or None if display_name else None,
            email=email,
            role=parse_choice(UserRole, role, "role").value,
            password_hash=hashed,
            is_active=True,
            created_at=now_utc(),
        )
        session.add(user)
        session.flush()
        for team_name in teams or []:
            session.add(TeamMember(team_id=ensure_team(session, team_name).id, user_id=user.id))
        record(session, ctx.actor, "user.created", None, {"username": name})
        return user


def list_users(ctx: Context) -> list[User]:
    with ctx.db.transaction() as session:
        return list(session.scalars(select(User).order_by(User.username)))
