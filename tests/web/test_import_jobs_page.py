"""A large file uploaded on the incident page is imported in the background,
and the page shows the job's progress, then its summary."""

from __future__ import annotations

import threading
import time
from typing import Any

import pytest
from fastapi.testclient import TestClient

from cairn.config import Settings
from cairn.services import import_jobs
from cairn.services.context import Context
from cairn.services.import_jobs import create_import_job, jobs_of
from cairn.services.incidents import open_incident, show_incident
from tests.web.personas import signed_in

LINES = 300


@pytest.fixture
def settings(settings: Settings) -> Settings:
    """Anything over 2 kB is a background import here."""
    return settings.model_copy(update={"import_background_bytes": 2000})


@pytest.fixture
def incident(ctx: Context) -> str:
    return open_incident(ctx, "Checkout 502", severity="SEV2", started="2026-11-23T14:00Z").key


def log_file() -> bytes:
    return "".join(f"2026-11-23T14:{n // 60 % 60:02d}:{n % 60:02d}Z INFO request {n} done\n" for n in range(LINES)).encode()


def wait_until_ended(ctx: Context, key: str, seconds: float = 60) -> None:
    deadline = time.monotonic() + seconds
    while any(job.active for job in jobs_of(ctx, key)):
        if time.monotonic() > deadline:
            pytest.fail("the import job did not end")
        time.sleep(0.05)


def test_a_large_upload_on_the_page_runs_as_a_job_and_the_page_shows_its_summary(client: TestClient, ctx: Context, incident: str) -> None:
    answer = client.post(
        f"/incidents/{incident}/timeline/import", data={"csrf_token": client.csrf, "source": ""},  # type: ignore[attr-defined]
        files={"file": ("app.log", log_file(), "text/plain")}, follow_redirects=False,
    )
    assert answer.status_code == 303 and answer.headers["location"] == f"/incidents/{incident}#imports"
    wait_until_ended(ctx, incident)
    page = client.get(f"/incidents/{incident}").text
    assert 'id="imports"' in page and "app.log" in page
    assert f"as log: {LINES} added, 0 already there, 0 filtered, 0 rejected" in page
    assert len(show_incident(ctx, incident).timeline) == LINES


def test_a_running_job_shows_its_progress_on_the_page_and_a_failed_one_why(client: TestClient, ctx: Context, incident: str) -> None:
    job = create_import_job(ctx, incident, "huge.log", total=1000, options={})
    page = client.get(f"/incidents/{incident}").text
    assert 'data-state="queued"' in page and f'data-job-url="/api/v1/jobs/{job.id}"' in page and '<progress max="100" value="0"' in page
    answer = client.post(
        f"/incidents/{incident}/timeline/import", data={"csrf_token": client.csrf, "source": "slack"},  # type: ignore[attr-defined]
        files={"file": ("notes.json", b'{"not": "slack"}' + b" " * 3000, "application/json")}, follow_redirects=False,
    )
    assert answer.status_code == 303
    deadline = time.monotonic() + 30
    while "Nothing imported: notes.json: not Slack data" not in (page := client.get(f"/incidents/{incident}").text):
        assert time.monotonic() < deadline, "the failed job's reason never showed"
        time.sleep(0.05)
    assert "notes.json" in page


@pytest.mark.browser
def test_the_page_follows_a_background_import_until_it_is_done(
    browser: Any, base_url: str, ctx: Context, incident: str, people: None, tmp_path: Any, monkeypatch: pytest.MonkeyPatch,
) -> None:
    release = threading.Event()
    real = import_jobs.import_timeline

    def held(*args: Any, **kwargs: Any) -> Any:  # the job waits until the page has shown it running
        release.wait(30)
        return real(*args, **kwargs)

    monkeypatch.setattr(import_jobs, "import_timeline", held)
    upload = tmp_path / "app.log"
    upload.write_bytes(log_file())
    page = signed_in(browser, base_url, "admin")
    problems: list[str] = []
    page.on("console", lambda message: problems.append(message.text) if message.type == "error" else None)
    page.goto(f"{base_url}/incidents/{incident}")
    page.get_by_text("Import alerts, pager logs, chat or log files").click()
    page.locator("input[type=file][name=file]").set_input_files(str(upload))
    page.get_by_role("button", name="Import", exact=True).click()
    page.wait_for_url(f"{base_url}/incidents/{incident}#imports")
    job = page.locator(".import-job")
    assert job.get_attribute("data-state") in ("queued", "running")
    assert page.get_by_role("progressbar", name="Import of app.log").is_visible()
    release.set()
    page.locator(".import-job.job-done").wait_for(timeout=30_000)  # the script reloads the page when the job ends
    assert f"{LINES} added" in page.locator(".import-job").inner_text()
    assert page.locator("#timeline-body tr").count() == min(LINES, 100)  # the latest page of the timeline
    assert "request 299 done" in page.locator("#timeline-body").inner_text()
    assert problems == []
    page.close()
