from __future__ import annotations

from datetime import datetime, timezone
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from cairn.errors import CairnError, ImportFailed
from cairn.importers.base import Filtered, ImportOptions, RawEvent, Rejected
from cairn.importers.logfile import LogFileImporter

BERLIN = ZoneInfo("Europe/Berlin")


def read(tmp_path: Path, text: str | bytes, name: str = "app.log", **options) -> list:
    path = tmp_path / name
    path.write_bytes(text if isinstance(text, bytes) else text.encode())
    return list(LogFileImporter().read(path, ImportOptions(**{"zone": BERLIN, "year": 2026, **options}), lambda _d: None))


def events(records: list) -> list[RawEvent]:
    return [r for r in records if isinstance(r, RawEvent)]


@pytest.mark.parametrize(
    ("line", "expected"),
    [
        ("2026-11-23T14:05:00Z app started", datetime(2026, 11, 23, 14, 5, tzinfo=timezone.utc)),
        ("2026-11-23T14:05:00.250+01:00 app started", datetime(2026, 11, 23, 13, 5, 0, 250000, tzinfo=timezone.utc)),
        ("2026-11-23 14:05:00,123 INFO app started", datetime(2026, 11, 23, 13, 5, 0, 123000, tzinfo=timezone.utc)),
        ("2026/11/23 14:05:00 [error] 12#0: upstream timed out", datetime(2026, 11, 23, 13, 5, tzinfo=timezone.utc)),
        ("Nov 23 14:05:00 db-2 postgres[811]: checkpoint", datetime(2026, 11, 23, 13, 5, tzinfo=timezone.utc)),
        ('10.0.0.1 - - [23/Nov/2026:14:05:00 +0000] "GET / HTTP/1.1" 502 0', datetime(2026, 11, 23, 14, 5, tzinfo=timezone.utc)),
        ("1763906700 worker restarted", datetime(2025, 11, 23, 14, 5, tzinfo=timezone.utc)),
        ("1763906700123 worker restarted", datetime(2025, 11, 23, 14, 5, 0, 123000, tzinfo=timezone.utc)),
    ],
)
def test_timestamp_formats_are_detected(tmp_path, line, expected):
    found = events(read(tmp_path, f"{line}\n{line}\n"))
    assert found and found[0].at == expected


def test_times_without_offset_are_read_in_the_given_zone(tmp_path):
    [event] = events(read(tmp_path, "2026-07-01 12:00:00 summer\n"))
    assert event.at == datetime(2026, 7, 1, 10, 0, tzinfo=timezone.utc)


def test_continuation_lines_join_their_entry_and_stray_lines_are_rejected_with_their_line(tmp_path):
    records = read(tmp_path, "2026-11-23 14:05:00 ERROR boom\n  at db.py:3\n  at app.py:9\n2026-11-23 14:06:00 INFO ok\ngarbage\n2026-11-23 14:07:00 INFO ok2\n")
    found = events(records)
    assert found[0].text == "[ERROR] boom\n  at db.py:3\n  at app.py:9"
    rejected = [r for r in records if isinstance(r, Rejected)]
    assert [r.where.rsplit(":", 1)[1] for r in rejected] == ["5"]


def test_level_filter_and_time_window(tmp_path):
    text = "2026-11-23 14:00:00 DEBUG a\n2026-11-23 14:05:00 WARN b\n2026-11-23 14:10:00 ERROR c\n2026-11-23 16:00:00 ERROR d\n"
    records = read(
        tmp_path, text, level="warning", until=datetime(2026, 11, 23, 14, 0, tzinfo=timezone.utc)
    )
    assert [e.text for e in events(records)] == ["[WARN] b", "[ERROR] c"]
    assert sum(isinstance(r, Filtered) for r in records) == 2


def test_json_lines_and_csv(tmp_path):
    jsonl = '{"ts": "2026-11-23T14:05:00Z", "level": "error", "msg": "pool exhausted", "service": "payments"}\n{"ts": 1763906760, "msg": "epoch ok"}\nnot json\n'
    records = read(tmp_path, jsonl, name="app.jsonl")
    found = events(records)
    assert [(e.text, e.actor) for e in found] == [("[ERROR] pool exhausted", "payments"), ("epoch ok", None)]
    assert [r.reason for r in records if isinstance(r, Rejected)] == ["not a JSON object"]
    csv_text = "time,level,message\n2026-11-23T14:05:00Z,warning,\"disk, 91%\"\n2026-11-23T14:06:00Z,info,fine\n"
    assert [e.text for e in events(read(tmp_path, csv_text, name="app.csv"))] == ["[WARNING] disk, 91%", "[INFO] fine"]


def test_a_file_with_no_timestamp_format_is_refused_whole(tmp_path):
    with pytest.raises(ImportFailed, match="no timestamp format fits"):
        read(tmp_path, "hello\nworld\n")


def test_a_stated_format_is_used_and_an_unknown_one_refused(tmp_path):
    assert events(read(tmp_path, "1763906700 a\n", log_format="epoch"))
    with pytest.raises(ImportFailed, match="unknown log format 'klingon'"):
        read(tmp_path, "x\n", log_format="klingon")


def test_invalid_utf8_names_its_line(tmp_path):
    with pytest.raises(ImportFailed, match=r"app.log:2: not valid UTF-8"):
        read(tmp_path, b"2026-11-23 14:05:00 ok\n2026-11-23 14:06:00 caf\xe9\n")


def test_out_of_range_timestamps_do_not_count(tmp_path):
    records = read(tmp_path, "2026-11-23 14:05:00 ok\n9999-11-23 14:06:00 far\n2026-11-23 14:07:00 ok\n")
    assert len(events(records)) == 2 and len([r for r in records if isinstance(r, Rejected)]) == 1


def test_refs_are_stable_so_a_reimport_is_idempotent(tmp_path):
    text = "2026-11-23 14:05:00 same\n2026-11-23 14:05:00 same\n"
    first = [e.ref for e in events(read(tmp_path, text))]
    assert len(set(first)) == 2 and first == [e.ref for e in events(read(tmp_path, text))]

log_lines = st.lists(
    st.one_of(
        st.sampled_from(["2026-11-23 14:05:00 ok", "Nov 23 14:05:00 host app: x", "1763906700 x", "  continued", "", "{", "a,b,c"]),
        st.text(max_size=80).filter(lambda t: "\n" not in t and "\r" not in t),
        st.binary(max_size=40).map(lambda b: b.decode("latin-1")),
    ),
    max_size=30,
)


@settings(max_examples=200, deadline=None)
@given(lines=log_lines, stated=st.sampled_from([None, "iso", "syslog", "epoch", "jsonl", "csv"]))
def test_random_log_files_never_crash(tmp_path_factory, lines, stated):
    path = tmp_path_factory.mktemp("fuzz") / "fuzz.log"
    path.write_bytes("\n".join(lines).encode("utf-8", "surrogatepass"))
    try:
        for record in LogFileImporter().read(path, ImportOptions(zone=BERLIN, year=2026, log_format=stated), lambda _d: None):
            assert isinstance(record, (RawEvent, Rejected, Filtered))
    except CairnError as error:
        assert "\n" not in str(error)
