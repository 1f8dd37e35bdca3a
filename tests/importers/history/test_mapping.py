"""A foreign postmortem mapped onto a Cairn document, and the report of what went where."""

from __future__ import annotations

from datetime import date, datetime, timezone
from pathlib import Path

import pytest

from cairn.importers.history.mapping import HistoryOptions, document_day, map_history

SAMPLES = Path(__file__).resolve().parents[3].parent / "shared" / "samples" / "postmortems"

WRITTEN = """# Checkout returns 502 - 2025-03-04

Card payments failed for most customers.

## Impact

About 1,200 customers were affected; 40% of checkouts failed. No data was lost.

## Timeline

All times in CET.

- 15:51 OUTAGE BEGINS: deploy of pool settings
- 15:53 first alert fired on 5xx rate
- 16:02 rolled back, MITIGATED
- 16:40 OUTAGE ENDS
- 16:4 typo in the time

## Root cause

- **Pool size lowered**: the release cut the connection pool to 5.
  1. Why did checkout fail? The pool was exhausted.

## Action items

| Action | Owner | Due | Status |
|---|---|---|---|
| Alert on pool saturation | Ana Lima | 2025-03-20 | done |

## War stories

Kept as it is.
"""


def test_a_document_in_another_template_becomes_a_cairn_document() -> None:
    doc, report = map_history(WRITTEN, "old/checkout 502.md", HistoryOptions(severity="SEV2"))
    assert doc.title == "Checkout returns 502 - 2025-03-04" and doc.severity == "SEV2"
    assert doc.postmortem.prose["summary"] == "Card payments failed for most customers."
    assert "1,200 customers" in doc.postmortem.prose["impact"]
    assert (doc.postmortem.impact.users_affected, doc.postmortem.impact.users_share, doc.postmortem.impact.data_loss) == (1200, 0.4, "none")
    assert [(event.at, event.ref) for event in doc.timeline][:2] == [
        (datetime(2025, 3, 4, 14, 51, tzinfo=timezone.utc), "checkout 502.md:13"), (datetime(2025, 3, 4, 14, 53, tzinfo=timezone.utc), "checkout 502.md:14"),
    ]
    assert (doc.moments.started, doc.moments.mitigated, doc.moments.resolved) == (
        datetime(2025, 3, 4, 14, 51, tzinfo=timezone.utc), datetime(2025, 3, 4, 15, 2, tzinfo=timezone.utc), datetime(2025, 3, 4, 15, 40, tzinfo=timezone.utc),
    )
    (factor,) = doc.factors
    assert factor.description.startswith("Pool size lowered") and factor.whys[0].answer == "The pool was exhausted."
    (item,) = doc.action_items
    assert (item.title, item.status, item.owner, str(item.due), item.note) == ("Alert on pool saturation", "done", None, "2025-03-20", "owner: Ana Lima")
    assert [section.title for section in doc.postmortem.sections] == ["Root cause", "War stories"]
    assert report.unread == [(17, "looks like a timeline entry, but its time cannot be read")] and not report.complete
    assert report.zones == ["CET"] and report.moments["started"] == "marker on line 13"
    text = "\n".join(report.lines())
    assert "line 9: Timeline -> timeline: 4 events" in text and "old/checkout 502.md:17: not read" in text and "War stories -> free section" in text


def test_no_severity_stated_or_given_is_a_problem_named_in_the_report() -> None:
    _doc, report = map_history("# Down\n\nIt broke.\n", "2025-01-02-down.md")
    assert report.problems == ["no severity stated: give a default severity"]
    doc, report = map_history("# Down\n\nSeverity: SEV1. It broke.\n", "2025-01-02-down.md")
    assert doc.severity == "SEV1" and report.problems == [] and report.complete


def test_a_document_without_a_date_needs_one_given_and_then_starts_that_day() -> None:
    _doc, report = map_history("# Down\n\nSeverity: SEV1. It broke.\n", "down.md")
    assert report.problems == ["no date stated: give the day it happened"]
    doc, report = map_history("# Down\n\nSeverity: SEV1. It broke.\n", "down.md",
                              HistoryOptions(day=date(2025, 1, 2), zone="Europe/Berlin"))
    assert report.problems == [] and doc.moments.started.isoformat() == "2025-01-01T23:00:00+00:00"
    assert report.moments["started"] == "the document's date, 2025-01-02 (no time stated)"


def test_the_day_comes_from_front_matter_title_or_file_name() -> None:
    assert str(document_day({}, "Outage - September 29, 2025", "x.md", "")) == "2025-09-29"
    assert str(document_day({}, "Outage", "2026-01-17-replay.md", "")) == "2026-01-17"
    assert document_day({}, "Outage", "replay.md", "Nothing dated here.") is None


@pytest.mark.skipif(not SAMPLES.is_dir(), reason="../shared/samples/postmortems is not here")
def test_every_sample_maps_and_a_published_one_fully() -> None:
    for path in sorted(SAMPLES.rglob("*.md")):
        doc, report = map_history(path.read_text(encoding="utf-8"), path.name, HistoryOptions(severity="SEV3"))
        assert doc.title and report.placed
    path = SAMPLES / "posthog" / "2025-09-29-flags-is-down.md"
    doc, report = map_history(path.read_text(encoding="utf-8"), path.name, HistoryOptions(severity="SEV3"))
    assert (len(doc.timeline), len(doc.action_items)) == (8, 9) and len(doc.factors) >= 3
    assert doc.moments.started == datetime(2025, 9, 29, 16, 58, tzinfo=timezone.utc)
    assert {"summary", "impact"} <= set(doc.postmortem.prose) and report.unread == []


def test_authors_from_front_matter_are_kept_as_names_in_a_section() -> None:
    text = "---\ntitle: Queue backlog\ndate: 2024-06-01\nauthors: [Ana Lima, Bo Chen]\n---\n\nSeverity: SEV3\n\n## Summary\n\nThe queue backed up.\n"
    doc, report = map_history(text, "q.md")
    assert [(s.title, s.body) for s in doc.postmortem.sections if s.title == "Authors"] == [("Authors", "- Ana Lima\n- Bo Chen")]
    assert "  authors (front matter) -> free section 'Authors'" in report.lines()
