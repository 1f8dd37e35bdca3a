"""Every failure becomes one response shape: JSON under /api, a page elsewhere.

Services raise `CairnError`, which already knows its status; routing and
validation failures from FastAPI are translated into the same two shapes,
so clients never see a framework-specific error body.
"""

from __future__ import annotations

import logging
import re
from http import HTTPStatus

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse, RedirectResponse, Response
from starlette.exceptions import HTTPException

from cairn.errors import CairnError, StorageUnavailable

log = logging.getLogger("cairn.web")

_OPTION = re.compile(r"\s*\((--[a-z-]+)\)|--([a-z][a-z-]*)")


def for_the_web(message: str) -> str:
    """A service's message as a page shows it: a command-line option it names
    (`--note`, `give --impact and --effort`) becomes the field it stands for."""
    return _OPTION.sub(lambda m: "" if m.group(1) else f"“{m.group(2).replace('-', ' ')}”", message)


def is_api(request: Request) -> bool:
    path = request.scope.get("path", "")
    root = request.scope.get("root_path", "")
    if root and path.startswith(root):
        path = path[len(root):]
    if path == "/api/docs":  # the reference is a page: a visitor is sent to sign in
        return False
    return path == "/api" or path.startswith(("/api/", "/hooks/"))


def error_response(
    request: Request, status: int, title: str, detail: str, headers: dict[str, str] | None = None,
    data: dict | None = None,
) -> Response:
    if is_api(request):
        return JSONResponse({"error": title, "detail": detail, **(data or {})}, status_code=status, headers=headers)
    templates = request.app.state.templates
    context = {"status": status, "title": title, "detail": detail}
    return templates.TemplateResponse(request, "error.html", context, status_code=status, headers=headers)


def _phrase(status: int) -> str:
    try:
        return HTTPStatus(status).phrase.lower()
    except ValueError:
        return "error"


async def on_cairn_error(request: Request, error: CairnError) -> Response:
    from cairn.web.auth import SignInRequired, signin_redirect_target

    if isinstance(error, SignInRequired) and not is_api(request):
        return RedirectResponse(signin_redirect_target(request), status_code=303)
    headers = {"WWW-Authenticate": "Bearer"} if error.status_code == 401 and is_api(request) else {}
    headers.update(error.http_headers)
    message = error.message
    if isinstance(error, StorageUnavailable):
        # The message names the database (a file path or a host): for the log, not for the client.
        log.error("storage unavailable on %s %s: %s", request.method, request.url.path, error.message)
        message = "the database is not available right now; try again shortly"
        headers = {"Retry-After": "5"}
    return error_response(request, error.status_code, error.title, message, headers or None, getattr(error, "data", None))


async def on_http_error(request: Request, error: HTTPException) -> Response:
    if error.status_code == 404:
        detail = f"there is nothing at {request.url.path}"
    else:
        detail = str(error.detail) if error.detail else _phrase(error.status_code)
    return error_response(request, error.status_code, _phrase(error.status_code), detail, error.headers)


def _describe(problem: dict) -> str:
    where = ".".join(str(part) for part in problem.get("loc", ()) if part not in ("query", "path", "body"))
    message = problem.get("msg", "is not valid")
    return f"{where}: {message}" if where else message


async def on_validation_error(request: Request, error: RequestValidationError) -> Response:
    detail = "; ".join(_describe(problem) for problem in error.errors()) or "invalid request"
    return error_response(request, 422, "invalid input", detail)


async def on_unexpected(request: Request, error: Exception) -> Response:
    log.exception("unhandled error on %s %s", request.method, request.url.path)
    return error_response(request, 500, "internal error", "something went wrong on our side; it has been logged")


def install(app: FastAPI) -> None:
    app.add_exception_handler(CairnError, on_cairn_error)  # type: ignore[arg-type]
    app.add_exception_handler(HTTPException, on_http_error)  # type: ignore[arg-type]
    app.add_exception_handler(RequestValidationError, on_validation_error)  # type: ignore[arg-type]
    app.add_exception_handler(Exception, on_unexpected)
