"""JSON twins of the incident pages: same filters, same services."""

from __future__ import annotations

import json

from typing import Annotated, Any

from fastapi import Query, Request, Response
from starlette.concurrency import run_in_threadpool

from cairn.domain.moments import durations_seconds
from cairn.formats.data import incident_to_data
from cairn.services.incidents import incident_stamp, list_incidents, show_incident
from cairn.services.lint import lint_incident
from cairn.web.api.reads import IncidentLintRead, IncidentList, IncidentRead
from cairn.web.api.schemas import api_router
from cairn.web.auth import ApiContextDep
from cairn.web.filters import ListQueryDep

router = api_router(tags=["incidents"])


@router.get("/incidents", name="api_incident_list", response_model=IncidentList)
def incident_list(
    ctx: ApiContextDep,
    query: ListQueryDep,
    limit: Annotated[int, Query(ge=1, le=1000)] = 50,
    offset: Annotated[int, Query(ge=0, le=10**9)] = 0,
) -> dict[str, Any]:
    rows, total = list_incidents(ctx, query.criteria(ctx), sort=query.sort, limit=limit, offset=offset)
    return {"total": total, "limit": limit, "offset": offset, "items": [row.to_data() for row in rows]}


@router.get(
    "/incidents/{key}", name="api_incident", response_model=None,
    responses={
        200: {"model": IncidentRead, "description": "the incident, with an ETag"},
        304: {"description": "unchanged since the ETag sent in If-None-Match"},
    },
)
async def incident(key: str, ctx: ApiContextDep, request: Request) -> Response:
    """The whole incident: moments, durations, timeline, postmortem, factors, action items.

    Answers carry an ETag; `If-None-Match` with it gives 304 while nothing changed.
    """
    stamp = incident_stamp(ctx, key)  # one indexed row: fine on the event loop
    etag = f'"{stamp[0]}-{stamp[1]}"'
    if etag in request.headers.get("if-none-match", ""):
        return Response(status_code=304, headers={"ETag": etag})

    def render() -> bytes:
        doc = show_incident(ctx, key)
        data = incident_to_data(doc, with_prose=True)
        data["durations_seconds"] = durations_seconds(doc.moments)
        return json.dumps(data, ensure_ascii=False, separators=(",", ":")).encode("utf-8")

    # The same version always renders the same JSON (access was checked by the stamp).
    cache = request.app.state.incident_json
    body = cache.get(stamp)
    if body is None:  # rendering a long timeline takes a while: not on the event loop
        body = await run_in_threadpool(cache.get_or_make, stamp, render)
    return Response(body, media_type="application/json", headers={"ETag": etag})


@router.get("/incidents/{key}/lint", name="api_incident_lint", response_model=IncidentLintRead)
def incident_lint(key: str, ctx: ApiContextDep) -> dict[str, Any]:
    """Blameless-language findings of an incident, and those dismissed with a reason."""
    review = lint_incident(ctx, key)
    return {
        "key": review.key,
        "findings": [finding.to_data() for finding in review.findings],
        "dismissed": [
            {**item.finding.to_data(), "reason": item.reason, "dismissed_by": item.actor, "dismissed_at": item.at.isoformat()}
            for item in review.dismissed
        ],
    }
