"""Who may see and change what: the one place the access rules live.

Viewers read, responders also write, admins also manage users. A restricted
incident exists only for its participants and for admins: to anyone else it
is reported as not found, never as forbidden, so its existence does not leak
through lists, counts, searches or error codes.

The same rule holds on every door and for every job:
- web pages and the API act for the signed-in user;
- webhooks (/hooks/...) act for their API token's user, and are recorded
  as that user "via" the sending system;
- a background job that writes to a person (a reminder, an escalation)
  acts for that person: it names only incidents the recipient may see, and
  restricted incidents never go to a channel shared by a team (a Slack or
  JSON webhook), only to the recipient's own e-mail;
- metrics (services/insights/metrics.py) count incidents a reader may not
  see only as aggregates, and only where at least three of them fall in the
  same group; per-incident points and rows show only what the reader may see;
- the owners of a restricted incident's action items are its participants
  (added as "action owner" when an item is given to them): whoever owns the
  work must be able to see it, and a participant may add people anyway.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import ColumnElement, bindparam, or_, select, true

from cairn.domain.enums import ParticipantRole, Visibility
from cairn.errors import Forbidden
from cairn.services.context import Context, Principal
from cairn.storage.models import Incident, Participant, User


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


def visible_clause_on(ctx: Context, incidents: Any) -> ColumnElement[bool]:
    """The same rule on an alias of the incidents table (a query joining two incidents
    checks each where it stands, instead of listing every visible incident)."""
    from sqlalchemy.sql.util import ClauseAdapter

    return ClauseAdapter(incidents).traverse(visible_clause(ctx))


def viewer_params(ctx: Context) -> dict[str, int] | None:
    """Parameters for a statement filtered by `visible_to_viewer`, or None when the
    principal sees everything (use the unfiltered statement)."""
    principal = ctx.principal
    if principal is None or principal.is_admin:
        return None
    return {"viewer_id": principal.user_id}


def principal_can_see(principal: Principal | None, incident: Incident) -> bool:
    """The rule itself, for one loaded incident (its participants loaded or loadable).

    No principal is the local CLI or a system job that writes to nobody: it
    has every right, as whoever can open the database file has.
    """
    if principal is None or principal.is_admin or incident.visibility != Visibility.RESTRICTED.value:
        return True
    return any(p.user_id == principal.user_id for p in incident.participants)


def can_see(ctx: Context, incident: Incident) -> bool:
    return principal_can_see(ctx.principal, incident)


def user_can_see(user: User, incident: Incident) -> bool:
    """For jobs acting for a person who is not signed in (reminders, escalations)."""
    return principal_can_see(Principal(user_id=user.id, username=user.username, role=user.role), incident)


def admit_owner(incident: Incident, user: User) -> bool:
    """Make the owner of an action item a participant of its restricted incident;
    True if they had to be added.

    Called wherever an owner is set (the API, the CLI, the editor); a document
    import obeys the same rule in its canonical form (services/validation.py),
    so an item is never assigned to someone who cannot see it. Admins too are
    listed, so that the rule, and a document's round trip, know no exception.
    """
    if incident.visibility != Visibility.RESTRICTED.value or any(p.user_id == user.id for p in incident.participants):
        return False
    incident.participants.append(Participant(user_id=user.id, role=ParticipantRole.ACTION_OWNER.value))
    return True


def require_write(ctx: Context) -> None:
    """Refuse a change from a viewer."""
    if ctx.principal is not None and not ctx.principal.can_write:
        raise Forbidden(f"{ctx.principal.username} is a viewer and may not change incidents")


def require_admin(ctx: Context) -> None:
    if ctx.principal is not None and not ctx.principal.is_admin:
        raise Forbidden("only an admin may do this")
