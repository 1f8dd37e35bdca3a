"""An incident's timeline imports, and undoing one: what `cairn import-timeline --list/--undo` does, over HTTP."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import Path
from pydantic import Field

from cairn.domain.keys import format_key, parse_key
from cairn.services.import_history import list_imports, undo_import
from cairn.web.api.reads import ReadModel
from cairn.web.api.schemas import INT_MAX, api_router
from cairn.web.auth import ApiContextDep

router = api_router(tags=["timeline"])


class ImportRead(ReadModel):
    id: int
    incident: str
    source: str
    file: str = Field(description="the file's name as the user gave it")
    by: str | None = Field(description="who imported it")
    at: str = Field(description="when, ISO 8601 in UTC")
    added: int
    duplicates: int
    filtered: int
    rejected: int
    events: int = Field(description="its events on the timeline now: what an undo would remove")
    undone: bool
    undone_at: str | None
    undone_by: str | None
    removed: int | None = Field(description="events the undo removed")


class ImportList(ReadModel):
    incident: str
    items: list[ImportRead] = Field(description="newest first")


@router.get("/incidents/{key}/imports", name="api_imports", response_model=ImportList)
def imports(key: str, ctx: ApiContextDep) -> dict[str, Any]:
    """The incident's timeline imports that added events, newest first, undone ones included."""
    records = list_imports(ctx, key)  # the incident exists and is visible: its key reads back in canonical form
    prefix = ctx.settings.key_prefix
    return {"incident": format_key(prefix, parse_key(key, prefix)), "items": [r.data() for r in records]}


@router.delete("/incidents/{key}/imports/{import_id}", name="api_import_undo", response_model=ImportRead)
def import_undo(key: str, import_id: Annotated[int, Path(ge=1, le=INT_MAX)], ctx: ApiContextDep) -> dict[str, Any]:
    """Undo an import: remove exactly the events it added (never events added by hand), audited.
    The import stays listed, marked undone; importing the same file again adds its events back.
    409 if it was undone already."""
    return undo_import(ctx, key, import_id).data()
