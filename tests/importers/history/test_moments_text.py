"""Key moments of an imported postmortem: markers, then stated figures, then proposed;
a stated figure that disagrees with the timeline is reported."""

from __future__ import annotations

from datetime import datetime, timedelta, timezone

import pytest

from cairn.importers.history.moments_text import duration_in, find_moments, stated_figures
from cairn.importers.history.timeline_text import TextEvent


def at(hour: int, minute: int) -> datetime:
    return datetime(2025, 3, 4, hour, minute, tzinfo=timezone.utc)


def events(*rows: tuple[int, int, str]) -> list[TextEvent]:
    return [TextEvent(at(h, m), text, line) for line, (h, m, text) in enumerate(rows, start=10)]


def test_capital_markers_set_the_moments() -> None:
    found = find_moments(events((14, 51, "OUTAGE BEGINS: checkout returns 502"), (14, 53, "pager fires"), (15, 2, "rollback, MITIGATED"),
                                (15, 40, "OUTAGE ENDS")))
    assert (found.moments.started, found.moments.mitigated, found.moments.resolved) == (at(14, 51), at(15, 2), at(15, 40))
    assert found.sources["started"] == "marker on line 10" and found.moments.detected is None  # "pager fires" says nothing


def test_words_in_entries_when_no_marker_says_it() -> None:
    found = find_moments(events((9, 0, "deploy of 1.270.0"), (9, 5, "first alert fired on error rate"), (9, 12, "incident declared"),
                                (9, 30, "rolled back to 1.269.4"), (10, 0, "all clear")))
    assert found.moments == found.moments.__class__(at(9, 0), at(9, 5), at(9, 12), at(9, 30), at(10, 0))
    assert found.sources["started"].startswith("proposed") and found.sources["detected"] == "words on line 11"


def test_a_stated_figure_fills_a_moment_and_a_disagreeing_one_is_reported() -> None:
    timeline = events((16, 58, "INCIDENT BEGINS"), (18, 46, "INCIDENT ENDS"))
    found = find_moments(timeline, "Time to detection: 5 minutes. The outage lasting 1 hour and 20 minutes hurt.")
    assert found.moments.detected == at(17, 3) and found.sources["detected"] == "stated: 'Time to detection: 5 minutes'"
    assert found.stated["resolved"] == timedelta(hours=1, minutes=20)
    assert found.moments.resolved == at(18, 46)  # the marker wins; the figure is kept as stated
    assert found.disagreements == ["resolved: the text states 'outage lasting 1 hour and 20 minutes' (1 h 20 min) but the timeline gives 1 h 48 min (marker on line 11)"]
    agreeing = find_moments(timeline, "Duration of problem: 1h 48m")
    assert agreeing.disagreements == []


def test_without_markers_or_figures_the_ends_are_proposed() -> None:
    found = find_moments(events((8, 0, "something odd"), (8, 30, "more oddness")))
    assert (found.moments.started, found.moments.resolved) == (at(8, 0), at(8, 30))
    assert found.sources == {"started": "proposed: the first entry (line 10)", "resolved": "proposed: the last entry (line 11)"}


@pytest.mark.parametrize(("text", "seconds"), [
    ("1 hour and 48 minutes", 6480), ("40min", 2400), ("4h 42m", 16920), ("2 days", 172800), ("4 hours 42 minutes", 16920), ("1.5 hours", 5400),
    ("soon", None), ("5 fortnights", None),
])
def test_written_durations(text: str, seconds: int | None) -> None:
    found = duration_in(text)
    assert (found.total_seconds() if found else None) == seconds


def test_stated_figures_in_the_phrasings_of_templates() -> None:
    figures = stated_figures("Time to detection: 5 minutes\nTime to recovery: 4 hours 42 minutes\nDuration of problem: 40min")
    assert {moment: amount for moment, (amount, _words) in figures.items()} == {"detected": timedelta(minutes=5), "resolved": timedelta(hours=4, minutes=42)}
