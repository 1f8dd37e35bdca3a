"""Postmortem prose (Markdown written by anyone) to HTML that is safe to show.

markdown-it renders CommonMark with raw HTML allowed, because people paste
snippets; nh3 then keeps only an allow-list of tags and attributes, so
scripts, event handlers and `javascript:` links never reach the browser.
"""

from __future__ import annotations

import re
from functools import lru_cache

import nh3
from markdown_it import MarkdownIt
from markdown_it.rules_core import StateCore
from markupsafe import Markup

ALLOWED_TAGS = {
    "a", "abbr", "b", "blockquote", "br", "code", "dd", "del", "details", "dl", "dt", "em",
    "h1", "h2", "h3", "h4", "h5", "h6", "hr", "i", "img", "kbd", "li", "ol", "p", "pre", "s",
    "strong", "sub", "summary", "sup", "table", "tbody", "td", "th", "thead", "tr", "ul",
}
ALLOWED_ATTRIBUTES = {
    "a": {"href", "title"},
    "abbr": {"title"},
    "img": {"src", "alt", "title"},
    "ol": {"start"},
}
ALIGN_CLASSES = {"align-left", "align-center", "align-right"}
URL_SCHEMES = {"http", "https", "mailto"}


def _align_by_class(state: StateCore) -> None:
    """Table alignment as classes, not style attributes: the pages' CSP forbids those."""
    for token in state.tokens:
        if token.type in ("th_open", "td_open") and token.attrs.get("style"):
            side = str(token.attrs.pop("style")).removeprefix("text-align:")
            token.attrs["class"] = f"align-{side}"


@lru_cache(maxsize=1)
def _parser() -> MarkdownIt:
    # Tables and strikethrough are common in postmortems; both are plain HTML.
    parser = MarkdownIt("commonmark", {"html": True}).enable(["table", "strikethrough"])
    parser.core.ruler.push("align_by_class", _align_by_class)
    return parser


@lru_cache(maxsize=1)
def _cleaner() -> nh3.Cleaner:
    return nh3.Cleaner(
        tags=ALLOWED_TAGS,
        clean_content_tags={"script", "style"},
        attributes=ALLOWED_ATTRIBUTES,
        allowed_classes={"th": ALIGN_CLASSES, "td": ALIGN_CLASSES},
        url_schemes=URL_SCHEMES,
        link_rel="noopener noreferrer nofollow",
    )


def render_markdown(text: str | None) -> Markup:
    """Sanitised HTML for `text`; empty input gives empty markup."""
    if not text or not text.strip():
        return Markup("")
    return Markup(_cleaner().clean(_parser().render(text)))


_IMAGE = re.compile(r"<img\b[^>]*>", re.IGNORECASE)


def render_markdown_offline(text: str | None) -> Markup:
    """Sanitised HTML that loads nothing from elsewhere, for standalone files.

    The sanitiser already keeps only http(s) image sources, so every image
    left is remote: each becomes a visible placeholder with its description
    and address, rather than a request to another site (a tracking pixel
    would learn who opened the file, and when)."""
    return Markup(_IMAGE.sub(_placeholder, str(render_markdown(text))))


def _placeholder(match: re.Match[str]) -> str:
    from html import escape
    from html.parser import HTMLParser

    found: dict[str, str] = {}

    class Attributes(HTMLParser):
        def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
            found.update((name, value or "") for name, value in attrs)

    Attributes().feed(match.group(0))
    alt = found.get("alt", "").strip() or "image"
    src = found.get("src", "")
    return (
        f'<span class="image-left-out">[{escape(alt)}: image not included, '
        f"this file loads nothing from elsewhere{': ' + escape(src) if src else ''}]</span>"
    )


_OPEN, _OPEN_END, _CLOSE, _CLOSE_END = "\ue000", "\ue001", "\ue002", "\ue003"


def render_with_findings(text: str | None, findings: list, *, prefix: str = "lint") -> Markup:
    """Render `text` with each lint finding wrapped in a focusable <mark>.

    Markers from Unicode's private use area are put around each finding in
    the source, survive rendering and sanitising as plain text, and are then
    swapped for the mark and its tooltip (explanation and suggestion).
    Overlapping findings share one mark, so marks never nest.
    """
    if not text or not text.strip() or not findings:
        return render_markdown(text)
    import re

    from markupsafe import escape

    # Marker characters typed by a user would confuse the swap: same length, so offsets hold.
    text = re.sub("[\ue000-\ue003]", "\ufffd", text)

    line_starts = [0]
    for index, char in enumerate(text):
        if char == "\n":
            line_starts.append(index + 1)

    def offset(line: int, column: int) -> int:
        return line_starts[line - 1] + column - 1

    spans = sorted(
        (offset(f.line, f.column), offset(f.end_line, f.end_column), f) for f in findings
    )
    groups: list[tuple[int, int, list]] = []
    for start, end, finding in spans:
        if groups and start < groups[-1][1]:
            first, last, members = groups[-1]
            groups[-1] = (first, max(last, end), members + [finding])
        else:
            groups.append((start, end, [finding]))
    marked = text
    for number in range(len(groups) - 1, -1, -1):
        start, end, _members = groups[number]
        marked = (
            marked[:start] + f"{_OPEN}{number}{_OPEN_END}" + marked[start:end]
            + f"{_CLOSE}{number}{_CLOSE_END}" + marked[end:]
        )
    html = str(render_markdown(marked))
    # A marker that landed inside a tag (an attribute, a URL) must not become markup there.
    html = re.sub(r"<[^>]*>", lambda m: re.sub(f"{_OPEN}\\d+{_OPEN_END}|{_CLOSE}\\d+{_CLOSE_END}", "", m.group()), html)
    for number, (_start, _end, members) in enumerate(groups):
        opening, closing = f"{_OPEN}{number}{_OPEN_END}", f"{_CLOSE}{number}{_CLOSE_END}"
        if html.count(opening) != 1 or html.count(closing) != 1 or html.index(opening) > html.index(closing):
            html = html.replace(opening, "").replace(closing, "")
            continue
        tips = "".join(
            f'<span class="lint-note">{escape(f.message)}'
            + (f' <span class="lint-try">Try: {escape(f.suggestion)}</span>' if f.suggestion else "")
            + "</span>"
            for f in members
        )
        rules = " ".join(f.rule for f in members)
        html = html.replace(
            f"{_OPEN}{number}{_OPEN_END}",
            f'<mark class="lint" tabindex="0" data-rule="{escape(rules)}" aria-describedby="{prefix}-tip-{number}">',
        )
        html = html.replace(
            f"{_CLOSE}{number}{_CLOSE_END}",
            f'<span class="lint-tip" role="tooltip" id="{prefix}-tip-{number}">{tips}</span></mark>',
        )
    for marker in (_OPEN, _OPEN_END, _CLOSE, _CLOSE_END):
        html = html.replace(marker, "")
    return Markup(html)
