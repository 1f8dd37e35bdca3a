"""The admins' history import page: upload, read the dry run, confirm; nothing
is written before the confirmation, and only admins reach it."""

from __future__ import annotations

import io
import re
import zipfile

from sqlalchemy import func, select

from cairn.storage.models import ImportOrigin, Incident
from tests.importers.history.test_history_import import CLEAN


def _count(ctx, model) -> int:
    with ctx.db.transaction() as session:
        return session.scalar(select(func.count()).select_from(model))


def _zip() -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("pages/checkout.md", CLEAN)
        archive.writestr("pages/undated.md", "# A blip\n\nSEV4, nothing else known.\n")
    return buffer.getvalue()


def test_the_dry_run_shows_the_report_and_the_confirmation_imports(client, ctx) -> None:
    page = client.get("/admin/history")
    assert page.status_code == 200 and 'type="file"' in page.text
    checked = client.post("/admin/history/check", data={"csrf_token": client.csrf, "zone": "UTC"},
                          files=[("files", ("history.zip", _zip(), "application/zip"))])
    assert checked.status_code == 200, checked.text
    assert "would be created" in checked.text and "history.zip/pages/checkout.md" in checked.text
    assert "no date stated: give the day it happened" in checked.text
    assert "-&gt; timeline: 4 events" in checked.text
    assert _count(ctx, Incident) == 0
    token = re.search(r'name="token" value="([^"]+)"', checked.text).group(1)
    done = client.post("/admin/history/import", data={"csrf_token": client.csrf, "token": token, "zone": "UTC", "source": "auto"})
    assert done.status_code == 200 and "1 created, 1 refused" in done.text
    assert _count(ctx, Incident) == 1 and _count(ctx, ImportOrigin) == 1
    again = client.post("/admin/history/import", data={"csrf_token": client.csrf, "token": token})
    assert again.status_code == 400 and "no longer staged" in again.text


def test_a_bad_token_or_zone_is_a_clear_4xx(client) -> None:
    bad = client.post("/admin/history/import", data={"csrf_token": client.csrf, "token": "../../etc"})
    assert bad.status_code == 400 and "no longer staged" in bad.text
    zone = client.post("/admin/history/check", data={"csrf_token": client.csrf, "zone": "Mars/Olympus"},
                       files=[("files", ("a.md", CLEAN.encode(), "text/markdown"))])
    assert zone.status_code == 422 and "unknown time zone" in zone.text


def test_only_admins_reach_the_page(as_user, anonymous) -> None:
    member = as_user("member")
    assert member.get("/admin/history").status_code == 403
    refused = member.post("/admin/history/check", data={"csrf_token": member.csrf},
                          files=[("files", ("a.md", CLEAN.encode(), "text/markdown"))])
    assert refused.status_code == 403
    assert anonymous.get("/admin/history", follow_redirects=False).status_code in (302, 303, 401)


def test_without_the_csrf_token_nothing_is_staged(client, ctx) -> None:
    answer = client.post("/admin/history/check", files=[("files", ("a.md", CLEAN.encode(), "text/markdown"))])
    assert answer.status_code == 403
    assert not (ctx.settings.data_dir / "history-uploads").exists() or not any((ctx.settings.data_dir / "history-uploads").iterdir())


def test_an_unreadable_upload_is_reported_not_dropped(client, ctx) -> None:
    checked = client.post("/admin/history/check", data={"csrf_token": client.csrf, "severity": "SEV3"},
                          files=[("files", ("broken.zip", b"PK\x03\x04garbage", "application/zip")),
                                 ("files", ("2025-03-04 outage.md", CLEAN.encode(), "text/markdown"))])
    assert checked.status_code == 200, checked.text
    assert "broken.zip: not a readable zip archive" in checked.text
    assert "2 documents: 1 would be created, 1 refused" in checked.text
    assert "2025-03-04 outage.md" in checked.text
