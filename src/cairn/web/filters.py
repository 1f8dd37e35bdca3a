"""Incident-list filters read from the query string, shared by page and API.

Both doors accept the same parameters, so a filtered page and its JSON twin
differ only in their path. Empty form fields count as "not filtered";
status and severity may repeat or be comma-separated, as in the CLI.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Annotated
from urllib.parse import urlencode

from fastapi import Depends, Query

from cairn.domain.times import require_zone, start_of_day
from cairn.services.context import Context
from cairn.services.incidents import IncidentFilter


def _many(values: list[str] | None) -> list[str]:
    return [part.strip() for value in values or [] for part in value.split(",") if part.strip()]


def _one(value: str | None) -> str | None:
    return value.strip() if value and value.strip() else None


@dataclass(frozen=True)
class ListQuery:
    status: list[str] = field(default_factory=list)
    severity: list[str] = field(default_factory=list)
    service: str | None = None
    team: str | None = None
    kind: str | None = None
    since: str | None = None
    until: str | None = None
    q: str | None = None
    sort: str = "newest"

    @property
    def active(self) -> bool:
        return bool(self.params())

    def params(self) -> list[tuple[str, str]]:
        """Query-string pairs that reproduce this filter (for links)."""
        pairs = [("status", s) for s in self.status] + [("severity", s) for s in self.severity]
        for name in ("service", "team", "kind", "since", "until", "q"):
            value = getattr(self, name)
            if value:
                pairs.append((name, value))
        if self.sort != "newest":
            pairs.append(("sort", self.sort))
        return pairs

    def encoded(self, **extra: object) -> str:
        pairs = self.params() + [(k, str(v)) for k, v in extra.items() if v is not None]
        return urlencode(pairs)

    def criteria(self, ctx: Context) -> IncidentFilter:
        zone = require_zone(ctx.settings.timezone)
        return IncidentFilter(
            statuses=self.status or None,
            severities=self.severity or None,
            service=self.service,
            team=self.team,
            kind=self.kind,
            since=start_of_day(self.since, zone),
            until=start_of_day(self.until, zone),
            text=self.q,
        )


def list_query(
    status: Annotated[list[str] | None, Query(description="open, mitigated, resolved or closed; repeat or comma-separate")] = None,
    severity: Annotated[list[str] | None, Query(description="e.g. SEV1; repeat or comma-separate")] = None,
    service: Annotated[str | None, Query(description="only incidents touching this service")] = None,
    team: Annotated[str | None, Query(description="only incidents of this team")] = None,
    kind: Annotated[str | None, Query(description="incident or near miss")] = None,
    since: Annotated[str | None, Query(description="started on or after this date (YYYY-MM-DD)")] = None,
    until: Annotated[str | None, Query(description="started before this date (YYYY-MM-DD)")] = None,
    q: Annotated[str | None, Query(max_length=200, description="words in the title")] = None,
    sort: Annotated[str, Query(pattern="^(newest|oldest|updated|severity|key)$", description="newest, oldest, updated, severity or key")] = "newest",
) -> ListQuery:
    return ListQuery(
        status=_many(status),
        severity=_many(severity),
        service=_one(service),
        team=_one(team),
        kind=_one(kind),
        since=_one(since),
        until=_one(until),
        q=_one(q),
        sort=sort,
    )


ListQueryDep = Annotated[ListQuery, Depends(list_query)]
