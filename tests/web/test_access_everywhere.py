"""The one visibility rule on every route of the app, enumerated.

Every route that names an incident is called by the outsider (a responder
who is not a participant) for the restricted incident and for one that does
not exist: the answers must be the same (key aside) and nothing may change.
Every route that names none is classified below; a new route fails this test
until it is, so no door can skip the rule unnoticed.
"""

from __future__ import annotations

import re

import pytest

from cairn.services.actions import add_action_item
from cairn.services.audit import incident_history
from cairn.services.context import Context
from cairn.services.editing import add_factor
from cairn.services.incidents import open_incident, show_incident
from cairn.services.timeline import log_event
from cairn.services.timeline_import import import_timeline
from cairn.web.app import create_app
from tests.web.test_access import SECRET_TITLE, acting

PATH_VALUES = {"event_id": "1", "moment": "detected", "name": "summary", "finding_id": "blame-1", "fmt": "markdown", "number": "1", "import_id": "1"}
LABELS = {"factor": "F1", "action": "A1"}

# JSON bodies that would succeed for someone allowed to write, so the route's
# handler (not request validation) is what answers.
API_BODIES = {
    "api_incident_status": {"status": "resolved"},
    "api_incident_moment": {"at": "2026-11-23T14:00:00+00:00"},
    "api_participant_add": {"user": "outsider", "role": "responder"},
    "api_section_save": {"text": "peeked"},
    "api_impact_save": {"users_affected": 3},
    "api_factor_add": {"description": "peek", "category": "process", "role": "trigger"},
    "api_factor_update": {"description": "peek", "category": "process", "role": "trigger"},
    "api_action_add": {"title": "peek", "owner": "outsider", "due": "2099-01-01", "priority": "P2"},
    "api_action_update": {"status": "done"},
    "api_review_request": {"reviewers": ["outsider"]},
    "api_review_approve": {"note": "fine"},
    "api_review_changes": {"note": "no"},
    "api_publish": {"override": "because"},
    "api_review_comment": {"section": "summary", "body": "peek"},
    "api_event_add": {"text": "peek", "kind": "note"},
    "api_event_edit": {"text": "peek"},
    "api_incident_update": {"severity": "SEV4"},
    "api_postmortem_draft": {"gap_minutes": 20},
    "api_draft_accept": {"text": "peeked"},
    "api_model_consent": {"allowed": True},
}
FORM_FIELDS = {
    "event_add": {"line": "peek"},
    "event_edit": {"text": "peek"},
    "incident_edit": {"title": "peek", "severity": "SEV4"},
    "incident_status": {"status": "resolved"},
    "participant_add": {"user": "outsider", "role": "responder"},
    "section_save": {"text": "peeked"},
    "suggestion_decide": {"decision": "accept"},
    "factor_add": {"description": "peek", "category": "process", "role": "trigger"},
    "factor_update": {"description": "peek", "category": "process", "role": "trigger"},
    "action_add": {"title": "peek", "owner": "outsider", "due": "2099-01-01", "priority": "P2"},
    "action_update": {"status": "done"},
    "action_ticket": {"tracker": "github"},
    "review_request": {"reviewers": "outsider"},
    "review_decide": {"decision": "approve"},
    "review_publish": {"override": "because"},
    "review_comment": {"section": "summary", "body": "peek"},
}

# Routes that name no incident: what each shows, and where it is checked.
LISTS = {  # must never mention the restricted incident to the outsider
    "api_incident_list": "/api/v1/incidents",
    "api_action_items": "/api/v1/action-items",
    "api_action_stats": "/api/v1/action-items/stats",
    "api_postmortems_owed": "/api/v1/postmortems/owed",
    "incident_list": "/",
    "action_items_page": "/actions?view=all",
    "published_page": "/postmortems",
    "my_work_page": "/mine",
    "api_my_work": "/api/v1/mine",
    "inbox_page": "/inbox",
    "api_notifications": "/api/v1/notifications",
    # Words and a filter of the restricted incident's own: found for its people, nothing for others.
    "search_page": "/search?q=payroll",
    "api_search": "/api/v1/search?q=payroll",
    # Counts may include it among three or more hidden ones; names, titles and repeats never.
    "factors_page": "/insights/factors",
    "api_insights_factors": "/api/v1/insights/factors",
    "report_page": "/reports/2020-01-01..2099-12-31",
    "api_report": "/api/v1/reports/2020-01-01..2099-12-31",
    # Aggregates only: one restricted incident never enters them for an outsider (the group-of-three rule).
    "insights_page": "/insights",
    "insights_csv": "/insights.csv?chart=scatter",
    "api_metrics": "/api/v1/metrics?by=severity",
    "api_drills": "/api/v1/drills",
    "drills_page": "/drills",
    "api_drill_records": "/api/v1/drills/records",
}
# Routes naming something that belongs to an incident by its own id: path
# templates, filled with the restricted incident's object and a missing one.
OWNED = {
    "api_job": "/api/v1/jobs/{job_id}",
    "api_drill": "/api/v1/drills/{drill_id}",
    "drill_page": "/drills/{drill_id}",
    "api_drill_findings": "/api/v1/drills/{drill_id}/findings",
    "api_drill_scenario": "/api/v1/drills/{drill_id}/scenario",
}
NOT_ABOUT_INCIDENTS = {
    "reports_page": "links to the periods' reports",
    "openapi": "the API schema",
    "api_openapi": "the API schema, for signed-in users",
    "healthz": "liveness, no data",
    "api_docs": "Swagger UI",
    "api_incident_open": "creates a new incident",
    "new_incident_form": "form for a new incident",
    "new_incident": "creates a new incident",
    "api_markdown_preview": "renders the text it is sent",
    "api_lint": "lints the text it is sent",
    "api_me": "the caller's own account",
    "api_tokens": "the caller's own tokens",
    "api_token_create": "the caller's own tokens",
    "api_token_revoke": "the caller's own tokens",
    "api_users": "users, admin only",
    "api_user_create": "users, admin only",
    "api_user_role": "users, admin only",
    "signin_form": "signing in",
    "signin": "signing in",
    "signout": "signing out",
    "account_page": "the caller's own account",
    "account_password": "the caller's own account",
    "account_token_create": "the caller's own tokens",
    "account_token_revoke": "the caller's own tokens",
    "users_page": "users, admin only",
    "user_create": "users, admin only",
    "user_role": "users, admin only",
    "hook_alertmanager": "acts as its token's user: tests/web/test_access_jobs.py",
    "hook_jira": "acts as its token's user: tests/web/test_access_jobs.py",
    "hook_github": "acts as its token's user: tests/web/test_access_jobs.py",
    "static": "static files",
    "inbox_read_all": "the caller's own notifications",
    "inbox_open": "the caller's own notifications (another's id changes nothing)",
    "api_notifications_read_all": "the caller's own notifications",
    "api_notification_read": "the caller's own notifications (another's id changes nothing)",
    "account_notifications": "the caller's own account",
    "account_profile": "the caller's own account",
    "user_password": "users, admin only",
    "user_active": "users, admin only",
    "user_teams": "users, admin only",
    "swagger": "static files",
    "history_import_page": "history import, admin only: tests/web/test_history_import_web.py",
    "history_import_check": "history import, admin only: tests/web/test_history_import_web.py",
    "history_import_confirm": "history import, admin only: tests/web/test_history_import_web.py",
    # A drill's writes name the drill, not the incident: tests/web/test_drills_api.py calls each for a restricted one.
    "api_drill_member": "a drill of a restricted incident: tests/web/test_drills_api.py",
    "api_drill_start": "a drill of a restricted incident: tests/web/test_drills_api.py",
    "api_drill_reveal": "a drill of a restricted incident: tests/web/test_drills_api.py",
    "api_drill_ask": "a drill of a restricted incident: tests/web/test_drills_api.py",
    "api_drill_log": "a drill of a restricted incident: tests/web/test_drills_api.py",
    "api_drill_mark": "a drill of a restricted incident: tests/web/test_drills_api.py",
    "api_drill_end": "a drill of a restricted incident: tests/web/test_drills_api.py",
    "api_drill_reveal_edit": "a drill of a restricted incident: tests/web/test_drills_api.py",
    "api_drill_reveal_add": "a drill of a restricted incident: tests/web/test_drills_api.py",
    "api_drill_finding_add": "a drill of a restricted incident: tests/web/test_drills_api.py",
    "drill_finding": "a drill of a restricted incident: tests/web/test_drills_web.py",
    "api_drill_import": "names its incident in the file: tests/web/test_drills_api.py",
    "drill_reveal_edit": "a drill of a restricted incident: tests/web/test_drills_web.py",
    "drill_create": "names its incident in the form: tests/web/test_drills_web.py",
    "drill_start": "a drill of a restricted incident: tests/web/test_drills_web.py",
    "drill_reveal": "a drill of a restricted incident: tests/web/test_drills_web.py",
    "drill_ask": "a drill of a restricted incident: tests/web/test_drills_web.py",
    "drill_log": "a drill of a restricted incident: tests/web/test_drills_web.py",
    "drill_mark": "a drill of a restricted incident: tests/web/test_drills_web.py",
    "drill_end": "a drill of a restricted incident: tests/web/test_drills_web.py",
}


def app_routes(app) -> list:  # type: ignore[no-untyped-def]
    """Every route of the app, with the routers FastAPI includes lazily flattened."""
    found = []
    for route in app.routes:
        inner = getattr(route, "original_router", None)
        found.extend(inner.routes if inner is not None else [route])
    return found


def concrete(path: str, key: str) -> str:
    def value(match: re.Match[str]) -> str:
        name = match[1]
        if name == "key":
            return key
        if name == "label":
            return LABELS["factor"] if "/factors/" in path else LABELS["action"]
        return PATH_VALUES[name]

    return re.sub(r"\{(\w+)\}", value, path)


@pytest.fixture
def secret(ctx: Context, people: None, tmp_path) -> str:  # type: ignore[no-untyped-def]
    member = acting(ctx, "member")
    key = open_incident(member, SECRET_TITLE, severity="SEV1", visibility="restricted").key
    log_event(member, key, "rotated the payroll keys", kind="action")
    payroll_log = tmp_path / "payroll.log"
    payroll_log.write_text("2026-11-23T14:00:00Z ERROR payroll bucket listed publicly\n")
    assert import_timeline(member, key, payroll_log).import_id == 1  # the import the outsider's undo would name
    add_factor(member, key, description="payroll bucket policy allowed public reads", category="configuration", role="trigger")
    add_action_item(member, key, "Rotate the payroll bucket keys", owner="member", due="2099-01-01", priority="P1")
    return key


def _send(client, method: str, path: str, name: str):  # type: ignore[no-untyped-def]
    if method == "GET":
        return client.get(path)
    if path.startswith("/api/"):
        return client.request(method, path, json=API_BODIES.get(name, {}), headers={"X-CSRF-Token": client.csrf})
    if name == "timeline_import_form":
        return client.post(path, data={"csrf_token": client.csrf}, files={"file": ("log.txt", b"2026-11-23T14:00:00Z peek\n")})
    return client.post(path, data={"csrf_token": client.csrf, **FORM_FIELDS.get(name, {})}, follow_redirects=False)


def test_every_route_is_classified(settings, ctx: Context) -> None:
    routes = app_routes(create_app(settings, context=ctx))
    unclassified = [
        route.name for route in routes
        if "{key}" not in getattr(route, "path", "")
        and route.name not in LISTS and route.name not in OWNED and route.name not in NOT_ABOUT_INCIDENTS
    ]
    assert unclassified == [], "classify these routes in tests/web/test_access_everywhere.py"


def test_every_incident_route_hides_the_restricted_incident_from_an_outsider_and_changes_nothing(
    settings, ctx: Context, as_user, secret: str
) -> None:
    outsider = as_user("outsider")
    before = show_incident(ctx, secret)
    history_before = len(incident_history(ctx, secret))
    checked = 0
    for route in app_routes(create_app(settings, context=ctx)):
        path = getattr(route, "path", "")
        if "{key}" not in path:
            continue
        for method in sorted(route.methods - {"HEAD"}):
            hidden = _send(outsider, method, concrete(path, secret), route.name)
            missing = _send(outsider, method, concrete(path, "INC-999"), route.name)
            where = f"{method} {path}"
            assert hidden.status_code == missing.status_code, where
            assert 400 <= hidden.status_code < 500, f"{where}: {hidden.status_code}"
            assert hidden.text.replace(secret, "INC-999") == missing.text, where
            assert SECRET_TITLE not in hidden.text, where
            checked += 1
    assert checked >= 40
    after = show_incident(ctx, secret)
    assert after.version == before.version and len(incident_history(ctx, secret)) == history_before
    assert after.postmortem.prose == before.postmortem.prose and after.timeline == before.timeline


@pytest.mark.parametrize("name", sorted(OWNED))
def test_what_belongs_to_a_restricted_incident_is_not_found_for_an_outsider(ctx: Context, as_user, secret: str, name: str) -> None:
    from cairn.services.import_jobs import create_import_job

    from cairn.services.drills import create_drill

    job = create_import_job(acting(ctx, "member"), secret, "payroll.log", total=10, options={})
    drill = create_drill(acting(ctx, "member"), secret)
    ids = {"job_id": job.id, "drill_id": drill.id}
    missing_ids = {"job_id": job.id + 1000, "drill_id": drill.id + 1000}
    own = ids["job_id" if "{job_id}" in OWNED[name] else "drill_id"]
    outsider, member = as_user("outsider"), as_user("member")
    hidden = outsider.get(OWNED[name].format(**ids))
    missing = outsider.get(OWNED[name].format(**missing_ids))
    assert hidden.status_code == missing.status_code == 404
    assert hidden.text.replace(f" {own}", " N") == missing.text.replace(f" {own + 1000}", " N")
    assert SECRET_TITLE not in hidden.text and "payroll" not in hidden.text
    assert member.get(OWNED[name].format(**ids)).status_code == 200


@pytest.mark.parametrize("name", sorted(LISTS))
def test_lists_never_mention_the_restricted_incident_to_an_outsider(as_user, secret: str, name: str) -> None:
    answer = as_user("outsider").get(LISTS[name])
    assert answer.status_code == 200
    for needle in (SECRET_TITLE, "Rotate the payroll", f">{secret}<", f'"{secret}"'):
        assert needle not in answer.text, needle
