"""The JSON twins under /api/v1 and their error shape."""

from __future__ import annotations

import json

import pytest
from fastapi.testclient import TestClient

from cairn.config import Settings
from cairn.services.context import Context
from cairn.services.incidents import open_incident
from cairn.services.portable import export_incident, import_document
from cairn.web.app import create_app
from tests.web.webdata import plain_document


def test_the_incident_list_twin_returns_total_and_items(client: TestClient, outage: str) -> None:
    answer = client.get("/api/v1/incidents")
    assert answer.status_code == 200
    assert answer.headers["content-type"] == "application/json"
    body = answer.json()
    assert body["total"] == 1
    assert len(body["items"]) == 1
    item = body["items"][0]
    assert item["key"] == outage
    assert item["severity"] == "SEV2"
    assert item["status"] == "resolved"
    assert item["services"] == ["checkout", "payments-api"]
    assert item["moments"]["started"] == "2026-03-03T14:02:00+01:00"
    assert item["postmortem_status"] == "in review"
    assert item["action_items_open"] == 2
    assert item["durations_seconds"]["to_resolve"] == 78 * 60


def test_the_list_twin_takes_the_same_filters_as_the_page(client: TestClient, ctx: Context) -> None:
    import_document(ctx, plain_document("Search is slow", severity="SEV3", status="resolved",
                                        started="2026-04-01T10:00:00Z", services=["search"]))
    import_document(ctx, plain_document("Payments time out", severity="SEV1",
                                        started="2026-04-02T10:00:00Z", services=["payments"]))

    def keys(query: str) -> list[str]:
        return [item["key"] for item in client.get(f"/api/v1/incidents?{query}").json()["items"]]

    assert keys("") == ["INC-2", "INC-1"]
    assert keys("status=resolved") == ["INC-1"]
    assert keys("status=open&status=resolved") == ["INC-2", "INC-1"]
    assert keys("severity=SEV1") == ["INC-2"]
    assert keys("service=search") == ["INC-1"]
    assert keys("q=payments") == ["INC-2"]
    assert keys("since=2026-04-02") == ["INC-2"]
    assert keys("until=2026-04-02") == ["INC-1"]


def test_the_list_twin_pages_with_limit_and_offset(client: TestClient, ctx: Context) -> None:
    for number in range(5):
        open_incident(ctx, f"Blip {number}", severity="SEV5", started=f"2026-01-01T00:0{number}Z")
    body = client.get("/api/v1/incidents?limit=2&offset=1").json()
    assert body["total"] == 5
    assert [item["key"] for item in body["items"]] == ["INC-4", "INC-3"]
    assert (body["limit"], body["offset"]) == (2, 1)


@pytest.mark.parametrize("query", ["limit=0", "limit=1001", "offset=-1", "limit=many"])
def test_the_list_twin_refuses_a_bad_window_with_a_json_error(client: TestClient, query: str) -> None:
    answer = client.get(f"/api/v1/incidents?{query}")
    assert answer.status_code == 422
    body = answer.json()
    assert body["error"] == "invalid input"
    assert body["detail"].split(":")[0] in ("limit", "offset")


def test_an_unknown_filter_value_gives_a_json_error(client: TestClient) -> None:
    answer = client.get("/api/v1/incidents?severity=SEV9")
    assert answer.status_code == 422
    assert answer.json()["error"] == "invalid input"
    assert "SEV9" in answer.json()["detail"]


def test_the_incident_twin_is_the_portable_data_plus_durations(client: TestClient, ctx: Context, outage: str) -> None:
    body = client.get(f"/api/v1/incidents/{outage}").json()
    exported = json.loads(export_incident(ctx, outage, "json"))
    assert body == exported
    assert body["durations_seconds"] == {
        "to_detect": 420.0,
        "to_acknowledge": 180.0,
        "to_mitigate": 2340.0,
        "to_resolve": 4680.0,
    }
    assert body["postmortem"]["sections"]["got_lucky"].startswith("It happened on a Tuesday")
    assert body["postmortem"]["extra_sections"][0]["title"] == "Follow-up review"
    assert [event["kind"] for event in body["timeline"]][:2] == ["deploy", "alert"]


def test_unknown_durations_are_null_in_the_twin(client: TestClient, ctx: Context) -> None:
    key = open_incident(ctx, "Still open", severity="SEV3", started="2026-02-01T10:00Z").key
    durations = client.get(f"/api/v1/incidents/{key}").json()["durations_seconds"]
    assert durations == {"to_detect": None, "to_acknowledge": None, "to_mitigate": None, "to_resolve": None}


def test_an_unknown_incident_gives_a_404_json_error(client: TestClient) -> None:
    answer = client.get("/api/v1/incidents/INC-404")
    assert answer.status_code == 404
    assert answer.json() == {"error": "not found", "detail": "no incident INC-404"}


def test_a_malformed_key_gives_a_4xx_json_error(client: TestClient) -> None:
    answer = client.get("/api/v1/incidents/DROP TABLE")
    assert 400 <= answer.status_code < 500
    assert answer.json()["error"] == "invalid input"
    assert "malformed incident key" in answer.json()["detail"]


def test_an_unknown_api_address_gives_a_404_json_error(client: TestClient) -> None:
    answer = client.get("/api/v1/nothing")
    assert answer.status_code == 404
    assert answer.json() == {"error": "not found", "detail": "there is nothing at /api/v1/nothing"}


def test_a_wrong_method_gives_a_405_json_error(client: TestClient) -> None:
    answer = client.delete("/api/v1/incidents")
    assert answer.status_code == 405
    assert answer.json()["error"] == "method not allowed"


def test_an_unexpected_failure_gives_a_500_json_error_without_internals(settings: Settings, ctx: Context) -> None:
    app = create_app(settings, context=ctx)

    @app.get("/api/v1/boom")
    def boom() -> None:
        raise RuntimeError("secret internals")

    with TestClient(app, raise_server_exceptions=False) as client:
        answer = client.get("/api/v1/boom")
    assert answer.status_code == 500
    assert answer.json()["error"] == "internal error"
    assert "secret" not in answer.text


def test_the_app_opens_its_own_context_from_settings(settings: Settings) -> None:
    with TestClient(create_app(settings)) as client:
        assert client.get("/api/v1/incidents").status_code == 401
        assert client.get("/healthz").json() == {"status": "ok"}
        assert client.app.state.context.settings is settings  # type: ignore[attr-defined]
