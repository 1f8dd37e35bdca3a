"""Open text in the user's editor ($VISUAL, then $EDITOR, then vi)."""

from __future__ import annotations

import os
import shlex
import subprocess
import tempfile
from pathlib import Path

from cairn.errors import CairnError


def edit_in_editor(text: str, *, prefix: str) -> tuple[str, Path]:
    """Return the edited text and the file it lives in (kept for recovery)."""
    command = os.environ.get("VISUAL") or os.environ.get("EDITOR") or "vi"
    handle, name = tempfile.mkstemp(prefix=f"cairn-{prefix}-", suffix=".md")
    path = Path(name)
    with os.fdopen(handle, "w", encoding="utf-8") as file:
        file.write(text)
    try:
        completed = subprocess.run([*shlex.split(command), str(path)], check=False)
    except FileNotFoundError:
        raise CairnError(f"editor {command!r} not found: set $EDITOR") from None
    if completed.returncode != 0:
        raise CairnError(f"editor {command!r} exited with {completed.returncode}; your text is in {path}")
    return path.read_text(encoding="utf-8"), path
