"""The incident filter shared by `cairn metrics` and `cairn insights factors` (services.insights.metrics.MetricsFilter)."""

from __future__ import annotations

import typer

SINCE = typer.Option("", "--since", help="Incidents started on or after this UTC day (YYYY-MM-DD).")
UNTIL = typer.Option("", "--until", help="Incidents started on or before this UTC day (YYYY-MM-DD).")
SEVERITY = typer.Option("", "--severity", help="Only this severity, e.g. SEV2.")
SERVICE = typer.Option("", "--service", help="Only incidents of this service.")
TEAM = typer.Option("", "--team", help="Only incidents of this team.")
KIND = typer.Option("", "--kind", help="incident or \"near miss\".")
