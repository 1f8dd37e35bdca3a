"""Catalogues of incidents: CSV or JSON lists such as public incident databases keep.

A catalogue names incidents (title, date, organisation, link, a line or two of
summary) without their prose; each entry becomes an incident that links to the
original postmortem. Column names differ from one catalogue to the next, so
they are matched through a table of synonyms, ignoring case and punctuation;
whatever matches nothing is kept as written in a free section.

Rows that cannot become an incident (no date and no title, a bad date, a row
with more cells than the header) are listed in `Catalogue.problems` with
their line or item and are not imported; smaller slips (a dropped link, a
short row) stay on the entry as `notes` and reach the report as unread lines.

This module reads and maps only; storing the entries is the import service's.
"""

from __future__ import annotations

import csv
import gc
import io
import json
import re
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import date, datetime, time, timezone
from functools import lru_cache
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

from cairn.domain.document import EventDoc, IncidentDoc, PostmortemDoc, SectionDoc
from cairn.domain.moments import KeyMoments
from cairn.errors import ImportFailed
from cairn.importers.history.mapping import HistoryOptions, MappingReport

MAX_BYTES = 50 * 1024 * 1024
CSV_SUFFIXES = (".csv", ".tsv")
JSON_LINES_SUFFIXES = (".jsonl", ".ndjson")
SUFFIXES = (*CSV_SUFFIXES, ".json", *JSON_LINES_SUFFIXES)
# Keys a JSON object may hold its list of incidents under (normalised).
LIST_KEYS = ("incidents", "postmortems", "items", "data", "entries", "records", "results", "rows", "outages")
DETAILS_TITLE = "Catalogue details"
LONGEST_RECORD = 200  # physical lines one CSV record may span before an unclosed quote is suspected
IDENTITY_LENGTH = 990  # the origin's identity column holds 1000, with a short prefix

# Field: column names meaning it (normalised), most telling first; earlier wins when a row has several.
SYNONYMS: dict[str, tuple[str, ...]] = {
    "title": ("title", "incidenttitle", "incidentname", "name", "headline", "incident", "subject", "outage", "event"),
    "day": ("date", "incidentdate", "outagedate", "eventdate", "start", "started", "startdate", "startedat", "starttime",
            "startat", "began", "begin", "occurred", "occurredon", "occurredat", "happened", "when", "day", "datetime",
            "timestamp", "published", "publishedat", "publisheddate", "postmortemdate", "reported", "reportedat", "created",
            "createdat"),
    "organisation": ("company", "organisation", "organization", "org", "companyname", "organisationname",
                     "organizationname", "vendor", "provider", "domain", "website", "site"),
    "services": ("service", "services", "product", "products", "affectedservice", "affectedservices", "affectedproduct",
                 "affectedproducts", "system", "systems", "component", "components", "platform", "application", "app"),
    "categories": ("category", "categories", "type", "incidenttype", "kind", "classification", "class", "causecategory",
                   "failuretype"),
    "tags": ("tags", "tag", "keywords", "keyword", "labels", "label", "topics"),
    "url": ("url", "link", "postmortem", "postmortemurl", "postmortemlink", "source", "sourceurl", "sourcelink", "href",
            "uri", "permalink", "reference", "referenceurl", "writeup", "report", "reporturl", "article", "blogpost", "blog"),
    "summary": ("summary", "description", "details", "abstract", "synopsis", "overview", "desc"),
    "severity": ("severity", "sev", "severitylevel", "priority", "level", "impactlevel"),
}
FIELD_OF: dict[str, tuple[str, int]] = {name: (key, rank) for key, names in SYNONYMS.items() for rank, name in enumerate(names)}
LIST_FIELDS = ("services", "categories", "tags")
MISSING = {"", "-", "--", "\u2014", "n/a", "na", "none", "null", "nil", "unknown", "?", "tbd"}

_NON_ALNUM = re.compile(r"[^0-9a-z]+")
_NOT_SLUG = re.compile(r"[^\w/.+]+|_+")
_DIGITS = re.compile(r"\d+")
_SPLIT = re.compile(r"\s*[,;|\n]+\s*")
_SCHEME = re.compile(r"^([A-Za-z][A-Za-z0-9+.-]*):")
# An http(s) link with a host, on one line, without spaces.
_HTTP = re.compile(r"https?://(?:[^\s/?#@]*@)?(?:\[[0-9A-Fa-f:.]+\]|[^\s/?#@:\[\]]+)(?::\d{1,5})?(?:[/?#]\S*)?", re.IGNORECASE)
_URL_PARTS = re.compile(r"https?://([^/?#]*)([^?#]*)(?:\?([^#]*))?", re.IGNORECASE)
_DEFAULT_PORT = re.compile(r":(?:80|443)?$")
_UNSTORABLE = re.compile("[\x00\ud800-\udfff]")
_TIME = r"(?:(?:[T ]|,\s*|\s+at\s+)\d{1,2}:\d{2}(?::\d{2}(?:[.,]\d+)?)?\s*(?:[AaPp]\.?[Mm]\.?)?\s*(?:Z|UTC|GMT|[A-Z]{2,5}|[+-]\d{2}:?\d{2})?)?"
_ISO_DAY = re.compile(rf"(\d{{4}})[-/.](\d{{1,2}})[-/.](\d{{1,2}}){_TIME}")
_COMPACT_DAY = re.compile(r"(\d{4})(\d{2})(\d{2})")
_ISO_MONTH = re.compile(r"(\d{4})[-/.](\d{1,2})")
_YEAR = re.compile(r"(\d{4})")
_NUMERIC_DAY = re.compile(rf"(\d{{1,2}})[-/.](\d{{1,2}})[-/.](\d{{4}}){_TIME}")
_DAY_MONTH_YEAR = re.compile(rf"(\d{{1,2}})(?:st|nd|rd|th)?(?:\s+|-)([A-Za-z]{{3,9}})\.?,?(?:\s+|-)(\d{{4}}){_TIME}")
_MONTH_DAY_YEAR = re.compile(rf"([A-Za-z]{{3,9}})\.?\s+(\d{{1,2}})(?:st|nd|rd|th)?,?\s+(\d{{4}}){_TIME}")
_MONTH_YEAR = re.compile(r"([A-Za-z]{3,9})\.?,?\s+(\d{4})")
_WEEKDAY = re.compile(r"^(?:mon|tue|tues|wed|thu|thur|thurs|fri|sat|sun)[a-z]*\.?,?\s+", re.IGNORECASE)
MONTHS = {name: number for number, names in enumerate(
    (("jan", "january"), ("feb", "february"), ("mar", "march"), ("apr", "april"), ("may",), ("jun", "june"),
     ("jul", "july"), ("aug", "august"), ("sep", "sept", "september"), ("oct", "october"), ("nov", "november"),
     ("dec", "december")), start=1) for name in names}
MONTH_NAMES = ("January", "February", "March", "April", "May", "June", "July", "August", "September", "October",
               "November", "December")


@dataclass(slots=True)
class CatalogueEntry:
    """One listed incident, its columns sorted into what Cairn knows and the rest."""

    where: str  # "line 14" (CSV, JSON Lines) or "item 3" (a JSON list)
    title: str | None = None
    day: date | None = None
    precision: str | None = None  # "day", "month" or "year": how much of `day` the catalogue stated
    organisation: str | None = None
    services: list[str] = field(default_factory=list)
    categories: list[str] = field(default_factory=list)
    tags: list[str] = field(default_factory=list)
    url: str | None = None  # http and https only
    summary: str | None = None
    severity: str | None = None  # as written
    extra: dict[str, str] = field(default_factory=dict)  # other columns, as written
    source: str = ""  # the catalogue's file name
    columns: dict[str, str] = field(default_factory=dict)  # field: the column it was read from, for the report
    notes: list[str] = field(default_factory=list)  # what was read with a slip, the entry still imported


@dataclass
class Catalogue:
    entries: list[CatalogueEntry] = field(default_factory=list)
    problems: list[tuple[str, str]] = field(default_factory=list)  # (where, why), entries not imported


# (where, columns as written, their values in the same order, notes): one record before mapping.
Record = tuple[str, tuple[str, ...], list[Any] | tuple[Any, ...], list[str]]


@dataclass(frozen=True)
class Plan:
    """Where a set of columns goes, worked out once per header (or per set of JSON keys)."""

    fields: tuple[tuple[str, tuple[tuple[str, int], ...]], ...]  # (field, ((column, index), ...) best first)
    others: tuple[tuple[str, int], ...]  # columns kept as written
    days: tuple[int, ...]  # indexes of the date columns


@lru_cache(maxsize=1024)
def plan_of(columns: tuple[str, ...]) -> Plan:
    claimed: dict[str, list[tuple[int, str, int]]] = {}
    others: list[tuple[str, int]] = []
    for index, column in enumerate(columns):
        found = field_of(column)
        if found is None:
            others.append((column, index))
        else:
            claimed.setdefault(found[0], []).append((found[1], column, index))
    fields = tuple((name, tuple((column, index) for _, column, index in sorted(found))) for name, found in claimed.items())
    days = tuple(index for _, _, index in sorted(claimed.get("day", [])))
    return Plan(fields, tuple(others), days)


def normalise_name(name: str) -> str:
    """A column name as the synonym table spells it: lowercase letters and digits only."""
    return _NON_ALNUM.sub("", name.casefold())


@lru_cache(maxsize=4096)
def field_of(column: str) -> tuple[str, int] | None:
    """The field a column means and its rank among the synonyms, or None (cached: every row asks)."""
    return FIELD_OF.get(normalise_name(column))


# --- recognising a catalogue -------------------------------------------------


def looks_like_catalogue(data: str, name: str) -> bool:
    """Whether a file is a list of incident records rather than one document.

    Judged by its suffix and its columns (a date or a link, and a title, an
    organisation or a service), so a Markdown postmortem or a single exported incident is
    never taken for a catalogue."""
    suffix = Path(name).suffix.lower()
    if suffix not in SUFFIXES:
        return False
    text = data.lstrip("\ufeff")
    if suffix in CSV_SUFFIXES:
        return _catalogue_columns(_csv_header(text, suffix))
    if suffix in JSON_LINES_SUFFIXES:
        first = next((line for line in text.split("\n", 50)[:50] if line.strip()), "")
        return _json_head_is_catalogue(first, lines=True)
    return _json_is_catalogue(text)


def _catalogue_columns(columns: Iterable[str]) -> bool:
    fields = {found[0] for found in map(field_of, columns) if found}
    return bool(fields & {"day", "url"}) and bool(fields & {"title", "organisation", "services"})


def _csv_header(text: str, suffix: str) -> list[str]:
    head = text[:65536]
    try:
        return next((row for row in csv.reader(io.StringIO(head, newline=""), delimiter=_delimiter(head, suffix)) if any(c.strip() for c in row)), [])
    except csv.Error:
        return []


def _json_head_is_catalogue(line: str, *, lines: bool) -> bool:
    """A JSON Lines file: judged by its first record (a broken one is for the reader to report)."""
    try:
        value = json.loads(line)
    except (ValueError, RecursionError):
        return lines
    return isinstance(value, dict) and _catalogue_columns(value)


def _json_is_catalogue(text: str) -> bool:
    """A JSON list of records, bare or under a key; big files judged by their opening so as to be parsed once."""
    start = text.lstrip()[:1]
    if start not in ("[", "{"):
        return False
    if len(text) > 1_000_000:
        head = text[:65536]
        keys = "|".join(LIST_KEYS)
        return bool(re.match(r"\s*\[\s*(\{|\])", head) or re.search(rf'"(?i:{keys})"\s*:\s*\[\s*(\{{|\])', head))
    try:
        value = json.loads(text)
    except json.JSONDecodeError as error:  # broken: a catalogue if it opens like one, for the reader to report
        if error.msg == "Extra data" and start == "{":
            return _json_head_is_catalogue(text.lstrip().split("\n", 1)[0], lines=False)
        return start == "["
    except (ValueError, RecursionError):
        return start == "["
    found = _list_in(value)
    if found is None:
        return False
    sample = [item for item in found[:50] if isinstance(item, dict)]
    return not found or _catalogue_columns(key for item in sample for key in item)


# --- reading ----------------------------------------------------------------


def read_catalogue(data: str, source: str) -> Catalogue:
    """The entries of a CSV, TSV, JSON or JSON Lines catalogue, and the records that could not be read."""
    _check_size(data, source)
    text = _UNSTORABLE.sub(lambda m: "" if m.group() == "\x00" else "\ufffd", data.lstrip("\ufeff"))
    catalogue = Catalogue()
    with _collector_paused():
        _read_into(catalogue, text, source)
    catalogue.problems.sort(key=lambda problem: _where_number(problem[0]))
    return catalogue


@contextmanager
def _collector_paused() -> Iterator[None]:
    """Pause the cycle collector while reading: a big catalogue makes a million small containers
    without cycles, and the collector would otherwise rescan them all, doubling the read time."""
    paused = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if paused:
            gc.enable()


def _read_into(catalogue: Catalogue, text: str, source: str) -> None:
    """Records first, entries second: reading 03/04/2020 needs the whole catalogue's habit.
    An entry naming the same incident as an earlier one is refused, not stored over it."""
    suffix = Path(source).suffix.lower()
    if suffix in CSV_SUFFIXES or (suffix not in SUFFIXES and text.lstrip()[:1] not in ("[", "{")):
        records = list(_csv_records(text, source, suffix, catalogue.problems))
    else:
        records = list(_json_records(text, source, suffix, catalogue.problems))
    order = _numeric_order(records)
    name = Path(source).name
    seen: dict[str, str] = {}
    for where, columns, values, notes in records:
        entry = _entry(where, plan_of(columns), values, order, name)
        if isinstance(entry, str):
            catalogue.problems.append((where, entry))
            continue
        first = seen.setdefault(entry_identity(entry), where)
        if first != where:
            same = "link" if entry.url else "title, date and organisation"
            catalogue.problems.append((where, f"the same incident as {first} (same {same}): listed twice, imported once"))
            continue
        entry.notes = notes + entry.notes
        catalogue.entries.append(entry)


def _check_size(data: str, source: str) -> None:
    """Refuse more than MAX_BYTES of UTF-8 (a str may hold up to four bytes a character)."""
    size = len(data)
    if size > MAX_BYTES // 4:
        size = len(data.encode("utf-8", "surrogatepass"))
    if size > MAX_BYTES:
        raise ImportFailed(f"too large: {size} bytes, a catalogue may have at most {MAX_BYTES} (50 MB); split it", source=source)


def _where_number(where: str) -> int:
    digits = _DIGITS.search(where)
    return int(digits.group()) if digits else 0


def _delimiter(head: str, suffix: str) -> str:
    """Tab for .tsv; otherwise the commonest of comma, semicolon and tab in the header line."""
    if suffix == ".tsv":
        return "\t"
    first = next((line for line in head.splitlines() if line.strip()), "")
    counts = {mark: first.count(mark) for mark in (",", ";", "\t")}
    best = max(counts, key=lambda mark: counts[mark])
    return best if counts[best] else ","


def _header_names(row: list[str]) -> list[str]:
    """Header cells trimmed, blank ones numbered, repeated ones told apart."""
    names: list[str] = []
    for index, cell in enumerate(row):
        name = " ".join(cell.split()) or f"column {index + 1}"
        base, count = name, 1
        while name in names:
            count += 1
            name = f"{base} ({count})"
        names.append(name)
    return names


def _csv_records(text: str, source: str, suffix: str, problems: list[tuple[str, str]]) -> Iterator[Record]:
    """Each data row as a record, padded to the header; rows that cannot be read go to `problems`."""
    delimiter = _delimiter(text[:65536], suffix)
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
    header: tuple[str, ...] | None = None
    start = 1
    while True:
        try:
            row = next(reader)
        except StopIteration:
            return
        except csv.Error as error:
            why = "a cell longer than the CSV reader takes (a quote left unclosed?)" if "field limit" in str(error) else str(error)
            raise ImportFailed(f"unreadable CSV: {why}", source=source, line=start) from None
        line, start = start, reader.line_num + 1
        if not any(cell.strip() for cell in row):
            continue
        if header is None:
            header = tuple(_header_names(row))
            continue
        where = f"line {line}"
        if reader.line_num - line > LONGEST_RECORD:
            problems.append((where, f"a quoted cell runs on for {reader.line_num - line} lines: a quote left unclosed?"))
            continue
        shape = _row_shape(row, len(header), delimiter)
        if shape and shape[0]:
            problems.append((where, shape[1]))
            continue
        width = len(header)
        yield where, header, row[:width] if len(row) >= width else row + [""] * (width - len(row)), [shape[1]] if shape else []


def _row_shape(row: list[str], width: int, delimiter: str) -> tuple[bool, str] | None:
    """(refused, why) for a row with another number of cells than the header, else None."""
    if len(row) > width and any(cell.strip() for cell in row[width:]):
        shown = "tab" if delimiter == "\t" else repr(delimiter)
        return True, f"{len(row)} cells where the header has {width}: a {shown} inside a cell that is not quoted?"
    if len(row) < width:
        return False, f"{len(row)} cells where the header has {width}: the missing ones are read as empty"
    return None


def _json_records(text: str, source: str, suffix: str, problems: list[tuple[str, str]]) -> Iterator[Record]:
    """Each object of a JSON list or of JSON Lines as a record."""
    if suffix in JSON_LINES_SUFFIXES:
        yield from _json_lines(text, source, problems)
        return
    try:
        value = json.loads(text)
    except RecursionError:
        raise ImportFailed("not read: JSON nested too deeply", source=source) from None
    except json.JSONDecodeError as error:
        if error.msg == "Extra data" and _opens_with_object(text):
            yield from _json_lines(text, source, problems)  # JSON Lines under a .json name
            return
        raise ImportFailed(f"not valid JSON: {error.msg} (column {error.colno})", source=source, line=error.lineno) from None
    except ValueError as error:  # e.g. an integer with thousands of digits
        raise ImportFailed(f"not valid JSON: {error}", source=source) from None
    found = _list_in(value)
    if found is None:
        raise ImportFailed("no list of incidents: expected a JSON list of objects, or one under a key such as "
                           + ", ".join(f'"{key}"' for key in LIST_KEYS[:5]), source=source)
    for number, item in enumerate(found, start=1):
        where = f"item {number}"
        if isinstance(item, dict):
            yield where, tuple(item), tuple(item.values()), []
        else:
            problems.append((where, f"not an object but {_json_kind(item)}"))


def _opens_with_object(text: str) -> bool:
    """Whether the first line is a whole JSON object, as in JSON Lines."""
    try:
        return isinstance(json.loads(text.lstrip().split("\n", 1)[0]), dict)
    except (ValueError, RecursionError):
        return False


def _json_lines(text: str, source: str, problems: list[tuple[str, str]]) -> Iterator[Record]:
    """Each line one object; a bad line is reported and skipped, a file with no good line refused."""
    first_error: tuple[int, str] | None = None
    read = 0
    for number, line in enumerate(text.split("\n"), start=1):
        if not line.strip():
            continue
        where = f"line {number}"
        try:
            value = json.loads(line)
        except (ValueError, RecursionError) as error:
            why = f"not valid JSON: {error.msg if isinstance(error, json.JSONDecodeError) else error}"
            first_error = first_error or (number, why)
            problems.append((where, why))
            continue
        read += 1
        if isinstance(value, dict):
            yield where, tuple(value), tuple(value.values()), []
        else:
            problems.append((where, f"not an object but {_json_kind(value)}"))
    if not read and first_error:
        raise ImportFailed(first_error[1], source=source, line=first_error[0])


def _json_kind(value: Any) -> str:
    kinds = {str: "a string", list: "a list", bool: "true or false", type(None): "null", int: "a number", float: "a number"}
    return kinds.get(type(value), type(value).__name__)


def _list_in(value: Any, depth: int = 0) -> list[Any] | None:
    """The list of records: the value itself, or under a known key, at most two objects deep."""
    if isinstance(value, list):
        return value
    if not isinstance(value, dict) or depth > 1:
        return None
    keys = {normalise_name(str(key)): key for key in value}
    for name in LIST_KEYS:
        if name in keys and isinstance(value[keys[name]], list):
            return value[keys[name]]  # type: ignore[no-any-return]
    for name in LIST_KEYS:
        if name in keys and isinstance(value[keys[name]], dict):
            found = _list_in(value[keys[name]], depth + 1)
            if found is not None:
                return found
    return None


# --- one record to an entry ---------------------------------------------------


def _text(value: Any) -> str | None:
    """A cell as text: trimmed, None when empty or a placeholder such as "n/a"."""
    if value is None:
        return None
    if isinstance(value, str):
        text = value.strip()
    elif isinstance(value, bool):
        text = "true" if value else "false"
    elif isinstance(value, (int, float)):
        text = str(value)
    elif isinstance(value, list):
        text = ", ".join(filter(None, map(_text, value)))
    else:
        text = json.dumps(value, ensure_ascii=False, default=str)
    return None if text.casefold() in MISSING else text


def _one_line(text: str) -> str:
    return " ".join(text.split())


def _items(value: Any) -> list[str]:
    """A list cell: a JSON list, or text split at commas, semicolons, bars and line breaks."""
    pieces = value if isinstance(value, list) else _SPLIT.split(_text(value) or "")
    return [_one_line(text) for text in map(_text, pieces) if text]


def _entry(where: str, plan: Plan, values: list[Any] | tuple[Any, ...], order: str | None, source: str) -> CatalogueEntry | str:
    """The entry of one record, or why it cannot be imported."""
    entry = CatalogueEntry(where, source=source)
    for column, index in plan.others:
        _keep(entry, column, values[index])
    for name, columns in plan.fields:
        refused = _fill(entry, name, columns, values, order)
        if refused:
            return refused
    if entry.title is None and entry.day is None:
        return "no date and no title"
    return entry


def _keep(entry: CatalogueEntry, column: str, value: Any) -> None:
    text = _text(value)
    if text is not None:
        entry.extra[column] = text


def _fill(entry: CatalogueEntry, name: str, columns: tuple[tuple[str, int], ...], values: list[Any] | tuple[Any, ...],
          order: str | None) -> str | None:
    """Put a field's columns on the entry: the first usable one wins, the others are kept as written."""
    if name in LIST_FIELDS:
        items: list[str] = getattr(entry, name)
        for column, index in columns:
            items += _items(values[index])
            entry.columns.setdefault(name, column)
        return None
    for column, index in columns:
        text = _text(values[index])
        if text is None:
            continue
        if name in entry.columns:
            entry.extra[column] = text
        elif name == "url":
            _fill_url(entry, column, text)
        elif name == "day":
            read = parse_day(text, order)
            if isinstance(read, str):
                return read
            entry.day, entry.precision = read
            entry.columns["day"] = column
        else:
            setattr(entry, name, text if name == "summary" else _one_line(text))
            entry.columns[name] = column
    return None


def _fill_url(entry: CatalogueEntry, column: str, text: str) -> None:
    """Keep http and https links; drop other schemes (javascript:, data:, file:) with a note; plain text is kept as written."""
    scheme = _SCHEME.match(text)
    if scheme is None or text.startswith("="):
        entry.extra[column] = text
    elif _HTTP.fullmatch(text):
        entry.url = text
        entry.columns["url"] = column
    else:
        entry.notes.append(f"{column}: link {text[:60]!r} dropped: only http and https links are kept")


# --- dates ------------------------------------------------------------------


def _numeric_order(records: list[Record]) -> str | None:
    """Whether the catalogue's 03/04/2020-style dates put the day ("dmy") or the month ("mdy") first,
    judged from the dates that can only be read one way; None when none tell or they disagree."""
    day_first = month_first = False
    for _, columns, values, _ in records:
        for index in plan_of(columns).days:
            value = values[index]
            match = _NUMERIC_DAY.fullmatch(value.strip()) if isinstance(value, str) else None
            if match:
                first, second = int(match.group(1)), int(match.group(2))
                day_first |= first > 12 >= second
                month_first |= second > 12 >= first
    if day_first == month_first:
        return None
    return "dmy" if day_first else "mdy"


def parse_day(text: str, order: str | None = None) -> tuple[date, str] | str:
    """(day, precision) of a catalogue date, or why it is not one. A month or a year alone
    gives its first day, with its precision kept; times are dropped, the day is as written."""
    written = _WEEKDAY.sub("", text.strip())
    match = _ISO_DAY.fullmatch(written) or _COMPACT_DAY.fullmatch(written)
    if match:
        return _day(text, int(match.group(1)), int(match.group(2)), int(match.group(3)), "day")
    match = _ISO_MONTH.fullmatch(written)
    if match:
        return _day(text, int(match.group(1)), int(match.group(2)), 1, "month")
    match = _YEAR.fullmatch(written)
    if match:
        return _day(text, int(match.group(1)), 1, 1, "year")
    match = _NUMERIC_DAY.fullmatch(written)
    if match:
        return _numeric_day(text, int(match.group(1)), int(match.group(2)), int(match.group(3)), order)
    match = _DAY_MONTH_YEAR.fullmatch(written)
    if match and match.group(2).lower() in MONTHS:
        return _day(text, int(match.group(3)), MONTHS[match.group(2).lower()], int(match.group(1)), "day")
    match = _MONTH_DAY_YEAR.fullmatch(written)
    if match and match.group(1).lower() in MONTHS:
        return _day(text, int(match.group(3)), MONTHS[match.group(1).lower()], int(match.group(2)), "day")
    match = _MONTH_YEAR.fullmatch(written)
    if match and match.group(1).lower() in MONTHS:
        return _day(text, int(match.group(2)), MONTHS[match.group(1).lower()], 1, "month")
    return _bad(text)


def _numeric_day(text: str, first: int, second: int, year: int, order: str | None) -> tuple[date, str] | str:
    if order is None and first != second and first <= 12 and second <= 12:
        return f"ambiguous date {text[:40]!r}: day/month or month/day? Write it as YYYY-MM-DD"
    if order == "mdy" or (order is None and second > 12):
        first, second = second, first
    return _day(text, year, second, first, "day")


def _day(text: str, year: int, month: int, day: int, precision: str) -> tuple[date, str] | str:
    if not 1900 <= year <= 2100:
        return _bad(text)
    try:
        return date(year, month, day), precision
    except ValueError:
        return _bad(text)


def _bad(text: str) -> str:
    return f"bad date {text[:40]!r}"


# --- an entry as a Cairn document -----------------------------------------------


def entry_identity(entry: CatalogueEntry) -> str:
    """What names the entry across re-imports: its link normalised, else its title, day and organisation."""
    if entry.url:
        identity = normalise_url(entry.url)
    else:
        day = _stated_day(entry) or ""
        identity = "|".join(_one_line(part).casefold() for part in (entry.title or "", day, entry.organisation or ""))
    return identity if len(identity) <= IDENTITY_LENGTH else identity[:IDENTITY_LENGTH]


def normalise_url(url: str) -> str:
    """The same page however the catalogue spells its link: https, lowercase host without
    credentials or default port, no fragment, trailing slash or utm_ tracking parameters."""
    parts = _URL_PARTS.match(url)
    if parts is None:
        return url
    host = _DEFAULT_PORT.sub("", parts.group(1).rsplit("@", 1)[-1].lower())
    query = parts.group(3) or ""
    if "utm_" in query.lower():
        query = "&".join(pair for pair in query.split("&") if not pair.lower().startswith("utm_"))
    return f"https://{host}{parts.group(2).rstrip('/')}" + (f"?{query}" if query else "")


def _stated_day(entry: CatalogueEntry) -> str | None:
    """The day as precisely as the catalogue gave it: 2012-12-22, 2012-12 or 2012."""
    if entry.day is None:
        return None
    return entry.day.isoformat()[: {"year": 4, "month": 7}.get(entry.precision or "day", 10)]


def _spoken_day(entry: CatalogueEntry) -> str:
    assert entry.day is not None
    if entry.precision == "year":
        return f"in {entry.day.year}"
    if entry.precision == "month":
        return f"in {MONTH_NAMES[entry.day.month - 1]} {entry.day.year}"
    return f"on {entry.day.isoformat()}"


def entry_title(entry: CatalogueEntry) -> str:
    """The entry's title, else its organisation (or service) and day, else its link's host and page, else its day."""
    if entry.title:
        return entry.title[:200]
    who = entry.organisation or next(iter(entry.services), None)
    if who:
        return (f"{who} incident " + (_spoken_day(entry) if entry.day else "")).strip()[:200]
    if entry.url:
        parts = urlsplit(entry.url)
        page = next((piece for piece in reversed(parts.path.split("/")) if piece), "")
        page = _one_line(re.sub(r"[-_+]+", " ", re.sub(r"\.(html?|php|aspx?)$", "", page)))
        return (f"{parts.hostname}: {page}" if page else f"Incident at {parts.hostname}")[:200]
    return f"Incident {_spoken_day(entry)}"


def match_severity(written: str, severities: Iterable[str]) -> str | None:
    """The allowed severity a written one means: same letters and digits ("sev-1" is SEV1), or the same
    number after a usual prefix ("P1", "S1", "1", "Severity 1" are the first level numbered 1)."""
    allowed = list(severities)
    key = normalise_name(written)
    by_key = {normalise_name(name): name for name in allowed}
    if key in by_key:
        return by_key[key]
    number = re.fullmatch(r"(?:sev|severity|s|p|priority|level|l)?(\d+)", key)
    if number:
        return next((name for name in allowed if re.fullmatch(rf"[a-z]*{number.group(1)}", normalise_name(name))), None)
    return None


def _slug(text: str) -> str:
    """A tag as Cairn spells them: lowercase, words joined by hyphens."""
    return _NOT_SLUG.sub("-", text.casefold()).strip("-")[:100]


def _labels(values: Iterable[str]) -> list[str]:
    return list(dict.fromkeys(label for label in (_one_line(value)[:100] for value in values) if label))


def entry_document(entry: CatalogueEntry, options: HistoryOptions) -> tuple[IncidentDoc, MappingReport]:
    """The incident an entry becomes (no prose of its own, a link to the original) and its report."""
    title = entry_title(entry)
    report = MappingReport(f"{entry.source} ({entry.where})" if entry.source else entry.where, title)
    line = _where_number(entry.where) if entry.where.startswith("line") else 0
    severity = _entry_severity(entry, options, report)
    started = datetime.combine(entry.day, time(0), tzinfo=timezone.utc) if entry.day else None
    timeline = []
    if started is not None:
        text = f"Published postmortem: {entry.url}" if entry.url else f"Listed in {entry.source or 'a catalogue'}"
        timeline.append(EventDoc(started, "note", text, source="history", ref=f"{entry.source}:{entry.where}"))
        report.moments["started"] = f"{entry.columns.get('day', 'date')} ({_precision_note(entry)})"
        report.events = 1
    else:
        report.problems.append("no date: an incident needs the day its impact started; add it to the catalogue")
    details = _details(entry)
    sections = [SectionDoc(DETAILS_TITLE, details)] if details else []
    report.free_sections += [DETAILS_TITLE] if details else []
    report.placed += _placed(entry, line, bool(details))
    report.unread += [(line, note) for note in entry.notes]
    doc = IncidentDoc(
        title=title, severity=severity or "", timezone="UTC",
        services=_labels(entry.services or [entry.organisation or ""]) or ([options.service] if options.service else []),
        teams=[options.team] if options.team else [],
        tags=list(dict.fromkeys(filter(None, map(_slug, [*entry.categories, *entry.tags])))),
        moments=KeyMoments(started=started), timeline=timeline,
        postmortem=PostmortemDoc(prose=_prose(entry), sections=sections),
    )
    return doc, report


def _entry_severity(entry: CatalogueEntry, options: HistoryOptions, report: MappingReport) -> str | None:
    matched = match_severity(entry.severity, options.severities) if entry.severity else None
    if matched:
        report.severity_from = f"stated: {entry.severity!r}"
        return matched
    unknown = f" ({entry.severity!r} is not one of {', '.join(options.severities)})" if entry.severity else ""
    if options.severity:
        report.severity_from = f"default {options.severity}{unknown}"
        return options.severity
    report.problems.append("no severity stated: give a default severity" + unknown)
    return None


def _precision_note(entry: CatalogueEntry) -> str:
    if entry.precision == "month":
        return "month only: its first day, 00:00 UTC"
    if entry.precision == "year":
        return "year only: its first day, 00:00 UTC"
    return "day only: 00:00 UTC"


def _prose(entry: CatalogueEntry) -> dict[str, str]:
    parts = [piece for piece in (entry.summary, f"Original postmortem: {entry.url}" if entry.url else None) if piece]
    return {"summary": "\n\n".join(parts)} if parts else {}


def _details(entry: CatalogueEntry) -> str:
    """The free section: columns Cairn has no field for, and what the incident's fields cannot show."""
    lines: list[tuple[str, str]] = []
    if entry.day and entry.precision in ("month", "year"):
        lines.append((entry.columns.get("day", "Date"), f"{_stated_day(entry)} ({entry.precision} only; the incident starts on its first day)"))
    if entry.organisation and entry.services:
        lines.append((entry.columns.get("organisation", "Organisation"), entry.organisation))
    if entry.severity:
        lines.append((entry.columns.get("severity", "Severity"), entry.severity))
    lines += list(entry.extra.items())
    return "\n".join(f"- {column}: " + value.replace("\n", "\n  ") for column, value in lines)


def _placed(entry: CatalogueEntry, line: int, details: bool) -> list[tuple[int, str, str]]:
    goes = {"title": "title", "day": "started (and the timeline note)", "organisation": "services" if not entry.services else "Catalogue details",
            "services": "services", "categories": "tags", "tags": "tags", "url": "the timeline note and the summary",
            "summary": "summary", "severity": "severity"}
    placed = [(line, column, goes[name]) for name, column in entry.columns.items()]
    if details:
        placed += [(line, column, f"free section {DETAILS_TITLE!r}") for column in entry.extra]
    return placed
