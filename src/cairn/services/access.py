"""Who may see and change what: the one place the access rules live.

Viewers read, responders also write, admins also manage users. A restricted
incident exists only for its participants and for admins: to anyone else it
is reported as not found, never as forbidden, so its existence does not leak
through lists, counts, searches or error codes.
"""

from __future__ import annotations

from sqlalchemy import ColumnElement, bindparam, or_, select, true

from cairn.domain.enums import Visibility
from cairn.errors import Forbidden
from cairn.services.context import Context
from cairn.storage.models import Incident, Participant


def visible_to_viewer(user_id: int | None = None) -> ColumnElement[bool]:
    """The rule for a non-admin user; without `user_id`, the id is the bind
    parameter `viewer_id`, for statements built once and run on every request."""
    viewer = bindparam("viewer_id") if user_id is None else user_id
    involved = select(Participant.incident_id).where(Participant.user_id == viewer)
    return or_(Incident.visibility != Visibility.RESTRICTED.value, Incident.id.in_(involved))


def visible_clause(ctx: Context) -> ColumnElement[bool]:
    """A WHERE clause on `Incident` that keeps only what the principal may see."""
    principal = ctx.principal
    if principal is None or principal.is_admin:
        return true()
    return visible_to_viewer(principal.user_id)


def viewer_params(ctx: Context) -> dict[str, int] | None:
    """Parameters for a statement filtered by `visible_to_viewer`, or None when the
    principal sees everything (use the unfiltered statement)."""
    principal = ctx.principal
    if principal is None or principal.is_admin:
        return None
    return {"viewer_id": principal.user_id}


def can_see(ctx: Context, incident: Incident) -> bool:
    principal = ctx.principal
    if principal is None or principal.is_admin or incident.visibility != Visibility.RESTRICTED.value:
        return True
    return any(p.user_id == principal.user_id for p in incident.participants)


def require_write(ctx: Context) -> None:
    """Refuse a change from a viewer."""
    if ctx.principal is not None and not ctx.principal.can_write:
        raise Forbidden(f"{ctx.principal.username} is a viewer and may not change incidents")


def require_admin(ctx: Context) -> None:
    if ctx.principal is not None and not ctx.principal.is_admin:
        raise Forbidden("only an admin may do this")
