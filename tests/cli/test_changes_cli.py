"""`cairn incident update` and `cairn event edit|delete|restore`, locally and against a team server."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from cairn.config import Settings
from cairn.services.context import Context
from cairn.services.incidents import open_incident, show_incident
from cairn.services.people import create_user
from cairn.services.timeline import deleted_events, log_event
from cairn.services.tokens import create_token
from cairn.web.app import create_app
from tests.conftest import Cli
from tests.live_server import live_server

T0 = "2026-11-23T13:50+01:00"


@pytest.fixture
def incident(ctx: Context) -> str:
    return open_incident(ctx, "Checkout 502", severity="SEV3", timezone="Europe/Berlin", started=T0).key


def test_incident_update_changes_the_options_given_and_logs_the_escalation(cli, ctx, incident):
    result = cli("incident", "update", incident, "--severity", "SEV1", "--tag", "eu,payments", "--restricted")
    assert result.exit_code == 0, result.output
    assert result.output.strip() == "updated INC-1: Checkout 502 (SEV1, restricted)"
    doc = show_incident(ctx, incident)
    assert doc.tags == ["eu", "payments"] and doc.visibility == "restricted"
    assert doc.timeline[-1].text == "severity SEV3 → SEV1"
    assert cli("incident", "update", incident, "--internal").exit_code == 0
    assert show_incident(ctx, incident).visibility == "internal"


def test_incident_update_without_options_is_a_one_line_error(cli, incident):
    result = cli("incident", "update", incident)
    assert result.exit_code == 2 and "nothing to change" in result.output and "Traceback" not in result.output


def test_event_edit_delete_and_restore_from_the_terminal(cli, ctx, incident):
    number = log_event(ctx, incident, "restarted db-1", at="2026-11-23 14:05").event.id
    edited = cli("event", "edit", incident, str(number), "--text", "restarted db-2", "--kind", "action", "--at", "2026-11-23 14:06")
    assert edited.exit_code == 0, edited.output
    assert edited.output.strip() == f"edited INC-1 #{number} 2026-11-23 14:06 CET action: restarted db-2"
    assert cli("event", "delete", incident, str(number)).exit_code == 0
    assert show_incident(ctx, incident).timeline == []
    restored = cli("event", "restore", incident, str(number))
    assert restored.exit_code == 0 and restored.output.startswith(f"restored INC-1 #{number}")
    assert [e.text for e in show_incident(ctx, incident).timeline] == ["restarted db-2"]


def test_a_future_time_is_refused_with_exit_2(cli, ctx, incident):
    number = log_event(ctx, incident, "checked", at="2026-11-23 14:05").event.id
    result = cli("event", "edit", incident, str(number), "--at", "2099-01-01 10:00")
    assert result.exit_code == 2 and "is in the future" in result.output


def test_a_missing_event_is_a_one_line_error(cli, incident):
    result = cli("event", "delete", incident, "42")
    assert result.exit_code == 2 and "no timeline event 42 in INC-1" in result.output


@pytest.fixture
def server(settings: Settings, ctx: Context) -> Iterator[str]:
    with live_server(create_app(settings, context=ctx)) as url:
        yield url


def test_update_edit_and_delete_work_remotely_and_restore_needs_an_admin(tmp_path: Path, server: str, ctx: Context, incident):
    create_user(ctx, "alice", role="responder")
    create_user(ctx, "root", role="admin")
    alice = create_token(ctx, "laptop", "alice", days=30)[0]
    root = create_token(ctx, "laptop", "root", days=30)[0]
    laptop = Cli(f"sqlite:///{tmp_path / 'laptop.db'}", tmp_path / "laptop")
    env = {"CAIRN_SERVER": server, "CAIRN_TOKEN": alice}
    updated = laptop("incident", "update", incident, "--severity", "SEV2", "--title", "Checkout fails", env=env)
    assert updated.exit_code == 0, updated.output
    assert show_incident(ctx, incident).title == "Checkout fails"
    number = log_event(ctx, incident, "typo", at="2026-11-23 14:05").event.id
    assert laptop("event", "edit", incident, str(number), "--actor", "bob", env=env).exit_code == 0
    assert laptop("event", "delete", incident, str(number), env=env).exit_code == 0
    assert deleted_events(ctx, incident)[0].event.actor == "bob"
    refused = laptop("event", "restore", incident, str(number), env=env)
    assert refused.exit_code == 2 and "only an admin" in refused.output
    assert laptop("event", "restore", incident, str(number), env={**env, "CAIRN_TOKEN": root}).exit_code == 0
    assert [e.text for e in show_incident(ctx, incident).timeline if e.source != "cairn"] == ["typo"]
