"""What every API route shares in its OpenAPI description: the error body and bounded integers.

Integers: an unbounded `int` in a request would reach the database and fail
there with a 500 (see `cairn.domain.limits`), so API schemas and query/path
parameters use the types below, which refuse anything out of range with a
422 before a service runs.
`tests/web/test_api_schema.py` fails for any request integer without bounds.

Errors: `cairn.web.errors` answers every failure under /api and /hooks
with one body, `{"error": ...,"detail": ...}`, described here once as
`ErrorRead`; `api_router` gives every API route the statuses it can answer.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Annotated, Any

from annotated_types import Ge, Le
from fastapi import APIRouter
from fastapi.routing import APIRoute
from pydantic import BaseModel, ConfigDict, Field

from cairn.domain.limits import INT_MAX, INT_MIN

__all__ = ["INT_MAX", "INT_MIN", "Count", "ErrorRead", "Id", "api_router"]

Id = Annotated[int, Ge(1), Le(INT_MAX)]
"""A row id (timeline event, token): positive, and no larger than the column holds."""

Count = Annotated[int, Ge(0), Le(INT_MAX)]
"""A stored count or amount (users affected, minutes): non-negative and storable."""


class ErrorRead(BaseModel):
    """Cairn's one error body; a conflicting edit adds both texts (theirs, yours) and the current version."""

    model_config = ConfigDict(extra="allow", json_schema_extra={"additionalProperties": True})

    error: str = Field(description="short kind of failure: not found, conflict, invalid input, ...")
    detail: str = Field(description="one line saying what was wrong and, where it helps, what to do")


def _error(description: str) -> dict:
    return {"model": ErrorRead, "description": description}


ALWAYS = {
    401: _error("no valid API token or sign-in"),
    403: _error("the role may not do this, or a signed-in browser's change lacks its CSRF token"),
    422: _error("the request is not valid: parameters, body or values out of range"),
    503: _error("the database is unavailable or busy"),
}
NOT_FOUND = {404: _error("no incident, item, token or user by that name that you may see")}
WRITE = {
    400: _error("the request body cannot be read (for example, JSON that is not UTF-8)"),
    409: _error("the change conflicts with the current state (for edits: someone saved first)"),
}


def error_responses(path: str, methods: set[str] | list[str] | None) -> dict[int, dict]:
    """The errors a route can answer: always 401/403/422/503; 404 where its path or body names a thing; 400/409 on writes."""
    found = dict(ALWAYS)
    writes = bool(set(methods or ()) - {"GET", "HEAD"})
    if "{" in path or writes:
        found.update(NOT_FOUND)
    if writes:
        found.update(WRITE)
    return found


class DocumentedRoute(APIRoute):
    """An API route whose OpenAPI entry lists Cairn's error responses; a route's own `responses` win."""

    def __init__(self, path: str, endpoint: Callable[..., Any], *, responses: dict | None = None, **kwargs: Any) -> None:
        documented = {**error_responses(path, kwargs.get("methods")), **(responses or {})}
        super().__init__(path, endpoint, responses=documented, **kwargs)


def api_router(prefix: str = "/api/v1", **kwargs: Any) -> APIRouter:
    """The router every JSON API module uses, so no route can leave its errors undocumented."""
    return APIRouter(prefix=prefix, route_class=DocumentedRoute, **kwargs)
