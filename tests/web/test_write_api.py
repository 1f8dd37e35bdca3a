"""The JSON API does what the pages do: open, log, mark, resolve, edit, list."""

from __future__ import annotations

from fastapi.testclient import TestClient

from cairn.services.context import Context
from tests.web.personas import csrf



def test_an_incident_is_opened_logged_marked_and_resolved_over_the_api(client: TestClient, ctx: Context) -> None:
    h = csrf(client)
    opened = client.post("/api/v1/incidents", json={
        "title": "Login fails", "severity": "SEV2", "services": ["auth"], "timezone": "Europe/Berlin",
        "started": "2026-11-20T09:00:00+01:00",
    }, headers=h)
    assert opened.status_code == 201
    key = opened.json()["key"]
    alert = client.post(f"/api/v1/incidents/{key}/timeline", json={"line": "2026-11-20T09:04:00+01:00 #alert login errors > 5%"}, headers=h).json()
    assert alert["created"] and alert["event"]["kind"] == "alert" and alert["event"]["at"] == "2026-11-20T09:04:00+01:00"
    marked = client.put(f"/api/v1/incidents/{key}/moments/detected", json={"event_id": alert["event"]["id"]}, headers=h).json()
    assert marked["moments"]["detected"] == "2026-11-20T09:04:00+01:00"
    assert marked["durations_seconds"]["to_detect"] == 240
    same = client.post(f"/api/v1/incidents/{key}/timeline", json={"text": "page", "source": "pagerduty", "ref": "Q1"}, headers=h)
    again = client.post(f"/api/v1/incidents/{key}/timeline", json={"text": "page", "source": "pagerduty", "ref": "Q1"}, headers=h)
    assert same.json()["created"] and not again.json()["created"]
    resolved = client.post(f"/api/v1/incidents/{key}/status", json={"status": "resolved", "at": "2026-11-20T10:00:00+01:00"}, headers=h).json()
    assert resolved["status"] == "resolved" and resolved["durations_seconds"]["to_resolve"] == 3600
    bad = client.post(f"/api/v1/incidents/{key}/status", json={"status": "resolved"}, headers=h)
    assert bad.status_code == 409 and bad.json() == {"error": "conflict", "detail": f"{key} is already resolved"}


def test_the_timeline_feed_returns_only_what_was_added_since(client: TestClient, outage: str, ctx: Context) -> None:
    feed = client.get(f"/api/v1/incidents/{outage}/timeline").json()
    assert len(feed["items"]) == 6 and feed["last_id"] == max(item["id"] for item in feed["items"])
    assert client.get(f"/api/v1/incidents/{outage}/timeline", params={"after": feed["last_id"]}).json()["items"] == []
    client.post(f"/api/v1/incidents/{outage}/timeline", json={"text": "new one", "at": "2026-03-03T14:00:00+01:00"}, headers=csrf(client))
    newer = client.get(f"/api/v1/incidents/{outage}/timeline", params={"after": feed["last_id"]}).json()
    assert [item["text"] for item in newer["items"]] == ["new one"]
    assert newer["items"][0]["local"] == "2026-03-03 14:00 CET"


def test_bad_api_input_is_a_422_with_a_json_error_naming_the_field(client: TestClient, outage: str) -> None:
    h = csrf(client)
    missing = client.post("/api/v1/incidents", json={"severity": "SEV2"}, headers=h)
    assert missing.status_code == 422 and missing.json()["detail"].startswith("title")
    not_json = client.post("/api/v1/incidents", content=b"{nope", headers={**h, "Content-Type": "application/json"})
    assert not_json.status_code == 422 and not_json.json()["error"] == "invalid input"
    share = client.put(f"/api/v1/incidents/{outage}/postmortem/impact", json={"users_share": 101}, headers=h)
    assert share.status_code == 422 and "users_share" in share.json()["detail"]
    empty = client.post(f"/api/v1/incidents/{outage}/timeline", json={}, headers=h)
    assert empty.status_code == 422 and "text" in empty.json()["detail"]


def test_lists_page_and_filter_like_the_pages(client: TestClient, ctx: Context) -> None:
    h = csrf(client)
    for index in range(5):
        client.post("/api/v1/incidents", json={"title": f"Incident {index}", "severity": "SEV3" if index % 2 else "SEV1",
                                               "started": f"2026-11-0{index + 1}T10:00:00+00:00"}, headers=h)
    first = client.get("/api/v1/incidents", params={"limit": 2}).json()
    second = client.get("/api/v1/incidents", params={"limit": 2, "offset": 2}).json()
    assert first["total"] == second["total"] == 5
    assert [i["title"] for i in first["items"] + second["items"]] == ["Incident 4", "Incident 3", "Incident 2", "Incident 1"]
    oldest = client.get("/api/v1/incidents", params={"sort": "oldest", "limit": 1}).json()["items"][0]["title"]
    severe = [i["severity"] for i in client.get("/api/v1/incidents", params={"sort": "severity"}).json()["items"]]
    assert oldest == "Incident 0" and severe == ["SEV1", "SEV1", "SEV1", "SEV3", "SEV3"]
    assert client.get("/api/v1/incidents", params={"severity": "SEV3", "since": "2026-11-03"}).json()["total"] == 1
    assert client.get("/api/v1/incidents", params={"sort": "sideways"}).status_code == 422
    page = client.get("/", params={"sort": "oldest"}).text
    assert page.index("Incident 0") < page.index("Incident 4")


def test_the_api_is_documented_at_api_docs_with_assets_served_locally(client: TestClient) -> None:
    docs = client.get("/api/docs")
    assert docs.status_code == 200 and "swagger-ui-bundle.js" in docs.text and "https://" not in docs.text
    assert client.get("/api/docs/assets/swagger-ui-bundle.js").status_code == 200
    schema = client.get("/api/openapi.json").json()
    assert "/api/v1/incidents/{key}/postmortem/sections/{name}" in schema["paths"]
    assert "HTTPBearer" in schema["components"]["securitySchemes"]
    for path, operations in schema["paths"].items():
        for method, operation in operations.items():
            assert operation.get("summary"), f"{method.upper()} {path} has no summary"


def test_the_markdown_preview_is_sanitised_commonmark(client: TestClient) -> None:
    html = client.post("/api/v1/markdown/preview", json={"text": "# T\n\n- a\n- b\n\n<script>x()</script>"}, headers=csrf(client)).json()["html"]
    assert "<h1>T</h1>" in html and "<li>a</li>" in html and "<script" not in html


def test_an_unchanged_incident_answers_304_to_its_etag_and_any_change_shows_at_once(client: TestClient, outage: str) -> None:
    first = client.get(f"/api/v1/incidents/{outage}")
    etag = first.headers["etag"]
    assert client.get(f"/api/v1/incidents/{outage}", headers={"If-None-Match": etag}).status_code == 304
    assert client.get(f"/api/v1/incidents/{outage}").json() == first.json()  # served again, unchanged
    client.post(f"/api/v1/incidents/{outage}/timeline", json={"text": "one more thing"}, headers=csrf(client))
    changed = client.get(f"/api/v1/incidents/{outage}", headers={"If-None-Match": etag})
    assert changed.status_code == 200 and changed.headers["etag"] != etag
    assert changed.json()["timeline"][-1]["text"] == "one more thing"
