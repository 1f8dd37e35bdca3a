"""Drill pages: forms for each role, errors on the page, and a restricted incident's drill on every form."""

from __future__ import annotations

from cairn.services.drills import create_drill, show_drill, start_drill
from tests.web.test_access import SECRET_TITLE, acting
from tests.web.test_drills_api import TRIGGER, _incident


def _post(client, path: str, data: dict | None = None):  # type: ignore[no-untyped-def]
    return client.post(path, data={"csrf_token": client.csrf, **(data or {})}, follow_redirects=False)


def test_the_game_master_drafts_starts_and_reveals_from_the_pages(ctx, as_user):
    key = _incident(ctx)
    gm = as_user("member")
    created = _post(gm, "/drills", {"key": key, "responders": "outsider"})
    assert created.status_code == 303 and created.headers["location"] == "/drills/1"
    page = gm.get("/drills/1")
    assert page.status_code == 200 and "Start the clock" in page.text and TRIGGER in page.text
    edited = _post(gm, "/drills/1/reveals/1/edit", {"text": "Support: several card payments fail", "at": "2:00", "prompt": ""})
    assert edited.status_code == 303 and "Support: several card payments fail" in gm.get("/drills/1").text
    assert _post(gm, "/drills/1/start").status_code == 303
    assert _post(gm, "/drills/1/reveals/1").status_code == 303
    responder_page = as_user("outsider").get("/drills/1").text
    assert "Support: several card payments fail" in responder_page
    assert TRIGGER not in responder_page and "Rolled back release" not in responder_page and "Start the clock" not in responder_page
    listing = gm.get("/drills").text
    assert "Drill: Checkout returns 502" in listing and "<title>Drills · Cairn</title>" in listing
    assert "Worth drilling next" in listing


def test_a_mistake_on_a_drill_form_is_told_on_the_page(ctx, as_user):
    key = _incident(ctx)
    create_drill(acting(ctx, "member"), key)
    gm = as_user("member")
    early = _post(gm, "/drills/1/reveals/1")
    assert early.status_code == 409 and "Not done: drill 1 is planned, not running" in early.text
    unknown = _post(gm, "/drills", {"key": "INC-404"})
    assert unknown.status_code == 404 and "Not created: no incident INC-404" in unknown.text


def test_every_drill_form_treats_a_restricted_incidents_drill_as_missing_for_an_outsider(ctx, as_user):
    key = _incident(ctx, "restricted", SECRET_TITLE)
    member = acting(ctx, "member")
    drill_id = create_drill(member, key).id
    start_drill(member, drill_id)
    outsider = as_user("outsider")
    before = show_drill(ctx, drill_id)
    for path, data in (("start", None), ("reveals/1", None), ("ask", {"what": "the dashboard"}), ("log", {"line": "peek"}),
                       ("finish-lines/diagnosed", None), ("end", None),
                       ("findings", {"title": "peek", "owner": "outsider", "due": "2099-01-01"}),
                       ("reveals/1/edit", {"text": "peek"})):
        hidden = _post(outsider, f"/drills/{drill_id}/{path}", data)
        missing = _post(outsider, f"/drills/{drill_id + 99}/{path}", data)
        assert hidden.status_code == missing.status_code == 404, path
        assert hidden.text.replace(f"drill {drill_id}", "drill N") == missing.text.replace(f"drill {drill_id + 99}", "drill N"), path
        assert SECRET_TITLE not in hidden.text and TRIGGER not in hidden.text
    created = _post(outsider, "/drills", {"key": key})
    absent = _post(outsider, "/drills", {"key": "INC-999"})
    assert created.status_code == absent.status_code == 404
    assert created.text.replace(key, "INC-999") == absent.text
    after = show_drill(ctx, drill_id)
    assert (after.status, after.log, after.diagnosed_at, [r.shown_at for r in after.reveals]) == (
        before.status, before.log, before.diagnosed_at, [r.shown_at for r in before.reveals])
