"""Action items as postmortems write them: tables in any column order, lists,
checkboxes, status marks and headings, nested notes and tickets."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest

from cairn.domain.enums import ActionKind, ActionStatus
from cairn.importers.history.action_items_text import read_action_items, status_in
from cairn.importers.history.outline import parts_of, read_outline

SAMPLES = Path(__file__).resolve().parents[3].parent / "shared" / "samples" / "postmortems"


def read(text: str, **options):  # type: ignore[no-untyped-def]
    return read_action_items(list(enumerate(text.splitlines(), start=1)), **options)


def test_a_table_in_any_column_order() -> None:
    items = read("""
| Due Date | Who | Action Item | Type (Mitigate/ Prevent/ Process/ Other) | Priority | Bug # | Status |
|---|---|---|---|---|---|---|
| 2025-11-01 | Ana | Add a circuit breaker | Prevent | P1 | [OPS-123](https://jira.example/OPS-123) | done |
| Nov 15 | @bo | Page the database owners sooner | Process | P2 | #88 | in progress |
|  |  |  |  |  |  |  |
""", year=2025)
    assert [(i.title, i.owner, i.due, i.kind, i.priority, i.tickets, i.status) for i in items] == [
        ("Add a circuit breaker", "Ana", date(2025, 11, 1), ActionKind.PREVENT, "P1", ["https://jira.example/OPS-123", "OPS-123"], ActionStatus.DONE),
        ("Page the database owners sooner", "bo", date(2025, 11, 15), ActionKind.PROCESS, "P2", ["#88"], ActionStatus.IN_PROGRESS),
    ]
    assert [item.line for item in items] == [4, 5]


def test_lists_checkboxes_marks_and_status_lines() -> None:
    items = read("""
- [x] Alert on pool saturation
- [ ] Load-test the pool
- ✅ Reverted 1.270.0
- 🚧 Rewrite the retry loop
- DONE: rotate the certificate
- Move timeouts to runtime configuration (done)
- **Circuit breakers**: add them to the client. Owner: @ana, due 2026-02-01
    - https://github.com/example/repo/pull/12
    - tracked in PAY-7

**In progress (next 2 weeks):**

- Split read and write pools

**Action item:** Start incidents earlier.
""", year=2026)
    assert [(i.title, i.status) for i in items] == [
        ("Alert on pool saturation", ActionStatus.DONE), ("Load-test the pool", ActionStatus.OPEN), ("Reverted 1.270.0", ActionStatus.DONE),
        ("Rewrite the retry loop", ActionStatus.IN_PROGRESS), ("rotate the certificate", ActionStatus.DONE),
        ("Move timeouts to runtime configuration", ActionStatus.DONE), ("Circuit breakers", ActionStatus.OPEN),
        ("Split read and write pools", ActionStatus.IN_PROGRESS), ("Start incidents earlier", ActionStatus.IN_PROGRESS),
    ]
    breakers = items[6]
    assert (breakers.owner, breakers.due) == ("ana", date(2026, 2, 1))
    assert breakers.tickets == ["https://github.com/example/repo/pull/12", "PAY-7"]
    assert breakers.notes.startswith("add them to the client.")


@pytest.mark.parametrize(("words", "status"), [
    ("Immediate Actions (Completed)", ActionStatus.DONE), ("In progress (next 2 weeks)", ActionStatus.IN_PROGRESS),
    ("Planned actions (planned or in-progress)", ActionStatus.IN_PROGRESS), ("Won't do", ActionStatus.WONT_DO),
    ("Long-term Improvements", None), ("Short-term improvements", None),
])
def test_a_heading_may_say_the_status_of_its_items(words: str, status: ActionStatus | None) -> None:
    assert status_in(words) == status


def test_an_owner_is_a_name_not_a_word_that_contains_one() -> None:
    (item,) = read("- Quarterly incident response drills to ensure readiness\n")
    assert item.owner is None


@pytest.mark.skipif(not SAMPLES.is_dir(), reason="../shared/samples/postmortems is not here")
def test_the_published_posthog_action_items_are_read() -> None:
    path = SAMPLES / "posthog" / "2025-10-21-feature-flags-recurring-outages.md"
    outline = read_outline(path.read_text(encoding="utf-8"), path.name)
    found = []
    for part in parts_of(outline):
        if part.kind == "actions":
            found += read_action_items(part.lines, heading=part.heading or "")
    statuses = [item.status for item in found]
    assert len(found) >= 20
    assert statuses.count(ActionStatus.DONE) == 7 and ActionStatus.IN_PROGRESS in statuses
    assert all(item.title and len(item.title) <= 200 for item in found)
