"""Remote mode: the CLI on a responder's laptop works on the team's server.

The server is the real app on a loopback port over the test database; the
laptop's own database is a different, empty file, so anything that lands on
the server came through the API.
"""

from __future__ import annotations

import os
import socket
from collections.abc import Iterator
from pathlib import Path

import pytest

from cairn.config import Settings
from cairn.services.context import Context
from cairn.services.incidents import open_incident, show_incident
from cairn.services.people import create_user
from cairn.services.tokens import create_token, revoke_token
from cairn.web.app import create_app
from tests.conftest import Cli
from tests.live_server import live_server


@pytest.fixture
def server(settings: Settings, ctx: Context) -> Iterator[str]:
    with live_server(create_app(settings, context=ctx)) as url:
        yield url


@pytest.fixture
def laptop(tmp_path: Path) -> Cli:
    """The CLI with its own, empty local database."""
    return Cli(f"sqlite:///{tmp_path / 'laptop.db'}", tmp_path / "laptop")


@pytest.fixture
def tokens(ctx: Context) -> dict[str, str]:
    create_user(ctx, "alice", role="responder")
    create_user(ctx, "victor", role="viewer")
    return {name: create_token(ctx, "laptop", name, days=30)[0] for name in ("alice", "victor")}


def test_a_responder_logs_an_event_to_the_team_server(laptop: Cli, server: str, tokens: dict[str, str], ctx: Context) -> None:
    key = open_incident(ctx, "Checkout 502", severity="SEV2", timezone="Europe/Berlin", started="2026-11-24T10:00:00+01:00").key
    result = laptop("--server", server, "--token", tokens["alice"], "log", key, "restarted checkout-2", "--kind", "action", "--at", "2026-11-24T10:05:00+01:00")
    assert result.exit_code == 0, result.output
    assert result.output.startswith(f"{key} #") and "2026-11-24 10:05 CET action: restarted checkout-2" in result.output
    event = show_incident(ctx, key).timeline[-1]
    assert (event.text, event.kind, event.actor) == ("restarted checkout-2", "action", "alice")
    assert tokens["alice"] not in result.output


def test_open_resolve_list_and_show_work_remotely_from_the_environment(laptop: Cli, server: str, tokens: dict[str, str], ctx: Context) -> None:
    env = {"CAIRN_SERVER": server, "CAIRN_TOKEN": tokens["alice"]}
    opened = laptop("incident", "open", "Search is slow", "--severity", "SEV3", "--service", "search", env=env)
    assert opened.exit_code == 0, opened.output
    assert opened.output.strip() == "opened INC-1: Search is slow"
    assert show_incident(ctx, "INC-1").services == ["search"]
    resolved = laptop("incident", "resolve", "INC-1", env=env)
    assert resolved.output.strip() == "INC-1 is resolved" and show_incident(ctx, "INC-1").status == "resolved"
    listed = laptop("incident", "list", "--status", "resolved", env={**env, "COLUMNS": "200"})
    assert "INC-1" in listed.output and "Search is slow" in listed.output
    as_json = laptop("incident", "list", "--json", env=env)
    assert '"total": 1' in as_json.output
    shown = laptop("incident", "show", "INC-1", env=env)
    assert shown.exit_code == 0 and "Search is slow" in shown.output and "resolved" in shown.output
    # The laptop's own database was never used.
    assert "INC-1" not in laptop("incident", "list").output


def test_a_wrong_or_revoked_token_is_refused_and_nothing_is_written(laptop: Cli, server: str, ctx: Context) -> None:
    create_user(ctx, "alice", role="responder")
    raw, info = create_token(ctx, "laptop", "alice", days=30)
    key = open_incident(ctx, "Queue stuck", severity="SEV3").key
    wrong = laptop("--server", server, "--token", "cairn_not-a-token", "log", key, "x")
    assert wrong.exit_code == 2 and wrong.output.strip() == "error: a valid API token is required"
    revoke_token(ctx, info.id)
    revoked = laptop("--server", server, "--token", raw, "log", key, "y")
    assert revoked.exit_code == 2 and "a valid API token is required" in revoked.output and raw not in revoked.output
    assert show_incident(ctx, key).timeline == []


def test_a_viewers_token_cannot_write(laptop: Cli, server: str, tokens: dict[str, str], ctx: Context) -> None:
    key = open_incident(ctx, "Queue stuck", severity="SEV3").key
    refused = laptop("--server", server, "--token", tokens["victor"], "incident", "resolve", key)
    assert refused.exit_code == 2 and refused.output.startswith("error: victor is a viewer")
    assert show_incident(ctx, key).status == "open"
    assert laptop("--server", server, "--token", tokens["victor"], "incident", "show", key).exit_code == 0


def test_an_unknown_incident_and_an_unreachable_server_are_one_line_errors(laptop: Cli, server: str, tokens: dict[str, str]) -> None:
    missing = laptop("--server", server, "--token", tokens["alice"], "incident", "show", "INC-404")
    assert missing.exit_code == 2 and missing.output.strip() == "error: no incident INC-404"
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        closed_port = probe.getsockname()[1]
    down = laptop("--server", f"http://127.0.0.1:{closed_port}", "--token", tokens["alice"], "incident", "list")
    assert down.exit_code == 2 and down.output.startswith(f"error: cannot reach http://127.0.0.1:{closed_port}")
    assert len(down.output.strip().splitlines()) == 1
    bad = laptop("--server", "ftp://example.com", "--token", tokens["alice"], "incident", "list")
    assert bad.exit_code == 2 and "is not an http(s) URL" in bad.output


def test_the_config_file_is_read_and_refused_when_others_can_read_its_token(
    laptop: Cli, server: str, tokens: dict[str, str], tmp_path: Path, ctx: Context
) -> None:
    config = Path(laptop.env["XDG_CONFIG_HOME"]) / "cairn" / "remote.toml"
    config.parent.mkdir(parents=True)
    config.write_text(f'server = "{server}"\ntoken = "{tokens["alice"]}"\n')
    os.chmod(config, 0o600)
    opened = laptop("incident", "open", "From the config file", "--severity", "SEV4")
    assert opened.exit_code == 0 and show_incident(ctx, "INC-1").title == "From the config file"
    os.chmod(config, 0o644)
    refused = laptop("incident", "list")
    assert refused.exit_code == 2 and "chmod 600" in refused.output and tokens["alice"] not in refused.output


def test_without_a_server_the_commands_stay_local(laptop: Cli) -> None:
    assert laptop("incident", "open", "Local one", "--severity", "SEV4").output.strip() == "opened INC-1: Local one"


def test_a_responder_drafts_the_postmortem_on_the_team_server(laptop: Cli, server: str, tokens: dict[str, str], ctx: Context) -> None:
    from tests.drafts.records import make_outage

    key = make_outage(ctx)
    result = laptop("--server", server, "--token", tokens["alice"], "postmortem", "draft", key)
    assert result.exit_code == 0, result.output
    assert f"{key}: draft 1 from the record: 6 sections filled, 0 suggested" in result.output
    assert "[moment: started]" in show_incident(ctx, key).postmortem.prose["summary"]
    refused = laptop("--server", server, "--token", tokens["victor"], "postmortem", "draft", key)
    assert refused.exit_code != 0 and refused.output.strip() == "error: victor is a viewer and may not change incidents"
