"""Handing an uploaded file to this server's import job runner (pages and API)."""

from __future__ import annotations

from pathlib import Path

from fastapi import Request

from cairn.services.context import Context
from cairn.services.import_jobs import JobView, create_import_job, upload_total


def start_job(request: Request, ctx: Context, key: str, path: Path, options: dict[str, str | None]) -> JobView:
    """Record an import job for the upload at `path` and hand it to this server's
    runner, which moves the file into the job's own folder: the caller's
    temporary folder may go."""
    job = create_import_job(ctx, key, path.name, total=upload_total(path), options=options)
    request.app.state.jobs.submit(job, path)
    return job
