"""JSON is read by orjson when it can and by the standard library when it
cannot, with the same results and the same errors either way."""

from __future__ import annotations

import json

import pytest
from hypothesis import given
from hypothesis import strategies as st

from cairn.errors import ImportFailed
from cairn.importers import jsonfile

values = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False) | st.text(),
    lambda children: st.lists(children, max_size=4) | st.dictionaries(st.text(max_size=8), children, max_size=4),
    max_leaves=20,
)


@given(values.filter(lambda v: not _huge(v)))
def test_any_document_reads_the_same_as_with_the_standard_library(value) -> None:  # type: ignore[no-untyped-def]
    raw = json.dumps(value, ensure_ascii=False).encode("utf-8")
    assert jsonfile.parse_json(raw, "x.json") == json.loads(raw)


@pytest.mark.parametrize("raw", [
    b'{"text": "\\ud800 lone surrogate"}',
    b"\xef\xbb\xbf[1, 2]",  # a byte-order mark
])
def test_what_orjson_refuses_is_read_by_the_standard_library(raw: bytes) -> None:
    assert jsonfile.parse_json(raw, "x.json") == json.loads(raw.decode("utf-8-sig"))


@pytest.mark.parametrize("fast", [True, False])
def test_errors_name_the_file_and_line_with_or_without_orjson(fast: bool, monkeypatch: pytest.MonkeyPatch) -> None:
    if not fast:
        monkeypatch.setattr(jsonfile, "fast_loads", None)
    with pytest.raises(ImportFailed) as bad_syntax:
        jsonfile.parse_json(b'[\n  {"a": 1},\n  {"a": 2,,}\n]', "day.json")
    assert str(bad_syntax.value).startswith("day.json:3: not JSON")
    with pytest.raises(ImportFailed) as bad_bytes:
        jsonfile.parse_json(b'[\n"ok",\n"\xff"]', "day.json")
    assert str(bad_bytes.value) == "day.json:3: not valid UTF-8"


def _huge(value) -> bool:  # type: ignore[no-untyped-def]
    """Integers past 64 bits, which orjson reads as floats (see parse_json)."""
    if isinstance(value, bool):
        return False
    if isinstance(value, int):
        return abs(value) >= 2**63
    if isinstance(value, list):
        return any(_huge(v) for v in value)
    if isinstance(value, dict):
        return any(_huge(v) for v in value.values())
    return False


def test_a_huge_epoch_in_a_json_log_is_refused_as_a_time_either_way(tmp_path, monkeypatch: pytest.MonkeyPatch) -> None:
    from zoneinfo import ZoneInfo

    from cairn.importers.base import ImportOptions, Rejected
    from cairn.importers.logfile import LogFileImporter

    log = tmp_path / "app.jsonl"
    log.write_text('{"ts": 1763906700, "msg": "fine"}\n{"ts": 123456789012345678901234567890, "msg": "huge"}\n')
    read = list(LogFileImporter().read(log, ImportOptions(zone=ZoneInfo("UTC")), lambda _done: None))
    assert [type(r).__name__ for r in read] == ["RawEvent", "Rejected"] and isinstance(read[1], Rejected)
