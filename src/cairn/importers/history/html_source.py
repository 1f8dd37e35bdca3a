"""A postmortem exported as HTML (Confluence, Google Docs), as the Markdown the
history importer reads (`mapping.map_history`).

Exporters bury the document in their own shapes: Confluence in page chrome,
macros and task lists, Google Docs in CSS classes, redirect links and one list
element per item. Those shapes are rewritten into plain HTML first (in a
BeautifulSoup tree walked once), the result is sanitised by an allowlist (nh3), and only
then converted (markdownify, with tables, links and images done here so that
the readers get GitHub pipe tables and nothing unsafe).

Hostile input is bounded before anything quadratic or recursive runs: the size
is capped, nesting is flattened below a fixed depth (html5ever is quadratic in
depth and the converter recursive), and whatever still cannot be read is an
`ImportFailed`, never a traceback.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import PurePath
from urllib.parse import parse_qs, urlsplit

import nh3
from bs4 import BeautifulSoup, NavigableString, PageElement, Tag
from bs4.builder import ParserRejectedMarkup
from bs4.element import CData, Comment, Declaration, Doctype, ProcessingInstruction
from markdownify import ATX, MarkdownConverter

from cairn.errors import ImportFailed

MAX_HTML = 20 * 1024 * 1024  # characters; a real export is a few MB at most
MAX_DEPTH = 100  # element nesting kept; below it only text is kept
MAX_COLUMNS = 50  # of a table row made up by padding and spans: what a hostile table can add to the output
HTML_SUFFIXES = (".html", ".htm", ".xhtml")

_DROPPED = ("script", "style", "iframe", "frame", "frameset", "noframes", "object", "embed", "applet", "form", "input", "button",
            "select", "textarea", "noscript", "template", "svg", "math", "canvas", "audio", "video", "nav", "title", "head", "meta", "link", "base")
_KEPT = {"a", "abbr", "article", "b", "blockquote", "br", "caption", "cite", "code", "dd", "del", "details", "div", "dl", "dt", "em",
         "figcaption", "figure", "h1", "h2", "h3", "h4", "h5", "h6", "hr", "i", "img", "ins", "kbd", "li", "main", "mark", "ol", "p",
         "pre", "q", "s", "samp", "section", "small", "span", "strike", "strong", "sub", "summary", "sup", "table", "tbody", "td",
         "tfoot", "th", "thead", "tr", "u", "ul"}
_CLEANER = nh3.Cleaner(
    tags=_KEPT, clean_content_tags=set(_DROPPED) - {"head", "meta", "link", "base", "input"},
    attributes={"a": {"href"}, "img": {"alt"}, "td": {"colspan"}, "th": {"colspan"}, "ol": {"start"}},
    url_schemes={"http", "https", "mailto"}, url_relative="deny", link_rel=None, strip_comments=True,
)
_UNSEEN = dict.fromkeys(map(ord, "\u200b\u200c\u200d\u2060\ufeff\u00ad"), None) | dict.fromkeys(map(ord, "\xa0\u2007\u202f\u2009\u2002\u2003"), " ")
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")
_KIX_LEVEL = re.compile(r"^lst-kix_([\w-]+)-(\d+)$")
_LOOKS_TAG = re.compile(r"<(?=[A-Za-z/!?]|$)")  # at the end: the next piece of text may begin with a letter
_BLOCK_TAG = re.compile(r"<(?:h[1-6]|p|div|table|ul|ol|section|article)\b", re.IGNORECASE)
_PROLOGUE = re.compile(r"^(?:\s*+(?:<\?xml[^>]*+>|<!--.*?-->))*\s*", re.DOTALL)
_NOT_TEXT = (Comment, Declaration, Doctype, ProcessingInstruction, CData)
_SHELTERS = ("h1", "h2", "h3", "h4", "h5", "h6", "td", "th")
_CHROME_IDS = ("breadcrumb-section", "breadcrumbs", "footer", "comments-section")
_CONFLUENCE_TITLE = re.compile(r"^[^:]{1,200}? : ")


def looks_like_html(data: str, name: str) -> bool:
    """Whether a file to import is HTML: by its name, else by how it opens (exports
    may come without an extension). Markdown may hold tags (`<br>`) and still be
    Markdown, so content counts only when the text opens with a document tag or
    with a block tag and has no Markdown heading."""
    if PurePath(name).suffix.lower() in HTML_SUFFIXES:
        return True
    head = data[:2048].lstrip("\ufeff \t\r\n")
    if head.startswith(("---", "+++")):
        return False
    opening = _PROLOGUE.sub("", head, count=1).lower()
    if opening.startswith(("<!doctype html", "<html")) or re.search(r"<(?:body|head)\b", opening):
        return True
    return opening.startswith("<") and bool(_BLOCK_TAG.search(opening)) and not re.search(r"^ {0,3}#{1,6}\s", head, re.MULTILINE)


def html_to_markdown(html: str, source: str) -> str:
    """The Markdown of an exported postmortem, its title as `# Title` at the top."""
    if len(html) > MAX_HTML:
        raise ImportFailed(f"the HTML is too large to import ({len(html) // 1_000_000} MB; at most {MAX_HTML // 1_000_000} MB)", source=source)
    try:
        title, body = _rewrite(html)
        markdown = _Converter().convert(_CLEANER.clean(body))
    except RecursionError:
        raise ImportFailed("the HTML is nested too deeply to read", source=source) from None
    except ParserRejectedMarkup as error:
        raise ImportFailed(f"the HTML cannot be read: {str(error).splitlines()[0] if str(error) else 'rejected by the parser'}", source=source) from None
    markdown = _tidy(markdown)
    if title and title.split():
        markdown = f"# {_escape(' '.join(title.split()))}\n\n{markdown}"
    if not re.search(r"\w", markdown):
        raise ImportFailed("the HTML has no readable text", source=source)
    return markdown.strip("\n") + "\n"


# --- the exporters' shapes, rewritten as plain HTML --------------------------------------------------------------------------
#
# The tree is walked once (`_walk`); each step below goes through that list of elements rather than searching the tree
# again, since a search costs a walk of its own and a large export has hundreds of thousands of elements.


@dataclass
class _Tree:
    tags: list[Tag] = field(default_factory=list)  # the elements above MAX_DEPTH, in document order
    sheltered: set[int] = field(default_factory=set)  # ids of the elements inside a heading or a table cell
    boundary: list[Tag] = field(default_factory=list)  # elements at MAX_DEPTH that hold elements
    unsafe: list[Tag] = field(default_factory=list)
    styles: list[str] = field(default_factory=list)
    litter: list[PageElement] = field(default_factory=list)  # comments, declarations, Confluence's "Document generated by"

    def alive_with(self, test: Callable[[Tag], bool]) -> Iterator[Tag]:
        return (tag for tag in self.alive() if test(tag))

    def alive(self, *names: str) -> Iterator[Tag]:
        """The elements not removed by an earlier step, of these names if any are given."""
        for tag in self.tags:
            if not _gone(tag) and tag.parent is not None and (not names or tag.name in names):
                yield tag


def _gone(tag: Tag) -> bool:
    """Whether an element was decomposed. Read from the instance: Tag.decomposed asks
    getattr for `_decomposed`, which an element without it answers with a search of
    its whole subtree (bs4 reads `tag.name` as `tag.find("name")`), quadratic here."""
    return bool(vars(tag).get("_decomposed", False))


def _rewrite(html: str) -> tuple[str | None, str]:
    """(title, body HTML) of an export: its shapes made plain, its chrome dropped."""
    soup = BeautifulSoup(_CONTROL.sub("", html.translate(_UNSEEN)), "html.parser")
    tree = _walk(soup)
    bold, italic = _style_classes(tree.styles)
    for tag in tree.unsafe:  # before _flatten: the text it keeps must not be a script's
        if not _gone(tag):
            tag.decompose()
    for node in tree.litter:
        _remove(node)
    _flatten(tree.boundary)
    _storage_format(tree)
    _confluence(tree)
    title = _title(tree)
    _google_docs(tree, bold, italic)
    root = next(tree.alive_with(lambda tag: tag.get("id") == "main-content"), None) or next(
        tree.alive_with(lambda tag: "wiki-content" in _classes(tag)), None) or soup.body or soup
    return title, root.decode_contents()


def _walk(soup: BeautifulSoup) -> _Tree:
    """Everything the steps need, in one pass over the tree (iterative: any depth)."""
    tree = _Tree()
    depth: dict[int, int] = {}
    for node in soup.descendants:
        if not isinstance(node, Tag):
            if isinstance(node, _NOT_TEXT) or node.lstrip().startswith("Document generated by Confluence"):
                tree.litter.append(node)
            continue
        parent = node.parent
        level = depth.get(id(parent), 0) + 1
        depth[id(node)] = level
        if node.name in _DROPPED and node.name not in ("title", "head"):
            tree.unsafe.append(node)
            if node.name == "style":
                tree.styles.append(node.get_text()[:1_000_000])
        if level > MAX_DEPTH:
            continue
        tree.tags.append(node)
        if id(parent) in tree.sheltered or parent.name in _SHELTERS:
            tree.sheltered.add(id(node))
        if level == MAX_DEPTH and node.find(True) is not None:
            tree.boundary.append(node)
    return tree


def _remove(node: PageElement) -> None:
    """A comment goes; "Document generated by Confluence" goes with its paragraph."""
    if node.parent is None:
        return
    if isinstance(node, _NOT_TEXT):
        node.extract()
        return
    block = node.find_parent(["p", "div", "section"])
    if block is not None:
        block.decompose()
    else:
        node.extract()


def _flatten(boundary: list[Tag]) -> None:
    """Each element at MAX_DEPTH that holds elements keeps only their text: nesting
    that deep only an attack (or a broken exporter) produces, and one replacement per
    such element keeps this linear (unwrapping thousands of levels one by one is not)."""
    for tag in boundary:
        if _gone(tag) or tag.parent is None:
            continue
        text = tag.get_text(" ")
        tag.clear()
        tag.append(NavigableString(text))


def _classes(tag: Tag) -> list[str]:
    found = tag.get("class")
    return found if isinstance(found, list) else str(found or "").split()


def _style_classes(sheets: list[str]) -> tuple[set[str], set[str]]:
    """The classes a Google Docs style sheet makes bold and italic (`.c3{font-weight:700}`)."""
    bold: set[str] = set()
    italic: set[str] = set()
    for sheet in sheets:
        for rule in sheet.split("}"):  # split, not a regex: linear on any style sheet
            selector, _, declarations = rule.partition("{")
            name = selector.strip()
            if not re.fullmatch(r"\.[A-Za-z_][\w-]*", name):
                continue
            if _is_bold(declarations):
                bold.add(name[1:])
            if _is_italic(declarations):
                italic.add(name[1:])
    return bold, italic


def _is_bold(declarations: str) -> bool:
    return bool(re.search(r"font-weight\s*:\s*(?:bold|[6-9]00)\b", declarations, re.IGNORECASE))


def _is_italic(declarations: str) -> bool:
    return bool(re.search(r"font-style\s*:\s*italic\b", declarations, re.IGNORECASE))


def _storage_format(tree: _Tree) -> None:
    """Confluence storage format (`ac:` elements), as the export shapes read below."""
    for task_list in tree.alive("ac:task-list"):
        task_list.name, task_list.attrs = "ul", {"class": ["inline-task-list"]}
        for task in task_list.find_all("ac:task", recursive=False):
            status, body = task.find("ac:task-status"), task.find("ac:task-body")
            done = status is not None and status.get_text(strip=True).lower() == "complete"
            for extra in task.find_all(["ac:task-id", "ac:task-status"]):
                extra.decompose()
            if body is not None:
                body.unwrap()
            task.name, task.attrs = "li", {"class": ["checked"] if done else [], "data-inline-task-id": "1"}
    for macro in tree.alive("ac:structured-macro"):
        _storage_macro(macro)
    for parameter in tree.alive("ac:parameter"):
        parameter.decompose()


def _storage_macro(macro: Tag) -> None:
    """A status macro as its word, a panel as a quote, any other macro as its body."""
    kind = str(macro.get("ac:name") or "").lower()
    if kind == "status":
        title = macro.find("ac:parameter", attrs={"ac:name": "title"})
        macro.replace_with(title.get_text(strip=True) if title else "")
    elif kind in ("info", "note", "warning", "tip", "panel"):
        macro.name, macro.attrs = "div", {"class": ["confluence-information-macro"]}


def _confluence(tree: _Tree) -> None:
    """Confluence export chrome dropped and its macros made plain."""
    for tag in tree.alive():
        classes = _classes(tag)
        if tag.get("id") in _CHROME_IDS or "page-metadata" in classes or ("pageSection" in classes and _attachments(tag)):
            tag.decompose()
    for panel in tree.alive("div"):
        if "confluence-information-macro" in _classes(panel):
            _panel(panel)
    for task in tree.alive("li"):
        if task.has_attr("data-inline-task-id") or (task.parent.name == "ul" and "inline-task-list" in _classes(task.parent)):
            _task(task)
    for stamp in tree.alive("time"):
        stamp.replace_with(stamp.get_text(" ", strip=True) or str(stamp.get("datetime") or ""))
    for lozenge in tree.alive("span"):
        if {"status-macro", "aui-lozenge"} & set(_classes(lozenge)):
            lozenge.replace_with(f" {lozenge.get_text(' ', strip=True)} ")


def _attachments(section: Tag) -> bool:
    heading = section.find(["h1", "h2", "h3"])
    return heading is not None and heading.get_text(strip=True).lower().startswith("attachments")


def _panel(panel: Tag) -> None:
    """An info, note or warning panel as a quote: its title in bold, its body as written."""
    for part in panel.find_all(["span", "p", "div"]):
        classes = _classes(part)
        if "aui-icon" in classes:
            part.decompose()
        elif (part.name == "p" and "title" in classes) or "confluence-information-macro-title" in classes:
            part.name, part.attrs = "p", {}
            part.wrap(_new("strong"))
    panel.name, panel.attrs = "blockquote", {}


def _task(task: Tag) -> None:
    """A Confluence task as a checkbox item. Confluence reads a task's first date as its
    due date and its first mention as its assignee; both are written so that the
    action-item reader finds them."""
    stamp = task.find("time")
    if stamp is not None and stamp.get("datetime"):
        stamp.replace_with(f" (due {str(stamp['datetime'])[:10]}) ")
    mention = next((link for link in task.find_all("a") if {"user-mention", "confluence-userlink"} & set(_classes(link))), None)
    if mention is not None and mention.get_text(strip=True):
        mention.replace_with(f" (owner: {mention.get_text(' ', strip=True)}) ")
    mark = "[x] " if "checked" in _classes(task) else "[ ] "
    first = next((text for text in task.find_all(string=True) if text.strip()), None)
    if first is None:
        task.insert(0, NavigableString(mark))
    else:
        first.replace_with(mark + first.lstrip())
    task.attrs = {}


def _title(tree: _Tree) -> str | None:
    """The document's title, taken out of its body: Confluence's title heading (its
    "Space : " prefix dropped), Google Docs' title paragraph, `<title>`, else the first
    top-level heading."""
    confluence = next(tree.alive_with(lambda tag: tag.get("id") in ("title-text", "title-heading")), None)
    if confluence is not None:
        text = _CONFLUENCE_TITLE.sub("", confluence.get_text(" ", strip=True), count=1)
        (confluence.find_parent("h1") or confluence).decompose()
        if text:
            return text
    for found in tree.alive_with(lambda tag: tag.name == "p" and "title" in _classes(tag)):
        text = found.get_text(" ", strip=True)
        found.decompose()
        if text:
            return text
    named = next(tree.alive("title"), None)
    written = " ".join(named.get_text(" ", strip=True).split()) if named else ""
    if named is not None:
        named.decompose()
    if written and next(tree.alive_with(_confluence_page), None) is not None:
        written = _CONFLUENCE_TITLE.sub("", written, count=1)
    first = next(tree.alive("h1"), None)
    if first is not None and (not written or first.get_text(" ", strip=True) == written):
        written = written or first.get_text(" ", strip=True)
        first.decompose()
    return written or None


def _confluence_page(tag: Tag) -> bool:
    return tag.get("id") == "main-content" or bool({"wiki-content", "confluenceTable"} & set(_classes(tag)))


def _google_docs(tree: _Tree, bold: set[str], italic: set[str]) -> None:
    """Google Docs shapes made plain: styled spans as emphasis, redirect links
    unwrapped, reviewer comments dropped, one-list-per-item lists nested again."""
    for tag in tree.alive():
        if tag.name == "p" and "subtitle" in _classes(tag):
            tag.attrs = {}
            for child in list(tag.contents):
                child.wrap(_new("em"))
        elif tag.name == "span" and id(tag) not in tree.sheltered:
            _emphasis(tag, bold, italic)
        elif tag.name == "a":
            _link(tag)
        elif tag.name == "hr" and re.search(r"page-break|display\s*:\s*none", str(tag.get("style") or "")):
            tag.decompose()
    _nest_lists(tree)


def _emphasis(span: Tag, bold: set[str], italic: set[str]) -> None:
    """A span styled bold or italic (by class or inline style) as <strong>/<em>. Not in
    headings, where the style is the heading's own, nor in table cells (the walk
    shelters both), where it would stay in the timeline's and action items' text."""
    classes = set(_classes(span))
    inline = str(span.get("style") or "")
    if bool(classes & italic) or _is_italic(inline):
        span.wrap(_new("em"))
    if bool(classes & bold) or _is_bold(inline):
        span.name = "strong"


def _link(link: Tag) -> None:
    """A Google redirect unwrapped; a reviewer comment and its marker dropped."""
    if link.get("href"):
        link["href"] = _real_url(str(link["href"]))
    anchor = str(link.get("id") or "")
    if anchor.startswith("cmnt_ref"):
        (link.find_parent("sup") or link).decompose()
    elif anchor.startswith("cmnt"):
        (link.find_parent("div") or link).decompose()


def _real_url(href: str) -> str:
    """The address behind a Google redirect (`https://www.google.com/url?q=REAL&sa=D`)."""
    parts = urlsplit(href.strip())
    if parts.netloc.lower() in ("www.google.com", "google.com") and parts.path == "/url":
        target = parse_qs(parts.query).get("q")
        if target:
            return target[0]
    return href.strip()


def _list_level(tag: Tag | PageElement | None) -> tuple[str, int] | None:
    """(list, nesting level) a Google Docs list states in its class (`lst-kix_abc-1`)."""
    if not isinstance(tag, Tag) or tag.name not in ("ul", "ol"):
        return None
    for name in _classes(tag):
        found = _KIX_LEVEL.match(name)
        if found:
            return found.group(1), int(found.group(2))
    return None


def _nest_lists(tree: _Tree) -> None:
    """Merge each run of adjacent lists of one Google Docs list into one nested list."""
    for first in tree.alive("ul", "ol"):
        stated = _list_level(first)
        if stated is None:
            continue
        run = [first]
        following = first.find_next_sibling()
        while (_list_level(following) or ("", 0))[0] == stated[0] and not _text_between(run[-1], following):  # type: ignore[arg-type]
            run.append(following)  # type: ignore[arg-type]
            following = following.find_next_sibling()  # type: ignore[union-attr]
        _merge(run)


def _text_between(before: Tag, after: Tag) -> bool:
    node = before.next_sibling
    while node is not None and node is not after:
        if not isinstance(node, NavigableString) or node.strip():
            return True
        node = node.next_sibling
    return False


def _merge(run: list[Tag]) -> None:
    """One list from a run, each item under the last item one level up; a level that
    jumps by more than one nests one step (Markdown has no empty parents)."""
    root = _new(run[0].name, {"start": str(run[0]["start"])} if run[0].get("start") else {})
    run[0].insert_before(root)
    stack: list[tuple[int, Tag, Tag | None]] = [(_level(run[0]), root, None)]  # (level, list, its last item)
    for current in run:
        level = _level(current)
        for item in current.find_all("li", recursive=False):
            while len(stack) > 1 and level < stack[-1][0]:
                stack.pop()
            last = stack[-1][2]
            if level > stack[-1][0] and last is not None:
                nested = _new(current.name)
                last.append(nested)
                stack.append((level, nested, None))
            stack[-1][1].append(item.extract())
            stack[-1] = (stack[-1][0], stack[-1][1], item)
        current.decompose()


def _new(name: str, attrs: dict[str, str] | None = None) -> Tag:
    return Tag(name=name, attrs=attrs or {})


def _level(tag: Tag) -> int:
    found = _list_level(tag)
    return found[1] if found else 0


# --- conversion ------------------------------------------------------------------------------------------------------------


class _Converter(MarkdownConverter):
    """markdownify, with pipe tables of one line per row, only safe links, images as
    their alt text, empty headings dropped, and text that looks like a tag escaped."""

    def __init__(self) -> None:
        super().__init__(heading_style=ATX, bullets="-", escape_asterisks=False, escape_underscores=False, autolinks=False,
                         wrap=True, wrap_width=None)  # HTML's line breaks in text are spaces; <br> stays a break

    def escape(self, text: str, parent_tags: set[str]) -> str:  # type: ignore[override]
        return _escape(text) if text else ""

    def process_tag(self, node: Tag, parent_tags: set[str] | None = None) -> str:  # type: ignore[override]
        if node.name == "table":
            return self._table(node, parent_tags or set())
        return super().process_tag(node, parent_tags)  # type: ignore[no-any-return]

    def convert_a(self, el: Tag, text: str, parent_tags: set[str]) -> str:  # type: ignore[override]
        href = _real_url(str(el.get("href") or ""))
        if not re.match(r"(?:https?|mailto):", href, re.IGNORECASE):
            return text
        el["href"] = href.replace(" ", "%20").replace(")", "%29").replace("(", "%28")
        return super().convert_a(el, text, parent_tags)  # type: ignore[no-any-return]

    def convert_img(self, el: Tag, text: str, parent_tags: set[str]) -> str:  # type: ignore[override]
        alt = " ".join(str(el.get("alt") or "").split())
        return _escape(alt)

    def convert_hN(self, n: int, el: Tag, text: str, parent_tags: set[str]) -> str:  # type: ignore[override]
        if not text.strip():
            return ""
        return super().convert_hN(n, el, text, parent_tags)  # type: ignore[no-any-return]

    def _cell(self, cell: Tag, parent_tags: set[str]) -> str:
        inner = parent_tags | {"td", "_inline"}
        text = "".join(self.process_element(child, parent_tags=inner) for child in cell.children)
        return " ".join(text.split()).replace("|", r"\|")

    def _table(self, table: Tag, parent_tags: set[str]) -> str:
        """A GitHub pipe table: the first row is the header, every row padded to the
        widest, a spanned cell followed by empty ones (padding stops at MAX_COLUMNS)."""
        rows = []
        for row in _rows(table):
            cells: list[str] = []
            for cell in row.find_all(["td", "th"], recursive=False):
                cells += [self._cell(cell, parent_tags)] + [""] * min(_colspan(cell) - 1, max(0, MAX_COLUMNS - len(cells) - 1))
            if any(cells):
                rows.append(cells)
        if not rows:
            return ""
        if "_inline" in parent_tags:  # a table inside a table cell: its text
            return " " + " ".join(cell for cells in rows for cell in cells if cell) + " "
        if len(rows) == 1 and len(rows[0]) == 1:  # a layout box around text
            return "\n\n" + "".join(self.process_element(child, parent_tags=parent_tags) for child in _only_cell(table).children) + "\n\n"
        rows[0] = [_plain(cell) for cell in rows[0]]
        width = min(max(len(cells) for cells in rows), MAX_COLUMNS)
        lines = ["| " + " | ".join(cells + [""] * (width - len(cells))) + " |" for cells in rows]
        lines.insert(1, "| " + " | ".join(["---"] * max(width, len(rows[0]))) + " |")
        return "\n\n" + "\n".join(lines) + "\n\n"


def _rows(table: Tag) -> list[Tag]:
    """The table's own rows, in order (not those of a table inside a cell)."""
    rows: list[Tag] = []
    for child in table.find_all(["tr", "thead", "tbody", "tfoot"], recursive=False):
        rows += [child] if child.name == "tr" else child.find_all("tr", recursive=False)
    return rows


def _only_cell(table: Tag) -> Tag:
    return next(cell for row in _rows(table) for cell in row.find_all(["td", "th"], recursive=False))


def _colspan(cell: Tag) -> int:
    value = str(cell.get("colspan") or "1").strip()
    return max(1, min(MAX_COLUMNS, int(value))) if value.isdigit() else 1


def _plain(cell: str) -> str:
    """A header cell without the bold that exporters put on the whole header row."""
    bold = re.fullmatch(r"\*\*([^*]+)\*\*", cell)
    return bold.group(1) if bold else cell


def _escape(text: str) -> str:
    """Text that would read as an HTML tag in Markdown (`&lt;b&gt;` written in the page) kept as text."""
    return _LOOKS_TAG.sub(r"\\<", text)


def _tidy(markdown: str) -> str:
    """Blank lines collapsed, whitespace-only lines emptied, no front-matter fence at the top."""
    lines = [line if line.strip() else "" for line in markdown.translate(_UNSEEN).split("\n")]
    text = re.sub(r"\n{3,}", "\n\n", "\n".join(lines)).strip("\n")
    while text.partition("\n")[0].strip() in ("---", "+++"):
        text = text.partition("\n")[2].lstrip("\n")
    return text
