"""/insights/factors: recurring factors for people, the same data as
GET /api/v1/insights/factors and `cairn insights factors`."""

from __future__ import annotations

from typing import Annotated
from urllib.parse import urlencode

from fastapi import APIRouter, Query, Request
from fastapi.responses import HTMLResponse, Response

from cairn.domain.enums import IncidentKind
from cairn.errors import InvalidFilter
from cairn.services.insights.factors import RecurringFactors, recurring_factors
from cairn.services.insights.metrics import MetricsFilter
from cairn.web.auth import PageContextDep
from cairn.web.deps import TemplatesDep
from cairn.web.errors import for_the_web

router = APIRouter(default_response_class=HTMLResponse, include_in_schema=False)
Text = Annotated[str, Query(max_length=200)]


def _peak(result: RecurringFactors) -> int:
    """The largest cell, which shades the darkest."""
    cells = [n for c in result.categories for n in c.quarters.values()]
    cells += [n for counts in result.by_service.values() for n in counts.values()]
    return max(cells, default=1)


@router.get("/insights/factors", name="factors_page")
def factors_page(
    request: Request, ctx: PageContextDep, templates: TemplatesDep,
    since: Text = "", until: Text = "", severity: Text = "", service: Text = "", team: Text = "", kind: Text = "",
) -> Response:
    form = {"since": since, "until": until, "severity": severity, "service": service, "team": team, "kind": kind}
    result, error = None, None
    try:
        result = recurring_factors(ctx, MetricsFilter.parse(ctx, **form))
    except InvalidFilter as refused:
        error = for_the_web(str(refused))
    status = 400 if error else 200
    return templates.TemplateResponse(request, "factors.html", {
        "form": form, "result": result, "error": error, "peak": _peak(result) if result else 1,
        "query": urlencode({k: v for k, v in form.items() if v}),
        "severities": ctx.settings.severities, "kinds": [k.value for k in IncidentKind], "status_code": status,
    }, status_code=status)
