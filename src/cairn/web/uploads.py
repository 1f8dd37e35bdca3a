"""Uploaded files, for every door that takes one (the API and the incident page),
and handing a large one to this server's import job runner.

The name a client gives a file (the `X-Filename` header, a form's file name)
is only a label: it keeps its suffix for format detection and names the file
in the summary, but it never chooses where the upload is written. The copy
lives in a private temporary folder whose path never reaches the client.
"""

from __future__ import annotations

import re
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from fastapi import Request

from cairn.errors import CairnError
from cairn.services.context import Context
from cairn.services.import_jobs import JobView, create_import_job, upload_total

FALLBACK = "upload"
MAX_NAME_BYTES = 100  # well under every file system's limit of 255 bytes
_CONTROL = re.compile(r"[\x00-\x1f\x7f-\x9f]")


def upload_name(label: str | None) -> str:
    """A plain file name made from the client's label: its last path part,
    without control characters, at most MAX_NAME_BYTES of UTF-8 (the suffix
    kept), and "upload" when nothing usable is left ("", ".", "..")."""
    name = _CONTROL.sub("", (label or "").replace("\\", "/").rsplit("/", 1)[-1]).strip()
    if not name.strip("."):
        return FALLBACK
    if len(name.encode("utf-8")) > MAX_NAME_BYTES:
        stem, dot, suffix = name.rpartition(".")
        if not dot or not stem or len(suffix) > 16:
            stem, suffix = name, ""
        tail = f".{suffix}" if suffix else ""
        room = MAX_NAME_BYTES - len(tail.encode("utf-8"))
        stem = stem.encode("utf-8")[:room].decode("utf-8", "ignore")
        name = stem + tail
    return name


def hide_folder(text: str, folder: Path) -> str:
    """`text` with the temporary folder cut from every path in it."""
    return text.replace(f"{folder}/", "").replace(str(folder), "")


@contextmanager
def upload_folder(prefix: str = "cairn-upload-") -> Iterator[Path]:
    """A temporary folder for one upload, removed afterwards; a Cairn error
    raised inside names files by their label, never by the server's path."""
    with tempfile.TemporaryDirectory(prefix=prefix) as name:
        folder = Path(name)
        try:
            yield folder
        except CairnError as error:
            error.message = hide_folder(error.message, folder)
            error.args = (error.message, *error.args[1:])
            raise


def start_job(request: Request, ctx: Context, key: str, path: Path, options: dict[str, str | None]) -> JobView:
    """Record an import job for the upload at `path` and hand it to this server's
    runner, which moves the file into the job's own folder: the caller's
    temporary folder may go."""
    job = create_import_job(ctx, key, path.name, total=upload_total(path), options=options)
    request.app.state.jobs.submit(job, path)
    return job
