"""The page forms, without a browser: each change lands, each mistake is shown
on the page with a 4xx status and changes nothing."""

from __future__ import annotations

import json
from datetime import date, timedelta

from fastapi.testclient import TestClient

from cairn.services.context import Context
from cairn.services.incidents import show_incident


def form(client: TestClient, **fields: str) -> dict[str, str]:
    return {"csrf_token": client.csrf, **fields}  # type: ignore[attr-defined]


def test_an_incident_is_opened_from_the_form_and_its_opener_is_a_participant(as_user, ctx: Context) -> None:
    member = as_user("member")
    answer = member.post("/new", data=form(member, title="Search is slow", severity="SEV3", services="search, api", restricted="true"), follow_redirects=False)
    assert answer.status_code == 303 and answer.headers["location"] == "/incidents/INC-1"
    doc = show_incident(ctx, "INC-1")
    assert (doc.title, doc.severity, doc.services, doc.visibility) == ("Search is slow", "SEV3", ["search", "api"], "restricted")
    assert [(p.user, p.role) for p in doc.participants] == [("member", "responder")]


def test_a_bad_new_incident_is_shown_again_with_the_error_and_the_typed_values(client: TestClient, ctx: Context) -> None:
    answer = client.post("/new", data=form(client, title="Queue stuck", severity="SEV9"))
    assert answer.status_code == 422
    assert "unknown severity" in answer.text and 'value="Queue stuck"' in answer.text
    assert client.get("/api/v1/incidents").json()["total"] == 0


def test_one_line_adds_an_event_with_its_time_and_kind(client: TestClient, outage: str, ctx: Context) -> None:
    done = client.post(f"/incidents/{outage}/events", data=form(client, line="2026-03-03T14:30:00+01:00 #decision fail over to the replica"), follow_redirects=False)
    assert done.status_code == 303
    event = next(e for e in show_incident(ctx, outage).timeline if e.text == "fail over to the replica")
    assert (event.kind, event.at.isoformat(), event.actor) == ("decision", "2026-03-03T13:30:00+00:00", "admin")


def test_a_bad_line_is_shown_on_the_page_and_kept_in_the_field(client: TestClient, outage: str, ctx: Context) -> None:
    before = len(show_incident(ctx, outage).timeline)
    answer = client.post(f"/incidents/{outage}/events", data=form(client, line="#oops restarted"))
    assert answer.status_code == 422
    assert "Event not added: unknown event kind &#39;oops&#39;" in answer.text
    assert 'value="#oops restarted"' in answer.text
    assert len(show_incident(ctx, outage).timeline) == before


def test_an_event_is_marked_as_a_key_moment_and_the_status_buttons_work(client: TestClient, ctx: Context) -> None:
    client.post("/new", data=form(client, title="Disk full", severity="SEV2", started="2026-11-01T10:00:00+00:00"))
    client.post("/incidents/INC-1/events", data=form(client, line="2026-11-01T10:07:00+00:00 #alert disk 95%"))
    event = show_incident(ctx, "INC-1").timeline[0]
    client.post("/incidents/INC-1/mark", data=form(client, moment="detected", event_id=str(event.id)))
    assert show_incident(ctx, "INC-1").moments.detected == event.at
    other = client.post("/incidents/INC-1/mark", data=form(client, moment="detected", event_id="999999"))
    assert other.status_code == 404 and "no timeline event 999999 in INC-1" in other.text
    client.post("/incidents/INC-1/status", data=form(client, status="open"))
    doc = show_incident(ctx, "INC-1")
    page = client.get("/incidents/INC-1").text
    assert doc.status == "open" and "Mark mitigated" in page and "Resolve" in page
    refused = client.post("/incidents/INC-1/status", data=form(client, status="closed"))
    assert refused.status_code == 409 and "cannot go from open to closed" in refused.text


def test_a_participant_is_added_from_the_page(client: TestClient, outage: str, ctx: Context) -> None:
    client.post(f"/incidents/{outage}/participants", data=form(client, username="member", role="reviewer"))
    assert ("member", "reviewer") in [(p.user, p.role) for p in show_incident(ctx, outage).participants]
    again = client.post(f"/incidents/{outage}/participants", data=form(client, username="member", role="reviewer"))
    assert again.status_code == 409 and "already reviewer" in again.text


def test_a_file_uploaded_on_the_incident_page_lands_on_the_timeline_once(client: TestClient, outage: str, ctx: Context, shared_samples) -> None:
    sample = shared_samples / "pagerduty" / "api_example_incident_log_entries.json"
    before = len(show_incident(ctx, outage).timeline)
    for attempt in range(2):
        with sample.open("rb") as file:
            answer = client.post(
                f"/incidents/{outage}/timeline/import", data={"csrf_token": client.csrf, "source": ""},
                files={"file": (sample.name, file, "application/json")},
            )
        assert answer.status_code == 200 and answer.history[0].status_code == 303  # a reload repeats nothing
        assert f"Imported {sample.name} as pagerduty" in answer.text
    added = len(show_incident(ctx, outage).timeline) - before
    assert added == len(json.loads(sample.read_text())["log_entries"])
    assert "0 added" in answer.text  # the second upload changed nothing


def test_an_upload_that_is_not_the_claimed_format_writes_nothing(client: TestClient, outage: str, ctx: Context) -> None:
    before = len(show_incident(ctx, outage).timeline)
    answer = client.post(
        f"/incidents/{outage}/timeline/import", data={"csrf_token": client.csrf, "source": "slack"},
        files={"file": ("notes.json", b'{"not": "slack"}', "application/json")},
    )
    assert answer.status_code == 422 and "Nothing imported" in answer.text
    assert len(show_incident(ctx, outage).timeline) == before


def test_the_editor_saves_sections_impact_factors_and_action_items(client: TestClient, outage: str, ctx: Context) -> None:
    page = client.get(f"/incidents/{outage}/postmortem")
    assert page.status_code == 200 and "Contributing factors" in page.text
    client.post(f"/incidents/{outage}/postmortem/sections/surprises", data=form(client, text="The replica lagged *12 minutes*."))
    client.post(f"/incidents/{outage}/postmortem/impact", data=form(client, users_affected="1,200", users_share="4.5%", duration_minutes="78"))
    client.post(f"/incidents/{outage}/postmortem/factors", data={
        "csrf_token": client.csrf, "description": "Replica lag is not alerted on", "category": "monitoring gap",
        "role": "made worse", "why": ["Why was the lag not noticed?", "Why is there no alert?", ""],
        "because": ["No alert on lag", "", ""],
    })
    due = (date.today() + timedelta(days=20)).isoformat()
    added = client.post(f"/incidents/{outage}/postmortem/action-items", data=form(client, title="Alert on replica lag", owner="member", due=due, impact="3", effort="1", kind="detect"))
    assert added.status_code == 200, added.text[added.text.find("flash"):][:300]
    doc = show_incident(ctx, outage)
    assert doc.postmortem.prose["surprises"] == "The replica lagged *12 minutes*."
    impact = doc.postmortem.impact
    assert (impact.users_affected, impact.users_share, impact.duration_minutes) == (1200, 4.5, 78)
    factor = doc.factors[-1]
    assert (factor.category, factor.role, [w.question for w in factor.whys]) == ("monitoring gap", "made worse", ["Why was the lag not noticed?", "Why is there no alert?"])
    item = doc.action_items[-1]
    label = item.label
    assert (item.title, item.owner, item.kind, item.priority) == ("Alert on replica lag", "member", "detect", "P1")
    client.post(f"/incidents/{outage}/postmortem/action-items/{label}", data=form(client, status="in progress", owner="member", due=due, priority="P1"))
    assert show_incident(ctx, outage).action_items[-1].status == "in progress"
    refused = client.post(f"/incidents/{outage}/postmortem/action-items/{label}", data=form(client, status="won't do", owner="member", due=due, priority="P1"))
    assert refused.status_code == 422 and "won&#39;t do needs a reason" in refused.text
    client.post(f"/incidents/{outage}/postmortem/factors/{factor.label}/delete", data=form(client))
    assert factor.label not in [f.label for f in show_incident(ctx, outage).factors]


def test_editor_mistakes_are_shown_and_change_nothing(client: TestClient, outage: str, ctx: Context) -> None:
    before = show_incident(ctx, outage)
    bad_share = client.post(f"/incidents/{outage}/postmortem/impact", data=form(client, users_share="140"))
    assert bad_share.status_code == 422 and "between 0 and 100" in bad_share.text
    answer_only = client.post(f"/incidents/{outage}/postmortem/factors", data={
        "csrf_token": client.csrf, "description": "x", "category": "process", "role": "trigger",
        "why": ["", ""], "because": ["an answer without its question", ""],
    })
    assert answer_only.status_code == 422 and "the question is missing" in answer_only.text
    heading = client.post(f"/incidents/{outage}/postmortem/sections/summary", data=form(client, text="## Sneaky new section"))
    assert heading.status_code == 422
    after = show_incident(ctx, outage)
    assert after.postmortem == before.postmortem and after.factors == before.factors


def test_preview_without_javascript_renders_the_draft_without_saving_it(client: TestClient, outage: str, ctx: Context) -> None:
    before = show_incident(ctx, outage).postmortem.prose["summary"]
    answer = client.post(f"/incidents/{outage}/postmortem/sections/summary", data=form(client, text="Draft with **bold**", preview="1"))
    assert answer.status_code == 200 and "<strong>bold</strong>" in answer.text and "Draft with **bold**" in answer.text
    assert show_incident(ctx, outage).postmortem.prose["summary"] == before


def test_a_participant_must_be_an_existing_account_on_the_web(client: TestClient, outage: str) -> None:
    answer = client.post(f"/incidents/{outage}/participants", data=form(client, username="nobody-by-that-name", role="reviewer"))
    assert answer.status_code == 404 and "no user" in answer.text


def test_a_viewer_is_not_offered_the_editor(as_user, outage: str) -> None:
    reader = as_user("reader")
    assert reader.get(f"/incidents/{outage}/postmortem").status_code == 403
    assert "Edit postmortem" not in reader.get(f"/incidents/{outage}").text


def test_the_action_items_page_shows_mine_and_my_teams(as_user, ctx: Context) -> None:
    from cairn.services.actions import add_action_item
    from cairn.services.incidents import open_incident
    from cairn.services.people import create_user

    create_user(ctx, "stranger", teams=["search"])
    key = open_incident(ctx, "Queue backlog", severity="SEV3").key
    due = (date.today() + timedelta(days=5)).isoformat()
    add_action_item(ctx, key, "Mine to do", owner="member", due=due, priority="P2")
    add_action_item(ctx, key, "A teammate's", owner="outsider", due=due, priority="P2")
    add_action_item(ctx, key, "Another team's", owner="stranger", due=due, priority="P2")
    member = as_user("member")
    mine = member.get("/actions", params={"view": "mine"}).text
    team = member.get("/actions", params={"view": "team"}).text
    assert "Mine to do" in mine and "A teammate" not in mine
    assert "Mine to do" in team and "A teammate&#39;s" in team and "Another team" not in team
    api = member.get("/api/v1/action-items", params={"my_teams": "true"}).json()
    assert sorted(i["title"] for i in api["items"]) == ["A teammate's", "Mine to do"]


def test_the_quick_line_records_the_named_actor(client: TestClient, outage: str, ctx: Context) -> None:
    client.post(f"/incidents/{outage}/events", data=form(client, line="@member #action restarted db-2"))
    event = [e for e in show_incident(ctx, outage).timeline if e.text == "restarted db-2"][0]
    assert (event.actor, event.kind) == ("member", "action")


def test_marking_from_a_row_redirects_to_the_row_with_a_confirmation_and_the_row_shows_its_moment(client: TestClient, ctx: Context) -> None:
    client.post("/new", data=form(client, title="Disk full", severity="SEV2", started="2026-11-01T10:00:00+00:00"))
    client.post("/incidents/INC-1/events", data=form(client, line="2026-11-01T10:07:00+00:00 #alert disk 95%"))
    event = show_incident(ctx, "INC-1").timeline[0]
    answer = client.post("/incidents/INC-1/mark", data=form(client, mark=f"{event.id}:detected"), follow_redirects=False)
    assert answer.status_code == 303
    assert answer.headers["location"] == f"/incidents/INC-1?marked=detected&event={event.id}#event-{event.id}"
    assert show_incident(ctx, "INC-1").moments.detected == event.at
    page = client.get(answer.headers["location"]).text
    assert f"now has the time of event #{event.id}" in page
    assert '<span class="chip chip-moment" title="key moment: detected">detected</span>' in page
    assert "aria-label=\"mark 10:07 &#39;disk 95%&#39; as detected\"" in page


def test_a_malformed_mark_is_a_one_line_error(client: TestClient, outage: str) -> None:
    answer = client.post(f"/incidents/{outage}/mark", data=form(client, mark="x:detected"))
    assert answer.status_code == 422 and "does not name a timeline event" in answer.text
    unknown = client.post(f"/incidents/{outage}/mark", data=form(client, mark="1:noticed"))
    assert unknown.status_code == 422 and "unknown key moment" in unknown.text
