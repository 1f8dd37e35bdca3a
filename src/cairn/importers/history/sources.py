"""The files of a history import: documents named one by one, folders read
recursively, and zip archives, each file with a stable name.

The name is what the import remembers as the incident's origin, so it must
not depend on where the command was run: a file named directly is known by
its own name, a file in a folder by its path from the folder's own name
(`postmortems/2024/db-outage.md`), a file in a zip by the zip's name and its
path inside (`export.zip/pages/outage.html`).

Only files that can be documents or catalogues are read: by extension
(Markdown, text, HTML, CSV, JSON), or any file without an extension (many
wikis export those). Hidden files, macOS resource forks and version-control
folders are skipped. Zips are read in memory with limits on the number of
entries and on what they unpack to, so an archive cannot exhaust the machine.
"""

from __future__ import annotations

import io
import re
import sys
import zipfile
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path, PurePosixPath

from cairn.errors import ImportFailed

DOCUMENT_SUFFIXES = {".md", ".markdown", ".mdown", ".mkd", ".txt", ".text", ".html", ".htm", ".xhtml",
                     ".csv", ".tsv", ".json", ".jsonl", ".ndjson"}
MAX_FILE_BYTES = 50 * 1024 * 1024
MAX_ZIP_ENTRIES = 20_000
MAX_ZIP_BYTES = 1024 * 1024 * 1024
_SKIPPED_FOLDERS = {".git", ".hg", ".svn", "__MACOSX", "node_modules", ".obsidian"}


@dataclass(frozen=True)
class SourceFile:
    name: str  # for messages: as the person named it
    data: bytes
    identity: str = ""  # stable, for the origin (see the module's docstring); "" when the file has none


@dataclass(frozen=True)
class Unreadable:
    """A file named for the import that could not be read at all."""

    name: str
    why: str


@dataclass(frozen=True)
class Skipped:
    """A file in a folder or zip that is not a postmortem (a licence, a readme, a template): listed, not read."""

    name: str
    why: str


_NOT_POSTMORTEMS = {"license", "licence", "copying", "notice", "authors", "contributing", "code_of_conduct", "changelog",
                    "security", "readme", "index", "sidebar", "_sidebar", "summary", "codeowners", "makefile", "dockerfile",
                    "gemfile", "procfile", "package.json", "package-lock.json", "mkdocs", "_config", "config", "hugo"}


_DATED = re.compile(r"(?<!\d)(?:19|20)\d{2}[-_.]?\d{2}(?!\d)")
_WORDS = re.compile(r"[a-z]+")


def not_a_postmortem(name: str) -> str | None:
    """Why a file found in a folder is not read as a postmortem, or None. Only for
    files found by walking: a file named directly is always read, and so is any
    file whose name carries a date (`2024-03-01-helm-template-outage.md`)."""
    path = PurePosixPath(name)
    stem = path.stem.casefold()
    if _DATED.search(stem):
        return None
    if stem in _NOT_POSTMORTEMS or path.name.casefold() in _NOT_POSTMORTEMS:
        return "a repository's own file, not a postmortem"
    if {"template", "templates"} & set(_WORDS.findall(stem)):
        return "a template, not a postmortem"
    return None


def wanted(name: str) -> bool:
    """Whether a file in a folder or zip may be a document: by its extension, or having none."""
    path = PurePosixPath(name)
    if any(part.startswith(".") or part in _SKIPPED_FOLDERS for part in path.parts):
        return False
    return path.suffix.lower() in DOCUMENT_SUFFIXES or not path.suffix


def is_zip(data: bytes) -> bool:
    return data[:4] == b"PK\x03\x04"


def from_zip(data: bytes, name: str, identity: str = "") -> Iterator[SourceFile | Unreadable | Skipped]:
    """The documents inside a zip, in their order in the archive."""
    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
        entries = [entry for entry in archive.infolist() if not entry.is_dir() and wanted(entry.filename)]
    except (zipfile.BadZipFile, ValueError, OSError) as error:
        yield Unreadable(name, f"not a readable zip archive ({error})")
        return
    if len(entries) > MAX_ZIP_ENTRIES:
        yield Unreadable(name, f"the archive holds {len(entries):,} files; at most {MAX_ZIP_ENTRIES:,} are read at once")
        return
    unpacked = 0
    for entry in entries:
        inner = f"{name}/{entry.filename}"
        why = not_a_postmortem(entry.filename)
        if why:
            yield Skipped(inner, why)
            continue
        if entry.file_size > MAX_FILE_BYTES:
            yield Unreadable(inner, f"{entry.file_size:,} bytes unpacked; at most {MAX_FILE_BYTES:,} are read")
            continue
        unpacked += entry.file_size
        if unpacked > MAX_ZIP_BYTES:
            yield Unreadable(inner, f"the archive unpacks to more than {MAX_ZIP_BYTES:,} bytes; the rest is not read")
            return
        try:
            with archive.open(entry) as stream:
                content = stream.read(MAX_FILE_BYTES + 1)
        # zipfile raises these for a damaged entry, a compression method it does not
        # implement (NotImplementedError), an encrypted entry (RuntimeError) or a cut-off archive.
        except (zipfile.BadZipFile, NotImplementedError, RuntimeError, OSError, EOFError) as error:
            yield Unreadable(inner, f"cannot unpack ({error})")
            continue
        if len(content) > MAX_FILE_BYTES:
            yield Unreadable(inner, f"unpacks to more than {MAX_FILE_BYTES:,} bytes")
            continue
        yield SourceFile(inner, content, f"{identity}/{entry.filename}" if identity else "")


def _read(path: Path, name: str, identity: str) -> SourceFile | Unreadable:
    try:
        size = path.stat().st_size
        if size > MAX_FILE_BYTES:
            return Unreadable(name, f"{size:,} bytes; at most {MAX_FILE_BYTES:,} are read")
        return SourceFile(name, path.read_bytes(), identity)
    except OSError as error:
        return Unreadable(name, f"cannot read: {error.strerror or error}")


def _expand_one(file: SourceFile | Unreadable) -> Iterator[SourceFile | Unreadable | Skipped]:
    if isinstance(file, SourceFile) and is_zip(file.data):
        yield from from_zip(file.data, file.name, file.identity)
    else:
        yield file


def files_of(paths: list[Path]) -> Iterator[SourceFile | Unreadable | Skipped]:
    """Every document under the paths given, folders recursively, zips opened; in a stable order."""
    for path in paths:
        if path.is_dir():
            root = path.resolve()
            for found in sorted(root.rglob("*")):
                relative = found.relative_to(root)
                if not found.is_file() or not wanted(relative.as_posix()) and not found.suffix.lower() == ".zip":
                    continue
                why = not_a_postmortem(relative.name)
                if why:
                    yield Skipped(str(path / relative), why)
                    continue
                yield from _expand_one(_read(found, str(path / relative), found.as_posix()))
        elif str(path) == "-":
            yield SourceFile("<stdin>", sys.stdin.buffer.read())
        elif path.exists():
            yield from _expand_one(_read(path, str(path), path.resolve().as_posix()))
        else:
            yield Unreadable(str(path), "cannot read: no such file or folder")


def count_of(paths: list[Path]) -> int | None:
    """How many files `files_of` will look at (zips count once), for a progress bar; None when unknown."""
    total = 0
    for path in paths:
        if path.is_dir():
            total += sum(1 for found in path.rglob("*") if found.is_file() and (wanted(found.relative_to(path).as_posix()) or found.suffix.lower() == ".zip"))
        else:
            total += 1
    return total


def text_of(file: SourceFile) -> str:
    """The file's text: UTF-8 (a byte-order mark is dropped), or one line naming where it stops being UTF-8."""
    data = file.data
    if data.startswith(b"\xef\xbb\xbf"):
        data = data[3:]
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError as error:
        line = data[: error.start].count(b"\n") + 1
        raise ImportFailed(f"not valid UTF-8 (byte {error.start + 1}): save it as UTF-8",
                           source=file.name, line=line) from None
