"""Drills over the API: what each role is given, and a restricted incident's drill on every write."""

from __future__ import annotations

from cairn.services.drills import create_drill, show_drill
from cairn.services.editing import add_factor
from cairn.services.incidents import open_incident
from cairn.services.timeline import log_event
from tests.web.test_access import SECRET_TITLE, acting

TRIGGER = "a config push halved the payments pool"


def _incident(ctx, visibility="internal", title="Checkout returns 502"):  # type: ignore[no-untyped-def]
    member = acting(ctx, "member")
    key = open_incident(member, title, severity="SEV2", visibility=visibility, started="2026-11-20T13:58:00Z").key
    log_event(member, key, "p99 latency alert on checkout", kind="alert", at="2026-11-20T14:00:00Z")
    log_event(member, key, "Support: card payments fail", kind="communication", at="2026-11-20T14:04:00Z")
    log_event(member, key, "Rolled back release 2026.11.3", kind="mitigation", at="2026-11-20T14:16:00Z")
    add_factor(member, key, description=TRIGGER, category="configuration", role="trigger")
    return key


def test_the_game_master_reveals_and_the_responder_gets_only_what_is_shown(ctx, as_user):
    key = _incident(ctx)
    gm, responder = as_user("member"), as_user("outsider")
    created = gm.post(f"/api/v1/incidents/{key}/drills", json={"responders": ["outsider"]}, headers={"X-CSRF-Token": gm.csrf})
    assert created.status_code == 201, created.text
    drill = created.json()
    assert drill["role"] == "game master" and drill["hidden_facts"][0]["text"] == TRIGGER
    drill_id = drill["id"]
    assert gm.post(f"/api/v1/drills/{drill_id}/start", headers={"X-CSRF-Token": gm.csrf}).status_code == 200
    before = responder.get(f"/api/v1/drills/{drill_id}")
    assert before.status_code == 200 and before.json()["shown"] == [] and before.json()["role"] == "responder"
    assert TRIGGER not in before.text and "Rolled back" not in before.text and "Support: card" not in before.text
    assert "hidden_facts" not in before.json() and "reveals" not in before.json()
    shown = gm.post(f"/api/v1/drills/{drill_id}/reveals/1", headers={"X-CSRF-Token": gm.csrf})
    assert shown.status_code == 200
    after = responder.get(f"/api/v1/drills/{drill_id}").json()
    assert [r["text"] for r in after["shown"]] == ["Support: card payments fail"]
    logged = responder.post(f"/api/v1/drills/{drill_id}/log", json={"line": "#action restarted the pool"}, headers={"X-CSRF-Token": responder.csrf})
    assert logged.status_code == 200 and logged.json()["log"][-1]["text"] == "restarted the pool"
    refused = responder.post(f"/api/v1/drills/{drill_id}/end", headers={"X-CSRF-Token": responder.csrf})
    assert refused.status_code == 403
    assert gm.post(f"/api/v1/drills/{drill_id}/end", headers={"X-CSRF-Token": gm.csrf}).status_code == 200
    debrief = responder.get(f"/api/v1/drills/{drill_id}").json()
    assert debrief["sees_hidden"] and debrief["hidden_facts"][0]["text"] == TRIGGER
    listed = responder.get("/api/v1/drills").json()
    assert listed["total"] == 1 and listed["drills"][0]["responders"] == ["outsider"]


def test_a_viewer_watches_but_may_not_write_the_drill_log(ctx, as_user):
    key = _incident(ctx)
    drill_id = create_drill(acting(ctx, "member"), key).id
    gm, reader = as_user("member"), as_user("reader")
    gm.post(f"/api/v1/drills/{drill_id}/start", headers={"X-CSRF-Token": gm.csrf})
    assert reader.get(f"/api/v1/drills/{drill_id}").json()["role"] == "observer"
    answer = reader.post(f"/api/v1/drills/{drill_id}/log", json={"line": "peek"}, headers={"X-CSRF-Token": reader.csrf})
    assert answer.status_code == 403


def test_every_drill_write_treats_a_restricted_incidents_drill_as_missing_for_an_outsider(ctx, as_user):
    key = _incident(ctx, "restricted", SECRET_TITLE)
    drill_id = create_drill(acting(ctx, "member"), key).id
    outsider = as_user("outsider")
    writes = {
        "members": {"user": "outsider", "role": "responder"}, "start": None, "reveals/1": None,
        "ask": {"what": "the dashboard"}, "log": {"line": "peek"}, "finish-lines/diagnosed": None, "end": None,
        "reveals/1 (patch)": {"text": "peek"}, "reveals": {"text": "peek"},
        "findings": {"title": "peek", "owner": "outsider", "due": "2099-01-01"},
    }
    before = show_drill(ctx, drill_id)
    for path, body in writes.items():
        method = "PATCH" if path == "reveals/1 (patch)" else "POST"
        path = path.replace(" (patch)", "")
        hidden = outsider.request(method, f"/api/v1/drills/{drill_id}/{path}", json=body, headers={"X-CSRF-Token": outsider.csrf})
        missing = outsider.request(method, f"/api/v1/drills/{drill_id + 99}/{path}", json=body, headers={"X-CSRF-Token": outsider.csrf})
        assert hidden.status_code == missing.status_code == 404, path
        assert hidden.text.replace(str(drill_id), "N") == missing.text.replace(str(drill_id + 99), "N"), path
        assert SECRET_TITLE not in hidden.text and TRIGGER not in hidden.text
    after = show_drill(ctx, drill_id)
    assert after.status == before.status == "planned" and after.members == before.members and after.log == before.log
    assert outsider.get("/api/v1/drills").json() == {"total": 0, "drills": []}



def test_a_scenario_naming_a_restricted_incident_is_refused_as_if_it_did_not_exist(ctx, as_user):
    from cairn.services.drills import export_scenario

    key = _incident(ctx, "restricted", SECRET_TITLE)
    text = export_scenario(ctx, create_drill(ctx, key).id)
    outsider = as_user("outsider")
    hidden = outsider.post("/api/v1/drills/scenarios", json={"text": text}, headers={"X-CSRF-Token": outsider.csrf})
    missing = outsider.post("/api/v1/drills/scenarios", json={"text": text.replace(key, "INC-999")}, headers={"X-CSRF-Token": outsider.csrf})
    assert hidden.status_code == missing.status_code == 404
    assert hidden.text.replace(key, "INC-999") == missing.text
    member = as_user("member")
    planned = member.post("/api/v1/drills/scenarios", json={"text": text}, headers={"X-CSRF-Token": member.csrf})
    assert planned.status_code == 201 and planned.json()["incident"] == key
    exported = member.get(f"/api/v1/drills/{planned.json()['id']}/scenario")
    assert exported.status_code == 200 and exported.headers["content-type"].startswith("text/markdown")
