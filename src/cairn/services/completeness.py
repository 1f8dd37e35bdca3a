"""The completeness checklist of an incident's postmortem."""

from __future__ import annotations

from cairn.domain.completeness import Checklist, checklist
from cairn.services.context import Context
from cairn.services.incidents import show_incident
from cairn.services.lint import count_open_findings


def check_postmortem(ctx: Context, key: str) -> Checklist:
    doc = show_incident(ctx, key)
    return checklist(doc, severities=ctx.settings.severities, open_lint_findings=count_open_findings(ctx, key))
