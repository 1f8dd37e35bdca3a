"""The review and publishing state machine, including every refusal."""

from __future__ import annotations

import pytest

from cairn.errors import Conflict, Forbidden, InvalidInput, NotFound
from cairn.services.incidents import show_incident
from cairn.services.people import create_user
from cairn.services.portable import import_document
from cairn.services.review import comment, decide, publish, request_review, review_state
from tests.services.test_completeness import COMPLETE
from tests.web.personas import signed_in_client
from tests.owners import known_owners


@pytest.fixture(autouse=True)
def _owners(ctx) -> None:
    """The action items' owners in this file's documents are accounts."""
    known_owners(ctx, "alice")


@pytest.fixture
def people(ctx):  # type: ignore[no-untyped-def]
    for name in ("rita", "sam"):
        create_user(ctx, name)


def test_a_postmortem_goes_from_draft_through_review_to_published(ctx, people) -> None:
    key = import_document(ctx, COMPLETE).key
    state = request_review(ctx, key, ["rita", "sam"])
    assert state.status == "in review" and [(r.user, r.decision) for r in state.reviewers] == [("rita", "pending"), ("sam", "pending")]
    assert decide(ctx.acting_as("rita"), key, approve=True).status == "in review"  # sam has not decided yet
    state = decide(ctx.acting_as("sam"), key, approve=True, note="clear and blameless")
    assert state.status == "approved"
    published = publish(ctx.acting_as("rita"), key)
    assert published.status == "published" and published.published_by == "rita" and published.publish_override is None
    assert show_incident(ctx, key).postmortem.status == "published"


def test_a_request_for_changes_sends_it_back_to_draft_and_needs_a_note(ctx, people) -> None:
    key = import_document(ctx, COMPLETE).key
    request_review(ctx, key, ["rita"])
    with pytest.raises(InvalidInput, match="a note is required"):
        decide(ctx.acting_as("rita"), key, approve=False)
    state = decide(ctx.acting_as("rita"), key, approve=False, note="the timeline misses the rollback decision")
    assert state.status == "draft" and state.reviewers[0].decision == "changes requested"
    assert state.reviewers[0].note == "the timeline misses the rollback decision"


def test_review_steps_out_of_order_are_refused(ctx, people) -> None:
    key = import_document(ctx, COMPLETE).key
    with pytest.raises(Conflict, match="not in review"):
        decide(ctx.acting_as("rita"), key, approve=True)
    with pytest.raises(Conflict, match="published once its reviewers approved it"):
        publish(ctx, key)
    with pytest.raises(InvalidInput, match="at least one reviewer"):
        request_review(ctx, key, [" "])
    with pytest.raises(NotFound, match="no user 'nobody'"):
        request_review(ctx, key, ["nobody"])
    request_review(ctx, key, ["rita"])
    with pytest.raises(Forbidden, match="sam is not a reviewer"):
        decide(ctx.acting_as("sam"), key, approve=True)
    renamed = request_review(ctx, key, ["sam"])  # reviewers named anew while in review
    assert [(r.user, r.decision) for r in renamed.reviewers] == [("sam", "pending")]
    publish_ready = decide(ctx.acting_as("sam"), key, approve=True)
    assert publish_ready.status == "approved"
    with pytest.raises(Conflict, match="cannot go from approved to in review"):
        request_review(ctx, key, ["rita"])


def test_publishing_is_refused_while_checklist_items_fail_unless_an_admin_overrides_with_a_reason(ctx, people, settings) -> None:
    gap = COMPLETE.replace("## Summary\n\nCard payments failed for 72 minutes.\n", "## Summary\n")
    key = import_document(ctx, gap).key
    request_review(ctx, key, ["rita"])
    decide(ctx.acting_as("rita"), key, approve=True)
    with pytest.raises(Conflict, match="is not complete: Summary written"):
        publish(ctx, key)
    assert show_incident(ctx, key).postmortem.status == "approved"
    client = signed_in_client(settings, ctx, "member")
    refused = client.post(f"/api/v1/incidents/{key}/postmortem/publish", json={"override": "customer deadline"})
    assert refused.status_code == 403  # only admins override
    admin = signed_in_client(settings, ctx, "admin")
    done = admin.post(f"/api/v1/incidents/{key}/postmortem/publish", json={"override": "summary follows after legal review"})
    assert done.status_code == 200 and done.json()["publish_override"] == "summary follows after legal review"
    history = admin.get(f"/api/v1/incidents/{key}/history").json()["items"]
    assert history[-1]["action"] == "postmortem.published" and history[-1]["actor"] == "admin"
    assert history[-1]["detail"]["override"] == "summary follows after legal review"


def test_comments_attach_to_sections_and_unknown_sections_are_refused(ctx, people) -> None:
    key = import_document(ctx, COMPLETE).key
    state = comment(ctx.acting_as("rita"), key, "summary", "Say how many users, not just the share.")
    assert [(c.section, c.author, c.body) for c in state.comments] == [("summary", "rita", "Say how many users, not just the share.")]
    with pytest.raises(InvalidInput, match="no section 'epilogue'"):
        comment(ctx, key, "epilogue", "x")
    assert len(review_state(ctx, key).comments) == 1


def test_the_review_commands(cli, ctx, people) -> None:
    key = import_document(ctx, COMPLETE).key
    assert cli("user", "create", "tester").exit_code == 0  # the CLI acts as $CAIRN_USER, here "tester"
    assert cli("postmortem", "review", key, "--reviewer", "tester").exit_code == 0
    result = cli("postmortem", "approve", key)
    assert result.exit_code == 0 and "postmortem: approved" in result.output
    published = cli("postmortem", "publish", key)
    assert published.exit_code == 0 and f"{key} postmortem: published" in published.output
    again = cli("postmortem", "publish", key)
    assert again.exit_code == 2 and "is published" in again.output
