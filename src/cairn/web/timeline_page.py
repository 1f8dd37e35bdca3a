"""The incident page's timeline controls: filters by kind, source, level (the
lowest kept), component and text, and which page of the matching events to show.

An incident with thousands of imported log lines would otherwise render every
line above the postmortem; the page shows a page of events at a time (the
latest page unless asked; `services.incident_view`), and the filters narrow
what is paged through.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Annotated

from fastapi import Depends, Query

from cairn.services.timeline_reads import TimelineFilter, lowest_level

MAX_PAGE = 1_000_000


@dataclass(frozen=True)
class TimelineQuery:
    kind: str = ""
    source: str = ""
    level: str = ""  # canonical: the lowest level kept
    text: str = ""
    page: int | None = None  # None: the latest page
    component: str = ""

    @property
    def filtered(self) -> bool:
        return bool(self.kind or self.source or self.level or self.text or self.component)

    def key(self) -> tuple:
        return (self.kind, self.source, self.level, self.text.lower(), self.page, self.component)

    def wanted(self) -> TimelineFilter:
        return TimelineFilter(self.kind, self.source, self.level, self.text, self.component)

    def link(self, page: int) -> str:
        """The query string of another page of the same filtered view."""
        from urllib.parse import urlencode

        params = {"kind": self.kind, "source": self.source, "level": self.level, "component": self.component, "q": self.text}
        params = {name: value for name, value in params.items() if value}
        params["tpage"] = str(page)
        return "?" + urlencode(params) + "#timeline"


def timeline_query(
    kind: Annotated[str, Query(max_length=40)] = "",
    source: Annotated[str, Query(max_length=40)] = "",
    level: Annotated[str, Query(max_length=20)] = "",
    component: Annotated[str, Query(max_length=200)] = "",
    q: Annotated[str, Query(max_length=200)] = "",
    tpage: Annotated[int | None, Query(ge=1, le=MAX_PAGE)] = None,
) -> TimelineQuery:
    """An unknown level is refused (400); any spelling of a known one ("warn") reads as its canonical name."""
    return TimelineQuery(kind.strip(), source.strip(), lowest_level(level), q.strip(), tpage, component.strip())


TimelineQueryDep = Annotated[TimelineQuery, Depends(timeline_query)]
