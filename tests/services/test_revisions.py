"""Approvals are for the text approved; published texts are kept as revisions."""

from __future__ import annotations

import pytest

from cairn.errors import Conflict, InvalidInput, NotFound
from cairn.services.actions import add_action_item, update_action_item
from cairn.services.audit import incident_history
from cairn.services.editing import save_section
from cairn.services.incidents import add_participant, show_incident
from cairn.services.people import create_user
from cairn.services.portable import import_document
from cairn.services.review import decide, publish, request_review, review_state
from cairn.services.revisions import on_review_returned, remove_review_listener, revision_diff, revision_history
from tests.owners import known_owners
from tests.services.test_completeness import COMPLETE


@pytest.fixture
def people(ctx):  # type: ignore[no-untyped-def]
    for name in ("rita", "sam", "olga"):
        create_user(ctx, name)
    known_owners(ctx, "alice")  # owns COMPLETE's action item


def _approved(ctx, key: str, *names: str) -> None:  # type: ignore[no-untyped-def]
    request_review(ctx, key, list(names))
    for name in names:
        decide(ctx.acting_as(name), key, approve=True)


def _published(ctx, key: str) -> None:  # type: ignore[no-untyped-def]
    _approved(ctx, key, "rita")
    publish(ctx.acting_as("rita"), key)


def test_a_change_after_approval_sends_the_postmortem_back_to_review_and_tells_the_reviewers(ctx, people) -> None:
    key = import_document(ctx, COMPLETE).key
    _approved(ctx, key, "rita", "sam")
    heard: list[list[str]] = []

    def listener(session, incident, names):  # type: ignore[no-untyped-def]
        heard.append(names)

    on_review_returned(listener)
    try:
        edited = save_section(ctx.acting_as("olga"), key, "summary", "Card payments failed for 73 minutes.", base=None)
    finally:
        remove_review_listener(listener)
    assert edited.doc.postmortem.status == "in review"
    state = review_state(ctx, key)
    assert state.status == "in review" and [(r.user, r.decision, r.current) for r in state.reviewers] == [("rita", "pending", False), ("sam", "pending", False)]
    assert heard == [["rita", "sam"]]
    returned = [e for e in incident_history(ctx, key) if e.action == "review.returned"]
    assert len(returned) == 1 and returned[0].detail["reviewers"] == ["rita", "sam"] and returned[0].actor == "olga"


def test_an_approval_given_during_review_is_withdrawn_when_the_text_changes(ctx, people) -> None:
    key = import_document(ctx, COMPLETE).key
    request_review(ctx, key, ["rita", "sam"])
    decide(ctx.acting_as("rita"), key, approve=True)
    save_section(ctx, key, "went_well", "Paging worked within a minute.", base=None)
    assert [(r.user, r.decision) for r in review_state(ctx, key).reviewers] == [("rita", "pending"), ("sam", "pending")]
    decide(ctx.acting_as("sam"), key, approve=True)
    assert review_state(ctx, key).status == "in review"  # rita approved an older text: she has to look again
    assert decide(ctx.acting_as("rita"), key, approve=True).status == "approved"


def test_a_new_action_item_counts_as_a_change_but_closing_one_does_not(ctx, people) -> None:
    key = import_document(ctx, COMPLETE).key
    _approved(ctx, key, "rita")
    update_action_item(ctx, key, "A1", status="done")
    assert review_state(ctx, key).status == "approved"
    add_action_item(ctx, key, "Alert on pool saturation", owner="sam", due="2099-02-01", priority="P2")
    assert review_state(ctx, key).status == "in review"


def test_publishing_needs_approvals_of_the_current_text(ctx, people, settings) -> None:
    key = import_document(ctx, COMPLETE).key
    _approved(ctx, key, "rita")
    # A write that bypasses the services (a script on the database) still cannot publish unreviewed text.
    from sqlalchemy import update

    from cairn.storage.models import Postmortem

    with ctx.db.transaction() as session:
        session.execute(update(Postmortem).values(summary="Rewritten behind the reviewers' backs."))
    with pytest.raises(Conflict, match="changed since rita approved it"):
        publish(ctx, key)


def test_editing_a_published_postmortem_starts_a_new_revision_and_readers_keep_the_published_one(ctx, people) -> None:
    key = import_document(ctx, COMPLETE).key
    _published(ctx, key)
    history = revision_history(ctx, key)
    assert [r.number for r in history.revisions] == [1] and not history.draft_differs
    assert history.revisions[0].approved_by == ["rita"] and "Card payments failed for 72 minutes." in history.revisions[0].text
    save_section(ctx, key, "summary", "Card payments failed for 72 minutes in two regions.", base=None)
    history = revision_history(ctx, key)
    assert history.status == "draft" and history.draft_differs and history.published.number == 1
    assert [(r.user, r.decision) for r in review_state(ctx, key).reviewers] == [("rita", "pending")]  # the draft is not approved
    assert "Card payments failed for 72 minutes." in history.published.text  # what readers still see
    assert revision_diff(history, 1, None)[:2] == ["--- revision 1", "+++ current draft"]
    assert "+Card payments failed for 72 minutes in two regions." in revision_diff(history, 1, None)
    _published(ctx, key)
    history = revision_history(ctx, key)
    assert [r.number for r in history.revisions] == [1, 2] and not history.draft_differs
    assert "-Card payments failed for 72 minutes." in revision_diff(history, 1, 2)
    assert revision_diff(history, 2, None) == []
    with pytest.raises(NotFound, match="has no revision 3 \\(published revisions: 1, 2\\)"):
        revision_diff(history, 3, None)


def test_a_postmortem_published_before_revisions_were_kept_keeps_its_text_as_revision_one(ctx, people) -> None:
    key = import_document(ctx, COMPLETE.replace("postmortem:\n", "postmortem:\n  status: published\n", 1)).key
    assert show_incident(ctx, key).postmortem.status == "published"
    assert [r.number for r in revision_history(ctx, key).revisions] == [1]
    save_section(ctx, key, "summary", "A newer summary.", base=None)
    history = revision_history(ctx, key)
    assert [r.number for r in history.revisions] == [1] and history.draft_differs
    assert "Card payments failed for 72 minutes." in history.published.text


def test_the_owner_cannot_be_the_only_reviewer_unless_an_admin_overrides_with_a_reason(ctx, people) -> None:
    key = import_document(ctx, COMPLETE).key
    add_participant(ctx, key, "olga", "owner")
    with pytest.raises(InvalidInput, match="olga wrote the postmortem of .* cannot be its only reviewer"):
        request_review(ctx, key, ["olga"])
    assert review_state(ctx, key).status == "draft"
    assert request_review(ctx, key, ["olga", "rita"]).status == "in review"  # with someone else: fine
    request_review(ctx.acting_as("admin"), key, ["olga"], override="the team is one person this week")
    overrides = [e for e in incident_history(ctx, key) if e.action == "review.author_only_override"]
    assert overrides[0].detail == {"reviewers": ["olga"], "reason": "the team is one person this week"}


def test_without_an_owner_the_author_is_whoever_wrote_most_of_it(ctx, people) -> None:
    key = import_document(ctx, COMPLETE).key
    save_section(ctx.acting_as("sam"), key, "summary", "Sam's summary.", base=None)
    save_section(ctx.acting_as("sam"), key, "went_well", "Sam's notes.", base=None)
    save_section(ctx.acting_as("rita"), key, "surprises", "Rita's one line.", base=None)
    assert review_state(ctx, key).authors == ["sam"]
    with pytest.raises(InvalidInput, match="sam wrote the postmortem"):
        request_review(ctx, key, ["sam"])
    assert request_review(ctx, key, ["rita"]).status == "in review"


def test_the_named_reviewers_are_the_incidents_reviewer_participants(ctx, people) -> None:
    key = import_document(ctx, COMPLETE).key
    request_review(ctx, key, ["rita", "sam"])
    reviewers = lambda: sorted(p.user for p in show_incident(ctx, key).participants if p.role == "reviewer")  # noqa: E731
    assert reviewers() == ["rita", "sam"]
    request_review(ctx, key, ["olga"])
    assert reviewers() == ["olga"]
