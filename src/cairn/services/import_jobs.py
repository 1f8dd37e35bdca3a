"""Large timeline imports as background jobs whose state lives in the database.

The web server that took the upload runs the job in a worker thread (one at
a time per process: SQLite has one writer anyway) and records its progress,
so that any server behind a load balancer can show it. A job acts for the
user who started it, with that user's rights when it runs. Its process beats
a heartbeat; a queued or running job whose heartbeat has stopped (the
process died) reads as failed, and since an import writes in one
transaction, such a job has written nothing.
"""

from __future__ import annotations

import logging
import os
import shutil
import socket
import tempfile
import threading
import time
import zipfile
from concurrent.futures import ThreadPoolExecutor
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

from sqlalchemy import select, update

from cairn.domain.times import now_utc
from cairn.errors import CairnError, InvalidInput, NotFound
from cairn.services.accounts import principal_of
from cairn.services.context import Context
from cairn.services.incidents import key_of, require_incident
from cairn.services.timeline_import import import_timeline, summary_data
from cairn.storage.models import ImportJob, Incident, User

log = logging.getLogger("cairn.jobs")

QUEUED, RUNNING, DONE, FAILED = "queued", "running", "done", "failed"
ACTIVE = (QUEUED, RUNNING)
HEARTBEAT_SECONDS = 10.0
STALE_AFTER = timedelta(minutes=2)  # a dozen missed heartbeats: the process is gone
PROGRESS_SECONDS = 0.5  # at most this often a progress write
STOPPED = "stopped: the server running it went away; nothing was imported, upload the file again"
OPTION_NAMES = ("source", "since", "until", "tz", "level", "format", "time_format", "channel")
WORKER = f"{socket.gethostname()}:{os.getpid()}"


@dataclass(frozen=True)
class JobView:
    id: int
    incident: str
    file_name: str
    state: str
    done: int
    total: int | None
    summary: dict[str, Any] | None
    error: str | None
    created_at: datetime
    started_at: datetime | None
    finished_at: datetime | None
    options: dict[str, str] = field(default_factory=dict)  # what the import was asked to keep (OPTION_NAMES)

    @property
    def filter_note(self) -> str:
        return filter_note(self.options)

    @property
    def active(self) -> bool:
        return self.state in ACTIVE

    @property
    def percent(self) -> int | None:
        if self.state == DONE:
            return 100
        if not self.total:
            return None
        return min(99, int(self.done * 100 / self.total))

    def data(self) -> dict[str, Any]:
        """The job as the API answers it."""
        return {
            "id": self.id, "incident": self.incident, "file": self.file_name, "state": self.state,
            "progress": {"done": self.done, "total": self.total, "percent": self.percent},
            "options": self.options, "summary": self.summary, "error": self.error,
            "created_at": self.created_at.isoformat(),
            "started_at": self.started_at.isoformat() if self.started_at else None,
            "finished_at": self.finished_at.isoformat() if self.finished_at else None,
        }


def _view(job: ImportJob, key: str, now: datetime) -> JobView:
    state, error = job.state, job.error
    beat = job.heartbeat_at or job.created_at
    if state in ACTIVE and now - beat > STALE_AFTER:
        state, error = FAILED, STOPPED
    return JobView(
        id=job.id, incident=key, file_name=job.file_name, state=state, done=job.done or 0, total=job.total,
        summary=job.summary, error=error, created_at=job.created_at, started_at=job.started_at, finished_at=job.finished_at,
        options={k: str(v) for k, v in (job.options or {}).items() if k in OPTION_NAMES and v is not None},
    )


def filter_note(options: Mapping[str, str | None]) -> str:
    """Why an import left records out, from the options it was given: "below
    warning, or outside 2026-11-23 12:50 – now (Europe/Berlin)"; "" when it was
    asked to keep everything (the importer may still leave out noise such as bot messages)."""
    level, since, until = options.get("level"), options.get("since"), options.get("until")
    reasons = [f"below {level}"] if level else []
    if since and until:
        reasons.append(f"outside {since} – {until}")
    elif since:
        reasons.append(f"before {since}")
    elif until:
        reasons.append(f"at or after {until}")
    note = ", or ".join(reasons)
    if (since or until) and options.get("tz"):
        note += f" ({options['tz']})"
    return note


def create_import_job(ctx: Context, key: str, file_name: str, *, total: int | None, options: dict[str, str | None]) -> JobView:
    """Record a queued import of `file_name` into `key`; the caller hands the
    upload to a `JobRunner`. Refused unless the user may change the incident."""
    unknown = set(options) - set(OPTION_NAMES)
    if unknown:
        raise InvalidInput(f"unknown import option {sorted(unknown)[0]!r}")
    now = now_utc()
    with ctx.db.transaction() as session:
        incident = require_incident(session, ctx, key, write=True)
        job = ImportJob(
            incident_id=incident.id, user_id=ctx.principal.user_id if ctx.principal else None, actor=ctx.actor,
            file_name=file_name[:200], options={k: v for k, v in options.items() if v is not None}, state=QUEUED,
            done=0, total=total, worker=WORKER, created_at=now, heartbeat_at=now,
        )
        session.add(job)
        session.flush()
        return _view(job, key_of(ctx, incident), now)


def get_job(ctx: Context, job_id: int) -> JobView:
    """The job, if the user may see its incident (else "not found", like a missing one)."""
    with ctx.db.transaction() as session:
        row = session.execute(select(ImportJob, Incident.number).join(Incident).where(ImportJob.id == job_id)).first()
        if row is None:
            raise NotFound(f"no import job {job_id}")
        job, number = row
        key = key_of(ctx, Incident(number=number))
        try:
            require_incident(session, ctx, key)
        except NotFound:
            raise NotFound(f"no import job {job_id}") from None
        return _view(job, key, now_utc())


def jobs_of(ctx: Context, key: str, *, limit: int = 5, within: timedelta = timedelta(days=1)) -> list[JobView]:
    """The incident's recent import jobs, newest first: the running ones and
    those that ended within `within`."""
    now = now_utc()
    with ctx.db.transaction() as session:
        incident = require_incident(session, ctx, key)
        jobs = session.scalars(
            select(ImportJob).where(ImportJob.incident_id == incident.id).order_by(ImportJob.id.desc()).limit(limit)
        ).all()
        views = [_view(job, key_of(ctx, incident), now) for job in jobs]
    return [view for view in views if view.active or view.finished_at is None or now - view.finished_at <= within]


def fail_stale_jobs(ctx: Context) -> int:
    """Record as failed every active job whose heartbeat stopped (for `JobRunner` at start)."""
    now = now_utc()
    with ctx.db.transaction() as session:
        result = session.execute(
            update(ImportJob)
            .where(ImportJob.state.in_(ACTIVE), ImportJob.heartbeat_at < now - STALE_AFTER)
            .values(state=FAILED, error=STOPPED, finished_at=now)
        )
        return result.rowcount or 0


def run_import_job(ctx: Context, job_id: int, path: Path) -> JobView:
    """Run a queued job on `path`, acting for the user who started it."""
    with ctx.db.transaction() as session:
        job = session.get(ImportJob, job_id)
        if job is None or job.state != QUEUED:
            raise NotFound(f"no queued import job {job_id}")
        incident = session.get(Incident, job.incident_id)
        assert incident is not None
        key = key_of(ctx, incident)
        options, file_name = dict(job.options or {}), job.file_name
        user = session.get(User, job.user_id) if job.user_id is not None else None
        job.state, job.started_at, job.heartbeat_at, job.worker = RUNNING, now_utc(), now_utc(), WORKER
    if job.user_id is None:  # started without a signed-in user (a local run)
        acting = ctx.acting_as(job.actor)
    elif user is None:
        return _finish(ctx, job_id, key, error="the user who started this import no longer exists")
    else:
        acting = ctx.as_user(principal_of(user))
    last = 0.0

    def progress(done: int) -> None:
        nonlocal last
        moment = time.monotonic()
        if moment - last >= PROGRESS_SECONDS:
            last = moment
            with ctx.db.transaction() as session:
                session.execute(update(ImportJob).where(ImportJob.id == job_id).values(done=done, heartbeat_at=now_utc()))

    try:
        if not (user is None or user.is_active):
            raise InvalidInput("the user who started this import can no longer sign in")
        summary = import_timeline(
            acting, key, path, source=options.get("source"), since=options.get("since"), until=options.get("until"),
            tz=options.get("tz"), level=options.get("level"), log_format=options.get("format"),
            time_format=options.get("time_format"), channel=options.get("channel"), progress=progress,
        )
    except CairnError as error:
        return _finish(ctx, job_id, key, error=error.message.replace(str(path), file_name))
    except Exception:  # the job must end either way; the log has the details
        log.exception("import job %s failed", job_id)
        return _finish(ctx, job_id, key, error="the import failed unexpectedly; nothing was imported")
    return _finish(ctx, job_id, key, summary=summary_data(summary, path, file_name))


def _finish(ctx: Context, job_id: int, key: str, *, summary: dict[str, Any] | None = None, error: str | None = None) -> JobView:
    now = now_utc()
    with ctx.db.transaction() as session:
        job = session.get(ImportJob, job_id)
        assert job is not None
        job.state = FAILED if error is not None else DONE
        job.error, job.summary, job.finished_at, job.heartbeat_at = error, summary, now, now
        if summary is not None and job.total:
            job.done = job.total
        return _view(job, key, now)


class JobRunner:
    """Runs this process's import jobs one at a time in a worker thread and
    keeps their heartbeat going."""

    def __init__(self, ctx: Context) -> None:
        self.ctx = ctx
        self._executor = ThreadPoolExecutor(max_workers=1, thread_name_prefix="cairn-import")
        self._active: set[int] = set()
        self._lock = threading.Lock()
        self._stop = threading.Event()
        self._beat: threading.Thread | None = None
        try:
            fail_stale_jobs(ctx)
        except CairnError:  # the database is not reachable yet: jobs read as failed anyway
            log.warning("could not record stale import jobs as failed")

    def submit(self, job: JobView, upload: Path) -> "Any":
        """Take over `upload` (moved into the job's own folder) and run the job."""
        folder = Path(tempfile.mkdtemp(prefix=f"cairn-job-{job.id}-"))
        path = folder / upload.name
        shutil.move(str(upload), path)
        with self._lock:
            self._active.add(job.id)
            if self._beat is None:
                self._beat = threading.Thread(target=self._heartbeat, name="cairn-import-heartbeat", daemon=True)
                self._beat.start()
        return self._executor.submit(self._run, job.id, path, folder)

    def _run(self, job_id: int, path: Path, folder: Path) -> JobView | None:
        try:
            return run_import_job(self.ctx, job_id, path)
        except Exception:
            log.exception("import job %s could not run", job_id)
            return None
        finally:
            with self._lock:
                self._active.discard(job_id)
            shutil.rmtree(folder, ignore_errors=True)

    def _heartbeat(self) -> None:
        while not self._stop.wait(HEARTBEAT_SECONDS):
            with self._lock:
                active = list(self._active)
            if not active:
                continue
            try:
                with self.ctx.db.transaction() as session:
                    session.execute(
                        update(ImportJob).where(ImportJob.id.in_(active), ImportJob.state.in_(ACTIVE)).values(heartbeat_at=now_utc())
                    )
            except Exception:  # try again at the next beat
                log.warning("import job heartbeat failed", exc_info=True)

    def shutdown(self) -> None:
        self._stop.set()
        self._executor.shutdown(wait=False, cancel_futures=True)


def upload_total(path: Path) -> int | None:
    """What progress counts up to: bytes for a file; a zip counts its members read, total unknown."""
    if not path.is_file() or zipfile.is_zipfile(path):
        return None
    return path.stat().st_size
