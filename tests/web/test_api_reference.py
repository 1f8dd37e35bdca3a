"""The API reference needs a sign-in, like everything else (README, Web)."""

from __future__ import annotations

from fastapi.testclient import TestClient

from cairn.services.tokens import create_token


def test_the_schema_is_refused_to_an_anonymous_client_with_the_json_error(anonymous: TestClient) -> None:
    answer = anonymous.get("/api/openapi.json")
    assert answer.status_code == 401
    assert answer.json()["error"] == "unauthorized" and "paths" not in answer.json()


def test_the_reference_page_sends_an_anonymous_visitor_to_sign_in(anonymous: TestClient) -> None:
    answer = anonymous.get("/api/docs", follow_redirects=False)
    assert answer.status_code == 303 and answer.headers["location"].startswith("/signin?next=")
    assert "swagger" not in answer.text.lower()


def test_a_signed_in_browser_reads_the_page_and_the_schema_it_points_to(client: TestClient) -> None:
    page = client.get("/api/docs")
    assert page.status_code == 200 and 'data-openapi="/api/openapi.json"' in page.text
    assert "/api/v1/incidents" in client.get("/api/openapi.json").json()["paths"]


def test_an_api_token_reads_the_schema(anonymous: TestClient, ctx) -> None:
    raw, _info = create_token(ctx, "docs", "reader", days=1)
    answer = anonymous.get("/api/openapi.json", headers={"Authorization": f"Bearer {raw}"})
    assert answer.status_code == 200 and answer.json()["info"]["title"] == "Cairn"
    assert "/api/openapi.json" not in answer.json()["paths"] and "/api/docs" not in answer.json()["paths"]
