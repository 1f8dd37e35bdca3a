"""The HTML pages: incident list, incident page, error pages."""

from __future__ import annotations

import re

from fastapi.testclient import TestClient

from cairn.services.context import Context
from cairn.services.incidents import open_incident
from cairn.services.portable import import_document
from cairn.services.timeline import log_event
from tests.web.webdata import keys_in, plain_document


def test_the_list_page_shows_each_incident_with_its_key_severity_status_and_local_start(
    client: TestClient, outage: str
) -> None:
    page = client.get("/")
    assert page.status_code == 200
    assert page.headers["content-type"].startswith("text/html")
    html = page.text
    assert f'href="/incidents/{outage}"' in html
    assert "Checkout payments failed after a connection-pool change" in html
    assert "SEV2" in html and "resolved" in html
    assert "2026-03-03 14:02 CET" in html  # Europe/Berlin, not UTC
    assert "in review" in html  # postmortem status
    assert "checkout" in html and "payments-api" in html


def test_the_list_page_counts_open_action_items(client: TestClient, outage: str) -> None:
    html = client.get("/").text
    assert re.search(r'<span class="open-count">2</span>', html)


def test_the_list_page_shows_newest_incidents_first(client: TestClient, ctx: Context) -> None:
    for day in (3, 1, 2):
        open_incident(ctx, f"Incident of day {day}", severity="SEV3", started=f"2026-05-0{day}T10:00Z")
    html = client.get("/").text
    assert html.index("Incident of day 3") < html.index("Incident of day 2") < html.index("Incident of day 1")


def test_filters_narrow_the_list_by_status_severity_service_and_text(client: TestClient, ctx: Context) -> None:
    import_document(ctx, plain_document("Search is slow", severity="SEV3", status="resolved",
                                        started="2026-04-01T10:00:00Z", services=["search"]))
    import_document(ctx, plain_document("Payments time out", severity="SEV1", status="open",
                                        started="2026-04-02T10:00:00Z", services=["payments"]))
    import_document(ctx, plain_document("Search index stale", severity="SEV4", status="mitigated",
                                        started="2026-04-03T10:00:00Z", services=["search"]))

    assert keys_in(client.get("/").text) == ["INC-3", "INC-2", "INC-1"]
    assert keys_in(client.get("/?status=open").text) == ["INC-2"]
    assert keys_in(client.get("/?status=open,resolved").text) == ["INC-2", "INC-1"]
    assert keys_in(client.get("/?severity=SEV4").text) == ["INC-3"]
    assert keys_in(client.get("/?service=search").text) == ["INC-3", "INC-1"]
    assert keys_in(client.get("/?q=SEARCH").text) == ["INC-3", "INC-1"]
    assert keys_in(client.get("/?q=search&severity=SEV3").text) == ["INC-1"]


def test_empty_filter_fields_from_the_form_mean_no_filter(client: TestClient, outage: str) -> None:
    html = client.get("/?q=&status=&severity=&service=").text
    assert keys_in(html) == [outage]


def test_the_filter_form_keeps_the_chosen_values(client: TestClient, outage: str) -> None:
    html = client.get("/?status=resolved&severity=SEV2&service=checkout&q=pool").text
    assert '<option value="resolved" selected>' in html
    assert '<option value="SEV2" selected>' in html
    assert 'name="service" value="checkout"' in html
    assert 'name="q" value="pool"' in html


def test_an_unknown_status_filter_gives_an_error_page_not_a_crash(client: TestClient) -> None:
    page = client.get("/?status=exploded")
    assert page.status_code == 422
    assert "text/html" in page.headers["content-type"]
    assert "unknown incident status" in page.text


def test_the_list_is_paginated_25_to_a_page(client: TestClient, ctx: Context) -> None:
    for number in range(27):
        open_incident(ctx, f"Blip {number}", severity="SEV5", started=f"2026-01-01T00:{number:02d}Z")
    first = client.get("/")
    assert len(keys_in(first.text)) == 25
    assert "1–25 of 27 incidents" in first.text
    assert 'rel="next" href="?page=2"' in first.text
    second = client.get("/?page=2")
    assert keys_in(second.text) == ["INC-2", "INC-1"]
    assert 'rel="prev" href="?page=1"' in second.text


def test_pagination_links_keep_the_filters(client: TestClient, ctx: Context) -> None:
    for number in range(26):
        open_incident(ctx, f"Disk full {number}", severity="SEV4", started=f"2026-01-01T00:{number:02d}Z")
    html = client.get("/?severity=SEV4&q=disk").text
    assert 'href="?severity=SEV4&amp;q=disk&amp;page=2"' in html


def test_a_page_past_the_end_says_so_and_links_back(client: TestClient, outage: str) -> None:
    html = client.get("/?page=9").text
    assert "There is no page 9" in html
    assert keys_in(html) == []


def test_a_page_number_below_one_is_refused(client: TestClient) -> None:
    assert client.get("/?page=0").status_code == 422


def test_an_empty_database_shows_a_friendly_empty_state(client: TestClient) -> None:
    html = client.get("/").text
    assert "No incidents yet." in html
    assert "<table" not in html


def test_filters_that_match_nothing_say_so(client: TestClient, outage: str) -> None:
    html = client.get("/?q=zebra").text
    assert "No incidents match these filters." in html


def test_the_incident_page_shows_the_header_facts(client: TestClient, outage: str) -> None:
    html = client.get(f"/incidents/{outage}").text
    assert f"{outage}</span> Checkout payments failed after a connection-pool change" in html
    for text in ("SEV2", "resolved", "incident", "payments-api", "sre", "configuration", "Europe/Berlin"):
        assert text in html


def test_the_incident_page_shows_key_moments_in_the_incident_zone(client: TestClient, outage: str) -> None:
    html = client.get(f"/incidents/{outage}").text
    assert 'datetime="2026-03-03T13:02:00+00:00">2026-03-03 14:02 CET</time>' in html
    assert "2026-03-03 15:20 CET" in html


def test_the_incident_page_shows_durations(client: TestClient, outage: str) -> None:
    html = client.get(f"/incidents/{outage}").text
    durations = dict(re.findall(r'<th scope="row">(Time to \w+)<span.*?<td class="num">([^<]+)</td>', html, re.S))
    assert durations == {
        "Time to detect": "7m",
        "Time to acknowledge": "3m",
        "Time to mitigate": "39m",
        "Time to resolve": "1h 18m",
    }


def test_the_incident_page_shows_the_timeline_in_order(client: TestClient, outage: str) -> None:
    html = client.get(f"/incidents/{outage}").text
    timeline = html[html.index('id="timeline"'):html.index('id="pm-h"')]
    assert "2026-03-03 13:55 CET" in timeline
    assert "payments-api config v142 rolled out" in timeline
    assert "deploy-bot" in timeline and "alertmanager" in timeline and "pagerduty" in timeline
    assert timeline.index("rolled out") < timeline.index("Acknowledged the page") < timeline.index("Queued orders")


def test_events_logged_as_they_happen_appear_on_the_page(client: TestClient, ctx: Context) -> None:
    key = open_incident(ctx, "Queue backlog", severity="SEV3", timezone="Asia/Tokyo",
                        started="2026-06-01T09:00+09:00").key
    log_event(ctx, key, "Restarted worker-3", kind="action", at="2026-06-01T09:30:15+09:00", actor="kenji")
    html = client.get(f"/incidents/{key}").text
    assert "Restarted worker-3" in html
    assert "2026-06-01 09:30:15 JST" in html
    assert "kenji" in html


def test_the_incident_page_shows_the_postmortem(client: TestClient, outage: str) -> None:
    html = client.get(f"/incidents/{outage}").text
    postmortem = html[html.index('id="pm-h"'):]
    assert "in review" in postmortem
    assert "18,250" in postmortem and "7.5 %" in postmortem and "39 min" in postmortem
    assert "<strong>7.5%</strong>" in postmortem  # Markdown rendered
    for title in ("Summary", "Impact", "Resolution", "What did not work", "What went well",
                  "What went wrong", "Where we got lucky", "Surprises", "Follow-up review"):
        assert f"<h3>{title}</h3>" in postmortem
    assert '<td class="align-right">18,250</td>' in postmortem


def test_the_incident_page_shows_factors_with_their_five_whys_in_order(client: TestClient, outage: str) -> None:
    html = client.get(f"/incidents/{outage}").text
    assert "monitoring gap" in html and "made worse" in html and "trigger" in html
    whys = html[html.index('<ol class="whys">'):]
    first = whys.index("Why did payments time out?")
    second = whys.index("Why were there no free connections?")
    third = whys.index("Why did the change pass review?")
    assert first < second < third
    assert "The pool had been lowered from 50 to 5." in whys


def test_the_incident_page_shows_action_items_and_participants(client: TestClient, outage: str) -> None:
    html = client.get(f"/incidents/{outage}").text
    actions = html[html.index('id="actions-h"'):html.index('id="people-h"')]
    assert "Alert when pool waits exceed 100 ms" in actions
    assert "2026-03-20" in actions and "P1" in actions and "detect" in actions and "in progress" in actions
    assert 'href="https://tracker.example.com/SRE-311"' in actions
    assert "no owner" in actions  # A3 has none
    people = html[html.index('id="people-h"'):]
    assert "amara" in people and "incident commander" in people and "note taker" in people


def test_a_sparse_incident_says_what_is_not_written_yet(client: TestClient, ctx: Context) -> None:
    key = open_incident(ctx, "Fresh one", severity="SEV4").key
    html = client.get(f"/incidents/{key}").text
    assert "No timeline events yet." in html
    assert "Not written yet:" in html and "Where we got lucky" in html
    assert "Impact not quantified yet" in html


def test_keys_are_read_leniently_in_the_address(client: TestClient, outage: str) -> None:
    for address in ("/incidents/inc-1", "/incidents/1"):
        page = client.get(address, follow_redirects=False)
        assert page.status_code == 200, address
        assert outage in page.text and "Checkout payments failed after a connection-pool change" in page.text


def test_an_anonymous_visitor_is_sent_to_sign_in_whatever_the_spelling_of_the_key(anonymous: TestClient, outage: str) -> None:
    for address in ("/incidents/inc-1", "/incidents/1"):
        page = anonymous.get(address, follow_redirects=False)
        assert page.status_code == 303 and page.headers["location"].startswith("/signin"), address


def test_an_unknown_incident_gives_a_404_page(client: TestClient) -> None:
    page = client.get("/incidents/INC-404")
    assert page.status_code == 404
    assert "text/html" in page.headers["content-type"]
    assert "no incident INC-404" in page.text
    assert "Back to incidents" in page.text


def test_a_malformed_key_gives_a_client_error_page(client: TestClient) -> None:
    page = client.get("/incidents/not-a-key")
    assert 400 <= page.status_code < 500
    assert "malformed incident key" in page.text


def test_an_unknown_address_gives_a_404_page(client: TestClient) -> None:
    page = client.get("/no/such/page")
    assert page.status_code == 404
    assert "text/html" in page.headers["content-type"]
    assert "there is nothing at /no/such/page" in page.text


def test_titles_and_event_text_are_escaped(client: TestClient, ctx: Context) -> None:
    key = open_incident(ctx, "<b>bold</b> & <script>alert(1)</script>", severity="SEV3").key
    log_event(ctx, key, '<img src=x onerror="alert(2)">', kind="note")
    html = client.get(f"/incidents/{key}").text
    assert "<script>alert(1)</script>" not in html
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html
    assert "<img src=x" not in html
    assert client.get("/").text.count("&lt;b&gt;bold&lt;/b&gt; &amp;") == 1


def test_pages_allow_only_their_own_script_files_through_their_content_security_policy(client: TestClient) -> None:
    policy = client.get("/").headers["content-security-policy"]
    assert "default-src 'none'" in policy
    assert "script-src 'self';" in policy  # Cairn's own files only: no inline, no eval, no elsewhere


def test_the_stylesheet_is_served_from_the_app_itself(client: TestClient) -> None:
    html = client.get("/").text
    assert 'href="/static/cairn.css?v=' in html
    assert "http://" not in html and "https://" not in html  # nothing fetched from elsewhere
    css = client.get("/static/cairn.css")
    assert css.status_code == 200
    assert "text/css" in css.headers["content-type"]
    assert "@import" not in css.text and "url(" not in css.text


def test_health_check_answers_ok(client: TestClient) -> None:
    answer = client.get("/healthz")
    assert answer.status_code == 200
    assert answer.json() == {"status": "ok"}
