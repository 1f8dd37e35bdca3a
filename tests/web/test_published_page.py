"""The published postmortems page: search, filters, dates and durations, order in time."""

from __future__ import annotations

from datetime import datetime, timedelta, timezone

from fastapi.testclient import TestClient
from sqlalchemy import update

from cairn.services.context import Context
from cairn.services.portable import import_document
from cairn.storage.models import Incident, Postmortem


def published(ctx: Context, title: str, *, severity: str, service: str, zone: str, at: datetime, summary: str) -> str:
    doc = (
        f"---\ncairn: 1\ntitle: {title}\nseverity: {severity}\nstatus: resolved\ntimezone: {zone}\nservices: [{service}]\n"
        "moments: {started: 2025-06-01T10:00:00+00:00, resolved: 2025-06-01T11:30:00+00:00}\n"
        "postmortem: {status: published}\n---\n## Summary\n\n" + summary + "\n"
    )
    key = import_document(ctx, doc, source=f"{title}.md").key
    with ctx.db.transaction() as session:
        incident_id = session.query(Incident.id).filter(Incident.title == title).scalar()
        session.execute(update(Postmortem).where(Postmortem.incident_id == incident_id).values(published_at=at))
    return key


def titles(html: str) -> list[str]:
    return [part.split("</a>")[0].split("</span> ")[1] for part in html.split('<article class="card published">')[1:]]


def make_three(ctx: Context) -> None:
    base = datetime(2025, 6, 2, 12, 0, tzinfo=timezone.utc)
    # Tokyo's 20:30 is before Berlin's 14:00 on the same day: order follows time, not the local clock.
    published(ctx, "Tokyo cache stampede", severity="SEV2", service="cache", zone="Asia/Tokyo",
              at=base - timedelta(hours=1), summary="Keys expired together.")
    published(ctx, "Berlin checkout outage", severity="SEV1", service="checkout", zone="Europe/Berlin",
              at=base, summary="The pool ran dry.")
    published(ctx, "Old DNS failure", severity="SEV3", service="dns", zone="UTC",
              at=datetime(2024, 3, 1, tzinfo=timezone.utc), summary="A resolver timed out.")


def test_published_postmortems_are_ordered_by_publication_time_across_zones(client: TestClient, ctx: Context) -> None:
    make_three(ctx)
    assert titles(client.get("/postmortems").text) == ["Berlin checkout outage", "Tokyo cache stampede", "Old DNS failure"]


def test_each_card_shows_the_incident_date_and_duration(client: TestClient, ctx: Context) -> None:
    make_three(ctx)
    page = client.get("/postmortems").text
    assert "incident of 2025-06-01 19:00 JST" in page and "lasted 1h 30m" in page


def test_the_search_box_and_filters_narrow_the_list(client: TestClient, ctx: Context) -> None:
    make_three(ctx)
    assert titles(client.get("/postmortems?q=pool+ran").text) == ["Berlin checkout outage"]
    assert titles(client.get("/postmortems?service=cache").text) == ["Tokyo cache stampede"]
    assert titles(client.get("/postmortems?severity=SEV3").text) == ["Old DNS failure"]
    assert titles(client.get("/postmortems?year=2025").text) == ["Berlin checkout outage", "Tokyo cache stampede"]
    assert "No published postmortem matches" in client.get("/postmortems?q=100%25_").text


def test_a_year_that_is_not_a_year_is_refused_in_one_line(client: TestClient) -> None:
    response = client.get("/postmortems?year=20x5")
    assert response.status_code == 422 and "year must be a year" in response.text
