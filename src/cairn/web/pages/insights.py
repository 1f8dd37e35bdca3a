"""/insights: the honest metrics for people, with the same figures as
GET /api/v1/metrics, charts drawn on the server, and the CSV behind each chart."""

from __future__ import annotations

from typing import Annotated
from urllib.parse import urlencode

from fastapi import APIRouter, Query, Request
from fastapi.responses import HTMLResponse, Response
from markupsafe import Markup

from cairn.analysis.insights.distributions import format_span
from cairn.domain.enums import IncidentKind
from cairn.errors import InvalidFilter
from cairn.formats.insight_charts import box_plot, distribution_table, scatter_chart, scatter_table, trend_chart, trend_table
from cairn.services.context import Context
from cairn.services.insights.metrics import BY, CHARTS, MEASURES, Metrics, MetricsFilter, metrics, metrics_csv
from cairn.web.auth import PageContextDep
from cairn.web.deps import TemplatesDep
from cairn.web.errors import for_the_web

router = APIRouter(default_response_class=HTMLResponse, include_in_schema=False)
Text = Annotated[str, Query(max_length=200)]
MAX_DOTS, MAX_ROWS = 2000, 500  # a page stays light at 100,000 incidents
MEASURE_NAMES = {"detect": "time to detect", "acknowledge": "time to acknowledge", "mitigate": "time to mitigate", "resolve": "time to resolve"}


def _read(ctx: Context, since: str, until: str, severity: str, service: str, team: str, kind: str, by: str, points: int | None = MAX_DOTS) -> Metrics:
    wanted = MetricsFilter.parse(ctx, since=since, until=until, severity=severity, service=service, team=team, kind=kind)
    return metrics(ctx, wanted, by=by or None, points=points)


@router.get("/insights", name="insights_page")
def insights_page(
    request: Request, ctx: PageContextDep, templates: TemplatesDep,
    since: Text = "", until: Text = "", severity: Text = "", service: Text = "", team: Text = "", kind: Text = "",
    by: Text = "severity", measure: Text = "resolve",
) -> Response:
    form = {"since": since, "until": until, "severity": severity, "service": service, "team": team, "kind": kind, "by": by, "measure": measure}
    result, error = None, None
    try:
        if measure not in MEASURES:
            raise InvalidFilter(f"no measure {measure!r}: choose one of {', '.join(MEASURES)}")
        result = _read(ctx, since, until, severity, service, team, kind, by)
    except InvalidFilter as refused:
        error = for_the_web(str(refused))
    charts = _charts(result, measure, ctx.settings.severities) if result else None
    query = urlencode({k: v for k, v in form.items() if v})
    status = 400 if error else 200
    return templates.TemplateResponse(request, "insights.html", {
        "form": form, "result": result, "error": error, "charts": charts, "query": query,
        "severities": ctx.settings.severities, "kinds": [k.value for k in IncidentKind], "groupings": BY,
        "measures": MEASURE_NAMES, "measure_name": MEASURE_NAMES.get(measure, measure),
        "csv": lambda chart: f"{request.url_for('insights_csv').path}?{urlencode({**{k: v for k, v in form.items() if v}, 'chart': chart})}",
        "span": format_span, "status_code": status,
    }, status_code=status)


def _charts(result: Metrics, measure: str, severities: list[str]) -> dict:  # type: ignore[type-arg]
    """Each chart's SVG (built escaped by formats.insight_charts) and its table."""
    name = MEASURE_NAMES[measure]
    groups = [(g.key, g.measures[measure]) for g in result.groups] or [("all", result.overall.measures[measure])]
    buckets = [(g.key, g.measures[measure]) for g in result.trend]
    drawn = [(p.severity, p.seconds, p.key) for p in result.scatter]  # beyond MAX_DOTS, every step-th incident (the CSV has them all)
    step = result.scatter_step
    scatter_title = "Severity against the time to resolve" + (f" (1 in {step} incidents drawn)" if step > 1 else "")
    grouped = f"by {result.by}" if result.by else "over all incidents"
    return {
        "distribution": (Markup(box_plot(f"Distribution of the {name}, {grouped}", groups)), distribution_table(f"The {name}, {grouped}", groups)),
        "trend": (Markup(trend_chart(f"The {name} per {result.period}: median and 90th percentile", buckets)), trend_table(f"The {name} per {result.period}", buckets)),
        "scatter": (Markup(scatter_chart(scatter_title, drawn, severities)), scatter_table("Severity against the time to resolve, incidents you may see", drawn[:MAX_ROWS])),
    }


@router.get("/insights.csv", name="insights_csv")
def insights_csv(
    ctx: PageContextDep,
    chart: Annotated[str, Query(max_length=40)] = "distribution",
    since: Text = "", until: Text = "", severity: Text = "", service: Text = "", team: Text = "", kind: Text = "",
    by: Text = "severity", measure: Text = "resolve",
) -> Response:
    """The rows behind one chart of /insights; a bad filter or chart is a 400 page."""
    if chart not in CHARTS:
        raise InvalidFilter(f"no chart {chart!r}: choose one of {', '.join(CHARTS)}")
    text = metrics_csv(_read(ctx, since, until, severity, service, team, kind, by, points=None), chart)
    return Response(text, media_type="text/csv; charset=utf-8", headers={"Content-Disposition": f'attachment; filename="cairn-{chart}.csv"'})
