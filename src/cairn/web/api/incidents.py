"""JSON twins of the incident pages: same filters, same services."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Query

from cairn.domain.moments import KeyMoments, durations
from cairn.domain.times import require_zone
from cairn.formats.data import incident_to_data
from cairn.services.incidents import IncidentSummary, list_incidents, show_incident
from cairn.web.deps import ContextDep
from cairn.web.filters import ListQueryDep

router = APIRouter(prefix="/api/v1", tags=["incidents"])


def durations_seconds(moments: KeyMoments) -> dict[str, float | None]:
    """Named like the JSON export (to_detect, ...), so both read the same."""
    return {
        name.replace("time to ", "to_"): (span.total_seconds() if span is not None else None)
        for name, span in durations(moments).items()
    }


def summary_data(row: IncidentSummary) -> dict[str, Any]:
    zone = require_zone(row.timezone)
    return {
        "key": row.key,
        "title": row.title,
        "kind": row.kind,
        "severity": row.severity,
        "status": row.status,
        "visibility": row.visibility,
        "timezone": row.timezone,
        "services": row.services,
        "teams": row.teams,
        "moments": {m.value: v.astimezone(zone).isoformat() for m, v in row.moments.items() if v is not None},
        "durations_seconds": durations_seconds(row.moments),
        "postmortem_status": row.postmortem_status,
        "action_items_open": row.action_items_open,
    }


@router.get("/incidents", name="api_incident_list")
def incident_list(
    ctx: ContextDep,
    query: ListQueryDep,
    limit: Annotated[int, Query(ge=1, le=1000)] = 50,
    offset: Annotated[int, Query(ge=0, le=10**9)] = 0,
) -> dict[str, Any]:
    rows, total = list_incidents(ctx, query.criteria(ctx), limit=limit, offset=offset)
    return {"total": total, "limit": limit, "offset": offset, "items": [summary_data(row) for row in rows]}


@router.get("/incidents/{key}", name="api_incident")
def incident(key: str, ctx: ContextDep) -> dict[str, Any]:
    doc = show_incident(ctx, key)
    data = incident_to_data(doc, with_prose=True)
    data["durations_seconds"] = durations_seconds(doc.moments)
    return data
