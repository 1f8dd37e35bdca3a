"""/reports: the periodic review of the process, per quarter or month, as a page and
as Markdown, HTML and PDF downloads (the same as `cairn report`)."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Query, Request
from fastapi.responses import HTMLResponse, Response
from markupsafe import Markup

from cairn.domain.periods import month_period, parse_period, period_containing, quarter_period
from cairn.domain.times import now_utc
from cairn.formats.report import report_chart, report_html, report_markdown, report_pdf
from cairn.services.insights.report import period_report
from cairn.web.auth import PageContextDep
from cairn.web.deps import TemplatesDep

router = APIRouter(default_response_class=HTMLResponse, include_in_schema=False)
DOWNLOADS = {"md": "text/markdown; charset=utf-8", "html": "text/html; charset=utf-8", "pdf": "application/pdf"}


def recent_periods(count: int = 8) -> tuple[list[str], list[str]]:
    """The latest quarters and months, newest first, for the index."""
    today = now_utc().date()
    quarter = period_containing(today, "quarter")
    quarters, year, number = [], quarter.first.year, (quarter.first.month - 1) // 3 + 1
    for _ in range(count):
        quarters.append(quarter_period(year, number).label)
        year, number = (year - 1, 4) if number == 1 else (year, number - 1)
    months, year, month = [], today.year, today.month
    for _ in range(count + 4):
        months.append(month_period(year, month).label)
        year, month = (year - 1, 12) if month == 1 else (year, month - 1)
    return quarters, months


@router.get("/reports", name="reports_page")
def reports_page(request: Request, ctx: PageContextDep, templates: TemplatesDep) -> Response:
    quarters, months = recent_periods()
    return templates.TemplateResponse(request, "reports.html", {"quarters": quarters, "months": months})


@router.get("/reports/{period}", name="report_page")
def report_page(
    request: Request, period: str, ctx: PageContextDep, templates: TemplatesDep,
    format: Annotated[str, Query(max_length=10, pattern="^(md|html|pdf)?$")] = "",
) -> Response:
    """The report for the reader; `format` downloads it as md, html or pdf instead."""
    chosen = parse_period(period)
    data = period_report(ctx, chosen).to_data()
    if format:
        body: str | bytes = {"md": report_markdown, "html": report_html, "pdf": report_pdf}[format](data)
        name = f"cairn-report-{chosen.label.replace('..', '_')}.{format}"
        return Response(body, media_type=DOWNLOADS[format], headers={"Content-Disposition": f'attachment; filename="{name}"'})
    return templates.TemplateResponse(request, "report.html", {
        "report": data, "text": report_markdown(data), "chart": Markup(report_chart(data)),
        "previous": chosen.previous().label,
    })
