"""An invalid value inside a document, located by its path (for line numbers)."""

from __future__ import annotations

from cairn.errors import InvalidInput

Path = tuple[str | int, ...]


def path_text(path: Path) -> str:
    out = ""
    for part in path:
        out += f"[{part}]" if isinstance(part, int) else (f".{part}" if out else str(part))
    return out


class FieldError(InvalidInput):
    """Raised while reading a document; `path` points at the offending value."""

    def __init__(self, path: Path, message: str) -> None:
        super().__init__(f"{path_text(path)}: {message}" if path else message)
        self.path = path
        self.reason = message
