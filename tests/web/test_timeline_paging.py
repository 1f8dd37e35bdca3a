"""A long timeline is paged and filtered, and its chart is binned, so the postmortem stays in reach."""

from __future__ import annotations

from datetime import datetime, timedelta, timezone

from fastapi.testclient import TestClient

from cairn.domain.document import EventDoc, IncidentDoc
from cairn.formats.timeline_svg import BIN_ABOVE, timeline_svg
from cairn.services.context import Context
from cairn.services.portable import import_document

START = datetime(2026, 1, 5, 9, 0, tzinfo=timezone.utc)


def long_incident(ctx: Context, events: int) -> str:
    lines = []
    for index in range(events):
        at = (START + timedelta(seconds=5 * index + 1)).isoformat()
        if index % 2:
            level = "ERROR" if index % 3 == 0 else "INFO"
            lines.append(f"- {{at: {at}, kind: note, text: '[{level}] line {index} pool busy', source: log, ref: 'l{index}'}}")
        else:
            lines.append(f"- {{at: {at}, kind: action, actor: alice, text: 'step {index} restarted db', ref: 'm{index}'}}")
    doc = (
        "---\ncairn: 1\ntitle: Long log\nseverity: SEV3\ntimezone: UTC\n"
        f"moments: {{started: {START.isoformat()}}}\ntimeline:\n" + "\n".join(lines) + "\n---\n## Summary\n\nPool ran dry.\n"
    )
    return import_document(ctx, doc, source="long.md").key


def body(html: str) -> str:
    return html.split('id="timeline-body"')[1].split("</tbody>")[0]


def rows(html: str) -> int:
    return body(html).count('<tr class="event')


def test_a_long_timeline_shows_its_latest_page_and_links_to_earlier_ones(client: TestClient, ctx: Context) -> None:
    key = long_incident(ctx, 250)
    page = client.get(f"/incidents/{key}").text
    assert rows(page) == 50
    assert "Events 201–250 of 250" in page
    assert "step 248 restarted db" in body(page) and "step 0 restarted db" not in body(page)
    assert 'rel="prev"' in page and 'href="#postmortem"' in page and 'id="postmortem"' in page
    assert "data-feed=" in page  # the latest page follows new events live
    first = client.get(f"/incidents/{key}?tpage=1").text
    assert rows(first) == 100 and "step 0 restarted db" in body(first) and "data-feed=" not in first


def test_the_timeline_filters_by_kind_source_level_and_text(client: TestClient, ctx: Context) -> None:
    key = long_incident(ctx, 250)
    assert rows(client.get(f"/incidents/{key}?kind=action").text) == 25  # the latest page of 125
    assert "Events 1–100 of 125" in client.get(f"/incidents/{key}?source=manual&tpage=1").text
    errors = client.get(f"/incidents/{key}?level=error").text
    assert "of 42 (250 in all)" in errors and "[INFO]" not in body(errors)
    one = client.get(f"/incidents/{key}?q=line+149+pool").text
    assert rows(one) == 1 and "line 149 pool busy" in one
    assert "No events match" in client.get(f"/incidents/{key}?q=nothing-like-this").text


def test_a_timeline_page_beyond_the_bounds_is_refused_with_a_client_error(client: TestClient, ctx: Context) -> None:
    key = long_incident(ctx, 3)
    assert client.get(f"/incidents/{key}?tpage=0").status_code == 422
    assert client.get(f"/incidents/{key}?tpage=99999999999").status_code == 422


def test_the_chart_of_many_events_counts_them_in_bins_instead_of_a_dot_each() -> None:
    events = [EventDoc(at=START + timedelta(seconds=index), kind="note", text=f"e{index}") for index in range(5000)]
    svg = timeline_svg(IncidentDoc(title="Long", severity="SEV3", timezone="UTC", timeline=events))
    assert "<circle" not in svg
    assert 0 < svg.count('class="event-bin"') <= 120
    counts = [int(title.split(" ")[0]) for title in svg.split("<title>")[2:]]
    assert sum(counts) == 5000
    few = timeline_svg(IncidentDoc(title="Short", severity="SEV3", timezone="UTC", timeline=events[:BIN_ABOVE]))
    assert few.count('<circle class="event"') == BIN_ABOVE


def test_an_events_address_opens_the_timeline_page_that_holds_it(client: TestClient, ctx: Context) -> None:
    from cairn.services.editing import save_section
    from cairn.services.incidents import show_incident

    key = long_incident(ctx, 250)
    events = {event.text: event.id for event in show_incident(ctx, key).timeline}
    early, late = events["step 0 restarted db"], events["step 248 restarted db"]
    for event_id, page in ((early, "?tpage=1"), (events["step 150 restarted db"], "?tpage=2"), (late, "")):  # the latest page: no number, so it follows live
        answer = client.get(f"/incidents/{key}/events/{event_id}", follow_redirects=False)
        assert answer.status_code == 303
        assert answer.headers["location"] == f"/incidents/{key}{page}#event-{event_id}"
        assert f'id="event-{event_id}"' in client.get(answer.headers["location"]).text
    assert client.get(f"/incidents/{key}/events/999999").status_code == 404
    # A citation of an early event on the incident page goes through that address, not to a row the latest page lacks.
    save_section(ctx, key, "summary", f"The pool ran dry [#{early}].", base=None)
    page = client.get(f"/incidents/{key}").text
    assert f'id="event-{early}"' not in page
    assert f'href="/incidents/{key}/events/{early}"' in page
