"""Prometheus Alertmanager webhook payloads (firing and resolved, grouped alerts)."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

from cairn.errors import ImportFailed
from cairn.importers.base import Filtered, ImportOptions, Progress, RawEvent, Record, Rejected, in_window
from cairn.importers.jsonfile import load_json, sniff_json
from cairn.importers.timestamps import parse_value


class AlertmanagerImporter:
    name = "alertmanager"

    def sniff(self, head: bytes, path: Path) -> int:
        text = sniff_json(head)
        if text and '"alerts"' in text and ('"groupKey"' in text or '"startsAt"' in text):
            return 90
        return 0

    def read(self, path: Path, options: ImportOptions, progress: Progress) -> Iterator[Record]:
        data = load_json(path, progress)
        payloads = data if isinstance(data, list) else [data]
        for number, payload in enumerate(payloads):
            if not isinstance(payload, dict) or not isinstance(payload.get("alerts"), list):
                raise ImportFailed("not an Alertmanager webhook payload: expected an object with alerts", source=str(path))
            yield from self.events(payload, options, f"{path}" + (f"[{number}]" if isinstance(data, list) else ""))

    def events(self, payload: dict[str, Any], options: ImportOptions, where_base: str) -> Iterator[Record]:
        """Also used by the live receiver: one payload -> timeline records."""
        group = str(payload.get("groupKey", ""))
        for index, alert in enumerate(payload["alerts"]):
            where = f"{where_base} alerts[{index}]"
            if not isinstance(alert, dict):
                yield Rejected(where, "an alert must be an object")
                continue
            labels = alert.get("labels") if isinstance(alert.get("labels"), dict) else {}
            annotations = alert.get("annotations") if isinstance(alert.get("annotations"), dict) else {}
            status = str(alert.get("status") or payload.get("status") or "firing")
            resolved = status == "resolved"
            at = parse_value(alert.get("endsAt") if resolved else alert.get("startsAt"), options.zone)
            if at is None:
                yield Rejected(where, f"no readable {'endsAt' if resolved else 'startsAt'} time")
                continue
            if not in_window(at, options):
                yield Filtered(where, "outside the time window")
                continue
            name = labels.get("alertname") or next(iter(labels.values()), "alert")
            summary = annotations.get("summary") or annotations.get("description") or ""
            where_labels = ", ".join(f"{k}={v}" for k, v in sorted(labels.items()) if k not in ("alertname",))[:300]
            text = f"{'Resolved' if resolved else 'Firing'}: {name}" + (f" — {summary}" if summary else "")
            if where_labels:
                text += f" ({where_labels})"
            fingerprint = str(alert.get("fingerprint") or f"{group}:{name}:{where_labels}")
            ref = f"{fingerprint}:{status}:{at.isoformat()}"
            yield RawEvent(at, "resolution" if resolved else "alert", text[:4000], "alertmanager", "alertmanager", ref, where)
