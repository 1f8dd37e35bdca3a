"""Webhook receivers, authenticated with an API token (Authorization: Bearer).

Each hook acts as its token's user, through the same access rule as every
other door: it sees and changes only what that user may, and the history
names that user "via" the sending system.
"""

from __future__ import annotations

import json
from typing import Any

from fastapi import Request

from cairn.errors import InvalidInput
from cairn.services.alert_receiver import receive_alertmanager
from cairn.services.tokens import require_writer
from cairn.web.api.schemas import api_router
from cairn.web.deps import ContextDep

router = api_router("/hooks", tags=["hooks"])

MAX_BODY = 2 * 1024 * 1024


def bearer(request: Request) -> str | None:
    header = request.headers.get("authorization", "")
    scheme, _, token = header.partition(" ")
    return token.strip() if scheme.lower() == "bearer" else None


def writer(ctx, request: Request):  # type: ignore[no-untyped-def]
    """The user behind the request's API token, allowed to change incidents."""
    return require_writer(ctx, bearer(request))


async def json_body(request: Request) -> Any:
    body = await request.body()
    if len(body) > MAX_BODY:
        raise InvalidInput(f"the payload is larger than {MAX_BODY} bytes")
    try:
        return json.loads(body)
    except (ValueError, RecursionError):
        raise InvalidInput("the body is not JSON") from None


@router.post("/alertmanager", name="hook_alertmanager")
async def alertmanager(request: Request, ctx: ContextDep) -> dict[str, Any]:
    """Alertmanager's webhook_config target: opens or updates an incident per alert group."""
    received = receive_alertmanager(ctx, await json_body(request), writer(ctx, request))
    return {"incident": received.key, "created": received.created, "added": received.added, "duplicates": received.duplicates}


@router.post("/jira", name="hook_jira")
async def jira(request: Request, ctx: ContextDep) -> dict[str, Any]:
    """Jira issue webhooks (jira:issue_updated): a done issue closes its action item."""
    from cairn.services.tracker_clients import jira_state
    from cairn.services.trackers import close_by_ticket

    user = writer(ctx, request)
    payload = await json_body(request)
    issue = payload.get("issue") if isinstance(payload, dict) else None
    if not isinstance(issue, dict) or not isinstance(issue.get("key"), str):
        raise InvalidInput("not a Jira issue event: expected issue.key")
    return {"closed": close_by_ticket(ctx.as_user(user), "jira", issue["key"], jira_state(issue))}


@router.post("/github", name="hook_github")
async def github(request: Request, ctx: ContextDep) -> dict[str, Any]:
    """GitHub 'issues' webhooks: a closed issue closes its action item."""
    from cairn.services.tracker_clients import github_state
    from cairn.services.trackers import close_by_ticket

    user = writer(ctx, request)
    payload = await json_body(request)
    issue = payload.get("issue") if isinstance(payload, dict) else None
    repo = payload.get("repository", {}).get("full_name") if isinstance(payload, dict) and isinstance(payload.get("repository"), dict) else None
    if not isinstance(issue, dict) or not isinstance(issue.get("number"), int) or not isinstance(repo, str):
        raise InvalidInput("not a GitHub issues event: expected issue.number and repository.full_name")
    return {"closed": close_by_ticket(ctx.as_user(user), "github", f"{repo}#{issue['number']}", github_state(issue))}

