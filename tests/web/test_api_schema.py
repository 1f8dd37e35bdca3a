"""The OpenAPI schema tells the truth about requests and errors, and integers stay storable."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
from fastapi.testclient import TestClient

from cairn.config import Settings
from cairn.services.context import Context
from cairn.web.api.schemas import INT_MAX, INT_MIN
from cairn.web.app import create_app
from tests.web.personas import csrf

HUGE = 1180591620717411303424  # 2**70: past what SQLite's driver can bind
PAST_INTEGER = 2**31  # fits 64 bits, but not PostgreSQL's INTEGER columns
METHODS = {"get", "put", "post", "patch", "delete"}


@pytest.fixture
def openapi(settings: Settings, ctx: Context) -> dict[str, Any]:
    return create_app(settings, context=ctx).openapi()


def resolve(spec: dict[str, Any], schema: dict[str, Any]) -> dict[str, Any]:
    while "$ref" in schema:
        name = schema["$ref"].rsplit("/", 1)[-1]
        schema = spec["components"]["schemas"][name]
    return schema


def integers(spec: dict[str, Any], schema: Any, where: str, seen: frozenset[str] = frozenset()) -> Iterator[tuple[str, dict]]:
    """Every integer schema reachable from `schema`, with a path naming it."""
    if isinstance(schema, dict):
        ref = schema.get("$ref")
        if ref:
            if ref in seen:
                return
            yield from integers(spec, resolve(spec, schema), where, seen | {ref})
            return
        if schema.get("type") == "integer":
            yield where, schema
        for name, sub in (schema.get("properties") or {}).items():
            yield from integers(spec, sub, f"{where}.{name}", seen)
        for keyword in ("items", "additionalProperties"):
            if isinstance(schema.get(keyword), dict):
                yield from integers(spec, schema[keyword], f"{where}[]", seen)
        for keyword in ("anyOf", "oneOf", "allOf"):
            for sub in schema.get(keyword, []):
                yield from integers(spec, sub, where, seen)


def request_integers(spec: dict[str, Any]) -> Iterator[tuple[str, dict]]:
    for path, item in spec["paths"].items():
        for method, operation in item.items():
            if method not in METHODS:
                continue
            for parameter in operation.get("parameters", []):
                yield from integers(spec, parameter["schema"], f"{method.upper()} {path} {parameter['name']}")
            for media in operation.get("requestBody", {}).get("content", {}).values():
                yield from integers(spec, media.get("schema", {}), f"{method.upper()} {path} body")


def test_every_integer_a_request_can_carry_is_bounded_to_what_the_database_holds(openapi: dict[str, Any]) -> None:
    found = list(request_integers(openapi))
    assert len(found) >= 8  # limits, offsets, ids, impact figures, risk scores
    unbounded = [
        where for where, schema in found
        if not (INT_MIN <= schema.get("minimum", INT_MIN - 1) and schema.get("maximum", INT_MAX + 1) <= INT_MAX)
    ]
    assert unbounded == []


def test_every_api_route_documents_cairns_error_body_and_not_the_frameworks(openapi: dict[str, Any]) -> None:
    operations = [
        (f"{method.upper()} {path}", operation)
        for path, item in openapi["paths"].items() for method, operation in item.items() if method in METHODS
    ]
    assert len(operations) > 30
    for name, operation in operations:
        for status in ("401", "422"):
            body = operation["responses"][status]["content"]["application/json"]["schema"]
            assert body == {"$ref": "#/components/schemas/ErrorRead"}, name
        if "{" in name or not name.startswith("GET "):
            assert "404" in operation["responses"], name
        if not name.startswith("GET "):
            assert {"400", "409"} <= set(operation["responses"]), name
    assert "HTTPValidationError" not in openapi["components"]["schemas"]
    error = openapi["components"]["schemas"]["ErrorRead"]
    assert error["required"] == ["error", "detail"]


@pytest.mark.parametrize("event_id", [HUGE, PAST_INTEGER, -HUGE, 0])
def test_an_event_id_the_database_cannot_hold_is_refused_with_422_and_changes_nothing(
    client: TestClient, outage: str, event_id: int
) -> None:
    before = client.get(f"/api/v1/incidents/{outage}").json()
    answer = client.put(f"/api/v1/incidents/{outage}/moments/detected", json={"event_id": event_id}, headers=csrf(client))
    assert answer.status_code == 422
    assert answer.json()["error"] == "invalid input" and answer.json()["detail"].startswith("event_id")
    after = client.get(f"/api/v1/incidents/{outage}").json()
    assert after["moments"] == before["moments"] and after["version"] == before["version"]


def test_a_token_id_or_feed_position_the_database_cannot_hold_is_refused_with_422(client: TestClient, outage: str) -> None:
    revoke = client.delete(f"/api/v1/tokens/{HUGE}", headers=csrf(client))
    assert revoke.status_code == 422 and revoke.json()["detail"].startswith("token_id")
    feed = client.get(f"/api/v1/incidents/{outage}/timeline", params={"after": PAST_INTEGER})
    assert feed.status_code == 422 and feed.json()["detail"].startswith("after")


def test_impact_figures_the_database_cannot_hold_are_refused_with_422_and_nothing_is_saved(
    client: TestClient, outage: str
) -> None:
    before = client.get(f"/api/v1/incidents/{outage}/postmortem").json()
    for field in ("users_affected", "duration_minutes"):
        answer = client.put(f"/api/v1/incidents/{outage}/postmortem/impact", json={field: PAST_INTEGER}, headers=csrf(client))
        assert answer.status_code == 422 and answer.json()["detail"].startswith(field)
    assert client.get(f"/api/v1/incidents/{outage}/postmortem").json() == before
    large = client.put(f"/api/v1/incidents/{outage}/postmortem/impact", json={"users_affected": 2_000_000_000}, headers=csrf(client))
    assert large.status_code == 200, large.text
    assert client.get(f"/api/v1/incidents/{outage}/postmortem").json()["impact"]["users_affected"] == 2_000_000_000
