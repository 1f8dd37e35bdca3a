"""The metrics' doors on the web: /insights (no script needed), its CSV, and GET /api/v1/metrics."""

from __future__ import annotations

import csv
import io

import pytest

from cairn.services.context import Context
from tests.insights.factory import incident
from tests.web.test_access import acting

SECRET = "Payroll export leaked"


@pytest.fixture
def data(ctx: Context, people: None) -> dict[str, list[str]]:
    seen = [incident(ctx, f"Checkout slow {n}", severity=("SEV2", "SEV3")[n % 2], services=["checkout"],
                     minutes={"detected": 3, "acknowledged": 5, "mitigated": 20 + n, "resolved": 40 + 7 * n}) for n in range(5)]
    member = acting(ctx, "member")
    hidden = [incident(member, f"{SECRET} {n}", severity="SEV1", visibility="restricted", minutes={"detected": 1, "resolved": 900})
              for n in range(2)]
    return {"seen": seen, "hidden": hidden}


def test_the_page_shows_the_figures_charts_and_tables_without_scripts(as_user, data) -> None:  # type: ignore[no-untyped-def]
    page = as_user("admin").get("/insights?by=severity")
    assert page.status_code == 200
    html = page.text
    assert "Durations of 7 incidents" in html
    assert html.count('role="img"') == 3 and "<script" not in html.split('<main', 1)[1]
    for table in ("durations", "distribution-table", "trend-table", "scatter-table", "reviews"):
        assert f'id="{table}"' in html
    assert "How these are measured" in html and "resolved − started" in html
    assert 'href="/insights"' in html  # the header's link


def test_an_outsider_sees_aggregates_without_one_or_two_restricted_incidents(as_user, data) -> None:  # type: ignore[no-untyped-def]
    outsider = as_user("outsider")
    page = outsider.get("/insights?by=severity")
    assert "Durations of 5 incidents" in page.text and SECRET not in page.text
    for key in data["hidden"]:
        assert f">{key}<" not in page.text and f"{key} " not in page.text
    rows = list(csv.reader(io.StringIO(outsider.get("/insights.csv?chart=scatter").text)))
    assert {row[0] for row in rows[1:]} == set(data["seen"])
    api = outsider.get("/api/v1/metrics?by=severity").json()
    assert api["overall"]["incidents"] == 5 and [g["key"] for g in api["groups"]] == ["SEV2", "SEV3"]
    assert as_user("admin").get("/api/v1/metrics").json()["overall"]["incidents"] == 7


def test_the_csv_download_of_each_chart(as_user, data) -> None:  # type: ignore[no-untyped-def]
    client = as_user("admin")
    for chart in ("distribution", "trend", "scatter", "postmortems", "actions"):
        answer = client.get(f"/insights.csv?chart={chart}&by=severity&service=checkout")
        assert answer.status_code == 200, chart
        assert answer.headers["content-type"].startswith("text/csv") and "attachment" in answer.headers["content-disposition"]
        assert answer.text.splitlines()[0]
    distribution = list(csv.DictReader(io.StringIO(client.get("/insights.csv?chart=distribution&by=severity").text)))
    resolve = {row["group"]: row for row in distribution if row["measure"] == "resolve"}
    assert resolve["SEV2"]["count"] == "3" and float(resolve["SEV2"]["median_s"]) == 54 * 60  # 40, 54, 68 minutes


@pytest.mark.parametrize("query, word", [
    ("severity=SEV9", "severity"), ("since=yesterday", "date"), ("by=colour", "group by"),
    ("kind=outage", "kind"), ("since=2026-05-01&until=2026-04-01", "before"),
])
def test_a_bad_filter_is_a_400_with_one_line_on_every_door(as_user, data, query: str, word: str) -> None:  # type: ignore[no-untyped-def]
    client = as_user("admin")
    api = client.get(f"/api/v1/metrics?{query}")
    assert api.status_code == 400
    body = api.json()
    assert body["error"] == "invalid filter" and word in body["detail"] and "\n" not in body["detail"]
    page = client.get(f"/insights?{query}")
    assert page.status_code == 400 and 'id="insights-error"' in page.text and "<form" in page.text
    assert client.get(f"/insights.csv?{query}").status_code == 400


def test_a_bad_chart_or_measure_is_a_400(as_user, data) -> None:  # type: ignore[no-untyped-def]
    client = as_user("admin")
    assert client.get("/insights.csv?chart=pie").status_code == 400
    assert client.get("/insights?measure=vibes").status_code == 400
    assert client.get("/api/v1/metrics?severity=" + "x" * 500).status_code == 422  # too long: request validation


def test_the_api_needs_a_signed_in_caller(anonymous) -> None:  # type: ignore[no-untyped-def]
    assert anonymous.get("/api/v1/metrics").status_code == 401
    assert anonymous.get("/insights", follow_redirects=False).status_code == 303


def test_an_empty_database_still_renders(as_user) -> None:  # type: ignore[no-untyped-def]
    page = as_user("reader").get("/insights")
    assert page.status_code == 200 and "Durations of 0 incidents" in page.text
    assert "No incident has this duration yet." in page.text
