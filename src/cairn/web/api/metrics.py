"""Honest metrics over the API: the figures /insights shows and `cairn metrics` prints."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import Query

from cairn.services.insights.metrics import BY, MetricsFilter, metrics
from cairn.web.api.schemas import ErrorRead, api_router
from cairn.web.auth import ApiContextDep

router = api_router(tags=["metrics"])
# Plain text parameters: the service checks them, so a bad one is a 400 with one line saying why.
Text = Annotated[str, Query(max_length=200)]


@router.get("/metrics", name="api_metrics", responses={400: {"model": ErrorRead, "description": "a filter cannot be read: an unknown severity or grouping, a malformed date, until before since"}})
def read_metrics(
    ctx: ApiContextDep,
    since: Annotated[str, Query(max_length=200, description="first UTC day of the incidents' start, YYYY-MM-DD")] = "",
    until: Annotated[str, Query(max_length=200, description="last UTC day of the incidents' start, YYYY-MM-DD (included)")] = "",
    severity: Text = "", service: Text = "", team: Text = "",
    kind: Annotated[str, Query(max_length=200, description="incident or near miss")] = "",
    by: Annotated[str, Query(max_length=40, description=f"group by one of {', '.join(BY)}")] = "",
) -> dict[str, Any]:
    """Distributions (seconds) of the time to detect, acknowledge, mitigate and resolve, overall, per group and
    per month or quarter; severity against time to resolve (incidents the caller may see); near misses among
    reviews; postmortem lag and the share published by the due date; action items on schedule per month.
    Restricted incidents the caller may not see count only in groups of at least three of them."""
    wanted = MetricsFilter.parse(ctx, since=since, until=until, severity=severity, service=service, team=team, kind=kind)
    return metrics(ctx, wanted, by=by or None).to_data()
