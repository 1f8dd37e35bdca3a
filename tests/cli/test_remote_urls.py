"""A password written into `cairn --server URL` is never echoed: Cairn signs
in with the token, so the URL's user:password part is dropped."""

from __future__ import annotations

import socket

import pytest

from cairn.cli.remote import resolve, without_userinfo


def closed_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def test_a_connection_error_does_not_echo_the_password_in_the_server_url(cli) -> None:
    port = closed_port()
    result = cli("--server", f"http://dana:hunter2-secret@127.0.0.1:{port}", "--token", "cairn_x", "incident", "list")
    assert result.exit_code == 2
    assert result.output.startswith(f"error: cannot reach http://127.0.0.1:{port}")
    assert "hunter2" not in result.output and "dana" not in result.output


@pytest.mark.parametrize(
    "server",
    ["ftp://dana:hunter2-secret@cairn.example", "http://dana:hunter2-secret@", "dana:hunter2-secret@cairn.example"],
)
def test_a_refused_server_url_is_named_without_its_password(cli, server: str) -> None:
    result = cli("--server", server, "--token", "cairn_x", "incident", "list")
    assert result.exit_code == 2 and "hunter2" not in result.output


def test_a_missing_token_message_names_the_server_without_its_password(monkeypatch, tmp_path) -> None:
    from cairn.errors import InvalidInput

    monkeypatch.setenv("XDG_CONFIG_HOME", str(tmp_path))
    monkeypatch.delenv("CAIRN_TOKEN", raising=False)
    with pytest.raises(InvalidInput) as raised:
        resolve("https://dana:hunter2-secret@cairn.example.com", None)
    assert "hunter2" not in str(raised.value) and "https://cairn.example.com" in str(raised.value)


def test_the_user_part_is_dropped_and_the_rest_kept() -> None:
    assert without_userinfo("https://a:b@cairn.example.com:8443/x?y=1") == "https://cairn.example.com:8443/x?y=1"
    assert without_userinfo("https://cairn.example.com/a@b") == "https://cairn.example.com/a@b"
    remote = resolve("http://a:b@127.0.0.1:9/", "cairn_t")
    assert remote is not None and remote.server == "http://127.0.0.1:9"
