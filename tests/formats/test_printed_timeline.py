"""The PDF folds long runs of imported log lines; the other exports keep every line."""

from datetime import datetime, timedelta, timezone

from cairn.domain.document import EventDoc, IncidentDoc
from cairn.formats.html import render_html
from cairn.formats.printed_timeline import SHOWN_PER_RUN, FoldedRun, printed_timeline

START = datetime(2026, 11, 1, 10, 0, tzinfo=timezone.utc)


def _events(lines: int, every: int = 50) -> list[EventDoc]:
    events = []
    for index in range(lines):
        at = START + timedelta(seconds=index)
        if index % every == 0:
            events.append(EventDoc(at=at, kind="action", text=f"step {index}", actor="alice"))
        else:
            level = "ERROR" if index % 97 == 0 else "INFO"
            events.append(EventDoc(at=at, kind="note", text=f"[{level}] line {index}", source="log", ref=f"l{index}"))
    return events


def test_a_few_log_lines_are_all_printed_as_they_are() -> None:
    events = _events(150)
    printed = printed_timeline(events)
    assert printed.rows == events and printed.folded == 0


def test_many_log_lines_fold_into_one_row_per_run_keeping_every_event_people_logged() -> None:
    events = _events(1500)
    printed = printed_timeline(events)
    people = [row for row in printed.rows if isinstance(row, EventDoc)]
    runs = [row for row in printed.rows if isinstance(row, FoldedRun)]
    assert [e.text for e in people] == [f"step {i}" for i in range(0, 1500, 50)]
    assert len(runs) == 30 and all(run.count == 49 for run in runs)
    assert sum(run.count for run in runs) == 1470
    assert printed.folded == 1470 - sum(len(run.shown) for run in runs)
    first = runs[0]
    assert first.first_at == START + timedelta(seconds=1) and first.last_at == START + timedelta(seconds=49)
    assert [e.text for e in first.shown[:SHOWN_PER_RUN]] == ["[INFO] line 1", "[INFO] line 2", "[INFO] line 3"]
    # An error line deep in a run is still printed.
    assert any(e.text == "[ERROR] line 97" for run in runs for e in run.shown)
    assert dict(first.levels) == {"info": 49}


def _doc(events: list[EventDoc]) -> IncidentDoc:
    return IncidentDoc(key="INC-1", title="Checkout slow", severity="SEV2", timezone="UTC", timeline=events)


def test_the_printed_page_says_what_it_folded_and_the_html_export_keeps_every_line() -> None:
    events = _events(1500)
    printed = render_html(_doc(events), printed=True)
    assert "imported log lines are folded into summary rows below" in printed
    assert "49 log lines</strong> (49 info)" in printed
    assert "[INFO] line 40<" not in printed
    full = render_html(_doc(events))
    assert "folded-note" not in full and "<tr class=\"folded\">" not in full and "[INFO] line 40<" in full and full.count("<tr><td>") >= 1500
