"""Grafana alerting, Opsgenie and GitHub deployment webhooks (single payloads
or JSON lists of them, as saved from a receiver)."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import datetime, timezone
from pathlib import Path
from typing import Any

from cairn.domain.times import EARLIEST_YEAR, LATEST_YEAR
from cairn.errors import ImportFailed
from cairn.importers.alertmanager import AlertmanagerImporter
from cairn.importers.base import Filtered, ImportOptions, Progress, RawEvent, Record, Rejected, in_window
from cairn.importers.jsonfile import load_json, sniff_json
from cairn.importers.timestamps import parse_value


def _payloads(data: Any) -> list[tuple[str, Any]]:
    if isinstance(data, list):
        return [(f"[{index}]", item) for index, item in enumerate(data)]
    return [("", data)]


class GrafanaImporter:
    """Grafana's alerting webhook is Alertmanager's payload plus a few fields."""

    name = "grafana"

    def sniff(self, head: bytes, path: Path) -> int:
        text = sniff_json(head)
        if text and '"alerts"' in text and ('"orgId"' in text or '"dashboardURL"' in text or '"panelURL"' in text):
            return 95
        return 0

    def read(self, path: Path, options: ImportOptions, progress: Progress) -> Iterator[Record]:
        data = load_json(path, progress)
        for suffix, payload in _payloads(data):
            if not isinstance(payload, dict) or not isinstance(payload.get("alerts"), list):
                raise ImportFailed("not a Grafana alerting webhook payload: expected an object with alerts", source=str(path))
            for record in AlertmanagerImporter().events(payload, options, f"{path}{suffix}"):
                if isinstance(record, RawEvent):
                    record = RawEvent(record.at, record.kind, record.text, "grafana", "grafana", record.ref, record.where)
                yield record


OPSGENIE_KINDS = {
    "Create": "alert",
    "Acknowledge": "acknowledgement",
    "UnAcknowledge": "action",
    "AddNote": "note",
    "Close": "resolution",
    "Delete": "action",
    "Escalate": "escalation",
    "EscalateNext": "escalation",
    "AssignOwnership": "action",
    "TakeOwnership": "action",
    "AddRecipient": "escalation",
    "AddTeam": "escalation",
    "AddResponder": "escalation",
    "Snooze": "action",
}


def _opsgenie_time(value: Any) -> datetime | None:
    """updatedAt is in nanoseconds, createdAt in milliseconds."""
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        return None
    seconds = value / 1e9 if value > 1e16 else value / 1e3 if value > 1e11 else value
    try:
        at = datetime.fromtimestamp(seconds, timezone.utc)
    except (OverflowError, OSError, ValueError):
        return None
    return at if EARLIEST_YEAR <= at.year <= LATEST_YEAR else None


class OpsgenieImporter:
    name = "opsgenie"

    def sniff(self, head: bytes, path: Path) -> int:
        text = sniff_json(head)
        if text and '"action"' in text and '"alert"' in text and ('"alertId"' in text or '"tinyId"' in text):
            return 90
        return 0

    def read(self, path: Path, options: ImportOptions, progress: Progress) -> Iterator[Record]:
        data = load_json(path, progress)
        for suffix, payload in _payloads(data):
            where = f"{path}{suffix}"
            if not isinstance(payload, dict) or not isinstance(payload.get("alert"), dict) or "action" not in payload:
                raise ImportFailed("not an Opsgenie webhook payload: expected action and alert", source=str(path))
            alert = payload["alert"]
            action = str(payload["action"])
            at = _opsgenie_time(alert.get("updatedAt")) if action != "Create" else None
            at = at or _opsgenie_time(alert.get("createdAt"))
            if at is None or not alert.get("alertId"):
                yield Rejected(where, "an Opsgenie alert needs alertId and createdAt/updatedAt")
                continue
            if not in_window(at, options):
                yield Filtered(where, "outside the time window")
                continue
            message = str(alert.get("message") or "").strip()
            if action == "AddNote" and alert.get("note"):
                text = f"Note: {alert['note']}"
            else:
                text = f"{action}: {message}" if message else action
            source_info = payload.get("source") if isinstance(payload.get("source"), dict) else {}
            actor = alert.get("username") or source_info.get("name") or None
            ref = f"{alert['alertId']}:{action}:{alert.get('updatedAt') or alert.get('createdAt')}"
            yield RawEvent(at, OPSGENIE_KINDS.get(action, "note"), text[:4000], str(actor)[:200] if actor else None, "opsgenie", ref, where)


class GitHubDeploymentImporter:
    name = "github"

    def sniff(self, head: bytes, path: Path) -> int:
        text = sniff_json(head)
        if text and '"deployment"' in text and '"repository"' in text:
            return 90
        return 0

    def read(self, path: Path, options: ImportOptions, progress: Progress) -> Iterator[Record]:
        data = load_json(path, progress)
        for suffix, payload in _payloads(data):
            where = f"{path}{suffix}"
            if not isinstance(payload, dict) or not isinstance(payload.get("deployment"), dict):
                raise ImportFailed("not a GitHub deployment or deployment_status event", source=str(path))
            deployment = payload["deployment"]
            repo = (payload.get("repository") or {}).get("full_name") if isinstance(payload.get("repository"), dict) else None
            environment = deployment.get("environment") or "an environment"
            short_sha = str(deployment.get("sha") or "")[:7]
            what = f"{repo or 'repository'} {deployment.get('ref') or ''}{f' ({short_sha})' if short_sha else ''}".strip()
            status = payload.get("deployment_status")
            if isinstance(status, dict):
                at = parse_value(status.get("created_at"), options.zone)
                state = str(status.get("state") or "unknown")
                text = f"Deploy of {what} to {environment}: {state}"
                if status.get("description"):
                    text += f" — {status['description']}"
                ref = f"status:{status.get('id')}"
                kind = "deploy"
                actor = (status.get("creator") or {}).get("login") if isinstance(status.get("creator"), dict) else None
            else:
                at = parse_value(deployment.get("created_at"), options.zone)
                text = f"Deploy of {what} to {environment} started"
                if deployment.get("description"):
                    text += f" — {deployment['description']}"
                ref = f"deployment:{deployment.get('id')}"
                kind = "deploy"
                actor = (deployment.get("creator") or {}).get("login") if isinstance(deployment.get("creator"), dict) else None
            if at is None or ref.endswith(":None"):
                yield Rejected(where, "a deployment event needs an id and created_at")
                continue
            if not in_window(at, options):
                yield Filtered(where, "outside the time window")
                continue
            yield RawEvent(at, kind, text[:4000], actor, "github", ref, where)
