"""Reading a whole JSON document for the webhook-style importers."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from cairn.errors import ImportFailed
from cairn.importers.base import Progress

MAX_JSON_BYTES = 200 * 1024 * 1024

try:
    from orjson import loads as fast_loads
except ImportError:  # an optional speed-up; the standard library reads the same documents
    fast_loads = None


def load_json(path: Path, progress: Progress) -> Any:
    """Parse a JSON file, naming the line of a syntax error."""
    size = path.stat().st_size
    if size > MAX_JSON_BYTES:
        raise ImportFailed(f"{size} bytes is more than this importer reads at once ({MAX_JSON_BYTES})", source=str(path))
    raw = path.read_bytes()
    progress(len(raw))
    return parse_json(raw, str(path))


def parse_json(raw: bytes, where: str) -> Any:
    """Parse a JSON document; errors name `where` and the line.

    orjson reads well-formed files several times faster than the standard
    library. Anything it refuses (bad syntax, but also what the standard
    library accepts, such as lone surrogates) is read again by the standard
    library, which gives the same results and errors as always; hostile input
    only costs a second parse. One difference remains: orjson reads an integer
    past 64 bits as a float, and no importer reads numbers that large (as
    times they are out of range either way).
    """
    body = raw[3:] if raw.startswith(b"\xef\xbb\xbf") else raw
    if fast_loads is not None:
        try:
            return fast_loads(body)
        except ValueError:
            pass
    try:
        text = body.decode("utf-8")
    except UnicodeDecodeError as error:
        raise ImportFailed("not valid UTF-8", source=where, line=raw[: error.start].count(b"\n") + 1) from None
    try:
        return json.loads(text)
    except json.JSONDecodeError as error:
        raise ImportFailed(f"not JSON: {error.msg}", source=where, line=error.lineno) from None
    except RecursionError:
        raise ImportFailed("not JSON this importer can read: nested too deeply", source=where) from None


def sniff_json(head: bytes) -> str:
    """The start of a JSON document as text (empty when it is not JSON-like)."""
    text = head.decode("utf-8", errors="replace").lstrip("\ufeff \t\r\n")
    return text if text[:1] in ("{", "[") else ""
