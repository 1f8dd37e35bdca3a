"""The periodic review: figures against the period before, its doors, and its delivery."""

from __future__ import annotations

from dataclasses import replace
from datetime import date, datetime, timezone

import pytest
from sqlalchemy import select, update

from cairn.domain.periods import last_full_quarter, parse_period
from cairn.errors import InvalidInput
from cairn.formats.report import report_html, report_markdown
from cairn.services.insights.report import period_report
from cairn.services.editing import save_section
from cairn.services.insights.report_delivery import deliver_reports
from cairn.storage.models import Incident, Postmortem
from tests.followup.channels import smtp_inbox
from tests.insights.history import build_history


@pytest.fixture
def history(ctx, people):  # type: ignore[no-untyped-def]
    return build_history(ctx)


def test_periods_parse_and_know_the_one_before() -> None:
    assert (parse_period("2026-Q3").first, parse_period("2026-Q3").last) == (date(2026, 7, 1), date(2026, 9, 30))
    assert parse_period("2026-Q1").previous().label == "2025-Q4"
    assert parse_period("2026-01").previous().label == "2025-12"
    assert parse_period("2026-02").last == date(2026, 2, 28)
    span = parse_period("2026-03-01..2026-03-10")
    assert span.previous().label == "2026-02-19..2026-02-28"
    assert last_full_quarter(date(2026, 12, 1)).label == "2026-Q3"
    for bad in ("2026-13", "2026-Q5", "last year", "2026-03-10..2026-03-01"):
        with pytest.raises(InvalidInput):
            parse_period(bad)


def test_the_report_counts_incidents_items_and_repeats_against_the_period_before(ctx, history) -> None:  # type: ignore[no-untyped-def]
    data = period_report(ctx, parse_period("2025-Q3"), today=date(2026, 1, 5)).to_data()
    assert data["previous"]["label"] == "2025-Q2"
    assert data["current"]["incidents"]["total"] == 1  # the campaign incident
    assert data["before"]["incidents"]["total"] == 3  # search, billing and the restricted one (the CLI sees all)
    assert data["before"]["incidents"]["by_severity"] == {"SEV2": 3}
    assert [r["incident"] for r in data["repeats"]] == [history["pool_2"]]
    q1 = period_report(ctx, parse_period("2025-Q1"), today=date(2026, 1, 5)).to_data()
    assert q1["current"]["action_items"]["closed"] == 1 and q1["current"]["action_items"]["closed_on_schedule"] == 1


def test_an_outsider_reads_no_restricted_incident_in_the_report(ctx, as_user, history) -> None:  # type: ignore[no-untyped-def]
    outsider = as_user("outsider")
    answer = outsider.get("/api/v1/reports/2025-Q2")
    assert answer.status_code == 200
    assert answer.json()["current"]["incidents"]["total"] == 2  # one hidden incident is left out of the count
    for door in ("/api/v1/reports/2025-Q2", "/reports/2025-Q2", "/reports/2025-Q2?format=md"):
        text = outsider.get(door).text
        assert history["secret"] not in text and "Payroll" not in text and "payroll" not in text, door
    assert as_user("admin").get("/api/v1/reports/2025-Q2").json()["current"]["incidents"]["total"] == 3


def test_the_report_page_downloads_and_api_refuse_a_bad_period(client, history) -> None:  # type: ignore[no-untyped-def]
    page = client.get("/reports/2025-Q3")
    assert page.status_code == 200 and "Incident review 2025-Q3" in page.text and "<svg" in page.text
    md = client.get("/reports/2025-Q3", params={"format": "md"})
    assert md.status_code == 200 and md.headers["content-type"].startswith("text/markdown") and md.text.startswith("# Incident review 2025-Q3")
    html = client.get("/reports/2025-Q3", params={"format": "html"})
    assert "<svg" in html.text and "Content-Security-Policy" in html.text
    assert client.get("/reports/2025-Q3", params={"format": "pdf"}).content.startswith(b"%PDF")
    assert client.get("/reports/2025-13").status_code == 400
    assert client.get("/api/v1/reports/soon").status_code == 400
    assert client.get("/reports").status_code == 200


def test_markdown_and_html_escape_what_people_wrote(ctx, history) -> None:  # type: ignore[no-untyped-def]
    save_section(ctx, history["pool_2"], "summary", "Pool | exhausted <script>alert(1)</script>. More.", base=None)
    number = int(history["pool_2"].split("-")[1])
    with ctx.db.transaction() as session:
        incident_id = select(Incident.id).where(Incident.number == number).scalar_subquery()
        session.execute(update(Postmortem).where(Postmortem.incident_id == incident_id)
                        .values(status="published", published_at=datetime(2025, 9, 20, tzinfo=timezone.utc)))
    data = period_report(ctx, parse_period("2025-Q3")).to_data()
    text = report_markdown(data)
    assert "&lt;script&gt;" in text and "<script>" not in text
    html = report_html(data)
    assert "<script>" not in html and "&lt;script&gt;" in html


def test_cairn_report_prints_writes_and_refuses(cli, tmp_path, history) -> None:  # type: ignore[no-untyped-def]
    printed = cli("report", "--period", "2025-Q3")
    assert printed.exit_code == 0 and "# Incident review 2025-Q3" in printed.output and "## Repeats" in printed.output
    target = tmp_path / "q3.pdf"
    assert cli("report", "--period", "2025-Q3", "-f", "pdf", "-o", str(target)).exit_code == 0 and target.read_bytes().startswith(b"%PDF")
    assert cli("report", "--since", "2025-01-01", "--until", "2025-06-30", "-f", "html").output.startswith("<!doctype html>")
    bad = cli("report", "--period", "2025-Q9")
    assert bad.exit_code == 2 and "unknown period" in bad.output
    assert cli("report", "-f", "pdf").exit_code != 0


def test_the_scheduled_report_goes_once_per_period_and_names_no_restricted_incident(ctx, history) -> None:  # type: ignore[no-untyped-def]
    with smtp_inbox() as (inbox, port):
        settings = replace_settings(ctx, smtp_host="127.0.0.1", smtp_port=port, report_every="quarter",
                                    report_recipients=["ops@example.test", "leads@example.test"])
        first = deliver_reports(settings, today=date(2025, 7, 2))
        assert first.period == "2025-Q2" and sorted(first.sent) == ["leads@example.test", "ops@example.test"]
        again = deliver_reports(settings, today=date(2025, 7, 9))
        assert again.sent == [] and len(inbox.messages) == 2
        body = inbox.messages[0].get_content()
        assert "incident review 2025-Q2" in inbox.messages[0]["Subject"] and "## Incidents" in body
        assert history["secret"] not in body and "payroll" not in body.lower()
    failed = deliver_reports(replace_settings(ctx, smtp_host="127.0.0.1", smtp_port=1, report_every="month",
                                              report_recipients=["ops@example.test"]), today=date(2025, 8, 2))
    assert failed.sent == [] and "2025-07" in failed.failures[0]
    assert deliver_reports(ctx).sent == []  # not configured: nothing


def replace_settings(ctx, **changes):  # type: ignore[no-untyped-def]
    return replace(ctx, settings=ctx.settings.model_copy(update=changes))
