"""Slack: a workspace export (zip or folder of per-channel, per-day JSON
files) and the JSON of conversations.history / conversations.replies."""

from __future__ import annotations

import re
import zipfile
from collections.abc import Iterator
from datetime import datetime, timezone
from pathlib import Path, PurePosixPath
from typing import Any

from cairn.domain.times import EARLIEST_YEAR, LATEST_YEAR
from cairn.errors import ImportFailed
from cairn.importers.base import open_zip, Filtered, ImportOptions, Progress, RawEvent, Record, Rejected
from cairn.importers.jsonfile import load_json, parse_json, sniff_json

NOISE_SUBTYPES = {
    "channel_join", "channel_leave", "channel_topic", "channel_purpose", "channel_name", "channel_archive",
    "channel_unarchive", "group_join", "group_leave", "bot_add", "bot_remove", "pinned_item", "unpinned_item",
    "reminder_add", "joiner_notification",
}
# One pass over a message's markup: user mentions, channel links, web links.
_MARKUP = re.compile(r"<(?:@([UW][A-Z0-9]+)(?:\|([^>]+))?|#C[A-Z0-9]+\|([^>]+)|(https?://[^|>]+)(?:\|([^>]+))?)>")
_DAY_FILE = re.compile(r"^\d{4}-\d{2}-\d{2}\.json$")
TEXT_LIMIT = 4000
# One day file is parsed whole: its JSON objects take several times its size in memory.
MAX_DAY_FILE = 64 * 1024 * 1024


class SlackImporter:
    name = "slack"

    def sniff(self, head: bytes, path: Path) -> int:
        if path.is_dir():
            return 90 if (path / "channels.json").exists() or (path / "users.json").exists() else 0
        if head.startswith(b"PK"):
            try:
                with zipfile.ZipFile(path) as archive:
                    names = {PurePosixPath(n).name for n in archive.namelist()}
            except zipfile.BadZipFile:
                return 0
            return 90 if "channels.json" in names or "users.json" in names else 0
        text = sniff_json(head)
        if text and '"messages"' in text and '"ts"' in text:
            return 80
        if text.startswith("[") and '"ts"' in text and '"type"' in text:
            return 60
        return 0

    def read(self, path: Path, options: ImportOptions, progress: Progress) -> Iterator[Record]:
        if path.is_dir():
            yield from self._export(_FolderSource(path), path, options, progress)
        elif zipfile.is_zipfile(path):
            with open_zip(path, options) as archive:
                yield from self._export(_ZipSource(archive), path, options, progress)
        else:
            data = load_json(path, progress)
            messages = data.get("messages") if isinstance(data, dict) else data
            if not isinstance(messages, list):
                raise ImportFailed("not Slack data: expected an export or a conversations.history response", source=str(path))
            channel = options.channel or (data.get("channel") if isinstance(data, dict) and isinstance(data.get("channel"), str) else None) or path.stem
            yield from self._messages(messages, channel, {}, str(path), options)

    def _export(self, source: "_Source", path: Path, options: ImportOptions, progress: Progress) -> Iterator[Record]:
        users = _user_names(source.json("users.json", path) or [])
        channels = sorted({name for name in source.folders()})
        if not channels:
            raise ImportFailed("a Slack export with no channel folders", source=str(path))
        channel = options.channel.lstrip("#") if options.channel else None
        if channel is None:
            if len(channels) > 1:
                raise ImportFailed(f"the export has {len(channels)} channels: choose a channel ({', '.join(channels[:10])})", source=str(path))
            channel = channels[0]
        if channel not in channels:
            raise ImportFailed(f"no channel {channel!r} in the export ({', '.join(channels[:10])})", source=str(path))
        days = sorted(name for name in source.files(channel) if _DAY_FILE.match(name))
        for done, day in enumerate(days, start=1):
            if options.since and day[:10] < options.since.date().isoformat():
                progress(done)
                continue
            if options.until and day[:10] > options.until.date().isoformat():
                progress(done)
                continue
            messages = source.json(f"{channel}/{day}", path)
            where = f"{path}/{channel}/{day}"
            if not isinstance(messages, list):
                yield Rejected(where, "a day file must hold a JSON list of messages")
                continue
            yield from self._messages(messages, channel, users, where, options)
            progress(done)

    def _messages(self, messages: list[Any], channel: str, users: dict[str, str], where_base: str, options: ImportOptions) -> Iterator[Record]:
        """One day's messages. This loop runs once per message, so it keeps to
        local names, and takes the common case (a string `ts`, text without
        markup) by the shortest way."""
        threads: dict[str, str] = {}
        plain = _plain_text(users)
        since, until = options.since, options.until
        windowed = since is not None or until is not None
        user_name = users.get
        parent_of = threads.get
        fromtimestamp, utc = datetime.fromtimestamp, timezone.utc
        ref_base = f"{channel}:"
        where_open = f"{where_base} ["
        event = tuple.__new__  # RawEvent's own __new__, without its Python-level call
        for index, message in enumerate(messages):
            if not isinstance(message, dict):
                yield Rejected(f"{where_open}{index}]", "a message must be an object")
                continue
            get = message.get
            ts_value = get("ts")
            at = None
            if type(ts_value) is str:
                try:
                    seconds = float(ts_value)
                except ValueError:
                    seconds = -1.0
                if _FAST_TS_FROM <= seconds < _FAST_TS_UNTIL:  # certainly a time in range (NaN is not)
                    at = fromtimestamp(seconds, utc)
            if at is None:
                at = _ts(ts_value)
                if at is None:
                    yield Rejected(f"{where_open}{index}]", f"no readable ts {str(ts_value)[:30]!r}")
                    continue
            subtype = get("subtype")
            if subtype is not None:
                if subtype in NOISE_SUBTYPES:
                    yield Filtered(f"{where_open}{index}]", f"{subtype}")
                    continue
                if subtype == "bot_message":
                    yield Filtered(f"{where_open}{index}]", "bot message")
                    continue
            if get("bot_id"):
                yield Filtered(f"{where_open}{index}]", "bot message")
                continue
            if windowed and ((since is not None and at < since) or (until is not None and at >= until)):
                yield Filtered(f"{where_open}{index}]", "outside the time window")
                continue
            raw_text = get("text")
            if type(raw_text) is not str:
                raw_text = str(raw_text or "")
            text = raw_text.strip() if "<" not in raw_text and "&" not in raw_text else plain(raw_text)
            if not text:
                text = "(shared a file)" if get("files") else ""
            if not text:
                yield Filtered(f"{where_open}{index}]", "empty message")
                continue
            ts = ts_value if type(ts_value) is str else str(ts_value)
            thread = get("thread_ts")
            if thread and (thread if type(thread) is str else str(thread)) != ts:
                parent = parent_of(str(thread))
                text = f"↳ in thread{f' on “{parent}”' if parent else ''}: {text}"
            else:
                threads[ts] = text[:60]
            user = get("user")
            actor = user_name(user if type(user) is str else str(user) if user is not None else "") or _profile_name(message) or user
            yield event(RawEvent, (
                at, "communication", text[:TEXT_LIMIT], str(actor)[:200] if actor else None, "slack", ref_base + ts,
                f"{where_open}{index}]", None, None,
            ))


class _Source:
    def folders(self) -> list[str]: ...
    def files(self, folder: str) -> list[str]: ...
    def json(self, name: str, path: Path) -> Any: ...


class _FolderSource(_Source):
    def __init__(self, root: Path) -> None:
        self.root = root

    def folders(self) -> list[str]:
        return [p.name for p in self.root.iterdir() if p.is_dir()]

    def files(self, folder: str) -> list[str]:
        return [p.name for p in (self.root / folder).iterdir() if p.is_file()]

    def json(self, name: str, path: Path) -> Any:
        target = self.root / name
        if not target.exists():
            return None
        return parse_json(target.read_bytes(), f"{path}/{name}")


class _ZipSource(_Source):
    def __init__(self, archive: zipfile.ZipFile) -> None:
        self.archive = archive
        names = [n for n in archive.namelist() if not n.endswith("/")]
        roots = {PurePosixPath(n).parts[0] for n in names}
        has_top = "channels.json" in {PurePosixPath(n).name for n in names if len(PurePosixPath(n).parts) == 2}
        self.prefix = f"{roots.pop()}/" if len(roots) == 1 and has_top else ""
        self.names = [n[len(self.prefix) :] for n in names if n.startswith(self.prefix)]

    def folders(self) -> list[str]:
        return sorted({PurePosixPath(n).parts[0] for n in self.names if len(PurePosixPath(n).parts) == 2})

    def files(self, folder: str) -> list[str]:
        return [PurePosixPath(n).name for n in self.names if PurePosixPath(n).parts[0] == folder and len(PurePosixPath(n).parts) == 2]

    def json(self, name: str, path: Path) -> Any:
        try:
            info = self.archive.getinfo(self.prefix + name)
        except KeyError:
            return None
        if info.file_size > MAX_DAY_FILE:
            raise ImportFailed(f"{name} is too large ({info.file_size:,} bytes; at most {MAX_DAY_FILE:,})", source=str(path))
        try:
            raw = self.archive.read(info)
        except (zipfile.BadZipFile, OSError, EOFError, RuntimeError, NotImplementedError) as error:
            raise ImportFailed(f"{name} cannot be unpacked: {error}", source=str(path)) from None
        return parse_json(raw, f"{path}:{name}")


# Seconds since 1970 between these two are certainly a time within the years Cairn keeps,
# with a margin for rounding to microseconds: `_ts`'s checks need not run for them.
_FAST_TS_FROM = datetime(EARLIEST_YEAR, 1, 1, 0, 0, 1, tzinfo=timezone.utc).timestamp()
_FAST_TS_UNTIL = datetime(LATEST_YEAR, 12, 31, tzinfo=timezone.utc).timestamp()


def _ts(value: Any) -> datetime | None:
    try:
        seconds = float(value if type(value) is str else str(value))
    except (TypeError, ValueError):
        return None
    if seconds != seconds:
        return None
    try:
        at = datetime.fromtimestamp(seconds, timezone.utc)
    except (OverflowError, OSError, ValueError):
        return None
    return at if EARLIEST_YEAR <= at.year <= LATEST_YEAR else None


def _user_names(users: Any) -> dict[str, str]:
    names: dict[str, str] = {}
    if isinstance(users, list):
        for user in users:
            if isinstance(user, dict) and user.get("id"):
                profile = user.get("profile") if isinstance(user.get("profile"), dict) else {}
                name = user.get("real_name") or profile.get("real_name") or profile.get("display_name") or user.get("name")
                if name:
                    names[str(user["id"])] = str(name)
    return names


def _profile_name(message: dict[str, Any]) -> str | None:
    profile = message.get("user_profile")
    if isinstance(profile, dict):
        return profile.get("real_name") or profile.get("display_name") or profile.get("name")
    return None


def _plain_text(users: dict[str, str]):  # type: ignore[no-untyped-def]
    """Slack's markup made readable: <@U1|name> to @Name, <#C1|ops> to #ops,
    <https://x|label> to label, entities decoded; whitespace trimmed."""

    user_name = users.get

    def replace(match: re.Match[str]) -> str:
        last = match.lastindex  # which alternative matched: groups 1-2, 3 or 4-5
        if last is not None and last <= 2:
            user = match[1]
            return "@" + (user_name(user) or match[2] or user)
        if last == 3:
            return "#" + match[3]
        return match[5] or match[4]

    def plain(text: str) -> str:
        if "<" in text:
            text = _MARKUP.sub(replace, text)
        if "&" in text:  # after the markup too: a label may hold entities
            text = text.replace("&lt;", "<").replace("&gt;", ">").replace("&amp;", "&")
        return text.strip()

    return plain
