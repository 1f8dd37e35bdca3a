"""Log files: plain text, JSON lines and CSV, timestamps detected or stated."""

from __future__ import annotations

import csv
import json
import re
import zlib
from collections.abc import Iterator
from datetime import datetime
from pathlib import Path

from cairn.errors import ImportFailed
from cairn.importers.base import (
    Filtered,
    ImportOptions,
    Progress,
    RawEvent,
    Record,
    Rejected,
    in_window,
    open_text_lines,
)
from cairn.importers.jsonfile import fast_loads
from cairn.importers.levels import LEVEL_ALIASES, canonical_level, level_rank
from cairn.importers.timestamps import FORMATS, detect_format, parse_value

# Levels as logs write them: lower, UPPER or Capitalised. Spelled out rather than
# matched with IGNORECASE, which costs several times more on every line.
_LEVEL_IN_TEXT = re.compile(
    r"\b("
    + "|".join(sorted({v for a in LEVEL_ALIASES for v in (a, a.upper(), a.capitalize())}, key=len, reverse=True))
    + r")\b"
)
TIME_KEYS = ("timestamp", "time", "ts", "@timestamp", "datetime", "date", "t", "created_at", "eventTime")
MESSAGE_KEYS = ("message", "msg", "text", "log", "event", "description", "summary")
LEVEL_KEYS = ("level", "severity", "lvl", "loglevel", "log.level", "levelname")
ACTOR_KEYS = ("user", "actor", "logger", "service", "host", "hostname", "app")
TEXT_LIMIT = 4000
_SEPARATORS = " -:|]\t"
STRUCTURED = ("jsonl", "csv")


class LogFileImporter:
    name = "log"

    def sniff(self, head: bytes, path: Path) -> int:
        text = head.decode("utf-8", errors="replace")
        lines = [line for line in text.splitlines()[:50] if line.strip()]
        if not lines:
            return 0
        if all(line.lstrip().startswith("{") for line in lines[:5]) and any(_time_key(_loads(l) or {}) for l in lines[:5]):
            return 60
        _fmt, share = detect_format(lines, _utc(), 2000)
        if share >= 0.6:
            return 50
        if "," in lines[0] and _csv_time_column(next(csv.reader([lines[0]]))) is not None:
            return 45
        return 0

    def read(self, path: Path, options: ImportOptions, progress: Progress) -> Iterator[Record]:
        kind = self._structure(path, options)
        if kind == "jsonl":
            yield from self._json_lines(path, options, progress)
        elif kind == "csv":
            yield from self._csv(path, options, progress)
        else:
            yield from self._text(path, options, progress, kind)

    def _structure(self, path: Path, options: ImportOptions) -> str | None:
        if options.log_format in STRUCTURED:
            return options.log_format
        if options.log_format is not None:
            if options.log_format not in FORMATS:
                choices = ", ".join([*FORMATS, *STRUCTURED])
                raise ImportFailed(f"unknown log format {options.log_format!r}: choose one of {choices}", source=str(path))
            return options.log_format
        head = []
        for _number, line in open_text_lines(path, lambda _done: None):
            if line.strip():
                head.append(line)
            if len(head) >= 5:
                break
        if head and head[0].lstrip().startswith("{") and isinstance(_loads(head[0]), dict):
            return "jsonl"
        if head and "," in head[0] and _csv_time_column(next(csv.reader([head[0]]))) is not None:
            return "csv"
        return None

    def _text(self, path: Path, options: ImportOptions, progress: Progress, stated: str | None) -> Iterator[Record]:
        year = options.year or datetime.now().year
        if stated is not None:
            fmt = FORMATS[stated]
        else:
            sample = [line for _n, line in zip(range(400), (l for _i, l in open_text_lines(path, lambda _d: None)))]
            fmt, share = detect_format(sample, options.zone, year)
            if fmt is None or share < 0.6:
                raise ImportFailed(
                    "no timestamp format fits this file's lines: state the format "
                    f"({', '.join(FORMATS)}, jsonl, csv)",
                    source=str(path),
                )
        minimum = level_rank(options.level)
        windowed = minimum is not None or options.since is not None or options.until is not None
        current: tuple[int, str, datetime, str | None] | None = None  # continuation lines join their entry
        parse, zone, name = fmt.parse, options.zone, path.name
        find_level = _LEVEL_IN_TEXT.search

        def emit(entry: tuple[int, str, datetime, str | None]) -> Record:
            number, text, at, level = entry
            if windowed:
                left_out = _left_out(f"{path}:{number}", at, level, options, minimum)
                if left_out is not None:
                    return left_out
            return _event(at, text, level, None, path, number, name)

        for number, line in open_text_lines(path, progress):
            stamp = parse(line, zone, year)
            if stamp is None:
                if not line.strip():
                    continue
                if current is not None and (line[:1].isspace() or line.startswith(("Traceback", "Caused by"))):
                    current = (current[0], current[1] + "\n" + line, current[2], current[3])
                    continue
                if current is not None:
                    yield emit(current)
                    current = None
                yield Rejected(f"{path}:{number}", f"no {fmt.name} timestamp (e.g. {fmt.example})")
                continue
            if current is not None:
                yield emit(current)
            at, body_start = stamp
            level_match = find_level(line, 0, body_start + 40)
            level = None
            if level_match is not None:
                level = level_match[1]
                # A level written as a prefix of the message is shown once, as [LEVEL], not repeated.
                if level_match.start() >= body_start and not line[body_start : level_match.start()].strip(_SEPARATORS + "["):
                    body_start = level_match.end()
            body = line[body_start:].strip(_SEPARATORS)
            current = (number, body or line, at, level)
        if current is not None:
            yield emit(current)

    def _json_lines(self, path: Path, options: ImportOptions, progress: Progress) -> Iterator[Record]:
        minimum = level_rank(options.level)
        good = 0
        for number, line in open_text_lines(path, progress):
            if not line.strip():
                continue
            where = f"{path}:{number}"
            record = _loads(line)
            if not isinstance(record, dict):
                if good == 0 and number <= 5:
                    raise ImportFailed("not JSON lines: expected one JSON object per line", source=str(path), line=number)
                yield Rejected(where, "not a JSON object")
                continue
            good += 1
            key = _time_key(record)
            at = parse_value(record.get(key), options.zone) if key else None
            if at is None:
                yield Rejected(where, f"no readable time in {' / '.join(TIME_KEYS[:4])}")
                continue
            level = _first(record, LEVEL_KEYS)
            left_out = _left_out(where, at, level, options, minimum)
            if left_out is not None:
                yield left_out
                continue
            text = _first(record, MESSAGE_KEYS) or json.dumps(record, ensure_ascii=False, sort_keys=True)
            yield _event(at, str(text), level, _first(record, ACTOR_KEYS), path, number)

    def _csv(self, path: Path, options: ImportOptions, progress: Progress) -> Iterator[Record]:
        minimum = level_rank(options.level)
        lines = (line for _n, line in open_text_lines(path, progress))
        reader = csv.reader(lines)
        try:
            header = next(reader)
        except StopIteration:
            return
        except csv.Error as error:
            raise ImportFailed(f"not CSV: {error}", source=str(path), line=1) from None
        time_column = _csv_time_column(header)
        if time_column is None:
            raise ImportFailed(f"no time column in the CSV header (one of {', '.join(TIME_KEYS[:5])})", source=str(path), line=1)
        names = [name.strip().lower() for name in header]
        while True:
            try:
                row = next(reader)
            except StopIteration:
                break
            except csv.Error as error:
                yield Rejected(f"{path}:{reader.line_num}", f"malformed CSV row: {error}")
                continue
            where = f"{path}:{reader.line_num}"
            if not any(cell.strip() for cell in row):
                continue
            record = dict(zip(names, row))
            at = parse_value(row[time_column] if time_column < len(row) else None, options.zone)
            if at is None:
                yield Rejected(where, f"unreadable time {row[time_column] if time_column < len(row) else ''!r}")
                continue
            level = _first(record, LEVEL_KEYS)
            left_out = _left_out(where, at, level, options, minimum)
            if left_out is not None:
                yield left_out
                continue
            text = _first(record, MESSAGE_KEYS) or ", ".join(cell for i, cell in enumerate(row) if i != time_column)
            yield _event(at, text, level, _first(record, ACTOR_KEYS), path, reader.line_num)


def _left_out(where: str, at: datetime, level: str | None, options: ImportOptions, minimum: int | None) -> Filtered | None:
    """Why a readable record is left out (below the level, outside the window), or None."""
    if minimum is not None and (level_rank(level) is None or level_rank(level) < minimum):
        return Filtered(where, f"level {level or 'unknown'} below {options.level}")
    if not in_window(at, options):
        return Filtered(where, "outside the time window")
    return None


def _utc():  # type: ignore[no-untyped-def]
    from zoneinfo import ZoneInfo

    return ZoneInfo("UTC")


def _loads(line: str) -> object:
    """One JSON-lines record, or None; orjson first, as in jsonfile.parse_json."""
    if fast_loads is not None:
        try:
            return fast_loads(line)
        except ValueError:
            pass
    try:
        return json.loads(line)
    except (ValueError, RecursionError):
        return None


def _time_key(record: dict) -> str | None:
    return next((key for key in TIME_KEYS if key in record), None)


def _first(record: dict, keys: tuple[str, ...]) -> str | None:
    for key in keys:
        value = record.get(key)
        if value not in (None, "") and not isinstance(value, (dict, list)):
            return str(value)
    return None


def _csv_time_column(header: list[str]) -> int | None:
    names = [name.strip().lower() for name in header]
    for key in TIME_KEYS:
        if key.lower() in names:
            return names.index(key.lower())
    return None


def _event(
    at: datetime, text: str, level: str | None, actor: str | None, path: Path, number: int, name: str | None = None,
    component: str | None = None,
) -> RawEvent:
    body = text.strip()[:TEXT_LIMIT] or "(empty log line)"
    if level:
        body = f"[{level.upper()}] {body}"
    # The reference is the line number plus a checksum of what was read there: the same file
    # imported again gives the same references; a different file of the same name does not.
    checksum = zlib.crc32(body.encode("utf-8", "surrogatepass"), int(at.timestamp() * 1_000_000) & 0xFFFFFFFF)
    return RawEvent(
        at, "note", body, actor[:200] if actor else None, "log", f"{name or path.name}:{number}:{checksum:08x}", f"{path}:{number}",
        canonical_level(level), component[:200] if component else None,
    )
