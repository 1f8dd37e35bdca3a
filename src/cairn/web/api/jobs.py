"""Background import jobs: state, progress and summary, from any server."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import Path

from cairn.services.import_jobs import get_job, jobs_of
from cairn.web.api.schemas import INT_MAX, api_router
from cairn.web.auth import ApiContextDep

router = api_router(prefix="/api/v1", tags=["timeline"])


@router.get("/jobs/{job_id}", name="api_job")
def job(job_id: Annotated[int, Path(ge=1, le=INT_MAX)], ctx: ApiContextDep) -> dict[str, Any]:
    """An import job: `state` is queued, running, done or failed; `progress`
    counts bytes read (or archive members, total unknown); `summary` is the
    import's summary once done, `error` says why it failed."""
    return get_job(ctx, job_id).data()


@router.get("/incidents/{key}/jobs", name="api_incident_jobs")
def incident_jobs(key: str, ctx: ApiContextDep) -> dict[str, Any]:
    """The incident's recent import jobs, newest first."""
    return {"incident": key, "items": [view.data() for view in jobs_of(ctx, key)]}
