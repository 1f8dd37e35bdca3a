"""Webhook receivers, authenticated with an API token (Authorization: Bearer)."""

from __future__ import annotations

import json
from typing import Any

from fastapi import APIRouter, Request

from cairn.errors import InvalidInput, Unauthorized
from cairn.services.alert_receiver import receive_alertmanager
from cairn.services.tokens import authenticate
from cairn.web.deps import ContextDep

router = APIRouter(prefix="/hooks", tags=["hooks"])

MAX_BODY = 2 * 1024 * 1024


def bearer(request: Request) -> str | None:
    header = request.headers.get("authorization", "")
    scheme, _, token = header.partition(" ")
    return token.strip() if scheme.lower() == "bearer" else None


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
    token = bearer(request)
    if token is None:
        raise Unauthorized("send the API token as 'Authorization: Bearer <token>'")
    user = authenticate(ctx, token)
    received = receive_alertmanager(ctx, await json_body(request), user)
    return {"incident": received.key, "created": received.created, "added": received.added, "duplicates": received.duplicates}
