"""Small clients for the trackers' documented REST endpoints.

Jira: POST /rest/api/{2|3}/issue and GET /rest/api/{2|3}/issue/{key}, basic
auth with an API token. GitHub: POST /repos/{owner}/{repo}/issues and GET
/repos/{owner}/{repo}/issues/{number}, bearer token. Errors name the
tracker and the status, never a credential.
"""

from __future__ import annotations

import base64
import json
import urllib.error
import urllib.parse
import urllib.request
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from cairn.errors import CairnError


class TrackerError(CairnError):
    status_code = 502
    title = "tracker error"


@dataclass(frozen=True)
class TicketRef:
    key: str
    url: str


@dataclass(frozen=True)
class TicketState:
    closed: bool
    closed_at: datetime | None


def _request(method: str, url: str, headers: dict[str, str], body: Any = None, *, name: str) -> Any:
    data = json.dumps(body).encode("utf-8") if body is not None else None
    request = urllib.request.Request(url, data=data, method=method, headers={"Accept": "application/json", **headers})
    if data is not None:
        request.add_header("Content-Type", "application/json")
    try:
        with urllib.request.urlopen(request, timeout=15) as response:
            payload = response.read()
    except urllib.error.HTTPError as error:
        raise TrackerError(f"{name} answered {error.code} to {method} {urllib.parse.urlparse(url).path}") from None
    except (urllib.error.URLError, OSError) as error:
        raise TrackerError(f"{name} is unreachable ({type(getattr(error, 'reason', error)).__name__})") from None
    try:
        return json.loads(payload) if payload else {}
    except ValueError:
        raise TrackerError(f"{name} sent a reply that is not JSON") from None


def _time(value: Any) -> datetime | None:
    if not isinstance(value, str) or not value:
        return None
    text = value.replace("Z", "+00:00")
    if len(text) > 5 and text[-5] in "+-" and text[-3] != ":":  # Jira: +0000
        text = text[:-2] + ":" + text[-2:]
    try:
        return datetime.fromisoformat(text)
    except ValueError:
        return None


class JiraClient:
    name = "Jira"

    def __init__(self, base_url: str, user: str, token: str, *, api_version: int = 2) -> None:
        self.base = base_url.rstrip("/")
        self.version = api_version
        credentials = base64.b64encode(f"{user}:{token}".encode()).decode()
        self.headers = {"Authorization": f"Basic {credentials}"}

    def create(self, project: str, summary: str, description: str, due: date | None) -> TicketRef:
        text: Any = description
        if self.version >= 3:  # API v3 takes Atlassian document format
            text = {"type": "doc", "version": 1, "content": [{"type": "paragraph", "content": [{"type": "text", "text": description}]}]}
        fields: dict[str, Any] = {"project": {"key": project}, "summary": summary, "description": text, "issuetype": {"name": "Task"}}
        if due:
            fields["duedate"] = due.isoformat()
        reply = _request("POST", f"{self.base}/rest/api/{self.version}/issue", self.headers, {"fields": fields}, name=self.name)
        key = reply.get("key") if isinstance(reply, dict) else None
        if not isinstance(key, str):
            raise TrackerError("Jira did not return an issue key")
        return TicketRef(key, f"{self.base}/browse/{key}")

    def state(self, key: str) -> TicketState:
        reply = _request("GET", f"{self.base}/rest/api/{self.version}/issue/{key}?fields=status,resolutiondate", self.headers, name=self.name)
        return jira_state(reply)


def jira_state(issue: Any) -> TicketState:
    fields = issue.get("fields", {}) if isinstance(issue, dict) else {}
    status = fields.get("status") if isinstance(fields.get("status"), dict) else {}
    category = status.get("statusCategory") if isinstance(status.get("statusCategory"), dict) else {}
    resolved = _time(fields.get("resolutiondate"))
    closed = category.get("key") == "done" or resolved is not None or str(status.get("name", "")).lower() in ("done", "closed", "resolved")
    return TicketState(closed, resolved if closed else None)


class GitHubClient:
    name = "GitHub"

    def __init__(self, api_url: str, token: str, repo: str) -> None:
        self.base = api_url.rstrip("/")
        self.repo = repo
        self.headers = {"Authorization": f"Bearer {token}", "Accept": "application/vnd.github+json", "X-GitHub-Api-Version": "2022-11-28"}

    def create(self, summary: str, description: str) -> TicketRef:
        reply = _request("POST", f"{self.base}/repos/{self.repo}/issues", self.headers, {"title": summary, "body": description}, name=self.name)
        number = reply.get("number") if isinstance(reply, dict) else None
        if not isinstance(number, int):
            raise TrackerError("GitHub did not return an issue number")
        return TicketRef(f"{self.repo}#{number}", str(reply.get("html_url") or f"https://github.com/{self.repo}/issues/{number}"))

    def state(self, key: str) -> TicketState:
        number = key.rsplit("#", 1)[-1]
        reply = _request("GET", f"{self.base}/repos/{self.repo}/issues/{number}", self.headers, name=self.name)
        return github_state(reply)


def github_state(issue: Any) -> TicketState:
    closed = isinstance(issue, dict) and issue.get("state") == "closed"
    return TicketState(closed, _time(issue.get("closed_at")) if closed else None)
