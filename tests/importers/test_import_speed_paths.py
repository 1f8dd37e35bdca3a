"""The fast paths of a timeline import store exactly what the plain ones do.

Staging has no index (repeats are left to the real table's constraint), is
written thousands of rows to a statement, and builds the time text without
isoformat; PostgreSQL takes the staged rows by COPY; the Slack
reader takes shortcuts for the common message. Each is checked against the
plain way here, on SQLite and on PostgreSQL alike.
"""

from __future__ import annotations

import contextlib
import json
import sqlite3
from datetime import datetime, timedelta, timezone
from zoneinfo import ZoneInfo

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy import select

from cairn.importers import slack
from cairn.importers.base import ImportOptions, RawEvent, Rejected
from cairn.services import timeline_import
from cairn.services.import_history import undo_import
from cairn.services.incidents import open_incident, require_incident
from cairn.services.timeline_import import ImportSummary, Staging, import_timeline
from cairn.storage.models import TimelineEvent

TRICKY = [
    "tab\there", "two\nlines", "back\\slash and \\N", "quotes ' and \"", "ünïcødé ✓ 🚀", "\\.", "comma, semi; pipe |",
    "  trimmed  ", "a &amp; b &lt;c&gt;", "<@U1> and <https://example.com|a link>",
]


def history(path, messages):  # type: ignore[no-untyped-def]
    path.write_text(json.dumps({"channel": "inc", "messages": messages}))
    return path


def message(second: int, text: str, user: str | None = "U1", **more):  # type: ignore[no-untyped-def]
    found = {"type": "message", "ts": f"{1763906700 + second}.{second:06d}", "text": text, **more}
    if user is not None:
        found["user"] = user
    return found


def stored(ctx, key: str) -> list[tuple]:  # type: ignore[no-untyped-def]
    """The incident's events in insertion order, as comparable plain values."""
    with ctx.db.transaction() as session:
        incident = require_incident(session, ctx, key)
        rows = session.execute(
            select(TimelineEvent.at, TimelineEvent.kind, TimelineEvent.actor, TimelineEvent.text, TimelineEvent.source,
                   TimelineEvent.source_ref, TimelineEvent.level, TimelineEvent.component, TimelineEvent.import_id)
            .where(TimelineEvent.incident_id == incident.id).order_by(TimelineEvent.id)
        ).all()
    return [(*row[:8], row[8] is not None) for row in rows]


@pytest.fixture
def incidents(ctx):  # type: ignore[no-untyped-def]
    return [open_incident(ctx, f"Checkout {n}", severity="SEV2", started="2025-11-23T13:00Z").key for n in range(2)]


def test_repeats_within_the_file_and_of_earlier_imports_are_counted_exactly_and_the_first_wins(ctx, incidents, tmp_path):
    key = incidents[0]
    path = history(tmp_path / "inc.json", [message(1, "first"), message(2, "second"), message(1, "repeat of first"), message(3, "third")])
    summary = import_timeline(ctx, key, path, source="slack")
    assert (summary.added, summary.duplicates) == (3, 1)
    assert [row[3] for row in stored(ctx, key)] == ["first", "second", "third"]
    again = import_timeline(ctx, key, path, source="slack")
    assert (again.added, again.duplicates, again.import_id) == (0, 4, None)
    (tmp_path / "more").mkdir()
    longer = history(tmp_path / "more" / "inc.json", [message(1, "x"), message(4, "fourth"), message(4, "fourth again")])
    more = import_timeline(ctx, key, longer, source="slack")
    assert (more.added, more.duplicates) == (1, 2)
    assert [row[3] for row in stored(ctx, key)] == ["first", "second", "third", "fourth"]


@pytest.mark.parametrize("way", ["own", "batched"])
def test_every_way_of_inserting_the_staged_rows_stores_the_same_rows_and_counts(ctx, incidents, tmp_path, monkeypatch, way):
    """The database's own way (SQLite: one INSERT ... SELECT from the attached
    file; PostgreSQL: COPY) against plain batched executemany, in the same run."""
    messages = [message(n, text, user=None if n % 4 == 3 else f"U{n % 2}") for n, text in enumerate(TRICKY)]
    messages.append(message(40, "a reply", thread_ts=messages[0]["ts"]))
    messages.append(message(2, "a repeat"))
    part = history(tmp_path / "part.json", messages[:4])
    whole = history(tmp_path / "inc.json", messages)
    monkeypatch.setattr(timeline_import, "BATCH", 3)  # several batches on the batched way
    results = []
    for key, chosen in zip(incidents, ["own", way]):
        if chosen == "batched":
            monkeypatch.setattr(timeline_import, "_insert_way", lambda _connection: "batched")
        first = import_timeline(ctx, key, part, source="slack")
        second = import_timeline(ctx, key, whole, source="slack")
        results.append(((first.added, first.duplicates), (second.added, second.duplicates), stored(ctx, key)))
        with ctx.db.transaction() as session:
            ids = set(session.scalars(select(TimelineEvent.import_id).where(TimelineEvent.import_id == second.import_id)))
        assert ids == {second.import_id}
        undo_import(ctx, key, second.import_id)
        assert len(stored(ctx, key)) == 4
    own, other = results
    assert own == other
    assert own[0] == (4, 0) and own[1] == (len(messages) - 5, 5)
    texts = [row[3] for row in own[2]]
    assert {"tab\there", "two\nlines", "back\\slash and \\N", "\\.", "trimmed", "a & b <c>"} <= set(texts)
    assert own[2][0][0] == datetime.fromtimestamp(1763906700, timezone.utc)


aware_times = st.datetimes(
    min_value=datetime(1, 1, 2), max_value=datetime(9999, 12, 30),
    timezones=st.sampled_from([timezone.utc, ZoneInfo("Europe/Berlin"), ZoneInfo("America/St_Johns"), timezone(timedelta(hours=13, minutes=45))]),
)


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(times=st.lists(aware_times, min_size=1, max_size=30), per_statement=st.integers(1, 7))
def test_the_staged_time_is_the_naive_utc_text_of_the_column_type(times, per_statement, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    monkeypatch.setattr(timeline_import, "ROWS_PER_STATEMENT", per_statement)
    records = [RawEvent(at, "note", f"event {n}", None, "log", f"app.log:{n}", f"app.log:{n}") for n, at in enumerate(times)]
    summary = ImportSummary(key="INC-1", source="log")
    with Staging() as staging:
        staging.take(iter(records), summary)
        rows = list(staging.rows())
        numbered = list(staging.rows(numbered=True))
    assert staging.count == len(times)
    assert [row[0] for row in rows] == [at.astimezone(timezone.utc).isoformat(" ", "microseconds")[:26] for at in times]
    assert [row[1:] for row in numbered] == rows and [row[0] for row in numbered] == list(range(1, len(times) + 1))


def test_a_row_the_staging_file_refuses_fails_the_import_whichever_statement_it_is_in(monkeypatch) -> None:
    monkeypatch.setattr(timeline_import, "ROWS_PER_STATEMENT", 4)
    at = datetime(2025, 11, 23, 14, 5, tzinfo=timezone.utc)
    good = [RawEvent(at, "note", f"event {n}", None, "log", f"app.log:{n}", "app.log") for n in range(10)]
    bad = RawEvent(at, "note", None, None, "log", "app.log:99", "app.log")  # type: ignore[arg-type]
    for place in (0, 5, 10):  # in a full statement, and in the last, shorter one
        with Staging() as staging, pytest.raises(sqlite3.IntegrityError):
            staging.take(iter([*good[:place], bad, *good[place:]]), ImportSummary(key="INC-1", source="log"))


@pytest.mark.parametrize("ts", [
    "1763906700.000100", "0", "0.0000004", "-0.0000001", "-1", "nan", "inf", "-inf", "1e9", " 1763906700 ", "1_763_906_700",
    "abc", "", "7289567999.999999", "7289654399.9999996", "7289654400", "7258118400.5", "1763906700.1234567",
])
def test_the_slack_readers_shortcut_for_times_agrees_with_the_full_check(ts: str) -> None:
    read = list(slack.SlackImporter()._messages([{"ts": ts, "text": "x", "user": "U1"}], "inc", {}, "day.json", ImportOptions()))
    expected = slack._ts(ts)
    if expected is None:
        assert isinstance(read[0], Rejected)
    else:
        assert isinstance(read[0], RawEvent) and read[0].at == expected


@pytest.mark.parametrize(("text", "plain"), [
    ("<https://x|a &amp; b>", "a & b"),  # entities in a label are decoded after the markup
    ("&lt;b&gt; &amp;amp;", "<b> &amp;"),
    ("<@U1> hi", "@Alice hi"),
    ("<@U9|bob>", "@bob"),
    ("<@U9>", "@U9"),
    ("<#C1|ops> <https://example.com>", "#ops https://example.com"),
    ("  a < b  ", "a < b"),
])
def test_slack_markup_reads_the_same_through_the_shortcut(text: str, plain: str) -> None:
    read = list(slack.SlackImporter()._messages([{"ts": "1763906700.0", "text": text}], "inc", {"U1": "Alice"}, "day.json", ImportOptions()))
    assert read[0].text == plain


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(
    offsets=st.lists(st.integers(0, 4 * 3600 * 1000), max_size=25),
    threshold=st.sampled_from([timedelta(minutes=20), timedelta(seconds=1), timedelta(milliseconds=1), timedelta(minutes=20, microseconds=1)]),
    start=st.one_of(st.none(), st.integers(-3600 * 1000, 4 * 3600 * 1000)),
    length=st.one_of(st.none(), st.integers(0, 5 * 3600 * 1000)),
)
def test_quiet_gaps_read_from_the_database_are_those_of_every_event_time(ctx, incidents, tmp_path_factory, offsets, threshold, start, length):  # type: ignore[no-untyped-def]
    """Times a threshold apart exactly, or a microsecond more or less, included."""
    from cairn.analysis.gaps import quiet_gaps

    base = datetime(2025, 11, 23, 13, tzinfo=timezone.utc)
    exact = [base + timedelta(minutes=20) * n + timedelta(microseconds=d) for n, d in enumerate([0, 0, 1, -1, 0])]
    times = sorted([base + timedelta(milliseconds=o, microseconds=o % 7) for o in offsets] + exact)
    folder = tmp_path_factory.mktemp("gaps")
    key = open_incident(ctx, "Gaps", severity="SEV3", started="2025-11-23T13:00Z").key
    path = history(folder / "inc.json", [{"type": "message", "ts": f"{at.timestamp():.6f}", "text": f"event {n}", "user": "U1"} for n, at in enumerate(times)])
    import_timeline(ctx, key, path, source="slack")
    window_start = None if start is None else base + timedelta(milliseconds=start)
    window_end = None if length is None else (window_start or base) + timedelta(milliseconds=length)
    with ctx.db.transaction() as session:
        incident = require_incident(session, ctx, key)
        found = timeline_import._quiet_gaps(session, incident.id, threshold, window_start, window_end)
        every = [row[0] for row in stored(ctx, key)]
    assert found == quiet_gaps(sorted(every), threshold=threshold, start=window_start, end=window_end)


def _lines_one_by_one(data: bytes) -> tuple[list[tuple[int, str]], int | None]:
    """What reading line by line gives: the lines, up to the first that is not UTF-8, and its number."""
    pieces = data.split(b"\n") if data else []
    if data.endswith(b"\n"):
        pieces.pop()
    lines = []
    for number, piece in enumerate(pieces, start=1):
        try:
            text = piece.decode("utf-8")
        except UnicodeDecodeError:
            return lines, number
        lines.append((number, (text[1:] if number == 1 and text.startswith("\ufeff") else text).rstrip("\r\n")))
    return lines, None


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(
    parts=st.lists(st.sampled_from([b"\n", b"\r", b"\r\n", b"\xef\xbb\xbf", b"\xff", "é✓".encode(), "é".encode()[:1], b"abc", b"x" * 40]), max_size=30),
    block=st.sampled_from([1, 2, 3, 7, 64, 1 << 16]),
)
def test_text_lines_read_in_blocks_are_the_lines_read_one_by_one(tmp_path_factory, monkeypatch, parts, block) -> None:  # type: ignore[no-untyped-def]
    from cairn.errors import ImportFailed
    from cairn.importers import base

    monkeypatch.setattr(base, "TEXT_BLOCK", block)
    data = b"".join(parts)
    path = tmp_path_factory.mktemp("lines") / "app.log"
    path.write_bytes(data)
    lines, bad = _lines_one_by_one(data)
    read: list[tuple[int, str]] = []
    done: list[int] = []
    with contextlib.suppress(ImportFailed) if bad else contextlib.nullcontext():
        for pair in base.open_text_lines(path, done.append):
            read.append(pair)
        assert bad is None
    assert read == lines  # with a bad line, the lines before it came first
    if bad is None:
        assert done and done[-1] == len(data)
    else:
        with pytest.raises(ImportFailed, match=f":{bad}: not valid UTF-8"):
            list(base.open_text_lines(path, done.append))
