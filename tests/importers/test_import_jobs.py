"""Imports stall neither the server nor each other: short writes, background
jobs with progress kept in the database, zip bombs refused."""

from __future__ import annotations

import json
import re
import threading
import time
import urllib.request
import zipfile
from datetime import timedelta
from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import func, select, update

from cairn.errors import ImportFailed, StorageUnavailable
from cairn.services import timeline_import
from cairn.services.context import open_context
from cairn.services.import_jobs import STOPPED, JobRunner, create_import_job, get_job
from cairn.services.incidents import add_participant, open_incident, show_incident
from cairn.services.people import create_user
from cairn.services.timeline import log_event
from cairn.services.timeline_import import import_timeline
from cairn.services.tokens import create_token
from cairn.storage.models import ImportJob, TimelineEvent
from cairn.web.app import create_app
from tests.conftest import PG_URL
from tests.live_server import live_server

ROOT = Path(__file__).resolve().parents[2]


def log_lines(count: int) -> bytes:
    return "".join(
        f"2026-11-23T{14 + n // 3600:02d}:{n // 60 % 60:02d}:{n % 60:02d}Z INFO worker: request {n} done\n" for n in range(count)
    ).encode()


def events(ctx) -> int:  # type: ignore[no-untyped-def]
    with ctx.db.transaction() as session:
        return session.scalar(select(func.count(TimelineEvent.id))) or 0


@pytest.fixture
def incident(ctx):  # type: ignore[no-untyped-def]
    return open_incident(ctx, "Checkout 502", severity="SEV2", started="2026-11-23T14:00Z").key


@pytest.fixture
def writer(ctx):  # type: ignore[no-untyped-def]
    create_user(ctx, "importer", role="responder")
    raw, _info = create_token(ctx, "imports", "importer", days=1)
    return {"Authorization": f"Bearer {raw}"}


def wait_for(client: TestClient, url: str, headers: dict[str, str], seconds: float = 60) -> dict:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        job = client.get(url, headers=headers).json()
        if job["state"] not in ("queued", "running"):
            return job
        time.sleep(0.05)
    pytest.fail(f"the job did not end within {seconds} s")


def test_a_large_upload_over_the_api_becomes_a_job_whose_progress_and_summary_any_server_shows(settings, ctx, incident, writer):
    settings = settings.model_copy(update={"import_background_bytes": 1000})
    body = log_lines(300)
    with TestClient(create_app(settings)) as client:
        answer = client.post(f"/api/v1/incidents/{incident}/timeline/import", content=body, headers={**writer, "X-Filename": "app.log"})
        assert answer.status_code == 202
        job = answer.json()["job"]
        assert job["state"] in ("queued", "running", "done") and job["file"] == "app.log"
        assert answer.headers["location"].endswith(f"/api/v1/jobs/{job['id']}")
        with TestClient(create_app(settings, context=open_context(settings))) as other_server:  # stateless: state is in the database
            ended = wait_for(other_server, f"/api/v1/jobs/{job['id']}", writer)
    assert ended["state"] == "done", ended
    assert ended["progress"] == {"done": len(body), "total": len(body), "percent": 100}
    assert (ended["summary"]["source"], ended["summary"]["added"], ended["summary"]["rejected"]) == ("log", 300, 0)
    assert events(ctx) == 300


def test_a_job_the_user_may_not_see_is_not_found_and_one_they_may_not_write_is_refused(settings, ctx, writer):
    restricted = open_incident(ctx, "Payroll leak", severity="SEV1", started="2026-11-23T14:00Z", visibility="restricted").key
    create_user(ctx, "member", role="responder")
    add_participant(ctx, restricted, "member", "responder")
    member = ctx.as_user(_principal(ctx, "member"))
    job = create_import_job(member, restricted, "app.log", total=10, options={})
    with TestClient(create_app(settings, context=ctx)) as client:
        hidden = client.get(f"/api/v1/jobs/{job.id}", headers=writer)
        assert hidden.status_code == 404 and hidden.json()["detail"] == f"no import job {job.id}"
        assert client.get(f"/api/v1/jobs/{2**63}", headers=writer).status_code == 422
    create_user(ctx, "reader", role="viewer")
    reader = ctx.as_user(_principal(ctx, "reader"))
    open_one = open_incident(ctx, "Open", severity="SEV3", started="2026-11-23T14:00Z").key
    with pytest.raises(Exception, match="may not|read-only|viewer|write"):
        create_import_job(reader, open_one, "app.log", total=10, options={})


def _principal(ctx, username):  # type: ignore[no-untyped-def]
    from cairn.services.accounts import principal_of
    from cairn.storage.models import User

    with ctx.db.transaction() as session:
        return principal_of(session.scalar(select(User).where(User.username == username)))


def test_a_job_left_running_by_a_dead_process_reads_as_failed_and_is_recorded_so(ctx, incident):
    job = create_import_job(ctx, incident, "app.log", total=100, options={})
    assert get_job(ctx, job.id).state == "queued"
    with ctx.db.transaction() as session:
        session.execute(update(ImportJob).values(state="running", heartbeat_at=job.created_at - timedelta(minutes=10)))
    stale = get_job(ctx, job.id)
    assert (stale.state, stale.error) == ("failed", STOPPED)
    JobRunner(ctx).shutdown()  # a server starting up records it
    with ctx.db.transaction() as session:
        stored = session.get(ImportJob, job.id)
        assert (stored.state, stored.error) == ("failed", STOPPED) and stored.finished_at is not None


def test_a_job_acts_for_the_user_who_started_it_with_their_rights_when_it_runs(settings, ctx, incident, tmp_path):
    from cairn.services.accounts import set_role

    create_user(ctx, "demoted", role="responder")
    job = create_import_job(ctx.as_user(_principal(ctx, "demoted")), incident, "app.log", total=None, options={})
    set_role(ctx, "demoted", "viewer")
    upload = tmp_path / "app.log"
    upload.write_bytes(log_lines(5))
    runner = JobRunner(ctx)
    ended = runner.submit(job, upload).result(timeout=60)
    runner.shutdown()
    assert ended.state == "failed" and ended.error and events(ctx) == 0


def test_an_import_holds_no_write_lock_while_it_reads_the_file(ctx, incident, tmp_path, monkeypatch):
    """A second writer that will not wait at all still gets through while the file is read."""
    if PG_URL:
        pytest.skip("SQLite's single writer")
    monkeypatch.setattr(timeline_import, "BATCH", 100)
    other = open_incident(ctx, "Other", severity="SEV3", started="2026-11-23T14:00Z").key
    impatient = open_context(ctx.settings.model_copy(update={"sqlite_busy_timeout_ms": 0}))
    failures: list[str] = []
    calls = 0

    def progress(_done: int) -> None:
        nonlocal calls
        calls += 1
        try:
            log_event(impatient, other, f"written while the import reads ({calls})")
        except StorageUnavailable as error:
            failures.append(str(error))

    path = tmp_path / "app.log"
    path.write_bytes(log_lines(3000))  # several read chunks, many batches
    summary = import_timeline(ctx, incident, path, progress=progress)
    impatient.db.dispose()
    assert summary.added == 3000 and calls > 2
    assert failures == []
    assert len(show_incident(ctx, other).timeline) == calls


def test_sqlite_writes_wait_as_long_as_the_busy_timeout_setting_says(settings):
    if PG_URL:
        pytest.skip("a SQLite setting")
    assert settings.sqlite_busy_timeout_ms >= 30_000
    ctx = open_context(settings.model_copy(update={"sqlite_busy_timeout_ms": 45_000}))
    with ctx.db.engine.connect() as connection:
        assert connection.exec_driver_sql("PRAGMA busy_timeout").scalar() == 45_000
    ctx.db.dispose()


def test_an_inline_api_import_runs_off_the_event_loop(settings, ctx, incident, writer, monkeypatch):
    from cairn.web.api import timeline as api_timeline

    release = threading.Event()
    entered = threading.Event()
    real = api_timeline.import_timeline

    def slow_import(*args, **kwargs):  # type: ignore[no-untyped-def]
        entered.set()
        release.wait(30)
        return real(*args, **kwargs)

    monkeypatch.setattr(api_timeline, "import_timeline", slow_import)
    with live_server(create_app(settings, context=ctx)) as base:
        answers: list[dict] = []

        def post() -> None:
            request = urllib.request.Request(f"{base}/api/v1/incidents/{incident}/timeline/import", data=log_lines(3), headers=writer, method="POST")
            with urllib.request.urlopen(request, timeout=60) as response:
                answers.append(json.loads(response.read()))

        upload = threading.Thread(target=post)
        upload.start()
        try:
            assert entered.wait(20)
            started = time.monotonic()
            with urllib.request.urlopen(f"{base}/healthz", timeout=5) as health:
                assert health.status == 200
            assert time.monotonic() - started < 2
        finally:
            release.set()
            upload.join(60)
    assert answers and answers[0]["added"] == 3


def bomb(path: Path, size: int) -> Path:
    with zipfile.ZipFile(path, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("users.json", "[]")
        archive.writestr("channels.json", '[{"id": "C1", "name": "inc"}]')
        archive.writestr("inc/2026-11-23.json", b"[" + b" " * size + b"]")
    return path


def test_a_zip_bomb_is_refused_with_one_line_before_anything_is_unpacked(ctx, incident, tmp_path):
    with pytest.raises(ImportFailed, match=r"refused as a likely zip bomb: inc/2026-11-23.json unpacks \d+ times its packed size \(at most 100\)"):
        import_timeline(ctx, incident, bomb(tmp_path / "export.zip", 20 * 1024 * 1024))
    assert events(ctx) == 0


def test_a_zip_that_unpacks_past_the_size_cap_is_refused(settings, incident, tmp_path):
    small = open_context(settings.model_copy(update={"import_zip_max_bytes": 1000}))
    with zipfile.ZipFile(tmp_path / "export.zip", "w") as archive:  # stored, not compressed: the ratio is fine
        archive.writestr("channels.json", '[{"id": "C1", "name": "inc"}]')
        archive.writestr("inc/2026-11-23.json", "[" + " " * 2000 + "]")
    with pytest.raises(ImportFailed, match=r"refused: the archive unpacks to 2,\d{3} bytes, more than the 1,000 allowed"):
        import_timeline(small, incident, tmp_path / "export.zip")
    small.db.dispose()


def test_a_zip_bomb_over_the_api_is_a_one_line_422(settings, ctx, incident, writer, tmp_path):
    with TestClient(create_app(settings, context=ctx)) as client:
        answer = client.post(
            f"/api/v1/incidents/{incident}/timeline/import?background=false",
            content=bomb(tmp_path / "x.zip", 20 * 1024 * 1024).read_bytes(), headers={**writer, "X-Filename": "export.zip"},
        )
    assert answer.status_code == 422 and "zip bomb" in answer.json()["detail"] and "\n" not in answer.json()["detail"]


def test_the_setup_scripts_wait_for_the_dpkg_lock():
    """Every apt-get the scripts run waits for another apt run's lock instead of failing at once."""
    command = re.compile(r"(?:^|&&|;|\bthen)\s*(?:\w+=\S*\s+)*apt-get\b([^&;]*)")
    scripts = [*sorted((ROOT / "scripts").glob("*.sh")), ROOT / ".ci" / "run"]
    runs = [
        (script.name, match.group(0).strip()) for script in scripts for line in script.read_text().splitlines()
        if not line.strip().startswith(("#", "echo")) for match in command.finditer(line.strip())
    ]
    assert len([run for run in runs if " install " in run[1]]) >= 4, runs  # the test checks something
    assert [run for run in runs if "DPkg::Lock::Timeout=" not in run[1]] == []


def test_no_database_work_of_an_upload_runs_on_the_event_loop(settings, ctx, incident, writer, monkeypatch):
    """Reading a large incident (or waiting for SQLite's writer) on the event
    loop would hold up every other request: the upload routes hand it to threads."""
    import asyncio
    import traceback

    from cairn.storage.db import Database

    handlers = ("web/api/timeline.py", "web/pages/incident_forms.py", "web/uploads.py")
    on_loop: list[str] = []
    real = Database.transaction

    def watched(self):  # type: ignore[no-untyped-def]
        try:
            asyncio.get_running_loop()
        except RuntimeError:
            return real(self)  # a worker thread: fine
        frames = [f"{frame.filename}:{frame.lineno}" for frame in traceback.extract_stack() if frame.filename.endswith(handlers)]
        if frames:
            on_loop.append(frames[-1])
        return real(self)

    monkeypatch.setattr(Database, "transaction", watched)
    background = ctx.settings.model_copy(update={"import_background_bytes": 1000})
    with TestClient(create_app(background)) as client:
        url = f"/api/v1/incidents/{incident}/timeline/import"
        assert client.post(url, content=log_lines(3), headers=writer).status_code == 200
        assert on_loop == []
        job = client.post(url, content=log_lines(100), headers=writer)
        assert job.status_code == 202
        wait_for(client, f"/api/v1/jobs/{job.json()['job']['id']}", writer)
        assert client.post(url.replace("INC-1", "INC-99"), content=log_lines(3), headers=writer).status_code == 404
    assert on_loop == []
