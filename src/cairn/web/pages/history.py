"""Bringing a team's history in from the browser, for admins: upload files or a
zip, read the dry run's report, then confirm.

The upload is kept between the two steps in a staging folder under the data
directory, named by a random token that only the confirming form carries;
the confirmation imports exactly the files that were checked, with the same
options, and removes the folder. Staged uploads nobody confirmed are removed
after a day.
"""

from __future__ import annotations

import json
import secrets
import shutil
import time
from collections.abc import Iterator
from dataclasses import replace
from pathlib import Path
from typing import Annotated

from fastapi import APIRouter, Depends, Form, Request, UploadFile
from fastapi.concurrency import run_in_threadpool
from fastapi.responses import HTMLResponse, Response

from cairn.errors import CairnError, InvalidInput
from cairn.importers.history.mapping import HistoryOptions
from cairn.importers.history.sources import Skipped, SourceFile, Unreadable, files_of
from cairn.services.access import require_admin
from cairn.services.foreign_documents import SOURCES, history_options, import_history
from cairn.web.auth import PageContextDep
from cairn.web.deps import TemplatesDep
from cairn.web.uploads import upload_name

router = APIRouter(default_response_class=HTMLResponse, include_in_schema=False)
MAX_UPLOAD = 256 * 1024 * 1024  # all files of one upload together
STAGED_FOR_SECONDS = 24 * 3600
_TOKEN_CHARS = set("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789-_")


def _staging(ctx) -> Path:  # type: ignore[no-untyped-def]
    return Path(ctx.settings.data_dir) / "history-uploads"


def _forget_old(root: Path) -> None:
    if not root.is_dir():
        return
    for folder in root.iterdir():
        try:
            if time.time() - folder.stat().st_mtime > STAGED_FOR_SECONDS:
                shutil.rmtree(folder, ignore_errors=True)
        except OSError:
            pass


def _options(ctx, chosen: dict[str, str]) -> HistoryOptions:  # type: ignore[no-untyped-def]
    return history_options(ctx.settings, severity=chosen["severity"], team=chosen["team"], service=chosen["service"],
                           zone=chosen["zone"], day=chosen["day"])


def _staged_files(folder: Path) -> Iterator[SourceFile | Unreadable | Skipped]:
    """The files of a staged upload, in the order they were uploaded, under their uploaded names;
    those that cannot be read are passed on, to be reported. Read one at a time, as they are imported.
    Uploads have no stable name (every Google Docs export is "Postmortem.html"): the import knows
    them by their content."""
    names = json.loads((folder / "names.json").read_text())
    for index, name in enumerate(names):
        staged = f"{index:05d}"
        for found in files_of([folder / staged]):
            inner = found.name[len(str(folder / staged)) + 1:] if found.name.startswith(str(folder / staged) + "/") else ""
            label = f"{name}/{inner}" if inner else name
            if isinstance(found, SourceFile):
                yield SourceFile(label, found.data)
            else:
                yield replace(found, name=label)


def _page(request: Request, templates, *, batch=None, token: str | None = None, options: dict | None = None,  # type: ignore[no-untyped-def]
          error: str | None = None, status: int = 200) -> Response:
    context = {"batch": batch, "token": token, "options": options or {}, "error": error, "sources": SOURCES}
    return templates.TemplateResponse(request, "history_import.html", context, status_code=status)


def _chosen(
    source: Annotated[str, Form(max_length=10)] = "auto",
    severity: Annotated[str, Form(max_length=40)] = "",
    team: Annotated[str, Form(max_length=100)] = "",
    service: Annotated[str, Form(max_length=100)] = "",
    zone: Annotated[str, Form(max_length=64)] = "UTC",
    day: Annotated[str, Form(max_length=10)] = "",
) -> dict[str, str]:
    """The options of both steps, as the person chose them (the check's form, then its hidden fields)."""
    return {"source": source, "severity": severity, "team": team, "service": service, "zone": zone, "day": day}


ChosenDep = Annotated[dict, Depends(_chosen)]


@router.get("/admin/history", name="history_import_page")
def history_import_page(request: Request, ctx: PageContextDep, templates: TemplatesDep) -> Response:
    require_admin(ctx)
    return _page(request, templates)


@router.post("/admin/history/check", name="history_import_check")
async def history_import_check(
    request: Request, ctx: PageContextDep, templates: TemplatesDep,
    files: list[UploadFile],
    chosen: ChosenDep,
) -> Response:
    """Stage the upload and show the dry run's report, with a button to import it."""
    require_admin(ctx)
    root = _staging(ctx)
    _forget_old(root)
    token = secrets.token_urlsafe(18)
    folder = root / token
    try:
        options = _options(ctx, chosen)
        folder.mkdir(parents=True)
        names: list[str] = []
        size = 0
        for upload in files:
            if not upload.filename:
                continue
            with (folder / f"{len(names):05d}").open("wb") as out:
                names.append(upload_name(upload.filename))
                while chunk := await upload.read(1024 * 1024):
                    size += len(chunk)
                    if size > MAX_UPLOAD:
                        raise InvalidInput(f"the upload is larger than {MAX_UPLOAD // (1024 * 1024)} MiB: import it with `cairn import` instead")
                    out.write(chunk)
        if not names:
            raise InvalidInput("choose at least one file or zip archive")
        (folder / "names.json").write_text(json.dumps(names))
        batch = await run_in_threadpool(lambda: import_history(ctx, _staged_files(folder), options, source=chosen['source'], dry_run=True))
    except CairnError as error:
        shutil.rmtree(folder, ignore_errors=True)
        return _page(request, templates, options=chosen, error=error.message, status=error.status_code)
    return _page(request, templates, batch=batch, token=token, options=chosen)


@router.post("/admin/history/import", name="history_import_confirm")
def history_import_confirm(
    request: Request, ctx: PageContextDep, templates: TemplatesDep,
    token: Annotated[str, Form(max_length=64)],
    chosen: ChosenDep,
) -> Response:
    """Import the files the dry run read, with the same options."""
    require_admin(ctx)
    folder = _staging(ctx) / token
    if not token or set(token) - _TOKEN_CHARS or not (folder / "names.json").is_file():
        return _page(request, templates, options=chosen, status=400,
                     error="this upload is no longer staged (it was imported, or more than a day passed): upload the files again")
    try:
        batch = import_history(ctx, _staged_files(folder), _options(ctx, chosen), source=chosen['source'])
    except CairnError as error:
        return _page(request, templates, options=chosen, error=error.message, status=error.status_code)
    finally:
        shutil.rmtree(folder, ignore_errors=True)
    return _page(request, templates, batch=batch, options=chosen)
