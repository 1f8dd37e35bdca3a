"""Reading files named on the command line."""

from __future__ import annotations

import contextlib
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


def write_together(files: dict[Path, bytes]) -> None:
    """Write every file whole, or none of them.

    Each target is checked first (its folder exists, it is not a folder), then
    every file is written under a temporary name in its own folder and only
    when all are on disk are they renamed into place, the first-named file
    last; any failure removes what was written and is one line, exit 2.
    """
    import os
    import tempfile

    from cairn.errors import InvalidInput

    for path in files:
        if path.is_dir():
            raise InvalidInput(f"{path}: is a folder; give a file name (e.g. {path / 'export.md'})")
        if not path.parent.is_dir():
            raise InvalidInput(f"{path}: no such folder {path.parent}; create it first")
    written: dict[Path, str] = {}
    try:
        for path, content in files.items():
            handle, temporary = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".partial")
            written[path] = temporary
            with os.fdopen(handle, "wb") as out:
                out.write(content)
        first, *rest = files
        for path in [*rest, first]:
            os.replace(written.pop(path), path)
    except OSError as error:
        raise InvalidInput(f"{error.filename or path}: cannot write: {error.strerror}") from None
    finally:
        for temporary in written.values():
            with contextlib.suppress(OSError):
                os.unlink(temporary)
