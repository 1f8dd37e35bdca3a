"""Reading files named on the command line."""

from __future__ import annotations

import sys
from pathlib import Path


def read_utf8(path: Path) -> tuple[str, str]:
    """(text, name for messages); '-' is standard input. Errors name the file and line."""
    from cairn.errors import ImportFailed

    name = "<stdin>" if str(path) == "-" else str(path)
    try:
        raw = sys.stdin.buffer.read() if str(path) == "-" else path.read_bytes()
    except OSError as error:
        raise ImportFailed(f"cannot read: {error.strerror}", source=name) from None
    try:
        return raw.decode("utf-8"), name
    except UnicodeDecodeError as error:
        raise ImportFailed("not valid UTF-8", source=name, line=raw[: error.start].count(b"\n") + 1) from None
