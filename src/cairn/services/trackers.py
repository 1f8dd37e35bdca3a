"""Action items in trackers: open a ticket, keep the link, pull the state back.

Closing the ticket closes the item and records when (the tracker's close
time). When a tracker is down the item keeps its state, the error is stored
on the item and shown, and the next sync tries again: nothing is lost.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from sqlalchemy import select

from cairn.domain.enums import ActionStatus
from cairn.domain.times import now_utc
from cairn.errors import Conflict, InvalidInput
from cairn.services.access import require_write, visible_clause
from cairn.services.actions import require_item
from cairn.services.audit import record
from cairn.services.context import Context
from cairn.services.incidents import key_of, require_incident, touch
from cairn.services.tracker_clients import GitHubClient, JiraClient, TicketState, TrackerError
from cairn.storage.db import retry_stale
from cairn.storage.models import ActionItem, Incident, Postmortem

TRACKERS = ("jira", "github")


def configured_trackers(settings) -> list[str]:  # type: ignore[no-untyped-def]
    """The trackers whose settings are complete, so a page offers only tickets that can be opened."""
    jira = settings.jira_url and settings.jira_user and settings.jira_token and settings.jira_project
    github = settings.github_token and settings.github_repo
    return [name for name, ready in (("jira", jira), ("github", github)) if ready]


def client_for(ctx: Context, tracker: str):  # type: ignore[no-untyped-def]
    s = ctx.settings
    if tracker == "jira":
        if not (s.jira_url and s.jira_user and s.jira_token and s.jira_project):
            raise InvalidInput("Jira is not configured: set CAIRN_JIRA_URL, CAIRN_JIRA_USER, CAIRN_JIRA_TOKEN and CAIRN_JIRA_PROJECT")
        return JiraClient(s.jira_url, s.jira_user, s.jira_token.get_secret_value(), api_version=s.jira_api_version)
    if tracker == "github":
        if not (s.github_token and s.github_repo):
            raise InvalidInput("GitHub is not configured: set CAIRN_GITHUB_TOKEN and CAIRN_GITHUB_REPO")
        return GitHubClient(s.github_api_url, s.github_token.get_secret_value(), s.github_repo)
    raise InvalidInput(f"unknown tracker {tracker!r}: choose one of {', '.join(TRACKERS)}")


def open_ticket(ctx: Context, key: str, label: str, tracker: str) -> str:
    """Create the tracker issue for an action item and keep its link."""
    name = tracker.strip().lower()
    client = client_for(ctx, name)
    with ctx.db.transaction() as session:
        incident = require_incident(session, ctx, key, full=True, write=True)
        item = require_item(ctx, incident, label)
        if item.external_key:
            raise Conflict(f"{item.label} already has a ticket: {item.external_key}")
        incident_key = key_of(ctx, incident)
        summary, description = item.title, f"Action item {item.label} of {incident_key}: {incident.title}"
        due = item.due_date
    ref = client.create(ctx.settings.jira_project, summary, description, due) if name == "jira" else client.create(summary, description)
    _link_ticket(ctx, key, label, name, ref)
    return ref.key


@retry_stale
def _link_ticket(ctx: Context, key: str, label: str, tracker: str, ref) -> None:  # type: ignore[no-untyped-def]
    """Keep the new ticket's link; retried on its own, since the ticket already exists."""
    with ctx.db.transaction() as session:
        incident = require_incident(session, ctx, key, full=True, write=True)
        item = require_item(ctx, incident, label)
        item.tracker, item.external_key, item.external_url = tracker, ref.key, ref.url
        item.synced_at, item.sync_error = now_utc(), None
        touch(incident)
        record(session, ctx.actor, "action.ticket", incident, {"item": item.label, "tracker": tracker, "ticket": ref.key})


@dataclass
class SyncResult:
    checked: int = 0
    closed: list[str] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)


def sync_tickets(ctx: Context) -> SyncResult:
    """Pull the state of every open item's ticket; a closed ticket closes the item."""
    result = SyncResult()
    with ctx.db.transaction() as session:
        pending = [
            (item.id, item.tracker, item.external_key)
            for item in session.scalars(
                select(ActionItem).where(
                    ActionItem.external_key.is_not(None),
                    ActionItem.status.in_([ActionStatus.OPEN.value, ActionStatus.IN_PROGRESS.value]),
                )
            )
        ]
    clients: dict[str, object] = {}
    for item_id, tracker, ticket in pending:
        result.checked += 1
        try:
            client = clients.setdefault(tracker, client_for(ctx, tracker))
            state = client.state(ticket)  # type: ignore[attr-defined]
        except (TrackerError, InvalidInput) as error:
            _note_error(ctx, item_id, str(error))
            result.errors.append(f"{ticket}: {error}")
            continue
        closed = apply_state(ctx, item_id, state, actor=f"{TRACKER_NAMES.get(tracker, tracker)} sync")
        if closed:
            result.closed.append(closed)
    return result


TRACKER_NAMES = {"jira": "Jira", "github": "GitHub"}


@retry_stale
def apply_state(ctx: Context, item_id: int, state: TicketState, *, actor: str) -> str | None:
    """Record a ticket's state on its item; returns 'INC-1 A1' when this closed it.

    `actor` is who the history names: "dana via GitHub" for a webhook, which
    acts as its token's user, or "Jira sync" for the background sync.
    """
    with ctx.db.transaction() as session:
        row = session.execute(
            select(ActionItem, Incident)
            .join(Postmortem, Postmortem.id == ActionItem.postmortem_id)
            .join(Incident, Incident.id == Postmortem.incident_id)
            .where(ActionItem.id == item_id, visible_clause(ctx))
        ).first()
        if row is None:
            return None
        item, incident = row
        item.synced_at, item.sync_error = now_utc(), None
        if not state.closed or ActionStatus(item.status).is_closed:
            return None
        item.status = ActionStatus.DONE.value
        item.closed_at = state.closed_at or now_utc()
        touch(incident)
        record(session, actor, "action.closed_by_tracker", incident, {"item": item.label, "ticket": item.external_key})
        return f"{key_of(ctx, incident)} {item.label}"


def close_by_ticket(ctx: Context, tracker: str, ticket: str, state: TicketState) -> str | None:
    """A tracker's webhook, acting as its token's user (`ctx.as_user`): find the
    item with this ticket among what that user may see and change, and apply
    the state. A ticket of an incident hidden from the user is unknown to them."""
    require_write(ctx)
    with ctx.db.transaction() as session:
        item_id = session.scalar(
            select(ActionItem.id)
            .join(Postmortem, Postmortem.id == ActionItem.postmortem_id)
            .join(Incident, Incident.id == Postmortem.incident_id)
            .where(ActionItem.tracker == tracker, ActionItem.external_key == ticket, visible_clause(ctx))
        )
    if item_id is None:
        return None
    return apply_state(ctx, item_id, state, actor=f"{ctx.actor} via {TRACKER_NAMES.get(tracker, tracker)}")


def _note_error(ctx: Context, item_id: int, message: str) -> None:
    with ctx.db.transaction() as session:
        item = session.get(ActionItem, item_id)
        if item is not None:
            item.sync_error = message[:500]
