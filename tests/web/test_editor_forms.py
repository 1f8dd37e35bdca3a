"""The editor's forms: action items edited, linked to factors and ticketed from
the browser; refused forms keep what was typed and say why beside the form;
5-Whys answers may take several lines."""

from __future__ import annotations

import re

from fastapi.testclient import TestClient

from cairn.services.context import Context
from cairn.services.incidents import show_incident
from tests.followup.test_trackers import tracked, trackers  # noqa: F401  (fixtures)
from tests.web.personas import signed_in_client


def form(client: TestClient, **fields: object) -> dict[str, object]:
    return {"csrf_token": client.csrf, **fields}  # type: ignore[attr-defined]


def item(ctx: Context, key: str, label: str):  # type: ignore[no-untyped-def]
    return next(a for a in show_incident(ctx, key).action_items if a.label == label)


def test_an_action_item_is_retitled_rekinded_reassigned_and_relinked_from_the_editor(client: TestClient, outage: str, ctx: Context) -> None:
    answer = client.post(
        f"/incidents/{outage}/postmortem/action-items/A2",
        data=form(client, title="Load-test every config change", kind="detect", owner="member", due="2099-01-01",
                  factors=["F1", "F2"], factors_shown="1"),
        follow_redirects=False,
    )
    assert answer.status_code == 303 and answer.headers["location"].endswith("/postmortem#action-A2")
    a2 = item(ctx, outage, "A2")
    assert (a2.title, a2.kind, a2.owner, a2.due.isoformat(), a2.factors) == ("Load-test every config change", "detect", "member", "2099-01-01", ["F1", "F2"])
    client.post(f"/incidents/{outage}/postmortem/action-items/A2", data=form(client, factors_shown="1"))
    assert item(ctx, outage, "A2").factors == []  # every box unticked unlinks them all


def test_the_editor_shows_each_action_items_linked_factors_as_ticked_boxes(client: TestClient, outage: str) -> None:
    page = client.get(f"/incidents/{outage}/postmortem").text
    assert re.search(r'aria-label="A2 addresses F1"[^>]*checked|checked[^>]*aria-label="A2 addresses F1"', page)
    assert not re.search(r'checked[^>]*aria-label="A2 addresses F2"', page)


def test_a_refused_action_item_keeps_what_was_typed_and_shows_the_error_beside_the_form(client: TestClient, outage: str) -> None:
    answer = client.post(
        f"/incidents/{outage}/postmortem/action-items",
        data=form(client, title="Page the database team earlier", owner="nobody-here", due="2099-01-01", priority="P2",
                  kind="detect", factors=["F2"]),
    )
    assert answer.status_code in (404, 422)
    section = answer.text[answer.text.index('id="action-items"'):]
    assert section.index('id="editor-error"') < section.index('id="action-add"')  # next to the form, not at the top
    assert "Action item not added" in section and "nobody-here" in section
    assert 'value="Page the database team earlier"' in section
    assert re.search(r'<option selected>detect</option>', section)
    assert re.search(r'value="F2" checked', section)


def test_a_five_whys_answer_may_take_several_lines(client: TestClient, outage: str, ctx: Context) -> None:
    answer = "The pool was lowered to 5.\nNobody load-tested the change."
    client.post(
        f"/incidents/{outage}/postmortem/factors",
        data=form(client, description="Config changes skip load tests", category="process", role="latent condition",
                  why=["Why was the pool too small?"], because=[answer]),
    )
    factor = show_incident(ctx, outage).factors[-1]
    assert factor.whys[0].answer == answer
    page = client.get(f"/incidents/{outage}/postmortem").text
    assert f'aria-label="Because 1">{answer}</textarea>' in page


def test_a_refused_factor_keeps_its_typed_whys(client: TestClient, outage: str) -> None:
    answer = client.post(
        f"/incidents/{outage}/postmortem/factors",
        data=form(client, description="Retries amplify load", category="no such category", role="made worse",
                  why=["Why did load double?", ""], because=["Clients retry at once.\nWithout jitter.", "orphan answer"]),
    )
    assert answer.status_code == 422
    section = answer.text[answer.text.index('id="factors"'):]
    assert "Factor not added" in section[: section.index('id="factor-add"')]
    assert ">Retries amplify load</textarea>" in section
    assert 'value="Why did load double?"' in section and "Clients retry at once.\nWithout jitter.</textarea>" in section


def test_a_ticket_is_opened_from_the_editor_and_its_link_kept(tracked, trackers, settings) -> None:  # noqa: F811
    tuned, key = tracked
    client = signed_in_client(tuned.settings, tuned)
    page = client.get(f"/incidents/{key}/postmortem").text
    assert 'aria-label="Open a GitHub ticket for A1"' in page and 'aria-label="Open a Jira ticket for A1"' in page
    answer = client.post(f"/incidents/{key}/postmortem/action-items/A1/ticket", data=form(client, tracker="github"), follow_redirects=False)
    assert answer.status_code == 303 and answer.headers["location"].endswith("#action-A1")
    assert item(tuned, key, "A1").url == "https://github.example/acme/app/issues/1"
    page = client.get(f"/incidents/{key}/postmortem").text
    assert 'aria-label="Open a GitHub ticket for A1"' not in page and 'href="https://github.example/acme/app/issues/1"' in page


def test_without_a_configured_tracker_no_ticket_button_shows_and_a_forged_request_is_refused(client: TestClient, outage: str) -> None:
    assert "ticket for A2" not in client.get(f"/incidents/{outage}/postmortem").text
    answer = client.post(f"/incidents/{outage}/postmortem/action-items/A2/ticket", data=form(client, tracker="github"))
    assert answer.status_code == 422 and "No ticket opened for A2: GitHub is not configured" in answer.text


def test_errors_on_pages_name_fields_not_command_line_options(client: TestClient, outage: str) -> None:
    answer = client.post(
        f"/incidents/{outage}/postmortem/action-items",
        data=form(client, title="Add jitter to retries", owner="member", due="2099-01-01"),
    )
    assert answer.status_code == 422
    assert "give an impact and an effort (the priority follows from them) or a priority" in answer.text
    assert "--impact" not in answer.text
    refused = client.post(f"/incidents/{outage}/postmortem/action-items/A2", data=form(client, status="won't do"))
    assert "won&#39;t do needs a reason: add a note" in refused.text and "--note" not in refused.text
