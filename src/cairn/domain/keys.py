"""Human incident keys such as INC-42."""

from __future__ import annotations

import re

from cairn.errors import InvalidInput


def format_key(prefix: str, number: int) -> str:
    return f"{prefix}-{number}"


def parse_key(text: str, prefix: str) -> int:
    """The incident number in 'INC-42', 'inc-42' or '42'."""
    raw = text.strip()
    match = re.fullmatch(rf"(?:{re.escape(prefix)}-)?(\d{{1,9}})", raw, flags=re.IGNORECASE)
    if not match or int(match[1]) == 0:
        raise InvalidInput(f"malformed incident key {text!r}: expected {prefix}-<number>, e.g. {prefix}-42")
    return int(match[1])
