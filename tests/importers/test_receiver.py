"""The live Alertmanager receiver, with API tokens."""

from __future__ import annotations

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import func, select

from cairn.importers.timestamps import FORMATS
from cairn.errors import Unauthorized
from cairn.services.incidents import change_status, show_incident
from cairn.services.people import create_user
from cairn.services.tokens import authenticate, create_token, list_tokens, revoke_token
from cairn.storage.models import Incident, TimelineEvent
from cairn.web.app import create_app


def payload(status: str = "firing", group: str = '{}:{alertname="HighLatency"}', minute: int = 5) -> dict:
    alert = {
        "status": status,
        "labels": {"alertname": "HighLatency", "service": "checkout", "severity": "critical"},
        "annotations": {"summary": "p99 latency above 2 s"},
        "startsAt": f"2026-11-23T14:{minute:02d}:00Z",
        "endsAt": "2026-11-23T15:00:00Z" if status == "resolved" else "0001-01-01T00:00:00Z",
        "fingerprint": "f1",
    }
    return {
        "version": "4", "groupKey": group, "status": status, "receiver": "cairn",
        "groupLabels": {"alertname": "HighLatency"}, "commonLabels": alert["labels"],
        "commonAnnotations": alert["annotations"], "externalURL": "http://am", "alerts": [alert],
    }


@pytest.fixture
def token(ctx):
    create_user(ctx, "alertbot", role="responder")
    raw, _info = create_token(ctx, "alertmanager", "alertbot", days=30)
    return raw


@pytest.fixture
def client(settings, ctx):
    return TestClient(create_app(settings, context=ctx))


def post(client, body, token):
    return client.post("/hooks/alertmanager", json=body, headers={"Authorization": f"Bearer {token}"})


def test_a_firing_group_opens_an_incident_and_repeats_change_nothing(client, ctx, token):
    first = post(client, payload(), token)
    assert first.status_code == 200 and first.json() == {"incident": "INC-1", "created": True, "added": 1, "duplicates": 0}
    doc = show_incident(ctx, "INC-1")
    assert (doc.title, doc.severity, doc.services) == ("p99 latency above 2 s", "SEV2", ["checkout"])
    assert doc.moments.started.minute == 5
    again = post(client, payload(), token)
    assert again.json() == {"incident": "INC-1", "created": False, "added": 0, "duplicates": 1}


def test_the_resolution_joins_the_open_incident_and_a_new_group_opens_another(client, ctx, token):
    post(client, payload(), token)
    resolved = post(client, payload("resolved"), token)
    assert resolved.json()["incident"] == "INC-1" and resolved.json()["added"] == 1
    assert [e.kind for e in show_incident(ctx, "INC-1").timeline] == ["alert", "resolution"]
    other = post(client, payload(group="{}:{alertname=\"DiskFull\"}"), token)
    assert other.json()["incident"] == "INC-2"


def test_a_resolved_incident_is_not_reused(client, ctx, token):
    post(client, payload(), token)
    change_status(ctx, "INC-1", "resolved", at="2026-11-23T15:00Z")
    assert post(client, payload(minute=30), token).json()["incident"] == "INC-2"


def test_a_lone_resolution_opens_nothing(client, token):
    assert post(client, payload("resolved"), token).json() == {"incident": None, "created": False, "added": 0, "duplicates": 0}


def test_requests_without_a_valid_token_are_refused_alike(client, ctx, token):
    assert client.post("/hooks/alertmanager", json=payload()).status_code == 401
    assert post(client, payload(), "cairn_wrong").json() == {"error": "unauthorized", "detail": "a valid API token is required"}
    revoke_token(ctx, list_tokens(ctx)[0].id)
    assert post(client, payload(), token).status_code == 401


def test_a_viewer_token_may_not_write(client, ctx):
    create_user(ctx, "reader", role="viewer")
    raw, _ = create_token(ctx, "read only", "reader")
    assert post(client, payload(), raw).status_code == 403
    with ctx.db.transaction() as session:
        assert session.scalar(select(func.count()).select_from(Incident)) == 0
        assert session.scalar(select(func.count()).select_from(TimelineEvent)) == 0


def test_bad_payloads_are_4xx(client, token):
    assert post(client, {"alerts": "nope"}, token).status_code == 422
    response = client.post("/hooks/alertmanager", content=b"{not json", headers={"Authorization": f"Bearer {token}"})
    assert response.status_code == 422 and response.json()["detail"] == "the body is not JSON"


def test_tokens_are_stored_as_digests_and_expire(ctx, token):
    from sqlalchemy import select

    from cairn.storage.models import ApiToken

    with ctx.db.transaction() as session:
        stored = session.scalar(select(ApiToken))
        assert token not in (stored.token_hash, stored.prefix) and len(stored.token_hash) == 64
        stored.expires_at = stored.created_at
    with pytest.raises(Unauthorized):
        authenticate(ctx, token)


def test_token_commands(cli):
    assert cli("user", "create", "bot").exit_code == 0
    created = cli("token", "create", "ci", "--user", "bot", "--days", "7")
    assert created.exit_code == 0 and created.stdout.strip().startswith("cairn_")
    listed = cli("token", "list").output
    assert "ci\tbot\tcairn_" in listed and created.stdout.strip() not in listed
    assert cli("token", "revoke", "1").output.strip() == "token 1 (ci) revoked"
    assert cli("token", "create", "x", "--user", "nobody").exit_code == 2


def test_a_file_can_be_imported_over_the_api(client, ctx, token):
    from cairn.services.incidents import open_incident

    key = open_incident(ctx, "Checkout", severity="SEV2", started="2026-11-23T14:00Z").key
    log = b"2026-11-23T14:05:00Z ERROR pool exhausted\n2026-11-23T14:06:00Z INFO retrying\nno time here\n"
    url = f"/api/v1/incidents/{key}/timeline/import?level=info"
    headers = {"Authorization": f"Bearer {token}", "X-Filename": "app.log"}
    first = client.post(url, content=log, headers=headers).json()
    assert (first["source"], first["added"], first["rejected"]) == ("log", 2, 1)
    assert first["rejections"] == [{"where": "app.log:3", "reason": f"no iso timestamp (e.g. {FORMATS['iso'].example})"}]
    assert client.post(url, content=log, headers=headers).json()["duplicates"] == 2
    assert client.post(url, content=log).status_code == 401
    assert client.post("/api/v1/incidents/INC-99/timeline/import", content=log, headers=headers).status_code == 404
