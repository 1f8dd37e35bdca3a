"""Timelines as people write them in postmortems: times in lists, tables and
sentences, date lines, zone statements, approximate times, midnight."""

from __future__ import annotations

from datetime import date, datetime, timezone
from pathlib import Path

import pytest

from cairn.importers.history.outline import parts_of, read_outline
from cairn.importers.history.timeline_text import parse_date, read_timeline, zone_named

SAMPLES = Path(__file__).resolve().parents[3].parent / "shared" / "samples" / "postmortems"


def read(text: str, **options):  # type: ignore[no-untyped-def]
    return read_timeline(list(enumerate(text.splitlines(), start=1)), **options)


def utc(*parts: int) -> datetime:
    return datetime(*parts, tzinfo=timezone.utc)


def test_list_items_that_begin_with_a_time_in_the_shapes_people_write() -> None:
    found = read("""
- **16:58 UTC** - Writer database saturates
- 17:02 UTC: deploy lowers the timeout
* 17:05 pods crash-loop
1. 17:12 - retries pile up
- [x] 17:20 rollback started
- ~17:40 partial recovery
- ± 17:50 UTC: more recovery
- approximately 18:00 flags back
- 6:46 PM UTC all clear
- 2025-09-30 09:00 review booked
""", day=date(2025, 9, 29))
    assert [(event.at, event.text, event.approximate) for event in found.events] == [
        (utc(2025, 9, 29, 16, 58), "Writer database saturates", False), (utc(2025, 9, 29, 17, 2), "deploy lowers the timeout", False),
        (utc(2025, 9, 29, 17, 5), "pods crash-loop", False), (utc(2025, 9, 29, 17, 12), "retries pile up", False),
        (utc(2025, 9, 29, 17, 20), "rollback started", False), (utc(2025, 9, 29, 17, 40), "partial recovery", True),
        (utc(2025, 9, 29, 17, 50), "more recovery", True), (utc(2025, 9, 29, 18, 0), "flags back", True),
        (utc(2025, 9, 29, 18, 46), "all clear", False), (utc(2025, 9, 30, 9, 0), "review booked", False),
    ]
    assert found.problems == [] and found.zones == ["UTC"]
    assert [event.line for event in found.events] == list(range(2, 12))


def test_date_lines_set_the_day_and_midnight_rolls_it_over() -> None:
    found = read("""
### October 21, 2025 - Redis overload
- 23:40 queue grows
- 00:05 consumers stall
**Oct 24**
- 09:00 rate limit misconfigured
Monday, 27 October 2025
- 10:00 fixed
""")
    assert [event.at for event in found.events] == [utc(2025, 10, 21, 23, 40), utc(2025, 10, 22, 0, 5), utc(2025, 10, 24, 9, 0), utc(2025, 10, 27, 10, 0)]


def test_zone_statements_and_stated_zones_become_utc() -> None:
    found = read("""All times in CET.
- 14:00 alert
- 15:00 UTC escalation
(all times PST)
- 08:00 west coast wakes up
- 09:00 Europe/Paris is not an abbreviation: this one is PST too
""", day=date(2026, 1, 15))
    assert [event.at for event in found.events] == [utc(2026, 1, 15, 13, 0), utc(2026, 1, 15, 15, 0), utc(2026, 1, 15, 16, 0), utc(2026, 1, 15, 17, 0)]
    assert found.zones == ["CET", "UTC", "PST"]
    berlin = read("- 14:00 alert in summer\n", day=date(2026, 7, 1), zone="Europe/Berlin")
    assert berlin.events[0].at == utc(2026, 7, 1, 12, 0)  # a named default zone keeps its daylight saving


def test_tables_find_their_time_and_event_columns_in_any_order() -> None:
    found = read("""
| Event | Owner | Time (PST) |
|-------|-------|------------|
| first alert | pager | 10:18 AM |
| fix released | Ana | Jan 16, 5:33 PM |
| unreadable | Bo | soon |
""", day=date(2026, 1, 14))
    assert [(event.at, event.text) for event in found.events] == [(utc(2026, 1, 14, 18, 18), "first alert"), (utc(2026, 1, 17, 1, 33), "fix released")]
    assert found.problems == [(6, "the time cell 'soon' cannot be read")]


def test_sentences_that_begin_with_their_moment() -> None:
    found = read("On 2020-02-20 at 21:28 UTC, the primary failed over.\nAt Feb 21, 2020 08:15 UTC the cache was warm again.\n")
    assert [(event.at, event.text) for event in found.events] == [
        (utc(2020, 2, 20, 21, 28), "the primary failed over."), (utc(2020, 2, 21, 8, 15), "the cache was warm again."),
    ]


def test_what_cannot_be_read_is_reported_with_its_line_never_guessed() -> None:
    found = read("- 25:61 impossible time\n- 14:00 no date known\n- 09:00 QQQ unknown zone? no: QQQ is text\n| Time | Event |\n|--|--|\n| Jan 14, 10:18 | no year |\n")
    assert found.events == []
    reasons = dict(found.problems)
    assert "cannot be read" in reasons[1]
    assert "a time without a date" in reasons[2]
    assert "has no year" in reasons[6]


@pytest.mark.parametrize(("text", "expected"), [
    ("2025-10-21", date(2025, 10, 21)), ("October 21, 2025", date(2025, 10, 21)), ("21 Oct 2025", date(2025, 10, 21)),
    ("Tuesday, 21st October 2025", date(2025, 10, 21)), ("Oct 21", date(2024, 10, 21)), ("Feb 30, 2025", None), ("Smarch 3", None),
])
def test_written_dates(text: str, expected: date | None) -> None:
    assert parse_date(text, 2024) == expected


def test_zones_by_abbreviation_offset_or_name() -> None:
    assert zone_named("UTC") is timezone.utc and zone_named("CEST").utcoffset(None).total_seconds() == 7200  # type: ignore[union-attr]
    assert zone_named("UTC+5:30").utcoffset(None).total_seconds() == 19800  # type: ignore[union-attr]
    assert zone_named("America/Sao_Paulo") is not None and zone_named("Mars/Olympus") is None and zone_named("QQQ") is None


@pytest.mark.skipif(not SAMPLES.is_dir(), reason="../shared/samples/postmortems is not here")
def test_the_published_posthog_timelines_are_read() -> None:
    counts = {}
    for path in sorted((SAMPLES / "posthog").glob("20*.md")):
        outline = read_outline(path.read_text(encoding="utf-8"), path.name)
        day = date.fromisoformat(path.name[:10])  # the file's own date, where the text gives no year
        for part in parts_of(outline):
            if part.kind == "timeline":
                found = read_timeline(part.lines, day=day)
                counts[path.name] = (len(found.events), len(found.problems))
    assert counts["2025-09-29-flags-is-down.md"] == (8, 0)
    assert counts["2025-10-21-feature-flags-recurring-outages.md"][0] >= 40
    assert counts["2026-01-17-replay-sdk-fetch-wrapper-incident.md"] == (10, 0)  # a table of "Jan 14, 10:18 AM" rows
