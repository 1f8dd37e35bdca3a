"""The periodic report over the API: what /reports/PERIOD shows and `cairn report` writes."""

from __future__ import annotations

from typing import Any

from cairn.domain.periods import parse_period
from cairn.services.insights.report import period_report
from cairn.web.api.schemas import ErrorRead, api_router
from cairn.web.auth import ApiContextDep

router = api_router(tags=["insights"])


@router.get("/reports/{period}", name="api_report", responses={400: {"model": ErrorRead, "description": "the period cannot be read: give 2026-Q3, 2026-11, 2026 or FIRST..LAST days"}})
def report(ctx: ApiContextDep, period: str) -> dict[str, Any]:
    """The review of a quarter (2026-Q3), month (2026-11), year (2026) or FIRST..LAST days against the
    period before; counts follow the group-of-three rule, lists only name incidents the caller may see."""
    return period_report(ctx, parse_period(period)).to_data()
