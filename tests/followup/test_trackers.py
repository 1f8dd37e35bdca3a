"""Tracker sync against local HTTP servers that speak Jira's and GitHub's
documented endpoints; the real client code is what runs."""

from __future__ import annotations

import base64
import json
import re
from datetime import date, datetime, timezone
from http.server import BaseHTTPRequestHandler
from pathlib import Path

import pytest
from pydantic import SecretStr

from cairn.errors import Conflict, InvalidInput
from cairn.services.actions import add_action_item, list_action_items
from cairn.services.context import Context
from cairn.services.incidents import open_incident
from cairn.services.people import create_user
from cairn.services.tokens import create_token
from cairn.services.trackers import open_ticket, sync_tickets
from tests.followup.fake_http import serving
from tests.web.personas import signed_in_client

SAMPLE = Path(__file__).resolve().parents[2].parent / "shared" / "samples" / "jira" / "jira-ruby_issue_10002.json"


class FakeTrackers:
    """Jira: POST/GET /rest/api/2/issue; GitHub: POST/GET /repos/o/r/issues. `down` makes both 503."""

    def __init__(self) -> None:
        self.issues: dict[str, dict] = {}
        self.requests: list[tuple[str, str, dict | None, dict]] = []
        self.down = False
        trackers = self

        class Handler(BaseHTTPRequestHandler):
            def _reply(self, status: int, body: dict) -> None:
                data = json.dumps(body).encode()
                self.send_response(status)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(data)))
                self.end_headers()
                self.wfile.write(data)

            def do_POST(self):  # noqa: N802
                body = json.loads(self.rfile.read(int(self.headers["Content-Length"])))
                trackers.requests.append(("POST", self.path, body, dict(self.headers)))
                if trackers.down:
                    return self._reply(503, {"message": "maintenance"})
                if self.path == "/rest/api/2/issue":
                    key = f"OPS-{len(trackers.issues) + 1}"
                    trackers.issues[key] = jira_issue(key, body["fields"])
                    return self._reply(201, {"id": "10001", "key": key, "self": f"http://x/rest/api/2/issue/{key}"})
                if self.path == "/repos/acme/app/issues":
                    number = len(trackers.issues) + 1
                    trackers.issues[f"acme/app#{number}"] = {"number": number, "state": "open", "closed_at": None, "title": body["title"]}
                    return self._reply(201, {"number": number, "html_url": f"https://github.example/acme/app/issues/{number}", "state": "open"})
                self._reply(404, {"message": "Not Found"})

            def do_GET(self):  # noqa: N802
                trackers.requests.append(("GET", self.path, None, dict(self.headers)))
                if trackers.down:
                    return self._reply(503, {"message": "maintenance"})
                jira = re.match(r"^/rest/api/2/issue/([A-Z]+-\d+)", self.path)
                if jira and jira[1] in trackers.issues:
                    return self._reply(200, trackers.issues[jira[1]])
                github = re.match(r"^/repos/acme/app/issues/(\d+)$", self.path)
                if github and f"acme/app#{github[1]}" in trackers.issues:
                    return self._reply(200, trackers.issues[f"acme/app#{github[1]}"])
                self._reply(404, {"message": "Not Found"})

            def log_message(self, *args):
                pass

        self.handler = Handler


def jira_issue(key: str, fields: dict) -> dict:
    """A Jira REST v2 issue, shaped like the shared sample when it is there."""
    issue = json.loads(SAMPLE.read_text()) if SAMPLE.exists() else {"fields": {"status": {"name": "Open"}}}
    issue["key"] = key
    issue["fields"].update({"summary": fields["summary"], "duedate": fields.get("duedate"), "resolutiondate": None})
    issue["fields"]["status"] = {"name": "Open", "statusCategory": {"key": "new"}}
    return issue


@pytest.fixture
def trackers():
    fake = FakeTrackers()
    with serving(fake.handler) as server:
        fake.url = f"http://127.0.0.1:{server.server_port}"
        yield fake


@pytest.fixture
def tracked(ctx, trackers):
    settings = ctx.settings.model_copy(update={
        "jira_url": trackers.url, "jira_user": "bot@example.com", "jira_token": SecretStr("jira-secret"), "jira_project": "OPS",
        "github_api_url": trackers.url, "github_token": SecretStr("gh-secret"), "github_repo": "acme/app",
    })
    tuned = Context(settings=settings, db=ctx.db, actor="tester")
    create_user(tuned, "alice")
    key = open_incident(tuned, "Checkout 502", severity="SEV2", started="2026-11-01T10:00Z").key
    add_action_item(tuned, key, "Pin the pool size", owner="alice", due="2026-12-10", impact=3, effort=1, today=date(2026, 11, 24))
    add_action_item(tuned, key, "Alert on saturation", owner="alice", due="2026-12-12", impact=3, effort=1, today=date(2026, 11, 24))
    return tuned, key


def test_a_jira_issue_is_created_with_the_documented_fields_and_credentials(tracked, trackers):
    ctx, key = tracked
    assert open_ticket(ctx, key, "A1", "jira") == "OPS-1"
    method, path, body, headers = trackers.requests[0]
    assert (method, path) == ("POST", "/rest/api/2/issue")
    assert body["fields"]["project"] == {"key": "OPS"} and body["fields"]["duedate"] == "2026-12-10"
    assert body["fields"]["issuetype"] == {"name": "Task"}
    assert headers["Authorization"] == "Basic " + base64.b64encode(b"bot@example.com:jira-secret").decode()
    [row] = [r for r in list_action_items(ctx) if r.label == "A1"]
    assert row.url == f"{trackers.url}/browse/OPS-1"
    with pytest.raises(Conflict, match="already has a ticket: OPS-1"):
        open_ticket(ctx, key, "A1", "jira")


def test_closing_the_ticket_closes_the_item_and_records_when(tracked, trackers):
    ctx, key = tracked
    open_ticket(ctx, key, "A1", "jira")
    open_ticket(ctx, key, "A2", "github")
    assert sync_tickets(ctx).closed == []
    trackers.issues["OPS-1"]["fields"].update({"status": {"name": "Done", "statusCategory": {"key": "done"}}, "resolutiondate": "2026-12-05T16:20:00.000+0000"})
    trackers.issues["acme/app#2"].update({"state": "closed", "closed_at": "2026-12-06T08:00:00Z"})
    result = sync_tickets(ctx)
    assert sorted(result.closed) == [f"{key} A1", f"{key} A2"]
    rows = {r.label: r for r in list_action_items(ctx)}
    assert rows["A1"].status == "done" and rows["A1"].closed_at == datetime(2026, 12, 5, 16, 20, tzinfo=timezone.utc)
    assert rows["A2"].closed_at == datetime(2026, 12, 6, 8, 0, tzinfo=timezone.utc)


def test_a_tracker_that_is_down_loses_nothing_and_says_so(tracked, trackers):
    ctx, key = tracked
    open_ticket(ctx, key, "A1", "jira")
    trackers.down = True
    result = sync_tickets(ctx)
    assert result.errors == ["OPS-1: Jira answered 503 to GET /rest/api/2/issue/OPS-1"]
    assert all("secret" not in error for error in result.errors)
    assert {r.label: r.status for r in list_action_items(ctx)}["A1"] == "open"
    with pytest.raises(Exception, match="Jira answered 503"):
        open_ticket(ctx, key, "A2", "jira")
    assert {r.label: r.url for r in list_action_items(ctx)}["A2"] is None
    trackers.down = False
    trackers.issues["OPS-1"]["fields"]["resolutiondate"] = "2026-12-05T16:20:00.000+0000"
    assert sync_tickets(ctx).closed == [f"{key} A1"]


def test_an_unconfigured_tracker_is_a_clear_error(ctx):
    create_user(ctx, "alice")
    key = open_incident(ctx, "x", severity="SEV3").key
    add_action_item(ctx, key, "y", owner="alice", due="2099-01-01", impact=1, effort=1)
    with pytest.raises(InvalidInput, match="Jira is not configured"):
        open_ticket(ctx, key, "A1", "jira")
    with pytest.raises(InvalidInput, match="unknown tracker 'trello'"):
        open_ticket(ctx, key, "A1", "trello")


def test_tracker_webhooks_close_items(tracked, trackers, settings):
    ctx, key = tracked
    open_ticket(ctx, key, "A1", "jira")
    open_ticket(ctx, key, "A2", "github")
    create_user(ctx, "hookbot")
    token, _ = create_token(ctx, "trackers", "hookbot")
    client = signed_in_client(ctx.settings, ctx)
    auth = {"Authorization": f"Bearer {token}"}
    jira_event = {"webhookEvent": "jira:issue_updated", "issue": {"key": "OPS-1", "fields": {
        "status": {"name": "Done", "statusCategory": {"key": "done"}}, "resolutiondate": "2026-12-05T16:20:00.000+0000"}}}
    assert client.post("/hooks/jira", json=jira_event, headers=auth).json() == {"closed": f"{key} A1"}
    github_event = {"action": "closed", "issue": {"number": 2, "state": "closed", "closed_at": "2026-12-06T08:00:00Z"},
                    "repository": {"full_name": "acme/app"}}
    assert client.post("/hooks/github", json=github_event, headers=auth).json() == {"closed": f"{key} A2"}
    assert client.post("/hooks/github", json=github_event, headers=auth).json() == {"closed": None}
    assert client.post("/hooks/jira", json=jira_event).status_code == 401
    assert client.post("/hooks/jira", json={"issue": {}}, headers=auth).status_code == 422


def test_the_ticket_and_sync_commands(cli, tracked, trackers):
    ctx, key = tracked
    env = {"CAIRN_JIRA_URL": trackers.url, "CAIRN_JIRA_USER": "bot", "CAIRN_JIRA_TOKEN": "s", "CAIRN_JIRA_PROJECT": "OPS"}
    assert cli("actions", "ticket", key, "A1", "--tracker", "jira", env=env).output.strip() == f"{key} A1 is tracked as OPS-1"
    trackers.issues["OPS-1"]["fields"]["resolutiondate"] = "2026-12-05T16:20:00.000+0000"
    result = cli("actions", "sync", env=env)
    assert f"closed {key} A1" in result.output and result.exit_code == 0
