"""First drafts through the API and the editor: the same service, its rules, its links."""

from __future__ import annotations

import re

from fastapi.testclient import TestClient

from cairn.services.context import Context
from cairn.services.editing import save_section
from cairn.services.incidents import open_incident, show_incident
from tests.drafts.records import make_outage
from tests.web.test_access import acting


def test_the_api_drafts_lists_suggestions_and_accepts(ctx: Context, client: TestClient) -> None:
    key = make_outage(ctx)
    save_section(ctx, key, "summary", "Our own summary.", base=None)
    headers = {"X-CSRF-Token": client.csrf}  # type: ignore[attr-defined]
    made = client.post(f"/api/v1/incidents/{key}/postmortem/draft", json={"gap_minutes": 30}, headers=headers)
    assert made.status_code == 201, made.text
    body = made.json()
    assert body["source"] == "record" and body["summary"]["suggested"] == 1 and body["summary"]["dropped"] == 0
    [waiting] = client.get(f"/api/v1/incidents/{key}/postmortem/suggestions").json()
    assert waiting["section"] == "summary" and waiting["state"] == "pending"
    accepted = client.post(f"/api/v1/incidents/{key}/postmortem/suggestions/{waiting['id']}/accept", headers=headers)
    assert accepted.status_code == 200 and accepted.json()["state"] == "accepted"
    again = client.post(f"/api/v1/incidents/{key}/postmortem/suggestions/{waiting['id']}/reject", headers=headers)
    assert again.status_code == 409 and "already accepted" in again.json()["detail"]
    cited = {s["section"]: s for s in client.get(f"/api/v1/incidents/{key}/postmortem/citations").json()}
    first = cited["summary"]["sentences"][0]
    assert first["holds"] and first["citations"][0]["kind"] == "incident"
    resolution_cites = [c for s in cited["resolution"]["sentences"] for c in s["citations"] if c["kind"] == "event"]
    assert resolution_cites and resolution_cites[0]["shown_at"].endswith("CET") and resolution_cites[0]["text"]
    [audit] = client.get(f"/api/v1/incidents/{key}/postmortem/drafts").json()
    assert audit["source"] == "record" and audit["request"] is None


def test_the_api_refuses_bad_input_with_4xx(ctx: Context, client: TestClient) -> None:
    key = make_outage(ctx)
    headers = {"X-CSRF-Token": client.csrf}  # type: ignore[attr-defined]
    assert client.post(f"/api/v1/incidents/{key}/postmortem/draft", json={"gap_minutes": 0}, headers=headers).status_code == 422
    refused = client.post(f"/api/v1/incidents/{key}/postmortem/draft", json={"model": True}, headers=headers)
    assert refused.status_code == 422 and "CAIRN_LLM_URL" in refused.json()["detail"]
    assert client.post(f"/api/v1/incidents/{key}/postmortem/suggestions/99999999999/accept", headers=headers).status_code == 422
    assert client.post(f"/api/v1/incidents/{key}/postmortem/suggestions/4242/accept", headers=headers).status_code == 404


def test_a_viewer_may_not_draft_and_an_outsider_does_not_see_a_restricted_one(ctx: Context, as_user) -> None:  # type: ignore[no-untyped-def]
    key = make_outage(ctx)
    reader = as_user("reader")
    assert reader.post(f"/api/v1/incidents/{key}/postmortem/draft", headers={"X-CSRF-Token": reader.csrf}).status_code == 403
    secret = open_incident(acting(ctx, "member"), "Payroll export leaked", severity="SEV1", visibility="restricted").key
    outsider = as_user("outsider")
    hidden = outsider.post(f"/api/v1/incidents/{secret}/postmortem/draft", headers={"X-CSRF-Token": outsider.csrf})
    assert hidden.status_code == 404


def test_the_editor_drafts_shows_verification_and_links_citations(ctx: Context, client: TestClient) -> None:
    key = make_outage(ctx)
    save_section(ctx, key, "summary", "Our own summary.", base=None)
    page = client.get(f"/incidents/{key}/postmortem")
    assert 'id="draft-button"' in page.text and "Draft from the record" in page.text
    drafted = client.post(f"/incidents/{key}/postmortem/draft", data={"csrf_token": client.csrf})  # type: ignore[attr-defined]
    assert drafted.status_code == 200
    assert "5 empty sections filled, 1 suggestion beside written text" in drafted.text
    assert 'id="draft-result"' in drafted.text
    # the suggestion waits beside the summary, which keeps its text
    assert re.search(r'id="suggestion-\d+"', drafted.text)
    assert show_incident(ctx, key).postmortem.prose["summary"] == "Our own summary."
    # citations in the preview link to the event, with the event as the hover text
    event = next(e for e in show_incident(ctx, key).timeline if e.kind == "mitigation")
    link = re.search(rf'<a class="cite" href="/incidents/{key}/events/{event.id}" title="([^"]+)">#{event.id}</a>', drafted.text)
    assert link and "14:52 CET" in link.group(1) and "Rollback to 4.2.0 complete" in link.group(1)
    # the incident page links them too
    incident_page = client.get(f"/incidents/{key}")
    assert f'href="/incidents/{key}/events/{event.id}"' in incident_page.text

    number = re.search(r'id="suggestion-(\d+)"', drafted.text).group(1)  # type: ignore[union-attr]
    editing = client.get(f"/incidents/{key}/postmortem?use={number}")
    assert f'name="suggestion" value="{number}"' in editing.text
    base = re.search(r'action="/incidents/[^"]+/postmortem/sections/summary"[^>]*>\s*<input[^>]+>\s*<input type="hidden" name="base" value="(\w+)"', editing.text)
    assert base
    saved = client.post(
        f"/incidents/{key}/postmortem/sections/summary",
        data={"csrf_token": client.csrf, "text": "Merged summary [moment: started].", "base": base.group(1), "suggestion": number},  # type: ignore[attr-defined]
        follow_redirects=False,
    )
    assert saved.status_code == 303
    assert show_incident(ctx, key).postmortem.prose["summary"] == "Merged summary [moment: started]."
    assert f'id="suggestion-{number}"' not in client.get(f"/incidents/{key}/postmortem").text


def test_the_editor_sets_a_suggestion_aside(ctx: Context, client: TestClient) -> None:
    key = make_outage(ctx)
    save_section(ctx, key, "impact", "Our impact.", base=None)
    drafted = client.post(f"/incidents/{key}/postmortem/draft", data={"csrf_token": client.csrf})  # type: ignore[attr-defined]
    number = re.search(r'id="suggestion-(\d+)"', drafted.text).group(1)  # type: ignore[union-attr]
    aside = client.post(f"/incidents/{key}/postmortem/suggestions/{number}", data={"csrf_token": client.csrf, "decision": "reject"})  # type: ignore[attr-defined]
    assert aside.status_code == 200 and "the drafted text was set aside" in aside.text
    assert show_incident(ctx, key).postmortem.prose["impact"] == "Our impact."


def test_the_editor_offers_the_model_when_one_is_configured_and_shows_what_it_dropped(ctx: Context, settings, people) -> None:  # type: ignore[no-untyped-def]
    from cairn.services.context import Context as Ctx
    from cairn.web.app import create_app
    from tests.drafts.fake_model import fake_model
    from tests.web.personas import sign_in

    key = make_outage(ctx)
    event = next(e for e in show_incident(ctx, key).timeline if e.kind == "mitigation")
    with fake_model() as (url, script):
        configured = settings.model_copy(update={"llm_url": url})
        with TestClient(create_app(configured, context=Ctx(settings=configured, db=ctx.db, actor="tester"))) as browser:
            token = sign_in(browser, "member")
            assert 'name="model"' in browser.get(f"/incidents/{key}/postmortem").text
            script.say_sections({"resolution": f"The rollback finished at 14:52 CET [#{event.id}]. It finished at 14:59 CET [#{event.id}]."})
            page = browser.post(f"/incidents/{key}/postmortem/draft", data={"csrf_token": token, "model": "1"})
            assert page.status_code == 200 and "Drafted by the model" in page.text
            assert "gives the time 14:59 CET, but the cited record says 14:52 CET" in page.text
    assert "14:59" not in show_incident(ctx, key).postmortem.prose["resolution"]
