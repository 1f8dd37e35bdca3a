"""`cairn postmortem revisions` and the author rule on `cairn postmortem review`."""

from __future__ import annotations

import pytest

from cairn.services.editing import save_section
from cairn.services.incidents import add_participant
from cairn.services.people import create_user
from cairn.services.portable import import_document
from cairn.services.review import decide, publish, request_review
from tests.services.test_completeness import COMPLETE
from tests.owners import known_owners


@pytest.fixture(autouse=True)
def _owner_account(ctx) -> None:  # type: ignore[no-untyped-def]
    known_owners(ctx, "alice")  # owns the action item of the documents these tests import


def test_the_cli_lists_prints_and_diffs_revisions(cli, ctx) -> None:
    create_user(ctx, "rita")
    key = import_document(ctx, COMPLETE).key
    assert "not published yet (draft)" in cli("postmortem", "revisions", key).output
    request_review(ctx, key, ["rita"])
    decide(ctx.acting_as("rita"), key, approve=True)
    publish(ctx.acting_as("rita"), key)
    save_section(ctx, key, "summary", "Card payments failed in two regions.", base=None)
    listing = cli("postmortem", "revisions", key)
    assert listing.exit_code == 0, listing.output
    assert "revision 1: published" in listing.output and "by rita, approved by rita" in listing.output
    assert "a newer draft exists (draft); readers see revision 1" in listing.output
    assert "Card payments failed for 72 minutes." in cli("postmortem", "revisions", key, "--show", "1").output
    diff = cli("postmortem", "revisions", key, "--diff", "1").output
    assert "+Card payments failed in two regions." in diff and "-Card payments failed for 72 minutes." in diff
    missing = cli("postmortem", "revisions", key, "--show", "4")
    assert missing.exit_code == 2 and "has no revision 4" in missing.output and "Traceback" not in missing.output
    assert cli("postmortem", "revisions", key, "--to", "1").exit_code == 2


def test_the_cli_refuses_the_author_as_only_reviewer_without_an_override(cli, ctx) -> None:
    create_user(ctx, "olga")
    key = import_document(ctx, COMPLETE).key
    add_participant(ctx, key, "olga", "owner")
    refused = cli("postmortem", "review", key, "--reviewer", "olga")
    assert refused.exit_code == 2 and "cannot be its only reviewer" in refused.output
    forced = cli("postmortem", "review", key, "--reviewer", "olga", "--override", "a team of one this week")
    assert forced.exit_code == 0 and "postmortem: in review" in forced.output
