"""Recurring factors over the API: what /insights/factors shows and `cairn insights factors` prints."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import Query

from cairn.services.insights.factors import recurring_factors
from cairn.services.insights.metrics import MetricsFilter
from cairn.web.api.schemas import ErrorRead, api_router
from cairn.web.auth import ApiContextDep

router = api_router(tags=["insights"])
Text = Annotated[str | None, Query(max_length=200)]


@router.get("/insights/factors", name="api_insights_factors", responses={400: {"model": ErrorRead, "description": "a filter cannot be read: an unknown severity or kind, a malformed date, until before since"}})
def factors(
    ctx: ApiContextDep, since: Text = None, until: Text = None, severity: Text = None, service: Text = None,
    team: Text = None, kind: Text = None,
) -> dict[str, Any]:
    """Contributing-factor categories per quarter and service, the most recurring first; action items
    written on several incidents; repeats (earlier fixes that may not have held) per service and quarter.
    Counts follow the group-of-three rule; names and titles come only from incidents the caller may see."""
    wanted = MetricsFilter.parse(ctx, since=since, until=until, severity=severity, service=service, team=team, kind=kind)
    return recurring_factors(ctx, wanted).to_data()
