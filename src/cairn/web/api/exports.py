"""Exports over the API: any format, the public version, and its redactions."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import Query
from fastapi.responses import Response

from cairn.services.portable import FORMATS, export_file, redactions
from cairn.web.api.schemas import api_router
from cairn.web.auth import ApiContextDep
from cairn.web.exports import download

router = api_router(tags=["exports"])


@router.get(
    "/incidents/{key}/export",
    responses={200: {"content": {"text/markdown": {}, "application/json": {}, "text/html": {}, "application/pdf": {}}}},
)
def export_incident(
    key: str,
    ctx: ApiContextDep,
    format: Annotated[str, Query(description=f"one of {', '.join(FORMATS)}")] = "markdown",
    public: Annotated[bool, Query(description="the public version: secrets, people, addresses and internal hosts redacted")] = False,
    diagrams: Annotated[bool, Query(description="timeline chart and factor graph (JSON: under `diagrams`; Markdown: embedded as data: URIs)")] = True,
) -> Response:
    """The postmortem as a file, the same bytes `cairn export` writes."""
    return download(export_file(ctx, key, format, public=public, diagrams=diagrams))


@router.get("/incidents/{key}/redactions")
def list_redactions(key: str, ctx: ApiContextDep) -> dict[str, Any]:
    """What the public version replaces or leaves out; secrets shown by their first characters only."""
    found = redactions(ctx, key)
    return {
        "count": len(found),
        "redactions": [
            {"where": item.where, "kind": item.kind, "shown": item.shown, "replacement": item.replacement}
            for item in found
        ],
    }
