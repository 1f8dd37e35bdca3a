from __future__ import annotations

import pytest

from cairn.services.completeness import check_postmortem
from cairn.services.portable import import_document
from tests.web.personas import signed_in_client
from tests.owners import known_owners

COMPLETE = """\
---
title: Checkout 502
severity: SEV3
status: resolved
moments:
  started: 2026-11-23T13:50:00Z
  detected: 2026-11-23T14:05:00Z
  resolved: 2026-11-23T15:02:00Z
postmortem:
  impact: {users_affected: 1200, duration_minutes: 72}
factors:
- {description: The pool default changed, category: configuration, role: trigger}
action_items:
- {title: Pin the pool size, owner: alice, due: 2099-01-01, priority: P1, kind: prevent, status: open}
timeline:
- {at: 2026-11-23T14:05:00Z, kind: alert, text: latency alert fired}
- {at: 2026-11-23T15:02:00Z, kind: resolution, text: rolled back}
---
## Summary

Card payments failed for 72 minutes.

## Impact

About 4% of checkouts failed.

## Resolution

Rolled back the release.

## What went well

The rollback was quick.

## What went wrong

The canary had no card traffic.
"""


@pytest.fixture(autouse=True)
def _owners(ctx) -> None:
    """The action items' owners in this file's documents are accounts."""
    known_owners(ctx, "alice")


def test_a_complete_postmortem_passes_every_check(ctx):
    key = import_document(ctx, COMPLETE).key
    result = check_postmortem(ctx, key)
    assert result.complete and result.score == 1.0


def test_each_gap_is_named_with_what_to_do(ctx):
    text = (COMPLETE.replace("SEV3", "SEV1").replace("owner: alice, ", "").replace("Card payments failed for 72 minutes.", "")
            .replace("The rollback was quick.", "Alice should have checked the canary."))
    key = import_document(ctx, text).key
    result = check_postmortem(ctx, key)
    failing = {c.id: c.detail for c in result.failing}
    assert set(failing) == {"summary", "factors", "action-items", "language"}
    assert failing["factors"].startswith("for SEV1/SEV2")
    assert failing["action-items"] == "give owner, due date and priority to A1"
    assert failing["language"].endswith("to fix or dismiss in the language review")
    assert 0 < result.score < 1


def test_the_check_command_exits_1_while_items_fail(cli, ctx):
    key = import_document(ctx, COMPLETE).key
    assert cli("postmortem", "check", key).output.strip().endswith("completeness 100% (9/9)")
    gap = import_document(ctx, COMPLETE.replace("title: Checkout 502", "title: Other").replace("## Summary\n\nCard payments failed for 72 minutes.\n", "## Summary\n")).key
    result = cli("postmortem", "check", gap)
    assert result.exit_code == 1 and "✗ Summary written: write the summary" in result.output


def test_the_incident_page_shows_the_checklist(settings, ctx):


    key = import_document(ctx, COMPLETE.replace("## Summary\n\nCard payments failed for 72 minutes.\n", "## Summary\n")).key
    html = signed_in_client(settings, ctx).get(f"/incidents/{key}").text
    assert "Completeness 89%" in html and "✗ Summary written" in html
