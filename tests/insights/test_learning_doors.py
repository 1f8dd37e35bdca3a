"""Similar incidents and recurring factors on their doors: pages, forms, API, CLI,
and the privacy rule for counts (both databases)."""

from __future__ import annotations

import re

import pytest

from cairn.services.actions import add_action_item
from cairn.services.insights.factors import recurring_factors
from tests.insights.history import build_history, story_incident
from tests.web.personas import csrf


@pytest.fixture
def history(ctx, people):  # type: ignore[no-untyped-def]
    return build_history(ctx)


def test_the_api_names_similar_incidents_and_repeats_and_hides_restricted_ones(client, as_user, history) -> None:  # type: ignore[no-untyped-def]
    answer = client.get(f"/api/v1/incidents/{history['pool_2']}/similar")
    assert answer.status_code == 200
    data = answer.json()
    assert history["pool_1"] in [hit["key"] for hit in data["similar"]]
    assert data["repeats"][0]["incident"]["key"] == history["pool_1"]
    outsider = as_user("outsider")
    seen = outsider.get(f"/api/v1/incidents/{history['pool_2']}/similar")
    assert seen.status_code == 200 and history["secret"] not in seen.text and "Payroll" not in seen.text
    assert outsider.get(f"/api/v1/incidents/{history['secret']}/similar").status_code == 404
    assert client.get(f"/api/v1/incidents/{history['pool_2']}/similar", params={"limit": 0}).status_code in (400, 422)


def test_the_api_confirms_and_takes_back_a_relation(as_user, history) -> None:  # type: ignore[no-untyped-def]
    member = as_user("member")
    done = member.post(f"/api/v1/incidents/{history['pool_2']}/relations", json={"other": history["pool_1"], "state": "related"}, headers=csrf(member))
    assert done.status_code == 200 and [r["key"] for r in done.json()["related"]] == [history["pool_1"]]
    back = member.get(f"/api/v1/incidents/{history['pool_1']}/similar").json()
    assert [r["key"] for r in back["related"]] == [history["pool_2"]]
    wrong = member.post(f"/api/v1/incidents/{history['pool_2']}/relations", json={"other": history["pool_2"], "state": "related"}, headers=csrf(member))
    assert wrong.status_code == 422 and "itself" in wrong.text
    hidden = member.post(f"/api/v1/incidents/{history['pool_2']}/relations", json={"other": history["secret"], "state": "related"}, headers=csrf(member))
    assert hidden.status_code == 404
    reader = as_user("reader")
    viewer = reader.post(f"/api/v1/incidents/{history['pool_2']}/relations", json={"other": history["pool_1"], "state": "related"}, headers=csrf(reader))
    assert viewer.status_code == 403


def test_the_incident_page_shows_the_panel_and_its_form_records_a_relation(client, as_user, history) -> None:  # type: ignore[no-untyped-def]
    page = client.get(f"/incidents/{history['pool_2']}")
    assert page.status_code == 200
    panel = page.text[page.text.index('id="similar"'):page.text.index('id="postmortem"')]
    assert "Repeat" in panel and f"The fix from <a href=\"/incidents/{history['pool_1']}\">{history['pool_1']}</a> (A1, closed 2025-02-20" in panel
    assert "same service checkout" in panel and "@@cairn" not in page.text
    token = re.search(r'name="csrf_token" value="([^"]+)"', panel).group(1)
    moved = client.post(f"/incidents/{history['pool_2']}/relations", data={"csrf_token": token, "other": history["pool_1"], "state": "related"},
                        follow_redirects=False)
    assert moved.status_code == 303 and moved.headers["location"].endswith(f"/incidents/{history['pool_2']}#similar")
    other_page = client.get(f"/incidents/{history['pool_1']}").text
    assert "Related incidents" in other_page and f">{history['pool_2']}</a> Checkout errors during campaign" in other_page
    # The cached page is per state, the panel per reader: an outsider never sees the restricted one.
    outsider_page = as_user("outsider").get(f"/incidents/{history['pool_2']}").text
    assert history["secret"] not in outsider_page and "Payroll" not in outsider_page
    no_token = client.post(f"/incidents/{history['pool_2']}/relations", data={"other": history["pool_1"], "state": "none"})
    assert no_token.status_code == 403


def test_the_editor_and_meeting_kit_show_what_was_seen_before(client, cli, history) -> None:  # type: ignore[no-untyped-def]
    editor = client.get(f"/incidents/{history['pool_2']}/postmortem")
    assert editor.status_code == 200 and 'id="similar"' in editor.text and 'name="back" value="editor"' in editor.text
    kit = client.get(f"/incidents/{history['pool_2']}/agenda").text
    assert "Seen before" in kit and f"the fix from {history['pool_1']} (A1, closed 2025-02-20) may not have prevented this" in kit
    printed = cli("postmortem", "agenda", history["pool_2"])
    assert printed.exit_code == 0 and "## Seen before" in printed.output


def test_cairn_similar_prints_reasons_and_records_judgements(cli, history) -> None:  # type: ignore[no-untyped-def]
    shown = cli("similar", history["pool_2"])
    assert shown.exit_code == 0, shown.output
    assert history["pool_1"] in shown.output and "same service checkout" in shown.output and "repeat: the fix from" in shown.output
    assert cli("similar", history["pool_2"], "--json").output.lstrip().startswith("{")
    relate = cli("similar", history["pool_2"], "--relate", history["pool_1"])
    assert relate.exit_code == 0 and "are related" in relate.output
    assert cli("similar", history["pool_2"], "--relate", history["pool_1"], "--dismiss", history["unrelated"]).exit_code != 0
    missing = cli("similar", "INC-999")
    assert missing.exit_code == 2 and "no incident INC-999" in missing.output


def test_recurring_factors_count_categories_per_quarter_and_service(ctx, history) -> None:  # type: ignore[no-untyped-def]
    result = recurring_factors(ctx)
    capacity = next(c for c in result.categories if c.category == "capacity")
    assert capacity.incidents == 4  # the local CLI sees all, the restricted one too
    assert capacity.quarters == {"2025-Q1": 1, "2025-Q2": 2, "2025-Q3": 1}
    assert capacity.services == {"checkout": 3, "billing": 1}
    assert result.categories[0].category == "capacity"
    assert result.repeats_by_service == {"checkout": 2}


def test_a_restricted_incident_counts_for_outsiders_only_among_three(ctx, as_user, history) -> None:  # type: ignore[no-untyped-def]
    def capacity_for(client) -> dict:  # type: ignore[no-untyped-def,type-arg]
        data = client.get("/api/v1/insights/factors").json()
        return next(c for c in data["categories"] if c["category"] == "capacity")

    outsider = as_user("outsider")
    alone = capacity_for(outsider)
    assert alone["incidents"] == 3 and alone["services"] == {"checkout": 2, "billing": 1}
    assert history["secret"] not in outsider.get("/api/v1/insights/factors").text
    for day in ("2025-07-01", "2025-08-01"):
        story_incident(ctx, "Payroll pool again", "checkout", f"{day}T10:00:00+00:00", "The payroll pool was exhausted.", visibility="restricted")
    three = capacity_for(outsider)
    assert three["incidents"] == 6  # three hidden incidents may be counted together
    assert three["quarters"] == {"2025-Q1": 1, "2025-Q2": 1, "2025-Q3": 1}  # each quarter holds fewer than three hidden
    page = outsider.get("/insights/factors")
    assert page.status_code == 200 and "Payroll" not in page.text and "payroll" not in page.text
    assert capacity_for(as_user("admin"))["incidents"] == 6


def test_action_items_written_again_are_listed_from_visible_incidents(ctx, as_user, history) -> None:  # type: ignore[no-untyped-def]
    for key in (history["pool_2"], history["secret"]):
        add_action_item(ctx, key, "Size the checkout connection pool from measured peak load.", owner="member", due="2099-01-01", priority="P2")
    result = recurring_factors(ctx)
    assert [len(item.incidents) for item in result.repeated_items] == [3]
    seen = as_user("outsider").get("/api/v1/insights/factors").json()["repeated_action_items"]
    assert [[i["key"] for i in item["items"]] for item in seen] == [[history["pool_1"], history["pool_2"]]]


def test_the_factors_page_and_cli_show_the_tables_and_refuse_bad_filters(client, cli, history) -> None:  # type: ignore[no-untyped-def]
    page = client.get("/insights/factors")
    assert page.status_code == 200 and 'id="categories-by-quarter"' in page.text and 'id="repeat-list"' in page.text
    assert client.get("/insights/factors", params={"since": "2025-02-30"}).status_code == 400
    assert client.get("/api/v1/insights/factors", params={"severity": "SEV9"}).status_code == 400
    printed = cli("insights", "factors")
    assert printed.exit_code == 0 and "capacity" in printed.output and "Repeats" in printed.output
    bad = cli("insights", "factors", "--until", "tomorrow-ish")
    assert bad.exit_code == 2 and "error:" in bad.output
