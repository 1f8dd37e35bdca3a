"""Remote mode: the CLI talks to a team's Cairn server over its JSON API.

Where the server and token come from, first found wins: the global options
`cairn --server URL --token T`, the environment (CAIRN_SERVER, CAIRN_TOKEN),
then the file $XDG_CONFIG_HOME/cairn/remote.toml (default ~/.config/...)
with `server = "..."` and `token = "..."`. The file must not be readable by
others when it holds a token. Without a server, commands use the local
database as always. The token is sent only in the Authorization header and
never printed.
"""

from __future__ import annotations

import json
import os
import re
import stat
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from urllib.parse import urlencode, urlsplit

from cairn.errors import CairnError, Conflict, Forbidden, InvalidInput, NotFound, StorageUnavailable, Unauthorized

TIMEOUT_SECONDS = 30
ERRORS: dict[int, type[CairnError]] = {
    400: InvalidInput, 401: Unauthorized, 403: Forbidden, 404: NotFound, 409: Conflict, 422: InvalidInput,
}


@dataclass(frozen=True)
class Remote:
    server: str
    token: str

    def __repr__(self) -> str:  # never show the token, even in a traceback
        return f"Remote(server={self.server!r}, token='***')"


def config_path() -> Path:
    base = os.environ.get("XDG_CONFIG_HOME") or str(Path.home() / ".config")
    return Path(base) / "cairn" / "remote.toml"


def _from_file(path: Path) -> dict[str, str]:
    import tomllib

    if not path.is_file():
        return {}
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, tomllib.TOMLDecodeError) as error:
        raise InvalidInput(f"{path}: not a readable TOML file ({error})") from None
    if "token" in data and path.stat().st_mode & (stat.S_IRWXG | stat.S_IRWXO):
        raise InvalidInput(f"{path} holds a token but others may read it: run chmod 600 {path}")
    wrong = [key for key in ("server", "token") if key in data and not isinstance(data[key], str)]
    if wrong:
        raise InvalidInput(f"{path}: {wrong[0]} must be a string")
    return {key: data[key] for key in ("server", "token") if key in data}


def without_userinfo(url: str) -> str:
    """`url` without a `user:password@` part. Cairn authenticates with the
    token alone, so the part is dropped before any request, and never shown."""
    return _USERINFO.sub(r"\1", url)


_USERINFO = re.compile(r"^((?:[A-Za-z][A-Za-z0-9+.-]*://)?)[^/?#]*@")


def resolve(server: str | None, token: str | None) -> Remote | None:
    """The remote to use, or None for the local database."""
    server = server or os.environ.get("CAIRN_SERVER") or None
    token = token or os.environ.get("CAIRN_TOKEN") or None
    if server is None or token is None:
        stored = _from_file(config_path())
        server = server or stored.get("server")
        token = token or stored.get("token")
    if not server:
        return None
    server = without_userinfo(server.strip())
    parts = urlsplit(server)
    if parts.scheme not in ("http", "https") or not parts.netloc:
        raise InvalidInput(f"server {server!r} is not an http(s) URL, e.g. https://cairn.example.com")
    if not token:
        raise InvalidInput(
            f"a token is needed for {server}: give --token, set CAIRN_TOKEN, or put it in {config_path()} "
            "(create one on your account page or with `cairn token create`)"
        )
    return Remote(server.rstrip("/"), token.strip())


def call(remote: Remote, method: str, path: str, body: Any = None, query: dict[str, Any] | None = None) -> Any:
    """One API request; the answer's JSON, or the API's error as a CairnError."""
    from urllib.error import HTTPError, URLError
    from urllib.request import Request, urlopen

    pairs = [(k, v) for k, v in (query or {}).items() if v is not None]
    url = remote.server + path + (f"?{urlencode(pairs, doseq=True)}" if pairs else "")
    data = json.dumps(body).encode("utf-8") if body is not None else None
    headers = {"Authorization": f"Bearer {remote.token}", "Accept": "application/json"}
    if data is not None:
        headers["Content-Type"] = "application/json"
    request = Request(url, data=data, method=method, headers=headers)
    try:
        with urlopen(request, timeout=TIMEOUT_SECONDS) as response:  # noqa: S310 (scheme checked in resolve)
            return json.loads(response.read() or b"null")
    except HTTPError as error:
        raise _api_error(error.code, error.read()) from None
    except (URLError, TimeoutError, ConnectionError) as error:
        reason = getattr(error, "reason", error)
        raise StorageUnavailable(f"cannot reach {remote.server}: {reason}") from None
    except ValueError:
        raise CairnError(f"{remote.server} did not answer with JSON: is it a Cairn server?") from None


def _api_error(status: int, raw: bytes) -> CairnError:
    try:
        payload = json.loads(raw)
        detail = payload.get("detail") or payload.get("error") or f"HTTP {status}"
    except (ValueError, AttributeError):
        detail = f"the server answered HTTP {status}"
    if status >= 500:
        return CairnError(f"the server failed (HTTP {status}): {detail}")
    return ERRORS.get(status, CairnError)(str(detail))


def summary_from_data(data: dict[str, Any]):  # type: ignore[no-untyped-def]
    """An IncidentSummary from the API's list item, for the same table as locally."""
    from datetime import datetime

    from cairn.domain.moments import KeyMoments
    from cairn.services.incidents import IncidentSummary

    moments = KeyMoments(**{name: datetime.fromisoformat(value) for name, value in data.get("moments", {}).items()})
    return IncidentSummary(
        key=data["key"], title=data["title"], kind=data["kind"], severity=data["severity"], status=data["status"],
        visibility=data["visibility"], timezone=data["timezone"], services=data["services"], teams=data["teams"],
        moments=moments, postmortem_status=data.get("postmortem_status"), action_items_open=data.get("action_items_open", 0),
    )
