"""JSON for action items across incidents, and the on-schedule figures."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import Query

from cairn.domain.times import now_utc
from cairn.services.actions import OnSchedule, action_stats, list_action_items
from cairn.web.api.reads import ActionItemList, ActionStatsRead
from cairn.web.api.schemas import api_router
from cairn.web.auth import ApiContextDep

router = api_router(tags=["action items"])


@router.get("/action-items", name="api_action_items", response_model=ActionItemList)
def action_items(
    ctx: ApiContextDep,
    owner: Annotated[str | None, Query()] = None,
    team: Annotated[str | None, Query()] = None,
    overdue: bool = False,
    due_within: Annotated[int | None, Query(ge=0, le=3650)] = None,
    open: bool = False,
    mine: Annotated[bool, Query(description="only items you own")] = False,
    my_teams: Annotated[bool, Query(description="only items of your teams")] = False,
) -> dict[str, Any]:
    today = now_utc().date()
    me = ctx.principal.username if ctx.principal else None
    rows = list_action_items(
        ctx, owner=me if mine else owner, team=team, teams_of=me if my_teams else None, only_open=open,
        overdue=overdue, due_within=due_within, today=today,
    )
    return {"total": len(rows), "items": [row.to_data(today) for row in rows]}


def _pack(value: OnSchedule) -> dict[str, Any]:
    return {"on_time": value.on_time, "judged": value.judged, "rate": value.rate}


@router.get("/action-items/stats", name="api_action_stats", response_model=ActionStatsRead)
def stats(ctx: ApiContextDep) -> dict[str, Any]:
    result = action_stats(ctx)
    return {
        "on_schedule": _pack(result.overall),
        "by_team": {k: _pack(v) for k, v in result.by_team.items()},
        "by_priority": {k: _pack(v) for k, v in result.by_priority.items()},
        "by_month": {k: _pack(v) for k, v in result.by_month.items()},
        "open": result.open_count,
        "open_overdue": result.open_overdue,
        "open_age_days": {"median": result.age_median_days, "p90": result.age_p90_days},
    }
