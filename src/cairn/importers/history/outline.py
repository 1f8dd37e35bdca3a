"""A postmortem written elsewhere, cut into its parts: other tools' front matter,
the title, the text before the first heading, and its headings with the text
under each, then each part assigned to what it is about (`headings.HeadingMap`).

Headings are found by a Markdown parser (markdown-it), so a `#` line inside a
code block is not a heading and underlined (setext) headings are. Text is kept
verbatim by line; every part remembers the file line it starts on, for the
mapping report.

How parts nest: a heading that names a kind opens a part of that kind; the
headings below it that name nothing stay inside it as sub-headings (so "Root
cause / The technical problem" is one part), while one that names a kind of
its own ("Lessons learned / What went well") opens its own part. A heading at
the top that names nothing becomes a free section under its own title:
nothing is dropped.
"""

from __future__ import annotations

import re
import tomllib
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any

import yaml
from markdown_it import MarkdownIt

from cairn.errors import InvalidInput
from cairn.importers.history.headings import HeadingMap

_PARSER = MarkdownIt("commonmark").enable("table")
FRONT_MATTER = {"---": "yaml", "+++": "toml"}


@dataclass(frozen=True)
class Heading:
    level: int
    text: str
    line: int  # 1-based line of the file
    start: int  # index into Outline.lines of the heading's first line
    body_start: int  # index into Outline.lines of the first line after the heading
    body_end: int  # index of the first line past its own text (the next heading)


@dataclass(frozen=True)
class Outline:
    lines: list[str]  # the body (front matter removed), without line ends
    first_line: int  # file line of lines[0]
    meta: dict[str, Any]  # title, date, authors, tags, categories from front matter, when stated
    title: str | None
    title_line: int | None
    preamble: tuple[tuple[int, int], ...]  # [start, end) ranges of the text outside every heading (above and below the title)
    headings: list[Heading]

    def text(self, start: int, end: int) -> str:
        return "\n".join(self.lines[start:end]).strip("\n")


@dataclass
class Part:
    """One part of the document and where it goes."""

    kind: str | None  # a kind of headings.KINDS, "preamble", or None: a free section
    heading: str | None
    line: int
    markdown: str
    sub_headings: list[str] = field(default_factory=list)
    lines: list[tuple[int, str]] = field(default_factory=list)  # (file line, text) of its text, sub-headings included, for the readers


def _front_matter(lines: list[str], source: str) -> tuple[dict[str, Any], int]:
    """(metadata, lines it took) of YAML (---) or TOML (+++) front matter at the very top."""
    if not lines or lines[0].strip() not in FRONT_MATTER:
        return {}, 0
    fence = lines[0].strip()
    for index in range(1, len(lines)):
        if lines[index].strip() == fence:
            raw = "\n".join(lines[1:index])
            try:
                data = yaml.safe_load(raw) if FRONT_MATTER[fence] == "yaml" else tomllib.loads(raw)
            except (yaml.YAMLError, tomllib.TOMLDecodeError) as error:
                mark = getattr(error, "problem_mark", None)
                where = f"{source}:{mark.line + 2}" if mark is not None else f"{source}:2"
                raise InvalidInput(f"{where}: the {FRONT_MATTER[fence].upper()} front matter cannot be read: {_first_line(error)}") from None
            return (data if isinstance(data, dict) else {}), index + 1
    return {}, 0  # a lone --- is a thematic break, not front matter


def _first_line(error: Exception) -> str:
    return str(error).strip().splitlines()[0] if str(error).strip() else type(error).__name__


def _listed(value: Any) -> list[str]:
    if value is None:
        return []
    if isinstance(value, str):
        return [part.strip() for part in re.split(r"[,;]", value) if part.strip()]
    if isinstance(value, (list, tuple)):
        return [str(item).strip() for item in value if str(item).strip()]
    return [str(value)]


def _meta(data: dict[str, Any]) -> dict[str, Any]:
    """The fields a history import reads from another tool's front matter."""
    lowered = {str(key).casefold(): value for key, value in data.items()}
    found: dict[str, Any] = {}
    if isinstance(lowered.get("title"), str) and lowered["title"].strip():
        found["title"] = lowered["title"].strip()
    stated = lowered.get("date") or lowered.get("published") or lowered.get("created")
    if isinstance(stated, (date, datetime)):
        found["date"] = stated
    elif isinstance(stated, str) and stated.strip():
        found["date"] = stated.strip()
    authors = _listed(lowered.get("authors")) or _listed(lowered.get("author"))
    if authors:
        found["authors"] = authors
    for name in ("tags", "categories"):
        if _listed(lowered.get(name)):
            found[name] = _listed(lowered.get(name))
    return found


def read_outline(text: str, source: str = "document", headings: HeadingMap | None = None) -> Outline:
    """The parts of a Markdown document, by its headings. The title is the front
    matter's, else the document's one top-level heading, else a top-level heading
    at the very top that names no part ("# Summary" is a part, not a title)."""
    headings_map = headings or HeadingMap()
    all_lines = text.replace("\r\n", "\n").replace("\r", "\n").split("\n")
    data, skipped = _front_matter(all_lines, source)
    lines = all_lines[skipped:]
    tokens = _PARSER.parse("\n".join(lines))
    found: list[tuple[int, str, int, int]] = []  # (level, text, first line, line after the heading)
    for index, token in enumerate(tokens):
        if token.type == "heading_open" and token.map:
            inline = tokens[index + 1].content if index + 1 < len(tokens) else ""
            found.append((int(token.tag[1:]), inline.strip(), token.map[0], token.map[1]))
    marks = []
    for index, (level, heading_text, start, after) in enumerate(found):
        end = found[index + 1][2] if index + 1 < len(found) else len(lines)
        marks.append(Heading(level, heading_text, skipped + start + 1, start, after, end))
    meta = _meta(data)
    title, title_line = meta.get("title"), None
    preamble_end = marks[0].start if marks else len(lines)
    preamble: tuple[tuple[int, int], ...] = ((0, preamble_end),)
    if marks and marks[0].level == 1:
        first = marks[0]
        alone = not any(mark.level == 1 for mark in marks[1:])
        at_top = not "".join(lines[:first.start]).strip()
        if alone or (at_top and headings_map.kind_of(first.text) is None):
            marks.pop(0)
            title, title_line = title or first.text, first.line
            preamble = ((0, first.start), (first.body_start, marks[0].start if marks else len(lines)))
    return Outline(lines, skipped + 1, meta, title, title_line, preamble, marks)


def parts_of(outline: Outline, headings: HeadingMap | None = None) -> list[Part]:
    """Each part of the document with the kind it maps to, in document order."""
    headings = headings or HeadingMap()
    parts: list[Part] = []
    pieces = [(_first_written(outline.lines, start, end), outline.text(start, end)) for start, end in outline.preamble if outline.text(start, end).strip()]
    if pieces:
        numbered = [(outline.first_line + index, outline.lines[index]) for start, end in outline.preamble for index in range(start, end)]
        parts.append(Part("preamble", None, outline.first_line + pieces[0][0], "\n\n".join(text for _start, text in pieces), lines=numbered))
    open_parts: list[tuple[int, Part]] = []  # (heading level, part) of the parts still open
    for heading in outline.headings:
        while open_parts and open_parts[-1][0] >= heading.level:
            open_parts.pop()
        own = outline.text(heading.body_start, heading.body_end)
        own_lines = [(outline.first_line + index, outline.lines[index]) for index in range(heading.body_start, heading.body_end)]
        kind = headings.kind_of(heading.text)
        if kind is None and open_parts:  # a sub-heading of a part: kept inside it, as a sub-heading
            level, parent = open_parts[-1]
            depth = min(6, 3 + max(0, heading.level - level - 1))
            parent.markdown = "\n\n".join(piece for piece in (parent.markdown, f"{'#' * depth} {heading.text}", own) if piece)
            parent.sub_headings.append(heading.text)
            parent.lines += [(heading.line, f"{'#' * depth} {heading.text}"), *own_lines]
            continue
        part = Part(kind, heading.text, heading.line, own, lines=own_lines)  # a part starts at its heading
        parts.append(part)
        open_parts.append((heading.level, part))
    return parts


def _first_written(lines: list[str], start: int, end: int) -> int:
    """The index of the first line with text in [start, end)."""
    return next((index for index in range(start, end) if lines[index].strip()), start)
