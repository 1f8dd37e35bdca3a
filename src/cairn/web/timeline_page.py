"""One page of an incident's timeline, filtered by kind, source, level and text.

An incident with thousands of imported log lines would otherwise render every
line above the postmortem; the page shows PAGE_SIZE events at a time (the
latest page unless asked), and the filters narrow what is paged through.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from math import ceil
from typing import Annotated

from fastapi import Depends, Query

from cairn.domain.document import EventDoc
from cairn.domain.log_levels import event_level

PAGE_SIZE = 100
MAX_PAGE = 1_000_000


@dataclass(frozen=True)
class TimelineQuery:
    kind: str = ""
    source: str = ""
    level: str = ""
    text: str = ""
    page: int | None = None  # None: the latest page

    @property
    def filtered(self) -> bool:
        return bool(self.kind or self.source or self.level or self.text)

    def key(self) -> tuple:
        return (self.kind, self.source, self.level, self.text.lower(), self.page)

    def matches(self, event: EventDoc) -> bool:
        return (
            (not self.kind or event.kind == self.kind)
            and (not self.source or event.source == self.source)
            and (not self.level or event_level(event) == self.level)
            and (not self.text or self.text.lower() in f"{event.text} {event.actor or ''}".lower())
        )

    def link(self, page: int) -> str:
        """The query string of another page of the same filtered view."""
        from urllib.parse import urlencode

        params = {"kind": self.kind, "source": self.source, "level": self.level, "q": self.text}
        params = {name: value for name, value in params.items() if value}
        params["tpage"] = str(page)
        return "?" + urlencode(params) + "#timeline"


def timeline_query(
    kind: Annotated[str, Query(max_length=40)] = "",
    source: Annotated[str, Query(max_length=40)] = "",
    level: Annotated[str, Query(max_length=20)] = "",
    q: Annotated[str, Query(max_length=200)] = "",
    tpage: Annotated[int | None, Query(ge=1, le=MAX_PAGE)] = None,
) -> TimelineQuery:
    return TimelineQuery(kind.strip(), source.strip(), level.strip().lower(), q.strip(), tpage)


TimelineQueryDep = Annotated[TimelineQuery, Depends(timeline_query)]


@dataclass
class TimelinePage:
    events: list[EventDoc]
    total: int  # events in the incident
    matching: int  # events the filters keep
    page: int
    pages: int
    first: int  # 1-based position of the page's first event among the matching ones
    kinds: list[tuple[str, int]] = field(default_factory=list)
    sources: list[tuple[str, int]] = field(default_factory=list)
    levels: list[tuple[str, int]] = field(default_factory=list)

    @property
    def is_latest(self) -> bool:
        return self.page == self.pages

    @property
    def paged(self) -> bool:
        return self.pages > 1


def timeline_page(events: list[EventDoc], query: TimelineQuery, size: int = PAGE_SIZE) -> TimelinePage:
    """The page of `events` (in time order) that `query` asks for, with the counts
    by kind, source and level that the filter controls offer."""
    kept = [event for event in events if query.matches(event)] if query.filtered else events
    pages = max(1, ceil(len(kept) / size))
    page = pages if query.page is None else min(query.page, pages)
    start = (page - 1) * size
    kinds: Counter[str] = Counter()
    sources: Counter[str] = Counter()
    levels: Counter[str] = Counter()
    for event in events:  # one pass: an incident may hold tens of thousands of lines
        kinds[event.kind] += 1
        sources[event.source] += 1
        if event.text.startswith("["):
            level = event_level(event)
            if level:
                levels[level] += 1
    return TimelinePage(
        events=kept[start:start + size], total=len(events), matching=len(kept), page=page, pages=pages,
        first=start + 1, kinds=sorted(kinds.items()), sources=sorted(sources.items()), levels=sorted(levels.items()),
    )
