"""Reading a whole JSON document for the webhook-style importers."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from cairn.errors import ImportFailed
from cairn.importers.base import Progress

MAX_JSON_BYTES = 200 * 1024 * 1024


def load_json(path: Path, progress: Progress) -> Any:
    """Parse a JSON file, naming the line of a syntax error."""
    size = path.stat().st_size
    if size > MAX_JSON_BYTES:
        raise ImportFailed(f"{size} bytes is more than this importer reads at once ({MAX_JSON_BYTES})", source=str(path))
    raw = path.read_bytes()
    progress(len(raw))
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        raise ImportFailed("not valid UTF-8", source=str(path), line=raw[: error.start].count(b"\n") + 1) from None
    try:
        return json.loads(text)
    except json.JSONDecodeError as error:
        raise ImportFailed(f"not JSON: {error.msg}", source=str(path), line=error.lineno) from None
    except RecursionError:
        raise ImportFailed("not JSON this importer can read: nested too deeply", source=str(path)) from None


def sniff_json(head: bytes) -> str:
    """The start of a JSON document as text (empty when it is not JSON-like)."""
    text = head.decode("utf-8", errors="replace").lstrip("\ufeff \t\r\n")
    return text if text[:1] in ("{", "[") else ""
