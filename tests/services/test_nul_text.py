"""A NUL character is refused the same way on every door and database:
PostgreSQL cannot store it and SQLite would keep it silently.

An imported record holding one is rejected with its file and line (the rest
of the file is imported); any other write or filter is refused with one line
(422 over the API, exit 2 in the CLI) and nothing is written."""

from __future__ import annotations

import json

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import func, select

from cairn.errors import InvalidInput
from cairn.services.context import Context
from cairn.services.incidents import open_incident, show_incident
from cairn.services.timeline import log_event
from cairn.storage.models import TimelineEvent
from cairn.web.app import create_app
from tests.web.personas import create_personas, sign_in
from tests.web.webdata import CHECKOUT_OUTAGE

NUL_LOG = (
    "2026-11-23T14:05:00Z ERROR pool exhausted\n"
    "2026-11-23T14:06:00Z INFO retry\x00ing\n"
    "2026-11-23T14:07:00Z INFO recovered\n"
)


def stored_events(ctx: Context) -> list[str]:
    with ctx.db.transaction() as session:
        return list(session.scalars(select(TimelineEvent.text).order_by(TimelineEvent.at)))


@pytest.fixture
def key(ctx: Context) -> str:
    return open_incident(ctx, "Checkout", severity="SEV2", started="2026-11-23T14:00Z").key


@pytest.fixture
def web(settings, ctx: Context):
    create_personas(ctx)
    with TestClient(create_app(settings, context=ctx)) as client:
        client.headers["X-CSRF-Token"] = sign_in(client, "admin")
        yield client


def test_an_imported_log_line_with_a_nul_is_rejected_with_its_file_and_line_and_the_rest_is_imported(cli, ctx, key, tmp_path) -> None:
    log = tmp_path / "app.log"
    log.write_text(NUL_LOG)
    result = cli("import-timeline", key, str(log), "--source", "log")
    assert result.exit_code == 0, result.output
    assert "2 added" in result.output and "1 rejected" in result.output
    assert f"rejected {log}:2: contains a NUL character" in result.output
    assert stored_events(ctx) == ["[ERROR] pool exhausted", "[INFO] recovered"]


def test_a_nul_in_a_json_source_is_rejected_like_a_log_line(ctx, key, tmp_path) -> None:
    from cairn.services.timeline_import import import_timeline

    message = {"type": "message", "user": "U1", "text": "db\u0000 down", "ts": "1795442700.000100"}
    path = tmp_path / "history.json"
    path.write_text(json.dumps({"ok": True, "messages": [message, {**message, "text": "db up", "ts": "1795442760.000100"}]}))
    summary = import_timeline(ctx, key, path, source="slack")
    assert (summary.added, summary.rejected) == (1, 1)
    assert "NUL" in summary.rejections[0].reason
    assert stored_events(ctx) == ["db up"]


def test_logging_an_event_with_a_nul_is_refused_by_the_service_and_writes_nothing(ctx, key) -> None:
    with pytest.raises(InvalidInput, match="NUL"):
        log_event(ctx, key, "restarted\x00 db-2")
    assert stored_events(ctx) == []


def test_the_cli_refuses_a_nul_with_one_line_and_exit_2(cli, ctx, key) -> None:
    result = cli("log", key, "restarted\x00 db-2")
    assert result.exit_code == 2 and result.output.startswith("error: ") and "NUL" in result.output
    assert "Traceback" not in result.output and result.output.count("\n") == 1
    assert stored_events(ctx) == []


def test_the_api_answers_422_to_a_nul_in_an_event_and_writes_nothing(web, ctx, key) -> None:
    answer = web.post(f"/api/v1/incidents/{key}/timeline", json={"text": "restarted\u0000 db-2"})
    assert answer.status_code == 422 and "NUL" in answer.json()["detail"]
    assert stored_events(ctx) == []


def test_the_api_import_rejects_the_nul_line_and_says_so_in_the_summary(web, ctx, key) -> None:
    answer = web.post(f"/api/v1/incidents/{key}/timeline/import?source=log", content=NUL_LOG.encode(), headers={"X-Filename": "app.log"})
    assert answer.status_code == 200, answer.text
    body = answer.json()
    assert (body["added"], body["rejected"]) == (2, 1)
    assert body["rejections"][0]["where"] == "app.log:2" and "NUL" in body["rejections"][0]["reason"]


@pytest.mark.parametrize("name", ["service", "team", "severity"])
def test_a_nul_in_a_list_filter_is_a_one_line_422_not_a_500(web, key, name) -> None:
    answer = web.get("/api/v1/incidents", params={name: "checkout\x00"})
    assert answer.status_code == 422, answer.text
    assert "\n" not in answer.json()["detail"]


def test_a_markdown_import_with_a_nul_names_the_file_and_line(cli, ctx, tmp_path) -> None:
    lines = CHECKOUT_OUTAGE.split("\n")
    where = next(number for number, line in enumerate(lines, start=1) if line.startswith("## Summary")) + 1
    lines[where - 1] = "The pool\x00 ran dry."
    document = tmp_path / "doc.md"
    document.write_text("\n".join(lines))
    result = cli("import", str(document))
    assert result.exit_code == 2
    assert result.output.strip() == f"error: {document}:{where}: this line contains a NUL character"
    with ctx.db.transaction() as session:
        assert session.scalar(select(func.count()).select_from(TimelineEvent)) == 0
