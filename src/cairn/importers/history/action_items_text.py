"""Action items of a postmortem written elsewhere, read from its text.

They come as tables (an action column, and any of owner, due date, type,
status or ticket, priority, in any order), as list items or checkboxes
("- [x] Add alerts", "- ✅ Reverted 1.270.0", "- **Circuit breakers**: add
them to ..."), or as a paragraph ("**Action item:** start incidents earlier").
A heading or a line above them may say their status ("Immediate actions
(completed)", "**In progress (next 2 weeks):**"). Nested list items under an
item are its notes, and the links in them its tickets. Owners are kept as the
names written: they need not be Cairn users.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import date

from cairn.domain.enums import ActionKind, ActionStatus
from cairn.importers.history.timeline_text import parse_date

DONE_WORDS = ("done", "completed", "complete", "fixed", "closed", "resolved", "finished", "shipped", "implemented")
PROGRESS_WORDS = ("in progress", "in-progress", "wip", "ongoing", "started", "underway", "doing")
OPEN_WORDS = ("todo", "to do", "open", "planned", "not started", "pending", "next", "backlog", "proposed")
WONT_WORDS = ("won't do", "wont do", "wontfix", "won't fix", "dropped", "cancelled", "canceled", "rejected")
MARKS = {"✅": ActionStatus.DONE, "✔": ActionStatus.DONE, "✔️": ActionStatus.DONE, "☑": ActionStatus.DONE, "☑️": ActionStatus.DONE,
         "🚧": ActionStatus.IN_PROGRESS, "⏳": ActionStatus.IN_PROGRESS, "❌": ActionStatus.WONT_DO, "⬜": ActionStatus.OPEN}
COLUMNS = {
    "title": ("action", "action item", "action items", "item", "task", "what", "description", "title", "follow up", "remediation"),
    "owner": ("owner", "owners", "who", "assignee", "assigned to", "responsible", "team", "dri"),
    "due": ("due", "due date", "deadline", "by", "target", "target date", "eta", "when"),
    "kind": ("type", "kind", "category"),
    "status": ("status", "state", "done"),
    "ticket": ("ticket", "bug", "bug #", "issue", "link", "tracking", "jira", "tracker"),
    "priority": ("priority", "prio", "p", "severity"),
}
KIND_WORDS = {"mitigate": ActionKind.MITIGATE, "mitigation": ActionKind.MITIGATE, "prevent": ActionKind.PREVENT, "prevention": ActionKind.PREVENT,
              "repair": ActionKind.PREVENT, "detect": ActionKind.DETECT, "detection": ActionKind.DETECT, "monitoring": ActionKind.DETECT,
              "process": ActionKind.PROCESS, "learn": ActionKind.LEARN, "learning": ActionKind.LEARN, "documentation": ActionKind.LEARN}

_ITEM = re.compile(r"^(?P<indent>[ \t]*+)(?:[-*+]|\d+[.)])\s++(?P<text>.+)$")
_CHECKBOX = re.compile(r"^\[(?P<mark>[ xX✓-])\]\s*+")
_STATUS_LINE = re.compile(r"^\s*+[*_]*\s*+(?P<words>[\w' -]{2,30}?)\s*+(?:\([^)]*\))?\s*+:?\s*+[*_]*\s*+:?\s*$")
_PARAGRAPH = re.compile(r"^\s*+[*_]*(?:action items?|follow[- ]?ups?|todo)\s*+:?[*_]*\s*+:?\s*+(?P<text>.+)$", re.IGNORECASE)
_BOLD_TITLE = re.compile(r"^\*\*(?P<title>[^*]{2,200})\*\*\s*+:?\s*+(?P<rest>.*)$|^__(?P<title2>[^_]{2,200})__\s*+:?\s*+(?P<rest2>.*)$")
_URL = re.compile(r"https?://[^\s)>\]]+")
_KEY = re.compile(r"(?<![\w/])(?:[A-Z][A-Z0-9]{1,9}-\d{1,7}|#\d{1,7})(?![\w-])")
_OWNER = re.compile(r"(?:\(|\s|^)(?:(?:owners?|assignee|who|dri)\s*+[:=]|assigned\s++to)\s*+(?P<name>@?[\w.-]+(?:\s[A-Z][\w.-]*)?)", re.IGNORECASE)
_MENTION = re.compile(r"(?<![\w@])@(?P<name>[A-Za-z][\w.-]{0,38})")
_DUE = re.compile(r"\b(?:due|deadline|by|eta)\s*+[:=]?\s*+(?P<date>\d{4}-\d{2}-\d{2}|[A-Za-z]{3,9}\.?\s\d{1,2}(?:,\s*+\d{4})?|\d{1,2}\s[A-Za-z]{3,9}(?:\s\d{4})?)",
                  re.IGNORECASE)
_STATUS_SUFFIX = re.compile(r"\s*+[(\[](?P<words>done|completed|complete|fixed|closed|in progress|wip|todo|open|planned|won't do|wontfix)[)\]]\s*$",
                            re.IGNORECASE)
_STATUS_PREFIX = re.compile(r"^(?:\[(?P<bracketed>done|todo|wip|in progress)\]|(?P<word>done|todo|wip|fixed))\s*+[:.-]?\s++", re.IGNORECASE)


@dataclass
class ActionText:
    title: str
    line: int
    status: ActionStatus = ActionStatus.OPEN
    owner: str | None = None
    due: date | None = None
    kind: ActionKind | None = None
    priority: str | None = None
    tickets: list[str] = field(default_factory=list)
    notes: str = ""


_STATUS_WORDS = [  # the first that a text says wins: "won't do" before "do", "in progress" before "progress"
    (re.compile(r"(?<![\w'])(?:" + "|".join(re.escape(word) for word in choices) + r")(?![\w'])"), status)
    for choices, status in ((WONT_WORDS, ActionStatus.WONT_DO), (PROGRESS_WORDS, ActionStatus.IN_PROGRESS),
                            (DONE_WORDS, ActionStatus.DONE), (OPEN_WORDS, ActionStatus.OPEN))
]


def status_in(words: str) -> ActionStatus | None:
    """The status words say, if any: "Immediate actions (completed)", "In progress (next 2 weeks)"."""
    lowered = words.casefold()
    for pattern, status in _STATUS_WORDS:
        if pattern.search(lowered):
            return status
    return None


def _clean(text: str) -> str:
    return " ".join(text.strip().strip("*_").split())


def _item_from(text: str, line: int, status: ActionStatus, year: int | None) -> ActionText:
    body = text.strip()
    for mark, marked in MARKS.items():
        if body.startswith(mark):
            body, status = body[len(mark):].strip(), marked
            break
    box = _CHECKBOX.match(body)
    if box:
        body = body[box.end():]
        status = ActionStatus.DONE if box.group("mark") in "xX✓" else ActionStatus.OPEN
    prefix = _STATUS_PREFIX.match(body)
    if prefix:
        status = status_in(prefix.group("bracketed") or prefix.group("word")) or status
        body = body[prefix.end():]
    suffix = _STATUS_SUFFIX.search(body)
    if suffix:
        status = status_in(suffix.group("words")) or status
        body = body[:suffix.start()]
    owner = _OWNER.search(body) or _MENTION.search(body)
    due = _DUE.search(body)
    tickets = list(dict.fromkeys(_URL.findall(body) + _KEY.findall(_URL.sub("", body))))
    bold = _BOLD_TITLE.match(body)
    if bold:
        title, notes = bold.group("title") or bold.group("title2"), (bold.group("rest") or bold.group("rest2") or "")
    else:
        sentence = re.match(r"(.{12,200}?[.;])\s+(?=[A-Z])", body)
        title, notes = (sentence.group(1), body[sentence.end():]) if sentence else (body[:200], body[200:])
    return ActionText(
        _clean(re.sub(r"\[([^\]]*)\]\([^)]*\)", r"\1", title)).rstrip(":;.") or "(untitled action)", line, status,
        owner.group("name").lstrip("@") if owner else None, parse_date(due.group("date"), year) if due else None, None, None,
        tickets, _clean(notes),
    )


def _table_columns(cells: list[str]) -> dict[str, int] | None:
    lowered = [re.sub(r"\s*\(.*\)$", "", cell.strip("*_ ").casefold()) for cell in cells]
    found = {name: next((i for i, cell in enumerate(lowered) if cell in words), -1) for name, words in COLUMNS.items()}
    if found["title"] < 0:
        return None
    return {name: index for name, index in found.items() if index >= 0}


def read_action_items(lines: list[tuple[int, str]], *, heading: str = "", year: int | None = None) -> list[ActionText]:
    """The action items of an action-items part: (file line, text) pairs; `heading`
    (the part's) may state their status; `year` completes dates written without one."""
    items: list[ActionText] = []
    status = status_in(heading) or ActionStatus.OPEN
    columns: dict[str, int] | None = None
    for number, raw in lines:
        line = raw.rstrip()[:4_000]
        if not line.strip():
            continue
        if line.lstrip().startswith("|"):
            cells = [cell.strip() for cell in line.strip().strip("|").split("|")]
            if all(re.fullmatch(r":?-{2,}:?", cell) for cell in cells if cell):
                continue
            if columns is None:
                columns = _table_columns(cells)
                continue
            def cell(name: str) -> str:
                index = columns.get(name, -1)  # type: ignore[union-attr]
                return cells[index].strip() if 0 <= index < len(cells) else ""
            if not cell("title"):
                continue  # a template's empty row
            item = _item_from(cell("title"), number, status_in(cell("status")) or status, year)
            item.owner = cell("owner").lstrip("@") or item.owner
            item.due = parse_date(cell("due"), year) if cell("due") else item.due
            item.kind = next((kind for word, kind in KIND_WORDS.items() if word in cell("kind").casefold()), None)
            item.priority = cell("priority") or None
            item.tickets = list(dict.fromkeys(item.tickets + _URL.findall(cell("ticket")) + _KEY.findall(cell("ticket"))))
            if cell("status") and re.fullmatch(r"(?:yes|y|true|x|✅)", cell("status"), re.IGNORECASE):
                item.status = ActionStatus.DONE
            items.append(item)
            continue
        columns = None
        listed = _ITEM.match(line)
        if listed:
            if len(listed.group("indent").expandtabs(4)) >= 2 and items:  # a nested item: notes and tickets of the one above
                above = items[-1]
                text = listed.group("text").strip()
                above.notes = " ".join(piece for piece in (above.notes, text) if piece)
                above.tickets = list(dict.fromkeys(above.tickets + _URL.findall(text) + _KEY.findall(_URL.sub("", text))))
                continue
            items.append(_item_from(listed.group("text"), number, status, year))
            continue
        paragraph = _PARAGRAPH.match(line)
        if paragraph:
            items.append(_item_from(paragraph.group("text"), number, status, year))
            continue
        said = _STATUS_LINE.match(line)
        if said and status_in(said.group("words")) is not None:
            status = status_in(said.group("words"))  # type: ignore[assignment]
    return items
