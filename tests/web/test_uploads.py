"""An upload's file name is only a label: it never picks a path, and the
server's temporary folder never shows in an answer."""

from __future__ import annotations

import pytest
from fastapi.testclient import TestClient

from cairn.services.context import Context
from cairn.services.incidents import open_incident, show_incident
from cairn.web.uploads import MAX_NAME_BYTES, upload_name
from tests.web.personas import csrf

LOG = b"2026-11-23T14:05:00Z ERROR pool exhausted\n2026-11-23T14:06:00Z INFO retrying\n"


@pytest.fixture
def key(ctx: Context) -> str:
    return open_incident(ctx, "Checkout", severity="SEV2", started="2026-11-23T14:00Z").key


@pytest.mark.parametrize(
    "label", ["..", ".", "/", "", "../../etc/passwd", "a\x01b.log", "\x7f", "x" * 5000 + ".log", "é".encode() * 300, "dir/"],
)
def test_any_x_filename_header_is_read_as_a_label_and_the_import_works(client: TestClient, ctx: Context, key: str, label: str | bytes) -> None:
    headers = {**csrf(client), "X-Filename": label}
    answer = client.post(f"/api/v1/incidents/{key}/timeline/import?source=log", content=LOG, headers=headers)
    assert answer.status_code == 200, answer.text
    assert answer.json()["added"] == 2
    assert len(show_incident(ctx, key).timeline) == 2


def test_a_form_upload_with_a_dot_dot_file_name_imports_into_the_timeline(client: TestClient, ctx: Context, key: str) -> None:
    answer = client.post(
        f"/incidents/{key}/timeline/import", data={"csrf_token": client.csrf, "source": "log"},
        files={"file": ("..", LOG, "text/plain")},
    )
    assert answer.status_code == 200 and "2 added" in answer.text


def test_an_import_error_over_the_api_names_the_label_not_the_servers_temporary_path(client: TestClient, key: str) -> None:
    headers = {**csrf(client), "X-Filename": "app.log"}
    answer = client.post(f"/api/v1/incidents/{key}/timeline/import?source=log", content=b"\xff\xfe bad", headers=headers)
    assert answer.status_code == 422
    assert answer.json()["detail"] == "app.log:1: not valid UTF-8"


def test_a_label_becomes_a_plain_file_name_that_keeps_its_suffix() -> None:
    assert upload_name("C:\\Users\\dana\\app.log") == "app.log"
    assert upload_name("../../secret.json") == "secret.json"
    assert upload_name("..") == upload_name(None) == upload_name(" ") == "upload"
    long = upload_name("ü" * 400 + ".zip")
    assert long.endswith(".zip") and len(long.encode("utf-8")) <= MAX_NAME_BYTES


def test_the_history_names_the_uploaded_file_by_its_label_not_the_servers_temporary_path(client: TestClient, ctx: Context, key: str) -> None:
    from cairn.services.audit import incident_history

    headers = {**csrf(client), "X-Filename": "app.log"}
    assert client.post(f"/api/v1/incidents/{key}/timeline/import?source=log", content=LOG, headers=headers).status_code == 200
    imported = [change for change in incident_history(ctx, key) if change.action == "timeline.imported"]
    assert [change.detail["file"] for change in imported] == ["app.log"]
    page = client.get(f"/incidents/{key}")
    assert "cairn-import-" not in page.text
