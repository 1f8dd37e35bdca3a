"""Listing and undoing timeline imports over the API and on the incident page."""

from __future__ import annotations

import re
import time
from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient

from cairn.services.context import Context
from cairn.services.import_jobs import jobs_of
from cairn.services.incidents import open_incident, show_incident
from cairn.services.timeline import log_event
from cairn.services.timeline_import import import_timeline
from tests.web.personas import csrf, signed_in

LOG = (
    "2026-11-23T14:05:00Z ERROR checkout: pool exhausted\n"
    "2026-11-23T14:06:00Z INFO checkout: retrying\n"
    "2026-11-23T14:40:00Z INFO checkout: recovered\n"
)
HUGE = 2**31


@pytest.fixture
def incident(ctx: Context) -> str:
    key = open_incident(ctx, "Checkout 502", severity="SEV2", started="2026-11-23T14:00Z").key
    log_event(ctx, key, "paged the database team", kind="action", at="2026-11-23T14:10Z")
    return key


def upload(client: TestClient, key: str, name: str = "checkout.log") -> dict[str, Any]:
    answer = client.post(
        f"/api/v1/incidents/{key}/timeline/import", content=LOG.encode(), headers={**csrf(client), "X-Filename": name},
    )
    assert answer.status_code == 200, answer.text
    return answer.json()


def test_the_api_lists_imports_under_the_name_the_user_uploaded(client: TestClient, incident: str) -> None:
    summary = upload(client, incident)
    assert isinstance(summary["import"], int)
    answer = client.get(f"/api/v1/incidents/{incident.lower()}/imports")
    assert answer.status_code == 200
    body = answer.json()
    assert body["incident"] == incident
    [item] = body["items"]
    assert item["id"] == summary["import"] and item["file"] == "checkout.log" and item["by"] == "admin"
    assert (item["source"], item["added"], item["duplicates"], item["events"], item["undone"]) == ("log", 3, 0, 3, False)


def test_the_api_undoes_an_import_and_the_same_file_imports_again(client: TestClient, ctx: Context, incident: str) -> None:
    import_id = upload(client, incident)["import"]
    answer = client.delete(f"/api/v1/incidents/{incident}/imports/{import_id}", headers=csrf(client))
    assert answer.status_code == 200, answer.text
    body = answer.json()
    assert (body["undone"], body["removed"], body["undone_by"], body["events"]) == (True, 3, "admin", 0)
    assert [e.text for e in show_incident(ctx, incident).timeline] == ["paged the database team"]
    again = upload(client, incident)
    assert (again["added"], again["duplicates"]) == (3, 0) and again["import"] != import_id
    listed = client.get(f"/api/v1/incidents/{incident}/imports").json()["items"]
    assert [(i["id"], i["undone"]) for i in listed] == [(again["import"], False), (import_id, True)]


def test_the_api_refuses_a_second_undo_an_unknown_import_and_an_id_past_the_column(client: TestClient, incident: str) -> None:
    import_id = upload(client, incident)["import"]
    assert client.delete(f"/api/v1/incidents/{incident}/imports/{import_id}", headers=csrf(client)).status_code == 200
    twice = client.delete(f"/api/v1/incidents/{incident}/imports/{import_id}", headers=csrf(client))
    assert twice.status_code == 409 and twice.json() == {
        "error": "conflict", "detail": f"import {import_id} (checkout.log) was already undone by admin",
    }
    unknown = client.delete(f"/api/v1/incidents/{incident}/imports/99", headers=csrf(client))
    assert unknown.status_code == 404 and unknown.json()["detail"] == f"no import 99 in {incident}"
    huge = client.delete(f"/api/v1/incidents/{incident}/imports/{HUGE}", headers=csrf(client))
    assert huge.status_code == 422 and huge.json()["detail"].startswith("import_id")


def test_a_viewer_sees_the_imports_but_may_not_undo_one(as_user, ctx: Context, incident: str, tmp_path: Path) -> None:
    path = tmp_path / "app.log"
    path.write_text(LOG)
    import_id = import_timeline(ctx, incident, path).import_id
    reader = as_user("reader")
    assert [i["id"] for i in reader.get(f"/api/v1/incidents/{incident}/imports").json()["items"]] == [import_id]
    refused = reader.delete(f"/api/v1/incidents/{incident}/imports/{import_id}", headers=csrf(reader))
    assert refused.status_code == 403
    page = reader.get(f"/incidents/{incident}").text
    assert "app.log" in page and "3 events on the timeline" in page and "Undo…" not in page
    assert len(show_incident(ctx, incident).timeline) == 4


def test_the_page_lists_imports_and_its_undo_form_removes_one(client: TestClient, ctx: Context, incident: str) -> None:
    answer = client.post(
        f"/incidents/{incident}/timeline/import", data={"csrf_token": client.csrf, "source": ""},  # type: ignore[attr-defined]
        files={"file": ("checkout.log", LOG.encode(), "text/plain")},
    )
    assert answer.status_code == 200
    [import_id] = [i["id"] for i in client.get(f"/api/v1/incidents/{incident}/imports").json()["items"]]
    page = client.get(f"/incidents/{incident}").text
    entry = re.search(rf'<li class="import-record" id="import-{import_id}">(.*?)</li>', page, re.S)
    assert entry is not None
    text = re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", entry[1]))
    assert "checkout.log" in text and "· log · by admin ·" in text and "3 added, 0 already there, 0 rejected" in text
    assert "Remove the 3 events this import added?" in text
    action = f"/incidents/{incident}/imports/{import_id}/undo"
    assert f'action="{action}"' in entry[1]
    done = client.post(action, data={"csrf_token": client.csrf}, follow_redirects=False)  # type: ignore[attr-defined]
    assert done.status_code == 303 and done.headers["location"] == f"/incidents/{incident}#import-{import_id}"
    page = client.get(f"/incidents/{incident}").text
    assert "by admin: 3 events removed." in page and f'action="{action}"' not in page
    assert [e.text for e in show_incident(ctx, incident).timeline] == ["paged the database team"]


def test_the_page_says_why_an_undo_was_refused(client: TestClient, ctx: Context, incident: str) -> None:
    import_id = upload(client, incident)["import"]
    action = f"/incidents/{incident}/imports/{import_id}/undo"
    client.post(action, data={"csrf_token": client.csrf})  # type: ignore[attr-defined]
    again = client.post(action, data={"csrf_token": client.csrf})  # type: ignore[attr-defined]
    assert again.status_code == 409
    assert f"Import not undone: import {import_id} (checkout.log) was already undone by admin" in again.text
    refused = client.post(action, data={})
    assert refused.status_code == 403 and len(show_incident(ctx, incident).timeline) == 1


def test_a_background_import_is_recorded_under_the_uploaded_name_and_can_be_undone(client: TestClient, ctx: Context, incident: str) -> None:
    started = client.post(
        f"/api/v1/incidents/{incident}/timeline/import", params={"background": "true"}, content=LOG.encode(),
        headers={**csrf(client), "X-Filename": "big.log"},
    )
    assert started.status_code == 202
    deadline = time.monotonic() + 60
    while any(job.active for job in jobs_of(ctx, incident)):
        assert time.monotonic() < deadline, "the import job did not end"
        time.sleep(0.05)
    [job] = jobs_of(ctx, incident)
    assert job.summary is not None and job.summary["added"] == 3
    [item] = client.get(f"/api/v1/incidents/{incident}/imports").json()["items"]
    assert item["id"] == job.summary["import"] and item["file"] == "big.log"
    assert client.delete(f"/api/v1/incidents/{incident}/imports/{item['id']}", headers=csrf(client)).json()["removed"] == 3


@pytest.mark.browser
def test_undoing_an_import_in_the_browser_asks_first_then_removes_its_events(
    browser: Any, base_url: str, ctx: Context, incident: str, people: None, tmp_path: Path,
) -> None:
    path = tmp_path / "checkout.log"
    path.write_text(LOG)
    import_timeline(ctx, incident, path)
    shots = tmp_path / "shots"
    for width in (390, 1366):
        page = signed_in(browser, base_url, "admin")
        page.set_viewport_size({"width": width, "height": 900})
        problems: list[str] = []
        page.on("console", lambda message: problems.append(message.text) if message.type == "error" else None)
        page.goto(f"{base_url}/incidents/{incident}#import-list")
        entry = page.locator(".import-record").first
        assert "checkout.log" in entry.inner_text()
        remove = entry.get_by_role("button", name=re.compile(r"Remove \d+ events?"))
        if width == 390:  # look only, no undo: the next width undoes it
            entry.get_by_label("Undo the import of checkout.log").click()
            assert remove.is_visible()
            page.screenshot(path=str(shots / f"undo-{width}.png"), full_page=False)
            fits = "el => el.scrollWidth <= el.clientWidth + 1 && el.getBoundingClientRect().right <= window.innerWidth + 1"
            assert page.locator("#import-list").evaluate(fits)  # the list itself never scrolls sideways
            page.close()
            continue
        assert not remove.is_visible()  # nothing happens without the confirmation
        entry.get_by_label("Undo the import of checkout.log").click()
        assert remove.inner_text() == "Remove 3 events"
        page.screenshot(path=str(shots / f"undo-{width}.png"), full_page=False)
        remove.click()
        page.wait_for_url(re.compile(r".*#import-\d+$"))
        assert "3 events removed" in page.locator(".import-record.undone").inner_text()
        assert page.locator("#timeline-body tr").count() == 1
        assert problems == []
        page.close()
    assert [e.text for e in show_incident(ctx, incident).timeline] == ["paged the database team"]
