"""Levels and components on the incident page and in the API: the timeline
shows and filters them, and the page's import form takes the CLI's options."""

from __future__ import annotations

import re

import pytest
from fastapi.testclient import TestClient

from cairn.domain.levels import LEVELS
from cairn.importers.timestamps import FORMATS
from cairn.services.context import Context
from cairn.services.incidents import add_participant, open_incident, show_incident
from cairn.services.timeline import log_event
from tests.web.personas import csrf

LOG = (
    "2026-11-23T14:00:00Z INFO checkout started\n"
    "2026-11-23T14:01:00Z WARN pool at 90%\n"
    "2026-11-23T14:02:00Z ERROR pool exhausted\n"
    "2026-11-23T14:03:00Z DEBUG retry 3\n"
)
JSON_LINES = (
    '{"time": "2026-11-23T14:04:00Z", "level": "error", "logger": "db.pool", "message": "no connection"}\n'
    '{"time": "2026-11-23T14:05:00Z", "level": "info", "logger": "web", "message": "served"}\n'
)


@pytest.fixture
def key(ctx: Context) -> str:
    return open_incident(ctx, "Checkout 502", severity="SEV2", timezone="Europe/Berlin", started="2026-11-23T14:00Z").key


def _import(client: TestClient, key: str, body: str, name: str, **params: str):  # type: ignore[no-untyped-def]
    return client.post(
        f"/api/v1/incidents/{key}/timeline/import", params={"source": "log", **params}, content=body.encode(),
        headers={**csrf(client), "X-Filename": name},
    )


def _rows(html: str) -> list[str]:
    return re.findall(r'<tr class="(event [^"]*)"', html)


def test_the_api_timeline_carries_level_component_and_the_text_without_its_prefix(client: TestClient, key: str) -> None:
    assert _import(client, key, LOG, "app.log").status_code == 200
    assert _import(client, key, JSON_LINES, "app.jsonl").status_code == 200
    items = client.get(f"/api/v1/incidents/{key}/timeline").json()["items"]
    error = next(item for item in items if item["text"] == "[ERROR] pool exhausted")
    assert (error["level"], error["message"]) == ("error", "pool exhausted")
    served = next(item for item in items if item["message"] == "served")
    assert (served["level"], served["component"]) == ("info", "web")


def test_the_api_timeline_filters_by_lowest_level_and_component(client: TestClient, ctx: Context, key: str) -> None:
    _import(client, key, LOG, "app.log")
    _import(client, key, JSON_LINES, "app.jsonl")
    log_event(ctx, key, "restarted db-2", kind="action", at="2026-11-23T14:06Z")
    answer = client.get(f"/api/v1/incidents/{key}/timeline", params={"level": "warn"}).json()
    assert [item["message"] for item in answer["items"]] == ["pool at 90%", "pool exhausted", "no connection"]
    answer = client.get(f"/api/v1/incidents/{key}/timeline", params={"component": "db.pool"}).json()
    assert [item["message"] for item in answer["items"]] == ["no connection"]
    answer = client.get(f"/api/v1/incidents/{key}/timeline", params={"level": "error", "component": "web"}).json()
    assert answer["items"] == []
    refused = client.get(f"/api/v1/incidents/{key}/timeline", params={"level": "loud"})
    assert refused.status_code == 422 and "unknown level 'loud'" in refused.json()["detail"]


def test_a_restricted_incident_is_not_found_through_a_filtered_api_read(as_user, ctx: Context) -> None:  # type: ignore[no-untyped-def]
    key = open_incident(ctx, "Payroll leak", severity="SEV1", timezone="UTC", visibility="restricted").key
    add_participant(ctx, key, "member", "responder")
    assert as_user("outsider").get(f"/api/v1/incidents/{key}/timeline", params={"level": "error"}).status_code == 404
    assert as_user("outsider").get(f"/incidents/{key}", params={"level": "error"}).status_code == 404
    assert as_user("member").get(f"/api/v1/incidents/{key}/timeline", params={"level": "error"}).status_code == 200


def test_the_api_import_passes_a_strptime_time_format_and_zone(client: TestClient, ctx: Context, key: str) -> None:
    answer = _import(client, key, "261123 150500 ERROR disk full\n", "odd.log", time_format="%y%m%d %H%M%S", tz="Europe/Berlin")
    assert answer.status_code == 200, answer.text
    assert answer.json()["added"] == 1
    (event,) = show_incident(ctx, key).timeline
    assert event.at.isoformat() == "2026-11-23T14:05:00+00:00" and event.level == "error"


def test_the_page_shows_levels_as_badges_marks_errors_and_filters_without_script(client: TestClient, ctx: Context, key: str) -> None:
    _import(client, key, LOG, "app.log")
    _import(client, key, JSON_LINES, "app.jsonl")
    log_event(ctx, key, "[ERROR] typed by a person", kind="note", at="2026-11-23T14:06Z")
    page = client.get(f"/incidents/{key}").text
    error_row = page[page.index('<tr class="event event-note level-severe"'):]
    error_row = error_row[: error_row.index("</tr>")]
    assert 'class="level-badge level-error level-severe"' in error_row and "✖" in error_row
    assert '<td class="event-text">pool exhausted</td>' in error_row  # the badge says the level: no "[ERROR]" prefix
    assert "level-warning" in page and '<td class="event-text">[ERROR] typed by a person</td>' in page
    assert '<span class="component" title="component: db.pool">db.pool</span>' in page
    assert '<option value="warning">warning and above (3)</option>' in page
    assert '<option value="db.pool">db.pool (1)</option>' in page
    assert "the event without a level (typed by people, most alerts) is left out" in page
    filtered = client.get(f"/incidents/{key}", params={"level": "warn", "tpage": "1"}).text
    assert len(_rows(filtered)) == 3 and all("level-" in row for row in _rows(filtered))
    assert '<option value="warning" selected>' in filtered
    assert "Events 1–3 of 3 (7 in all)" in filtered
    by_component = client.get(f"/incidents/{key}", params={"component": "web", "level": "info"}).text
    assert len(_rows(by_component)) == 1 and "served" in by_component
    assert '<option value="web" selected>web (1)</option>' in by_component
    assert client.get(f"/incidents/{key}", params={"level": "loud"}).status_code == 422


def test_the_import_form_offers_the_clis_options_with_the_incidents_window_and_zone(client: TestClient, key: str) -> None:
    page = client.get(f"/incidents/{key}").text
    form = page[page.index('<details class="import-box"'):]
    form = form[: form.index("</details>")]
    assert f'name="csrf_token" value="{client.csrf}"' in form
    for level in LEVELS:
        assert f'<option value="{level}">' in form
    for name in [*FORMATS, "jsonl", "csv"]:
        assert f'<option value="{name}">' in form
    assert 'name="since" maxlength="100" value="2026-11-23 14:00"' in form  # an hour before the start, in Berlin (15:00)
    assert 'name="until" maxlength="100" value="now"' in form  # not resolved yet
    assert 'name="tz" maxlength="64" value="Europe/Berlin"' in form
    assert 'name="time_format"' in form and 'name="source"' in form


def test_the_import_form_keeps_what_it_was_asked_and_says_why_lines_were_filtered(client: TestClient, ctx: Context, key: str) -> None:
    answer = client.post(
        f"/incidents/{key}/timeline/import",
        data={"csrf_token": client.csrf, "source": "log", "level": "warning", "since": "2026-11-23 15:00", "until": "2026-11-23 15:02",
              "tz": "Europe/Berlin", "format": "iso", "time_format": ""},
        files={"file": ("app.log", LOG.encode(), "text/plain")},
    )
    assert answer.status_code == 200 and answer.history[0].status_code == 303
    assert ("Imported app.log as log: 1 added, 0 already there, 3 filtered (below warning, or outside 2026-11-23 15:00 – "
            "2026-11-23 15:02 (Europe/Berlin)), 0 rejected.") in answer.text
    assert [e.text for e in show_incident(ctx, key).timeline] == ["[WARN] pool at 90%"]


def test_an_import_form_without_its_csrf_token_is_refused_and_imports_nothing(client: TestClient, ctx: Context, key: str) -> None:
    answer = client.post(
        f"/incidents/{key}/timeline/import", data={"source": "log", "level": "warning"}, files={"file": ("app.log", LOG.encode(), "text/plain")},
    )
    assert answer.status_code == 403
    assert show_incident(ctx, key).timeline == []


def test_a_failed_import_shows_the_form_again_open_with_what_was_typed(client: TestClient, ctx: Context, key: str) -> None:
    answer = client.post(
        f"/incidents/{key}/timeline/import",
        data={"csrf_token": client.csrf, "source": "log", "level": "error", "since": "", "until": "", "tz": "Europe/Berlin",
              "format": "", "time_format": "%Q"},
        files={"file": ("app.log", LOG.encode(), "text/plain")},
    )
    assert answer.status_code == 422 and "Nothing imported" in answer.text and "unknown directive %Q" in answer.text
    assert '<details class="import-box" id="import-box" open>' in answer.text
    assert 'name="time_format" maxlength="100" value="%Q"' in answer.text
    assert '<option value="error" selected>' in answer.text


def test_the_pager_keeps_the_level_and_component_filters() -> None:
    from cairn.web.timeline_page import TimelineQuery, timeline_query

    query = timeline_query(level="WARN", component=" db.pool ")
    assert (query.level, query.component, query.filtered) == ("warning", "db.pool", True)
    assert query.link(2) == "?level=warning&component=db.pool&tpage=2#timeline"
    assert query.key() != TimelineQuery(level="warning").key()
