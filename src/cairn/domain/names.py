"""Rules for user names, service names, labels and free text fields."""

from __future__ import annotations

import re

from cairn.errors import InvalidInput

_USERNAME = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._-]{0,99}$")


def check_username(value: str, what: str = "user name") -> str:
    name = value.strip().lstrip("@")
    if not _USERNAME.match(name):
        raise InvalidInput(
            f"invalid {what} {value!r}: use letters, digits, '.', '_' or '-' (at most 100 characters)"
        )
    return name


def check_storable(value: str, what: str) -> str:
    """Refuse characters that no database keeps: NUL and lone surrogates."""
    if "\x00" in value:
        raise InvalidInput(f"{what} contains a NUL character")
    try:
        value.encode("utf-8")
    except UnicodeEncodeError:
        raise InvalidInput(f"{what} contains an invalid character (a lone surrogate)") from None
    return value


def check_label(value: str, what: str) -> str:
    """Service, team and tag names: one line, trimmed, at most 100 characters."""
    name = " ".join(value.split())
    if not name:
        raise InvalidInput(f"{what} cannot be empty")
    if len(name) > 100:
        raise InvalidInput(f"{what} {name[:20]!r}... is longer than 100 characters")
    return check_storable(name, what)


def check_labels(values: list[str], what: str) -> list[str]:
    """Trimmed, de-duplicated, order kept."""
    seen: dict[str, None] = {}
    for value in values:
        seen.setdefault(check_label(value, what), None)
    return list(seen)


def check_line(value: str, what: str, limit: int) -> str:
    """A one-line text such as a title."""
    text = " ".join(value.split())
    if not text:
        raise InvalidInput(f"{what} cannot be empty")
    if len(text) > limit:
        raise InvalidInput(f"{what} is longer than {limit} characters")
    return check_storable(text, what)


def check_severity(value: str, allowed: list[str]) -> str:
    for severity in allowed:
        if severity.casefold() == value.strip().casefold():
            return severity
    raise InvalidInput(f"unknown severity {value!r}: choose one of {', '.join(allowed)}")


def check_category(value: str, taxonomy: list[str]) -> str:
    for category in taxonomy:
        if category.casefold() == " ".join(value.split()).casefold():
            return category
    raise InvalidInput(f"unknown factor category {value!r}: choose one of {', '.join(taxonomy)}")


def check_url(value: str, what: str = "link") -> str:
    """Only web links: anything else (javascript:, file:) could run or leak."""
    url = value.strip()
    if not re.match(r"^https?://[^\s/?#\x00-\x1f\x7f]+[^\s\x00-\x1f\x7f]*$", url, flags=re.IGNORECASE) or len(url) > 1000:
        raise InvalidInput(f"{what} {value[:60]!r} is not an http(s) URL")
    return url
