"""Undoing a timeline import from the incident page (the list and its confirmation are on the page)."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Path, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response

from cairn.domain.limits import INT_MAX
from cairn.errors import CairnError
from cairn.services.import_history import undo_import
from cairn.web.auth import PageContextDep
from cairn.web.deps import TemplatesDep
from cairn.web.pages.incidents import render_incident

router = APIRouter(default_response_class=HTMLResponse, include_in_schema=False)


@router.post("/incidents/{key}/imports/{import_id}/undo", name="import_undo_form")
def import_undo_form(
    request: Request, key: str, import_id: Annotated[int, Path(ge=1, le=INT_MAX)], ctx: PageContextDep, templates: TemplatesDep,
) -> Response:
    """Remove the events of one import, after the page's "Undo…" confirmation;
    back to the list, where the import now reads as undone."""
    try:
        undo_import(ctx, key, import_id)
    except CairnError as error:
        return render_incident(request, ctx, templates, key, error=f"Import not undone: {error.message}", status=error.status_code)
    return RedirectResponse(request.url_for("incident_page", key=key).path + f"#import-{import_id}", status_code=303)
