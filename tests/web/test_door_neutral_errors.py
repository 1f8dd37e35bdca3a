"""Errors over the API and the web speak to whoever is there: no CLI flags,
no server temporary paths, no database path or URL."""

from __future__ import annotations

import ast
import re
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from cairn.config import Settings
from cairn.services.context import open_context
from cairn.services.incidents import open_incident
from cairn.web.app import create_app
from tests.web.personas import csrf

SRC = Path(__file__).resolve().parents[2] / "src" / "cairn"
FLAG = re.compile(r"(?<![\w-])--[a-z][a-z-]+")
# storage/ is left out: its StorageUnavailable messages are for the operator
# starting Cairn, and the web door replaces them (tested below).
SHARED_LAYERS = ("services", "domain", "importers", "formats", "analysis")


def error_strings() -> list[tuple[str, int, str]]:
    """Every string literal inside a `raise` in the layers that all doors share."""
    found = []
    for layer in SHARED_LAYERS:
        for path in sorted((SRC / layer).rglob("*.py")):
            tree = ast.parse(path.read_text(encoding="utf-8"))
            for node in ast.walk(tree):
                if isinstance(node, ast.Raise) and node.exc is not None:
                    for part in ast.walk(node.exc):
                        if isinstance(part, ast.Constant) and isinstance(part.value, str):
                            found.append((str(path.relative_to(SRC)), node.lineno, part.value))
    return found


def test_the_scan_finds_the_shared_error_messages() -> None:
    assert len(error_strings()) > 100


def test_no_error_raised_below_the_doors_names_a_cli_flag_or_command() -> None:
    offenders = [
        f"{where}:{line}: {text!r}" for where, line, text in error_strings()
        if FLAG.search(text) or re.search(r"\bcairn [a-z]+ ", text)
    ]
    assert offenders == []


@pytest.fixture
def key(ctx) -> str:
    return open_incident(ctx, "Checkout", severity="SEV2", started="2026-11-23T14:00Z").key


def no_cli_words(detail: str) -> None:
    assert not FLAG.search(detail), detail
    assert "cairn " not in detail, detail
    assert "/tmp" not in detail and "cairn-import-" not in detail and "cairn-upload-" not in detail, detail


def test_api_answers_to_bad_action_items_name_fields_not_flags(client: TestClient, key: str) -> None:
    url = f"/api/v1/incidents/{key}/action-items"
    answer = client.post(url, json={"title": "Pin the pool", "owner": "admin", "due": "2099-01-01"}, headers=csrf(client))
    assert answer.status_code == 422
    assert answer.json()["detail"] == "give an impact and an effort (the priority follows from them) or a priority"
    assert client.post(url, json={"title": "Pin", "owner": "admin", "due": "2099-01-01", "priority": "P1"}, headers=csrf(client)).status_code == 201
    for body in ({}, {"status": "won't do"}):
        answer = client.patch(f"{url}/A1", json=body, headers=csrf(client))
        assert answer.status_code == 422
        no_cli_words(answer.json()["detail"])


def test_an_api_import_that_cannot_be_recognised_says_so_without_flags_or_paths(client: TestClient, key: str) -> None:
    answer = client.post(
        f"/api/v1/incidents/{key}/timeline/import", content=b"just some words\n", headers={**csrf(client), "X-Filename": "notes.txt"},
    )
    assert answer.status_code == 422
    detail = answer.json()["detail"]
    assert detail.startswith("notes.txt: cannot tell what this file is: name its source")
    no_cli_words(detail)


def test_a_dismissal_of_an_unknown_finding_over_the_api_names_no_command(client: TestClient, key: str) -> None:
    answer = client.post(f"/api/v1/incidents/{key}/lint/L999/dismiss", json={"reason": "quoted"}, headers=csrf(client))
    assert answer.status_code in (404, 422)
    no_cli_words(answer.json()["detail"])


def test_a_database_that_cannot_be_reached_is_a_503_that_names_no_path(tmp_path: Path) -> None:
    missing = tmp_path / "no-such-folder" / "cairn.db"
    settings = Settings(database_url=f"sqlite:///{missing}", data_dir=tmp_path / "data", timezone="UTC")
    ctx = open_context(settings, migrate=False)
    try:
        with TestClient(create_app(settings, context=ctx)) as client:
            answer = client.get("/api/v1/incidents", headers={"Authorization": "Bearer cairn_x"})
    finally:
        ctx.db.dispose()
    assert answer.status_code == 503
    detail = answer.json()["detail"]
    assert str(tmp_path) not in detail and "sqlite" not in detail and "cairn.db" not in detail
    assert answer.headers["Retry-After"] == "5"
