"""Delivery of reminders: e-mail over SMTP, Slack incoming webhooks and a
generic JSON webhook. Credentials come from the settings and never appear
in messages, errors or logs."""

from __future__ import annotations

import json
import smtplib
import time
import urllib.error
import urllib.parse
import urllib.request
from dataclasses import dataclass, field
from email.message import EmailMessage
from pathlib import Path
from typing import Any

from cairn.config import Settings
from cairn.errors import InvalidInput
from cairn.tomlfile import read_toml

RETRIES = 3
BACKOFF_SECONDS = 0.5


class DeliveryFailed(Exception):
    """A channel could not deliver; the reminder stays owed and is retried next run."""


@dataclass(frozen=True)
class TeamChannels:
    email: bool = True
    slack_webhook: str | None = None
    webhook: str | None = None


@dataclass(frozen=True)
class Channels:
    default: TeamChannels = field(default_factory=TeamChannels)
    teams: dict[str, TeamChannels] = field(default_factory=dict)

    def for_team(self, team: str | None) -> TeamChannels:
        return self.teams.get(team or "", self.default)


def load_channels(path: Path | None) -> Channels:
    """Per-team channels from TOML ([default] and [teams.NAME] tables)."""
    if path is None:
        return Channels()
    data = read_toml(path, "notification configuration")

    def read(table: Any, where: str) -> TeamChannels:
        if not isinstance(table, dict):
            raise InvalidInput(f"{path} {where}: expected a table")
        unknown = set(table) - {"email", "slack_webhook", "webhook"}
        if unknown:
            raise InvalidInput(f"{path} {where}: unknown setting {sorted(unknown)[0]!r}")
        for key in ("slack_webhook", "webhook"):
            value = table.get(key)
            if value is not None and (not isinstance(value, str) or not value.startswith(("http://", "https://"))):
                raise InvalidInput(f"{path} {where}.{key}: expected an http(s) URL")
        return TeamChannels(email=bool(table.get("email", True)), slack_webhook=table.get("slack_webhook"), webhook=table.get("webhook"))

    default = read(data.get("default", {}), "[default]")
    teams = {name: read(value, f"[teams.{name}]") for name, value in (data.get("teams") or {}).items()}
    return Channels(default=default, teams=teams)


def send_email(settings: Settings, to: str, subject: str, body: str) -> None:
    if not settings.smtp_host:
        raise DeliveryFailed("no SMTP server configured (CAIRN_SMTP_HOST)")
    message = EmailMessage()
    message["From"] = settings.smtp_from
    message["To"] = to
    message["Subject"] = subject
    message.set_content(body)
    try:
        with smtplib.SMTP(settings.smtp_host, settings.smtp_port, timeout=20) as smtp:
            if settings.smtp_starttls:
                smtp.starttls()
            if settings.smtp_username and settings.smtp_password:
                smtp.login(settings.smtp_username, settings.smtp_password.get_secret_value())
            smtp.send_message(message)
    except (OSError, smtplib.SMTPException) as error:
        raise DeliveryFailed(f"SMTP {settings.smtp_host}:{settings.smtp_port}: {type(error).__name__}") from None


def post_json(url: str, payload: dict[str, Any], *, retries: int = RETRIES, backoff: float = BACKOFF_SECONDS) -> None:
    """POST with retries and exponential back-off on 5xx and network errors; 4xx is final."""
    body = json.dumps(payload).encode("utf-8")
    host = urllib.parse.urlparse(url).netloc  # the path of a Slack webhook is its secret
    for attempt in range(retries):
        request = urllib.request.Request(url, data=body, headers={"Content-Type": "application/json"}, method="POST")
        try:
            with urllib.request.urlopen(request, timeout=10) as response:
                if 200 <= response.status < 300:
                    return
        except urllib.error.HTTPError as error:
            if 400 <= error.code < 500:
                raise DeliveryFailed(f"webhook at {host} refused the message ({error.code})") from None
            last = f"{error.code}"
        except (urllib.error.URLError, OSError) as error:
            last = type(getattr(error, "reason", error)).__name__
        if attempt < retries - 1:
            time.sleep(backoff * (2**attempt))
    raise DeliveryFailed(f"webhook at {host} failed after {retries} attempts ({last})")
