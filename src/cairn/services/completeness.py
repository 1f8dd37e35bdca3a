"""The completeness checklist of an incident's postmortem, under its template."""

from __future__ import annotations

from cairn.domain.completeness import Checklist, checklist
from cairn.domain.document import IncidentDoc
from cairn.services.context import Context
from cairn.services.incidents import show_incident
from cairn.services.lint import count_open_findings


def checklist_for(ctx: Context, doc: IncidentDoc, open_lint_findings: int, *, event_kinds: set[str] | None = None) -> Checklist:
    """The checks for `doc`, including the required sections of the template chosen for it."""
    from cairn.services.templates import template_set

    template = template_set(ctx.settings).choose(doc.severity, doc.teams)
    required = [(s.id, s.title) for s in template.sections if s.required]
    return checklist(
        doc, severities=ctx.settings.severities, open_lint_findings=open_lint_findings, required_sections=required,
        event_kinds=event_kinds,
    )


def check_postmortem(ctx: Context, key: str) -> Checklist:
    return checklist_for(ctx, show_incident(ctx, key), count_open_findings(ctx, key))
