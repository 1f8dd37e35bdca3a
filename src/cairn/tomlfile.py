"""Reading the optional TOML configuration files (lint rules, notification channels)."""

from __future__ import annotations

import tomllib
from pathlib import Path
from typing import Any

from cairn.errors import InvalidInput


def read_toml(path: Path, what: str) -> dict[str, Any]:
    """The parsed file; a missing or malformed file is one clear error naming it."""
    try:
        return tomllib.loads(path.read_text(encoding="utf-8"))
    except OSError as error:
        raise InvalidInput(f"{what} {path}: {error.strerror}") from None
    except (tomllib.TOMLDecodeError, UnicodeDecodeError) as error:
        raise InvalidInput(f"{what} {path}: {error}") from None
