"""Log files: plain text, JSON lines and CSV, timestamps detected or stated."""

from __future__ import annotations

import csv
import json
import re
import zlib
from collections.abc import Iterator
from datetime import datetime, timedelta
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
from cairn.domain.levels import LEVEL_ALIASES, SPELLINGS, canonical_level, level_rank
from cairn.importers.timestamps import FORMATS, continues, TimestampFormat, detect_format, entry_lines, nearest_year, parse_value, strptime_format

# Levels as logs write them: lower, UPPER or Capitalised. Spelled out rather than
# matched with IGNORECASE, which costs several times more on every line.
_LEVEL_WORDS = "|".join(sorted({v for a in LEVEL_ALIASES for v in (a, a.upper(), a.capitalize())}, key=len, reverse=True))
# A level before the timestamp ("ERROR 2026-...", "[warn] ...").
_LEVEL_IN_TEXT = re.compile(r"\b(" + _LEVEL_WORDS + r")\b")
# A level among the first three words after the timestamp, where logs put it
# ("INFO ...", "148 INFO ...", "- WARN [main] ...", ", Info  CBS ..."), not
# a word of the message ("TLS handshake error from ...").
_LEVEL_AFTER_STAMP = re.compile(r"[\s,:|\[\]-]*(?:[^\s\[\]]+\s+){0,2}?(\[)?(" + _LEVEL_WORDS + r")\b(\]|:)?")
# A logger or component named right after the level: "INFO org.example.Worker: ...",
# "WARN [main thread] db.pool - ...", "Info     CBS    Loaded ..." (columns).
_LOGGER_AFTER_LEVEL = re.compile(r"[\s:\]-]*(?:\[[^\]]{1,80}\]\s+)?([A-Za-z_][\w.$-]{0,150}?)(?::\s|\s+-\s|\s+\[|\s{2,})")
# Log4j's "[thread:Class@line] - message" ("[SendWorker:1889:QuorumCnxManager$SendWorker@688] - ...").
_BRACKETED_LOGGER = re.compile(r"\s*\[.{0,200}?([A-Za-z_][\w$.]{0,150})@\d+\]\s+-\s")
ROLLOVER = timedelta(days=180)  # a year-less line this much earlier than the one before it is in the next year
# Field names of JSON-lines and CSV logs, first match wins. journald's export
# (journalctl -o json) writes __REALTIME_TIMESTAMP in microseconds, MESSAGE
# and PRIORITY; Docker's json-file writes time and log.
TIME_KEYS = ("timestamp", "time", "ts", "@timestamp", "datetime", "date", "t", "created_at", "eventTime", "__REALTIME_TIMESTAMP", "asctime")
MESSAGE_KEYS = ("message", "msg", "text", "log", "event", "description", "summary", "MESSAGE", "@message", "body")
LEVEL_KEYS = ("level", "severity", "lvl", "loglevel", "log.level", "levelname", "PRIORITY", "severityText", "level_name")
COMPONENT_KEYS = ("component", "logger", "logger_name", "log.logger", "SYSLOG_IDENTIFIER", "_COMM", "module", "name", "app", "service")
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
        near = options.near
        year = near.astimezone(options.zone).year if near is not None else options.year or datetime.now().year
        fmt = self._text_format(path, options, stated, year)
        minimum = level_rank(options.level)
        windowed = minimum is not None or options.since is not None or options.until is not None
        # The entry being read: continuation lines (stack traces) join it until the next timestamp.
        current: tuple[int, str, datetime, str | None, str | None] | None = None
        parse, zone, name = fmt.parse, options.zone, path.name
        find_level, level_after = _LEVEL_IN_TEXT.search, _LEVEL_AFTER_STAMP.match
        find_logger, find_bracketed = _LOGGER_AFTER_LEVEL.match, _BRACKETED_LOGGER.match
        yearless, previous, year_settled = fmt.yearless, None, False

        def emit(entry: tuple[int, str, datetime, str | None, str | None]) -> Record:
            number, text, at, level, component = entry
            if windowed:
                left_out = _left_out(f"{path}:{number}", at, level, options, minimum)
                if left_out is not None:
                    return left_out
            return _event(at, text, level, None, path, number, name, component)

        for number, line in open_text_lines(path, progress):
            stamp = parse(line, zone, year)
            if stamp is None:
                if not line.strip():
                    continue
                if current is not None and continues(line):
                    current = (current[0], current[1] + "\n" + line, current[2], current[3], current[4])
                    continue
                if current is not None:
                    yield emit(current)
                    current = None
                yield Rejected(f"{path}:{number}", f"no {fmt.name} timestamp (e.g. {fmt.example})")
                continue
            if yearless:
                if not year_settled:
                    year_settled = True
                    if near is not None:
                        year = nearest_year(fmt, line, zone, near, year)
                        stamp = parse(line, zone, year) or stamp
                elif previous is not None and stamp.at < previous - ROLLOVER:
                    year += 1  # December to January: the year turned inside the file
                    stamp = parse(line, zone, year) or stamp
                previous = stamp.at
            if current is not None:
                yield emit(current)
            at, body_start, level, component, prefix = stamp
            text = None
            if level is None:
                found = level_after(line, body_start)
                if found is not None:
                    word = found[2]
                    # A lower-case word counts as a level only when it stands out: first, bracketed or with a colon.
                    if word.islower() and not (found[1] or found[3] or not line[body_start : found.start(2)].strip(_SEPARATORS + ",[")):
                        found = None
                if found is not None:
                    level = found[2]
                    # The level is shown once, as [LEVEL]: its word leaves the text, the fields before it stay ("148 dfs...").
                    cut_to = found.end(3) if found[3] else found.end(2)
                    if not line[body_start : found.start(2)].strip(_SEPARATORS + ",["):
                        body_start = cut_to
                    else:
                        cut_from = found.start(1) if found[1] else found.start(2)
                        text = line[body_start:cut_from].lstrip(_SEPARATORS).rstrip() + " " + line[cut_to:].lstrip(_SEPARATORS)
                    if component is None:
                        logger = find_logger(line, cut_to) or find_bracketed(line, cut_to)
                        if logger is not None:
                            component = logger[1]
                elif body_start:
                    before = find_level(line, 0, body_start)
                    level = before[1] if before is not None else None
            # Only the start is trimmed: a message may end in "]" or ":".
            body = prefix + (text if text is not None else line[body_start:].lstrip(_SEPARATORS)).rstrip()
            current = (number, body or line, at, level, component)
        if current is not None:
            yield emit(current)

    def _text_format(self, path: Path, options: ImportOptions, stated: str | None, year: int) -> TimestampFormat:
        """The stated family or strptime pattern, else the family that reads the
        most of the file's first lines; refused, naming the closest, when none
        reads most of them."""
        if options.time_format:
            try:
                return strptime_format(options.time_format)
            except ValueError as error:
                raise ImportFailed(str(error), source=str(path)) from None
        if stated is not None:
            return FORMATS[stated]
        numbered = list(zip(range(400), (pair for pair in open_text_lines(path, lambda _d: None))))
        sample = [line for _i, (_n, line) in numbered]
        fmt, share = detect_format(sample, options.zone, year)
        if fmt is not None and share >= 0.6:
            return fmt
        if not entry_lines(sample):
            raise ImportFailed("no timestamp format fits this file's lines: it holds only blank or indented lines", source=str(path))
        unread = next(
            ((n, line) for _i, (n, line) in numbered
             if line.strip() and not continues(line) and (fmt is None or fmt.parse(line, options.zone, year) is None)),
            None,
        )
        closest = (
            f"the closest, {fmt.name} (e.g. {fmt.example}), reads {share:.0%} of them" if fmt is not None
            else "none of the known families reads any of them"
        )
        where = f"; the first line it cannot read is line {unread[0]}: {unread[1][:80]!r}" if unread else ""
        raise ImportFailed(
            f"no timestamp format fits this file's lines: {closest}{where}. State the format "
            f"({', '.join(FORMATS)}, jsonl, csv) or a strptime time format such as %y%m%d %H%M%S",
            source=str(path), line=unread[0] if unread else None,
        )

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
            text = _first(record, MESSAGE_KEYS) or _bytes_message(record) or json.dumps(record, ensure_ascii=False, sort_keys=True)
            yield _event(at, str(text), level, _first(record, ACTOR_KEYS), path, number, None, _first(record, COMPONENT_KEYS))

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
            yield _event(at, text, level, _first(record, ACTOR_KEYS), path, reader.line_num, None, _first(record, COMPONENT_KEYS))


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


def _bytes_message(record: dict) -> str | None:
    """journald keeps a message that is not valid UTF-8 as a list of byte values."""
    value = record.get("MESSAGE")
    if isinstance(value, list) and all(isinstance(b, int) and 0 <= b < 256 for b in value):
        return bytes(value).decode("utf-8", "replace")
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


level_of = SPELLINGS.get


def _event(
    at: datetime, text: str, level: str | None, actor: str | None, path: Path, number: int, name: str | None = None,
    component: str | None = None,
) -> RawEvent:
    body = text.strip()[:TEXT_LIMIT] or "(empty log line)"
    canonical = None
    if level:
        canonical = level_of(level) or canonical_level(level)
        shown = canonical if canonical and level.strip().isdigit() else level  # "[ERROR]", not journald's "[3]"
        body = f"[{shown.upper()}] {body}"
    # The reference is the line number plus a checksum of what was read there: the same file
    # imported again gives the same references; a different file of the same name does not.
    checksum = zlib.crc32(body.encode("utf-8", "surrogatepass"), int(at.timestamp() * 1_000_000) & 0xFFFFFFFF)
    return RawEvent(
        at, "note", body, actor[:200] if actor else None, "log", f"{name or path.name}:{number}:{checksum:08x}", f"{path}:{number}",
        canonical, component[:200] if component else None,
    )
