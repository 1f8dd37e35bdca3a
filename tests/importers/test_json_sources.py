"""PagerDuty, Alertmanager and Slack on payloads in their documented shapes,
plus the real-world samples in ../shared/samples."""

from __future__ import annotations

import json
import zipfile
from datetime import datetime, timezone
from pathlib import Path

import pytest

from cairn.errors import ImportFailed
from cairn.importers.alertmanager import AlertmanagerImporter
from cairn.importers.base import Filtered, ImportOptions, RawEvent, Rejected, detect
from cairn.importers.pagerduty import PagerDutyImporter
from cairn.importers.slack import SlackImporter


def run(importer, path: Path, **options) -> list:
    return list(importer.read(path, ImportOptions(**options), lambda _d: None))


def write(tmp_path: Path, name: str, data) -> Path:
    path = tmp_path / name
    path.write_text(json.dumps(data))
    return path


def log_entry(kind: str, minute: int, **extra) -> dict:
    return {
        "id": f"Q{kind.upper()}{minute}",
        "type": f"{kind}_log_entry",
        "summary": f"{kind.capitalize()}d by someone",
        "created_at": f"2026-11-23T14:{minute:02d}:00Z",
        "agent": {"type": "user_reference", "summary": "Alice Moreau"},
        "channel": {"type": "web"},
        "incident": {"summary": "[#12] Checkout 502"},
        **extra,
    }


def test_pagerduty_log_entries_map_to_timeline_kinds(tmp_path):
    path = write(tmp_path, "pd.json", {"log_entries": [
        log_entry("trigger", 5), log_entry("acknowledge", 7), log_entry("escalate", 9),
        log_entry("annotate", 12, channel={"type": "note", "summary": "rolling back"}), log_entry("resolve", 40),
    ]})
    found = run(PagerDutyImporter(), path)
    assert [e.kind for e in found] == ["alert", "acknowledgement", "escalation", "note", "resolution"]
    assert found[3].text.startswith("Note: rolling back") and found[0].actor == "Alice Moreau"
    assert found[0].ref == "QTRIGGER5"


def test_pagerduty_v3_events_and_bad_records(tmp_path):
    event = {"event": {"id": "01ABC", "event_type": "incident.acknowledged", "occurred_at": "2026-11-23T14:07:00Z",
                       "agent": {"summary": "Bob"}, "data": {"title": "Checkout 502"}}}
    [found] = run(PagerDutyImporter(), write(tmp_path, "v3.json", event))
    assert (found.kind, found.actor) == ("acknowledgement", "Bob")
    records = run(PagerDutyImporter(), write(tmp_path, "bad.json", {"log_entries": [{"type": "trigger_log_entry"}, 5]}))
    assert [r.reason for r in records] == ["a log entry needs id and created_at", "a log entry must be an object"]
    with pytest.raises(ImportFailed, match="not PagerDuty data"):
        run(PagerDutyImporter(), write(tmp_path, "other.json", {"hello": 1}))


def test_alertmanager_firing_and_resolved(tmp_path):
    payload = {"version": "4", "groupKey": "{}:{alertname=\"HighLatency\"}", "status": "resolved", "alerts": [
        {"status": "firing", "labels": {"alertname": "HighLatency", "service": "checkout"},
         "annotations": {"summary": "p99 above 2s"}, "startsAt": "2026-11-23T14:05:00Z", "endsAt": "0001-01-01T00:00:00Z", "fingerprint": "f1"},
        {"status": "resolved", "labels": {"alertname": "HighLatency", "service": "checkout"},
         "startsAt": "2026-11-23T14:05:00Z", "endsAt": "2026-11-23T15:00:00Z", "fingerprint": "f1"},
    ]}
    found = run(AlertmanagerImporter(), write(tmp_path, "am.json", payload))
    assert [(e.kind, e.at.hour) for e in found] == [("alert", 14), ("resolution", 15)]
    assert found[0].text == "Firing: HighLatency — p99 above 2s (service=checkout)"


def slack_export(root: Path) -> Path:
    root.mkdir()
    (root / "channels.json").write_text(json.dumps([{"id": "C1", "name": "inc-checkout"}, {"id": "C2", "name": "random"}]))
    (root / "users.json").write_text(json.dumps([{"id": "U1", "name": "alice", "real_name": "Alice Moreau"}, {"id": "U2", "name": "bob", "profile": {"real_name": "Bob Li"}}]))
    (root / "inc-checkout").mkdir()
    (root / "random").mkdir()
    (root / "inc-checkout" / "2026-11-23.json").write_text(json.dumps([
        {"type": "message", "subtype": "channel_join", "user": "U2", "text": "<@U2> has joined", "ts": "1763906400.000100"},
        {"type": "message", "user": "U1", "text": "checkout is 502ing, <@U2> can you look?", "ts": "1763906700.000200"},
        {"type": "message", "user": "U2", "text": "on it", "ts": "1763906760.000300", "thread_ts": "1763906700.000200"},
        {"type": "message", "subtype": "bot_message", "bot_id": "B1", "text": "deploy bot says hi", "ts": "1763906800.000400"},
        {"type": "message", "user": "U1", "text": "bad ts", "ts": "yesterday"},
    ]))
    (root / "random" / "2026-11-23.json").write_text("[]")
    return root


def test_a_slack_export_folder_and_zip_give_the_same_events(tmp_path):
    folder = slack_export(tmp_path / "export")
    with pytest.raises(ImportFailed, match="choose a channel"):
        run(SlackImporter(), folder)
    records = run(SlackImporter(), folder, channel="inc-checkout")
    found = [r for r in records if isinstance(r, RawEvent)]
    assert [(e.actor, e.text) for e in found] == [
        ("Alice Moreau", "checkout is 502ing, @Bob Li can you look?"),
        ("Bob Li", "↳ in thread on “checkout is 502ing, @Bob Li can you look?”: on it"),
    ]
    assert sum(isinstance(r, Filtered) for r in records) == 2
    assert [r.reason for r in records if isinstance(r, Rejected)] == ["no readable ts 'yesterday'"]
    archive = tmp_path / "export.zip"
    with zipfile.ZipFile(archive, "w") as zipped:
        for path in folder.rglob("*"):
            if path.is_file():
                zipped.write(path, f"My Workspace Slack export/{path.relative_to(folder)}")
    zipped_events = [r for r in run(SlackImporter(), archive, channel="#inc-checkout") if isinstance(r, RawEvent)]
    assert [(e.ref, e.text) for e in zipped_events] == [(e.ref, e.text) for e in found]
    assert detect(folder).name == "slack" and detect(archive).name == "slack"


def test_sources_are_detected_from_content(tmp_path):
    assert detect(write(tmp_path, "a.json", {"log_entries": [log_entry("trigger", 1)]})).name == "pagerduty"
    assert detect(write(tmp_path, "b.json", {"groupKey": "x", "alerts": []})).name == "alertmanager"
    assert detect(write(tmp_path, "c.json", {"ok": True, "messages": [{"ts": "1.0", "type": "message"}]})).name == "slack"
    log = tmp_path / "d.txt"
    log.write_text("2026-11-23 14:05:00 hello\n")
    assert detect(log).name == "log"
    with pytest.raises(ImportFailed, match="cannot tell what this file is"):
        detect(write(tmp_path, "e.json", {"hello": "world"}))


def test_the_shared_real_world_samples_import(shared_samples):
    pd = run(PagerDutyImporter(), shared_samples / "pagerduty" / "api_example_incident_log_entries.json")
    assert pd[0].kind == "alert" and pd[0].at == datetime(2015, 11, 7, 0, 14, 20, tzinfo=timezone.utc)
    v2 = run(PagerDutyImporter(), shared_samples / "pagerduty" / "webhook_v2_incident.trigger.json")
    assert v2[0].actor == "Laura Haley" and "Oh my gosh" in v2[0].text
    v3 = run(PagerDutyImporter(), shared_samples / "pagerduty" / "webhook_v3_data_incident_note.json")
    assert isinstance(v3[0], Rejected)
    am = run(AlertmanagerImporter(), shared_samples / "alertmanager" / "alertmanager_repo_notify_exec_testdata_success.json")
    assert am[0].kind == "alert"
    for name in ("conversations.history_docs_example_0.json", "conversations.replies_docs_example_0.json"):
        path = shared_samples / "slack" / name
        if path.exists():
            assert [r for r in run(SlackImporter(), path) if isinstance(r, RawEvent)]


def test_grafana_opsgenie_and_github_payloads(tmp_path, shared_samples):
    from cairn.importers.webhooks import GitHubDeploymentImporter, GrafanaImporter, OpsgenieImporter

    grafana = {"receiver": "cairn", "status": "firing", "orgId": 1, "groupKey": "g", "title": "[FIRING:1] Latency",
               "alerts": [{"status": "firing", "labels": {"alertname": "Latency", "grafana_folder": "Checkout"},
                           "annotations": {"summary": "p99 > 2s"}, "startsAt": "2026-11-23T14:05:00Z",
                           "endsAt": "0001-01-01T00:00:00Z", "fingerprint": "abc", "dashboardURL": "http://g/d/1"}]}
    path = write(tmp_path, "grafana.json", grafana)
    assert detect(path).name == "grafana"
    [event] = run(GrafanaImporter(), path)
    assert (event.source, event.kind, event.text) == ("grafana", "alert", "Firing: Latency — p99 > 2s (grafana_folder=Checkout)")

    opsgenie = [
        {"action": "Create", "alert": {"alertId": "a-1", "message": "DB down", "createdAt": 1763906700000,
                                       "updatedAt": 1763906700000000000, "username": "System"}, "source": {"name": "api"}},
        {"action": "Acknowledge", "alert": {"alertId": "a-1", "message": "DB down", "createdAt": 1763906700000,
                                            "updatedAt": 1763906820000000000, "username": "alice@example.com"}},
        {"action": "AddNote", "alert": {"alertId": "a-1", "note": "failing over", "createdAt": 1763906700000,
                                        "updatedAt": 1763906880000000000}},
    ]
    path = write(tmp_path, "opsgenie.json", opsgenie)
    assert detect(path).name == "opsgenie"
    found = run(OpsgenieImporter(), path)
    assert [(e.kind, e.at.minute, e.text) for e in found] == [
        ("alert", 5, "Create: DB down"), ("acknowledgement", 7, "Acknowledge: DB down"), ("note", 8, "Note: failing over")]

    deployment = run(GitHubDeploymentImporter(), shared_samples / "github" / "octokit_webhooks_deployment_payload.json")
    status = run(GitHubDeploymentImporter(), shared_samples / "github" / "octokit_webhooks_deployment_status_payload.json")
    assert deployment[0].kind == "deploy" and deployment[0].text.endswith("to production started")
    assert status[0].text.endswith("to production: success") and status[0].ref != deployment[0].ref
