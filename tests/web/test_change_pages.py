"""Changing what was recorded from the incident page and the JSON API."""

from __future__ import annotations

from fastapi.testclient import TestClient

from cairn.services.context import Context
from cairn.services.incidents import open_incident, show_incident
from cairn.services.timeline import deleted_events, log_event

T0 = "2026-11-23T13:50+01:00"


def form(client: TestClient, **fields: str) -> dict[str, str]:
    return {"csrf_token": client.csrf, **fields}  # type: ignore[attr-defined]


def opened(ctx: Context) -> str:
    return open_incident(ctx, "Checkout 502", severity="SEV3", timezone="Europe/Berlin", started=T0, services=["checkout"]).key


def test_the_new_incident_form_takes_tags(client: TestClient, ctx: Context) -> None:
    client.post("/new", data=form(client, title="Queue stuck", severity="SEV3", tags="queue, eu"))
    assert show_incident(ctx, "INC-1").tags == ["queue", "eu"]


def test_the_details_form_changes_the_incident_and_the_escalation_shows_on_the_timeline(client: TestClient, ctx: Context) -> None:
    key = opened(ctx)
    page = client.get(f"/incidents/{key}")
    assert 'id="edit-incident"' in page.text and 'value="Checkout 502"' in page.text
    done = client.post(f"/incidents/{key}/edit", data=form(client, title="Checkout fails", severity="SEV1", kind="incident",
                                                          services="checkout, api", tags="eu", timezone="Europe/Berlin"), follow_redirects=False)
    assert done.status_code == 303
    doc = show_incident(ctx, key)
    assert (doc.title, doc.severity, doc.services, doc.tags) == ("Checkout fails", "SEV1", ["checkout", "api"], ["eu"])
    assert "severity SEV3 → SEV1" in client.get(f"/incidents/{key}").text


def test_a_bad_detail_is_shown_on_the_page_and_changes_nothing(client: TestClient, ctx: Context) -> None:
    key = opened(ctx)
    answer = client.post(f"/incidents/{key}/edit", data=form(client, title="x", severity="SEV3", timezone="Mars/Base"))
    assert answer.status_code == 422 and "Not saved: unknown time zone" in answer.text
    assert show_incident(ctx, key).timezone == "Europe/Berlin"


def test_an_event_is_edited_and_deleted_from_its_row_and_an_admin_restores_it(client: TestClient, ctx: Context) -> None:
    key = opened(ctx)
    number = log_event(ctx, key, "restarted db-1", at="2026-11-23 14:05").event.id
    page = client.get(f"/incidents/{key}").text
    assert f'action="/incidents/{key}/events/{number}/edit"' in page and "Yes, delete event" in page
    assert 'value="2026-11-23 14:05"' in page  # the time field reads back in the incident's zone
    edited = client.post(f"/incidents/{key}/events/{number}/edit",
                         data=form(client, text="restarted db-2", at="2026-11-23 14:05", kind="action", actor="alice"), follow_redirects=False)
    assert edited.status_code == 303
    event = show_incident(ctx, key).timeline[0]
    assert (event.text, event.kind, event.actor) == ("restarted db-2", "action", "alice")
    client.post(f"/incidents/{key}/events/{number}/delete", data=form(client))
    page = client.get(f"/incidents/{key}").text
    assert show_incident(ctx, key).timeline == [] and 'id="deleted-events"' in page and "restarted db-2" in page
    client.post(f"/incidents/{key}/events/{number}/restore", data=form(client))
    assert [e.text for e in show_incident(ctx, key).timeline] == ["restarted db-2"]


def test_a_responder_never_sees_deleted_events(as_user, ctx: Context) -> None:
    key = opened(ctx)
    number = log_event(ctx, key, "secret typo", at="2026-11-23 14:05").event.id
    member = as_user("member")
    member.post(f"/incidents/{key}/events/{number}/delete", data=form(member))
    page = member.get(f"/incidents/{key}").text
    assert "secret typo" not in page and 'id="deleted-events"' not in page
    refused = member.post(f"/incidents/{key}/events/{number}/restore", data=form(member))
    assert refused.status_code == 403 and len(deleted_events(ctx, key)) == 1
    assert "secret typo" not in member.get(f"/api/v1/incidents/{key}/export?format=markdown").text


def test_the_resolve_form_proposes_the_latest_resolution_event_and_a_bad_order_names_the_moment(client: TestClient, ctx: Context) -> None:
    key = opened(ctx)
    log_event(ctx, key, "fix deployed", kind="resolution", at="2026-11-23 15:02")
    page = client.get(f"/incidents/{key}").text
    assert 'value="2026-11-23 15:02:00"' in page
    refused = client.post(f"/incidents/{key}/status", data=form(client, status="resolved", at="2026-11-23 12:00"))
    assert refused.status_code == 422 and "correct the resolved time" in refused.text
    assert 'href="#moment-resolved"' in refused.text and 'id="moment-resolved"' in refused.text
    client.post(f"/incidents/{key}/status", data=form(client, status="resolved", at="2026-11-23 15:02:00"))
    assert show_incident(ctx, key).moments.resolved.isoformat() == "2026-11-23T14:02:00+00:00"


def test_the_api_patches_an_incident_and_edits_deletes_and_restores_events(client: TestClient, ctx: Context) -> None:
    key = opened(ctx)
    h = {"X-CSRF-Token": client.csrf}  # type: ignore[attr-defined]
    patched = client.patch(f"/api/v1/incidents/{key}", json={"severity": "SEV2", "tags": ["eu"]}, headers=h)
    assert patched.status_code == 200 and patched.json()["severity"] == "SEV2"
    assert show_incident(ctx, key).title == "Checkout 502"
    number = log_event(ctx, key, "typo", at="2026-11-23 14:05").event.id
    edited = client.patch(f"/api/v1/incidents/{key}/timeline/{number}", json={"text": "fixed", "at": "-1h"}, headers=h)
    assert edited.status_code == 200 and edited.json()["text"] == "fixed"
    future = client.patch(f"/api/v1/incidents/{key}/timeline/{number}", json={"at": "2099-01-01T00:00:00Z"}, headers=h)
    assert future.status_code == 422 and "in the future" in future.json()["detail"]
    assert client.delete(f"/api/v1/incidents/{key}/timeline/{number}", headers=h).status_code == 200
    assert client.get(f"/api/v1/incidents/{key}/timeline").json()["items"] == [
        item for item in client.get(f"/api/v1/incidents/{key}/timeline").json()["items"] if item["source"] == "cairn"
    ]
    listed = client.get(f"/api/v1/incidents/{key}/timeline-deleted").json()
    assert listed["total"] == 1 and listed["items"][0]["event"]["text"] == "fixed"
    assert client.post(f"/api/v1/incidents/{key}/timeline-deleted/{number}/restore", headers=h).json()["id"] == number
    assert client.patch(f"/api/v1/incidents/{key}/timeline/999999", json={"text": "x"}, headers=h).status_code == 404
