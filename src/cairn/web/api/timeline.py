"""POST /api/v1/incidents/{key}/timeline/import: the CLI's import-timeline over HTTP.

The request body is the file itself (a Slack export as a zip); options are
query parameters. Writing needs a responder or admin (API token, or a signed-in browser with its CSRF token).
"""

from __future__ import annotations

import tempfile
from pathlib import Path
from typing import Annotated, Any

from fastapi import APIRouter, Query, Request

from cairn.errors import InvalidInput
from cairn.services.incidents import show_incident
from cairn.services.timeline_import import import_timeline
from cairn.services.access import require_write
from cairn.web.auth import ApiContextDep

router = APIRouter(prefix="/api/v1", tags=["timeline"])

MAX_UPLOAD = 512 * 1024 * 1024


@router.post("/incidents/{key}/timeline/import", name="api_timeline_import")
async def timeline_import(
    key: str,
    request: Request,
    ctx: ApiContextDep,
    source: Annotated[str | None, Query(description="slack, pagerduty, alertmanager, grafana, opsgenie, github or log")] = None,
    since: Annotated[str | None, Query()] = None,
    until: Annotated[str | None, Query()] = None,
    level: Annotated[str | None, Query()] = None,
    format: Annotated[str | None, Query(alias="format")] = None,
    channel: Annotated[str | None, Query()] = None,
) -> dict[str, Any]:
    show_incident(ctx, key)  # an unknown incident is a 404 before the upload is read
    require_write(ctx)
    with tempfile.TemporaryDirectory(prefix="cairn-import-") as folder:
        path = Path(folder) / (request.headers.get("x-filename") or "upload").replace("/", "_")[:100]
        size = 0
        with path.open("wb") as file:
            async for chunk in request.stream():
                size += len(chunk)
                if size > MAX_UPLOAD:
                    raise InvalidInput(f"the upload is larger than {MAX_UPLOAD} bytes")
                file.write(chunk)
        summary = import_timeline(
            ctx, key, path, source=source, since=since, until=until,
            level=level, log_format=format, channel=channel,
        )
    return {
        "incident": summary.key,
        "source": summary.source,
        "added": summary.added,
        "duplicates": summary.duplicates,
        "filtered": summary.filtered,
        "rejected": summary.rejected,
        "rejections": [{"where": r.where.replace(str(path), path.name), "reason": r.reason} for r in summary.rejections],
        "proposed_moments": {m.value: {"at": at.isoformat(), "from": text} for m, (at, text) in summary.proposals.items()},
        "quiet_gaps": [{"from": g.start.isoformat(), "to": g.end.isoformat()} for g in summary.gaps],
    }
