"""PagerDuty: REST log entries, webhooks v2 (messages with log entries) and v3 events."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

from cairn.errors import ImportFailed
from cairn.importers.base import ImportOptions, Progress, RawEvent, Record, Rejected, Filtered, in_window
from cairn.importers.jsonfile import load_json, sniff_json
from cairn.importers.timestamps import parse_value

# log entry type (REST and v2) or v3 event type -> timeline kind
KINDS = {
    "trigger": "alert",
    "triggered": "alert",
    "acknowledge": "acknowledgement",
    "acknowledged": "acknowledgement",
    "unacknowledge": "action",
    "unacknowledged": "action",
    "escalate": "escalation",
    "escalated": "escalation",
    "assign": "action",
    "reassigned": "action",
    "annotate": "note",
    "annotated": "note",
    "resolve": "resolution",
    "resolved": "resolution",
    "notify": "communication",
    "delegated": "escalation",
    "priority_updated": "action",
    "responder.added": "escalation",
    "status_update_published": "communication",
}


class PagerDutyImporter:
    name = "pagerduty"

    def sniff(self, head: bytes, path: Path) -> int:
        text = sniff_json(head)
        if not text:
            return 0
        if '"log_entries"' in text and "_log_entry" in text:
            return 90
        if '"event_type"' in text and '"incident.' in text:
            return 90
        if '"type": "incident_note"' in text or '"type":"incident_note"' in text:
            return 70
        return 0

    def read(self, path: Path, options: ImportOptions, progress: Progress) -> Iterator[Record]:
        data = load_json(path, progress)
        if isinstance(data, dict) and isinstance(data.get("log_entries"), list):
            yield from self._log_entries(data["log_entries"], path, options, "log_entries")
        elif isinstance(data, dict) and isinstance(data.get("messages"), list):
            for index, message in enumerate(data["messages"]):
                if not isinstance(message, dict) or not isinstance(message.get("log_entries"), list):
                    yield Rejected(f"{path} messages[{index}]", "a v2 webhook message without log_entries")
                    continue
                yield from self._log_entries(message["log_entries"], path, options, f"messages[{index}].log_entries")
        elif isinstance(data, dict) and isinstance(data.get("event"), dict):
            yield self._v3(data["event"], path, options, "event")
        elif isinstance(data, list) and all(isinstance(item, dict) and "event_type" in item for item in data):
            for index, event in enumerate(data):
                yield self._v3(event, path, options, f"[{index}]")
        elif isinstance(data, dict) and data.get("type") == "incident_note":
            yield Rejected(f"{path}", "a v3 event's data object on its own has no time: import the whole webhook event")
        else:
            raise ImportFailed("not PagerDuty data: expected log_entries, v2 messages or a v3 event", source=str(path))

    def _log_entries(self, entries: list[Any], path: Path, options: ImportOptions, base: str) -> Iterator[Record]:
        for index, entry in enumerate(entries):
            where = f"{path} {base}[{index}]"
            if not isinstance(entry, dict):
                yield Rejected(where, "a log entry must be an object")
                continue
            entry_type = str(entry.get("type", ""))
            at = parse_value(entry.get("created_at"), options.zone)
            if at is None or not isinstance(entry.get("id"), (str, int)) or isinstance(entry.get("id"), bool) or entry.get("id") == "":
                yield Rejected(where, "a log entry needs id and created_at")
                continue
            if not in_window(at, options):
                yield Filtered(where, "outside the time window")
                continue
            short = entry_type.removesuffix("_log_entry")
            agent = _summary(entry.get("agent"))
            channel = entry.get("channel") if isinstance(entry.get("channel"), dict) else {}
            incident = _summary(entry.get("incident"))
            text = str(entry.get("summary") or short.replace("_", " "))
            detail = channel.get("details") or channel.get("summary") if short in ("trigger", "annotate") else None
            if short == "annotate" and channel.get("summary"):
                text = f"Note: {channel['summary']}"
            elif detail and str(detail) not in text:
                text = f"{text}: {detail}"
            if incident:
                text = f"{text} ({incident})"
            yield RawEvent(at, KINDS.get(short, "note"), text[:4000], agent, "pagerduty", str(entry["id"]), where)

    def _v3(self, event: Any, path: Path, options: ImportOptions, where_key: str) -> Record:
        where = f"{path} {where_key}"
        if not isinstance(event, dict):
            return Rejected(where, "an event must be an object")
        at = parse_value(event.get("occurred_at"), options.zone)
        event_type = str(event.get("event_type", ""))
        if at is None or not isinstance(event.get("id"), (str, int)) or not event_type.startswith("incident."):
            return Rejected(where, "a v3 event needs id, event_type incident.* and occurred_at")
        if not in_window(at, options):
            return Filtered(where, "outside the time window")
        data = event.get("data") if isinstance(event.get("data"), dict) else {}
        short = event_type.removeprefix("incident.")
        if short == "annotated":
            text = f"Note: {data.get('content', '')}".strip()
        else:
            text = f"Incident {short.replace('_', ' ')}: {data.get('title') or _summary(data.get('incident')) or ''}".strip(": ")
        return RawEvent(at, KINDS.get(short, "note"), text[:4000], _summary(event.get("agent")), "pagerduty", str(event["id"]), where)


def _summary(value: Any) -> str | None:
    if isinstance(value, dict) and value.get("summary"):
        return str(value["summary"])[:200]
    return None
