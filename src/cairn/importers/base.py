"""The importer interface, shared records and source detection."""

from __future__ import annotations

import io
import zipfile
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import IO, NamedTuple, Protocol
from zoneinfo import ZoneInfo

from cairn.errors import ImportFailed

SNIFF_BYTES = 64 * 1024


class RawEvent(NamedTuple):
    """One normalised record: UTC time, kind, text, who, and its id in the source.

    A named tuple rather than a dataclass: importers make one per record, and
    building a tuple costs a fraction of a frozen dataclass."""

    at: datetime
    kind: str
    text: str
    actor: str | None
    source: str
    ref: str
    where: str
    level: str | None = None  # canonical level name (domain.levels.LEVELS), when the source states one
    component: str | None = None  # the logger, tag or daemon that wrote the line


@dataclass(frozen=True)
class Rejected:
    where: str
    reason: str


@dataclass(frozen=True)
class Filtered:
    """Read fine but left out on purpose (noise, below the level, outside the window)."""

    where: str
    why: str


Record = RawEvent | Rejected | Filtered


@dataclass(frozen=True)
class ImportOptions:
    zone: ZoneInfo = field(default_factory=lambda: ZoneInfo("UTC"))
    since: datetime | None = None
    until: datetime | None = None
    level: str | None = None  # lowest log level kept
    log_format: str | None = None  # explicit timestamp format family for log files (timestamps.FORMATS)
    time_format: str | None = None  # or a strptime pattern stated by the user, e.g. "%y%m%d %H%M%S"
    channel: str | None = None  # Slack channel to read from an export
    year: int | None = None  # for timestamps without a year (syslog), when no `near` is known
    near: datetime | None = None  # the incident's start: a timestamp without a year takes the year nearest to it
    max_unzipped_bytes: int = 1024 * 1024 * 1024  # a zip may unpack to this much in all
    max_zip_ratio: int = 100  # and no member may be compressed more than this many times


def open_zip(path: Path, options: ImportOptions) -> zipfile.ZipFile:
    """The archive at `path`, once its directory shows it is no zip bomb.

    Reading trusts the sizes the directory declares (zipfile stops a member at
    its declared size and fails its CRC check past it), so checking them
    before reading anything bounds what an import can unpack.
    """
    try:
        archive = zipfile.ZipFile(path)
    except (zipfile.BadZipFile, OSError) as error:
        raise ImportFailed(f"not a readable zip archive: {error}", source=str(path)) from None
    total = 0
    for info in archive.infolist():
        total += info.file_size
        ratio = info.file_size / max(info.compress_size, 1)
        if info.file_size > 1024 * 1024 and ratio > options.max_zip_ratio:
            archive.close()
            raise ImportFailed(
                f"refused as a likely zip bomb: {info.filename[:100]} unpacks {ratio:.0f} times its packed size "
                f"(at most {options.max_zip_ratio})", source=str(path),
            )
    if total > options.max_unzipped_bytes:
        archive.close()
        raise ImportFailed(
            f"refused: the archive unpacks to {total:,} bytes, more than the {options.max_unzipped_bytes:,} allowed", source=str(path),
        )
    return archive


class Importer(Protocol):
    name: str

    def sniff(self, head: bytes, path: Path) -> int:
        """Confidence 0-100 that the file is in this importer's format."""

    def read(self, path: Path, options: ImportOptions, progress: "Progress") -> Iterator[Record]:
        """Stream records; raise ImportFailed when the file is not this format at all."""


Progress = Callable[[int], None]  # called with bytes (or members) done so far


class CountingReader(io.RawIOBase):
    """A binary file wrapper that reports how far reading has got."""

    def __init__(self, raw: IO[bytes], progress: Progress) -> None:
        self.raw = raw
        self.progress = progress
        self.done = 0

    def readable(self) -> bool:
        return True

    def readinto(self, buffer) -> int:  # type: ignore[no-untyped-def, override]
        data = self.read_block(len(buffer))
        count = len(data)
        buffer[:count] = data
        return count

    def read_block(self, size: int) -> bytes:
        """Up to `size` bytes (none at the end), reported; without readinto's copy."""
        data = self.raw.read(size)
        self.done += len(data)
        self.progress(self.done)
        return data


TEXT_BLOCK = 1 << 16  # bytes read at a time; progress is reported after each


def open_text_lines(path: Path, progress: Progress) -> Iterator[tuple[int, str]]:
    """(line number, line) of a UTF-8 file, streamed; invalid UTF-8 names its line.

    Lines end at line feeds only and lose their trailing line feeds and
    carriage returns; a byte-order mark opening the file is dropped. Read and
    decoded a block of whole lines at a time, which costs a fraction of
    reading and decoding line by line; a block that is not valid UTF-8 is
    read again line by line, so that the lines before the bad one still come
    first."""
    with path.open("rb") as raw:
        counting = CountingReader(raw, progress)
        number = 0
        pending: list[bytes] = []  # the start of a line longer than a block
        while True:
            block = counting.read_block(TEXT_BLOCK)
            if block:
                cut = block.rfind(b"\n") + 1
                if not cut:
                    pending.append(block)
                    continue
                data = b"".join((*pending, block[:cut])) if pending else block[:cut]
                pending = [block[cut:]] if cut < len(block) else []
            elif pending:
                data, pending = b"".join(pending), []
            else:
                return
            try:
                text = data.decode("utf-8")
            except UnicodeDecodeError:
                pieces = data.split(b"\n")
                if data.endswith(b"\n"):
                    pieces.pop()
                for line in pieces:
                    number += 1
                    try:
                        decoded = line.decode("utf-8")
                    except UnicodeDecodeError:
                        raise ImportFailed("not valid UTF-8", source=str(path), line=number) from None
                    yield number, (decoded[1:] if number == 1 and decoded.startswith("\ufeff") else decoded).rstrip("\r\n")
                continue
            lines = text.split("\n")
            if text.endswith("\n"):
                lines.pop()
            if number == 0 and lines and lines[0].startswith("\ufeff"):
                lines[0] = lines[0][1:]
            if "\r" in text:
                lines = [line.rstrip("\r\n") for line in lines]
            yield from zip(range(number + 1, number + 1 + len(lines)), lines)
            number += len(lines)


NUL_REASON = "contains a NUL character, which Cairn does not store: remove it from the source"


def refuse_nul(records: Iterable[Record]) -> Iterator[Record]:
    """Every importer's records, with those holding a NUL character (text,
    actor or reference) turned into rejections that name their file and line.

    One rule for every source and database: PostgreSQL cannot store NUL and
    SQLite would keep it silently, so the record is refused, and the import
    summary counts and lists it like any other rejected record."""
    for item in records:
        if type(item) is RawEvent and ("\x00" in item.text or "\x00" in item.ref or (item.actor is not None and "\x00" in item.actor)):
            yield Rejected(item.where, NUL_REASON)
        else:
            yield item


def in_window(at: datetime, options: ImportOptions) -> bool:
    if options.since is not None and at < options.since:
        return False
    if options.until is not None and at >= options.until:
        return False
    return True


def importers() -> dict[str, Importer]:
    from cairn.importers import alertmanager, logfile, pagerduty, slack, webhooks

    found: list[Importer] = [
        slack.SlackImporter(),
        pagerduty.PagerDutyImporter(),
        alertmanager.AlertmanagerImporter(),
        webhooks.GrafanaImporter(),
        webhooks.OpsgenieImporter(),
        webhooks.GitHubDeploymentImporter(),
        logfile.LogFileImporter(),
    ]
    return {importer.name: importer for importer in found}


def detect(path: Path) -> Importer:
    """The importer most confident about `path`; refuses when none is."""
    head = b""
    if path.is_file():
        with path.open("rb") as file:
            head = file.read(SNIFF_BYTES)
    scored = sorted(((imp.sniff(head, path), name, imp) for name, imp in importers().items()), reverse=True)
    best_score, _name, best = scored[0]
    if best_score < 30:
        names = ", ".join(importers())
        raise ImportFailed(f"cannot tell what this file is: name its source ({names})", source=str(path))
    return best
