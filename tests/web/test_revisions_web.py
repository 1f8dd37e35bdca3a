"""Revisions and review rules on the API and the pages."""

from __future__ import annotations

import pytest

from cairn.services.editing import save_section
from cairn.services.incidents import add_participant
from cairn.services.portable import import_document
from cairn.services.review import decide, publish, request_review
from tests.services.test_completeness import COMPLETE
from tests.web.personas import csrf
from tests.owners import known_owners


@pytest.fixture(autouse=True)
def _owner_account(ctx) -> None:  # type: ignore[no-untyped-def]
    known_owners(ctx, "alice")  # owns the action item of the documents these tests import


def _published_then_edited(ctx) -> str:  # type: ignore[no-untyped-def]
    key = import_document(ctx, COMPLETE).key
    request_review(ctx, key, ["member"])
    decide(ctx.acting_as("member"), key, approve=True)
    publish(ctx.acting_as("member"), key)
    save_section(ctx, key, "summary", "Card payments failed for 72 minutes in **two regions**.", base=None)
    return key


def test_the_api_lists_revisions_shows_one_and_diffs_it_against_the_draft(ctx, as_user) -> None:
    key = _published_then_edited(ctx)
    client = as_user("member")
    listing = client.get(f"/api/v1/incidents/{key}/postmortem/revisions").json()
    assert listing["published_revision"] == 1 and listing["newer_draft"] is True and listing["status"] == "draft"
    assert [r["number"] for r in listing["revisions"]] == [1] and listing["revisions"][0]["approved_by"] == ["member"]
    one = client.get(f"/api/v1/incidents/{key}/postmortem/revisions/1").json()
    assert "Card payments failed for 72 minutes.\n" in one["text"] and one["published_by"] == "member"
    diff = client.get(f"/api/v1/incidents/{key}/postmortem/revisions/1/diff").json()
    assert diff["new"] == "current draft" and "+Card payments failed for 72 minutes in **two regions**." in diff["diff"]
    missing = client.get(f"/api/v1/incidents/{key}/postmortem/revisions/2")
    assert missing.status_code == 404 and "has no revision 2" in missing.json()["detail"]
    assert client.get(f"/api/v1/incidents/{key}/postmortem/revisions/1/diff?to=0").status_code == 422


def test_readers_see_the_published_revision_with_a_notice_that_a_newer_draft_exists(ctx, as_user) -> None:
    key = _published_then_edited(ctx)
    reader = as_user("reader")
    page = reader.get(f"/incidents/{key}/postmortem/revisions/1")
    assert page.status_code == 200 and "A newer draft of this postmortem exists" in page.text
    assert "Card payments failed for 72 minutes." in page.text and "two regions" not in page.text
    incident = reader.get(f"/incidents/{key}")
    assert 'id="newer-draft"' in incident.text and f"/incidents/{key}/postmortem/revisions/1" in incident.text
    listed = reader.get("/postmortems").text
    assert key in listed and "a newer draft is in the works" in listed and "two regions" not in listed


def test_the_history_page_shows_the_diff_between_revisions(ctx, as_user) -> None:
    key = _published_then_edited(ctx)
    reader = as_user("reader")
    page = reader.get(f"/incidents/{key}/postmortem/revisions")
    assert page.status_code == 200 and "<strong>(what readers see)</strong>" in page.text
    assert "<ins>+Card payments failed for 72 minutes in **two regions**.</ins>" in page.text
    assert "<del>-Card payments failed for 72 minutes.</del>" in page.text
    refused = reader.get(f"/incidents/{key}/postmortem/revisions?from=5")
    assert refused.status_code == 404 and "has no revision 5" in refused.text


def test_an_api_change_after_approval_returns_the_postmortem_to_review(ctx, as_user) -> None:
    key = import_document(ctx, COMPLETE).key
    request_review(ctx, key, ["member"])
    member = as_user("member")
    approved = member.post(f"/api/v1/incidents/{key}/postmortem/approve", json={}, headers=csrf(member)).json()
    assert approved["status"] == "approved" and approved["reviewers"][0]["approved_current"] is True
    saved = member.put(f"/api/v1/incidents/{key}/postmortem/sections/went_well", json={"text": "Paging worked."}, headers=csrf(member))
    assert saved.status_code == 200
    state = member.get(f"/api/v1/incidents/{key}/postmortem/review").json()
    assert state["status"] == "in review" and state["reviewers"][0]["decision"] == "pending"
    refused = member.post(f"/api/v1/incidents/{key}/postmortem/publish", json={}, headers=csrf(member))
    assert refused.status_code == 409


def test_only_an_admin_may_let_the_author_review_alone_and_the_override_is_audited(ctx, as_user) -> None:
    key = import_document(ctx, COMPLETE).key
    add_participant(ctx, key, "member", "owner")
    member, admin = as_user("member"), as_user("admin")
    alone = member.post(f"/api/v1/incidents/{key}/postmortem/review", json={"reviewers": ["member"]}, headers=csrf(member))
    assert alone.status_code == 422 and "cannot be its only reviewer" in alone.json()["detail"]
    forced = member.post(f"/api/v1/incidents/{key}/postmortem/review", json={"reviewers": ["member"], "override": "alone"}, headers=csrf(member))
    assert forced.status_code == 403
    done = admin.post(f"/api/v1/incidents/{key}/postmortem/review", json={"reviewers": ["member"], "override": "on leave"}, headers=csrf(admin))
    assert done.status_code == 200 and done.json()["authors"] == ["member"]
    history = admin.get(f"/api/v1/incidents/{key}/history").json()["items"]
    assert history[-1]["action"] == "review.author_only_override" and history[-1]["actor"] == "admin"


def test_the_editor_form_refuses_the_author_alone_with_the_reason_on_the_page(ctx, as_user) -> None:
    key = import_document(ctx, COMPLETE).key
    add_participant(ctx, key, "member", "owner")
    member = as_user("member")
    page = member.get(f"/incidents/{key}/postmortem")
    assert "Written by member, who cannot be the only reviewer" in page.text
    answer = member.post(f"/incidents/{key}/postmortem/review", data={"csrf_token": member.csrf, "reviewers": "member"}, follow_redirects=False)
    assert answer.status_code == 422 and "cannot be its only reviewer" in answer.text
