"""The portable Markdown document: YAML front matter plus prose sections.

Layout::

    ---
    <front matter: metadata, key moments, factors, action items, timeline>
    ---
    ## Summary

    text...

    ## <free section title>

    text...

Sections are level-2 headings; text inside a section may use level 3 and
deeper. `render(parse(text))` gives back `text` for every document Cairn
writes, which is what makes the format safe to keep in git.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from cairn.domain.document import DIAGRAMS_TITLE, PROSE_SECTIONS, RESERVED_TITLES, IncidentDoc, SectionDoc
from cairn.domain.names import check_storable
from cairn.errors import ImportFailed, InvalidInput
from cairn.formats.fielderror import FieldError, Path

if TYPE_CHECKING:
    from markdown_it import MarkdownIt

# YAML, Markdown-it and the data mapping are imported where a document is
# parsed or rendered: the text checks below are on every write's path.

_TITLE_BY_NAME = dict(PROSE_SECTIONS)
_NAME_BY_TITLE = {title.casefold(): name for name, title in PROSE_SECTIONS}
_SENTINEL = "## \u2063end"
TITLE_LIMIT = 200


def _parser() -> MarkdownIt:
    from markdown_it import MarkdownIt

    return MarkdownIt("commonmark")


def clean_text(value: str, what: str) -> str:
    """Normalise line breaks and refuse characters no database can keep."""
    check_storable(value, what)
    return value.replace("\r\n", "\n").replace("\r", "\n")


def clean_body(value: str, what: str) -> str:
    """Canonical section text: no leading or trailing blank lines."""
    lines = clean_text(value, what).split("\n")
    while lines and not lines[0].strip():
        lines.pop(0)
    while lines and not lines[-1].strip():
        lines.pop()
    return "\n".join(lines)


def check_section_body(body: str, what: str) -> None:
    """A section's text must not start new sections or swallow the next one."""
    if not body:
        return
    probe = body + "\n\n" + _SENTINEL
    tokens = _parser().parse(probe)
    sentinel_line = probe.count("\n")
    for token in tokens:
        if token.type != "heading_open" or token.tag not in ("h1", "h2") or token.map is None:
            continue
        if token.map[0] == sentinel_line:
            return
        raise InvalidInput(
            f"{what}: line {token.map[0] + 1} is a level-{token.tag[1]} heading; "
            "sections are level 2, so use ### or deeper inside a section"
        )
    raise InvalidInput(f"{what}: an unclosed code fence, HTML block or comment runs to the end of the section")


def check_section_title(title: str, what: str) -> str:
    clean = " ".join(clean_text(title, what).split())
    if not clean:
        raise InvalidInput(f"{what}: a section needs a title")
    if clean.endswith("#"):
        raise InvalidInput(f"{what}: a section title cannot end with '#'")
    if len(clean) > TITLE_LIMIT:
        raise InvalidInput(f"{what}: a section title is longer than {TITLE_LIMIT} characters")
    return clean


@dataclass
class ParsedDocument:
    doc: IncidentDoc
    lines: dict[Path, int]
    front_matter_offset: int

    def line_of(self, path: Path) -> int | None:
        from cairn.formats import yamlio

        line = yamlio.line_for(self.lines, path)
        return None if line is None else line + self.front_matter_offset


def render(doc: IncidentDoc) -> str:
    """Write the document; the inverse of `parse`."""
    from cairn.formats import yamlio
    from cairn.formats.data import incident_to_data

    front = yamlio.dump(incident_to_data(doc, with_prose=False))
    blocks = []
    for name, title in PROSE_SECTIONS:
        blocks.append(_block(title, doc.postmortem.prose.get(name, "")))
    for section in doc.postmortem.sections:
        blocks.append(_block(section.title, section.body))
    return "---\n" + front + "---\n" + "\n".join(blocks)


def _block(title: str, body: str) -> str:
    return f"## {title}\n" + (f"\n{body}\n" if body else "")


def parse(text: str, source: str | None = None) -> ParsedDocument:
    """Read a document; errors name the source and line."""
    import yaml

    from cairn.formats import yamlio
    from cairn.formats.data import incident_from_data

    text = text.replace("\r\n", "\n").replace("\r", "\n")
    if text.startswith("\ufeff"):
        text = text[1:]
    lines = text.split("\n")
    for number, line in enumerate(lines, start=1):
        try:
            check_storable(line, "this line")
        except InvalidInput as error:
            raise ImportFailed(str(error), source=source, line=number) from None
    if not lines or lines[0].strip() != "---":
        raise ImportFailed("missing front matter: the document must start with a '---' line", source=source, line=1)
    closing = next((i for i in range(1, len(lines)) if lines[i].rstrip() in ("---", "...")), None)
    if closing is None:
        raise ImportFailed("front matter is not closed: add a '---' line after it", source=source, line=1)
    front_text = "\n".join(lines[1:closing])
    offset = 1  # front matter starts on file line 2
    try:
        data, node_lines = yamlio.load_with_lines(front_text)
    except yamlio.UnsafeYaml as error:
        raise ImportFailed(f"front matter: {error.reason}", source=source, line=error.line + offset) from None
    except yaml.YAMLError as error:
        mark = getattr(error, "problem_mark", None) or getattr(error, "context_mark", None)
        line = mark.line + 1 + offset if mark is not None else 1
        problem = getattr(error, "problem", None) or str(error).split("\n")[0]
        raise ImportFailed(f"malformed front matter: {problem}", source=source, line=line) from None
    except ValueError:  # an integer literal with thousands of digits
        raise ImportFailed("malformed front matter: a number is too long to read", source=source, line=2) from None
    if data is None:
        data = {}
    if not isinstance(data, dict):
        raise ImportFailed("malformed front matter: expected key: value lines", source=source, line=2)
    postmortem_data = data.get("postmortem")
    if isinstance(postmortem_data, dict):
        for prose_key in ("sections", "extra_sections"):
            if prose_key in postmortem_data:
                line = yamlio.line_for(node_lines, ("postmortem", prose_key)) or 1
                raise ImportFailed(
                    f"postmortem.{prose_key}: in Markdown the prose lives in the body as '## ' sections",
                    source=source,
                    line=line + offset,
                )
    try:
        doc = incident_from_data(data)
    except FieldError as error:
        line = yamlio.line_for(node_lines, error.path)
        raise ImportFailed(str(error), source=source, line=(line + offset) if line else 2) from None
    body_start = closing + 1
    _read_body(doc, lines[body_start:], body_start, source)
    return ParsedDocument(doc=doc, lines=node_lines, front_matter_offset=offset)


def _read_body(doc: IncidentDoc, lines: list[str], first_line: int, source: str | None) -> None:
    body = "\n".join(lines)
    tokens = _parser().parse(body)
    headings: list[tuple[int, int, str, str]] = []  # start, end (exclusive), level tag, title
    for index, token in enumerate(tokens):
        if token.type != "heading_open" or token.tag not in ("h1", "h2") or token.map is None:
            continue
        start, end = token.map
        if token.markup not in ("#", "##"):
            raise ImportFailed(
                "an underlined (setext) heading; write sections as '## Title', or add a blank line "
                "before '---' if you meant a horizontal rule",
                source=source,
                line=first_line + end,
            )
        title = tokens[index + 1].content.strip()
        headings.append((start, end, token.tag, title))

    def located(message: str, line_index: int) -> ImportFailed:
        return ImportFailed(message, source=source, line=first_line + line_index + 1)

    preamble_end = headings[0][0] if headings else len(lines)
    preamble = "\n".join(lines[:preamble_end]).strip()
    if preamble:
        raise located("text before the first '## ' section; put it under a section such as '## Summary'", 0)

    seen: set[str] = set()
    prose = {name: "" for name, _ in PROSE_SECTIONS}
    extra: list[SectionDoc] = []
    for position, (start, end, tag, title) in enumerate(headings):
        stop = headings[position + 1][0] if position + 1 < len(headings) else len(lines)
        content = clean_body("\n".join(lines[end:stop]), f"section {title!r}")
        if tag == "h1":
            if doc.title and title != doc.title:
                raise located(f"the heading '# {title}' differs from the front matter title {doc.title!r}", start)
            if not doc.title:
                doc.title = title
            if content:
                raise located("text under the '# ' title; put it under a section such as '## Summary'", start + 1)
            continue
        folded = title.casefold()
        if folded == DIAGRAMS_TITLE.casefold():
            continue  # drawn from the data when exported, so nothing to read back
        if folded in seen:
            raise located(f"section {title!r} appears twice", start)
        seen.add(folded)
        if folded in _NAME_BY_TITLE:
            prose[_NAME_BY_TITLE[folded]] = content
        else:
            try:
                check_section_title(title, f"section at line {first_line + start + 1}")
            except InvalidInput as error:
                raise located(str(error), start) from None
            extra.append(SectionDoc(title=title, body=content))
    doc.postmortem.prose = prose
    doc.postmortem.sections = extra


def reserved_title(title: str) -> bool:
    return title.casefold() in RESERVED_TITLES
