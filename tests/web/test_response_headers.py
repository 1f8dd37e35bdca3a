"""Headers on every answer: no copy kept of what a signed-in user saw,
framing refused in old browsers too, and a 429 that says when to come back."""

from __future__ import annotations

from fastapi.testclient import TestClient

from tests.web.personas import PASSWORD, signin_csrf


def test_signed_in_pages_and_api_answers_are_not_stored_by_any_cache(client: TestClient, outage: str) -> None:
    for path in ("/", f"/incidents/{outage}", f"/incidents/{outage}/postmortem", "/api/v1/incidents", f"/api/v1/incidents/{outage}"):
        answer = client.get(path)
        assert answer.status_code == 200, path
        assert answer.headers["Cache-Control"] == "no-store", path


def test_a_revalidated_incident_read_is_not_stored_either(client: TestClient, outage: str) -> None:
    first = client.get(f"/api/v1/incidents/{outage}")
    again = client.get(f"/api/v1/incidents/{outage}", headers={"If-None-Match": first.headers["ETag"]})
    assert again.status_code == 304 and again.headers["Cache-Control"] == "no-store"


def test_errors_are_not_stored_and_static_files_may_be(client: TestClient) -> None:
    assert client.get("/api/v1/incidents/INC-404").headers["Cache-Control"] == "no-store"
    assert "no-store" not in client.get("/static/cairn.css").headers.get("Cache-Control", "")


def test_every_page_refuses_framing_with_x_frame_options_beside_frame_ancestors(client: TestClient, outage: str) -> None:
    for path in ("/", "/signin", "/api/docs", f"/incidents/{outage}"):
        answer = client.get(path)
        assert "frame-ancestors 'none'" in answer.headers["Content-Security-Policy"], path
        assert answer.headers["X-Frame-Options"] == "DENY", path


def test_the_html_export_that_cairn_frames_itself_allows_the_same_origin_only(client: TestClient, outage: str) -> None:
    answer = client.get(f"/api/v1/incidents/{outage}/export", params={"format": "html"})
    assert answer.status_code == 200
    assert "frame-ancestors 'self'" in answer.headers["Content-Security-Policy"]
    assert answer.headers["X-Frame-Options"] == "SAMEORIGIN"


def test_a_paused_sign_in_says_when_to_retry(anonymous: TestClient) -> None:
    from cairn.services.accounts import FAILURE_WINDOW, MAX_FAILURES

    def attempt(password: str):  # type: ignore[no-untyped-def]
        token = signin_csrf(anonymous)
        return anonymous.post("/signin", data={"username": "member", "password": password, "csrf_token": token}, follow_redirects=False)

    for _ in range(MAX_FAILURES):
        assert attempt("guess").status_code == 401
    paused = attempt(PASSWORD)
    assert paused.status_code == 429
    assert 0 < int(paused.headers["Retry-After"]) <= FAILURE_WINDOW.total_seconds()
