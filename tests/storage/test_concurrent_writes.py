"""Racing writers, with real threads on the real database (SQLite file or PostgreSQL).

Every versioned write is a compare-and-swap in the database: of two saves
that started from the same state exactly one wins, the other is told so with
both texts, and the version counter never loses an increment.
"""

from __future__ import annotations

import threading
from concurrent.futures import ThreadPoolExecutor

import httpx2 as httpx
import pytest
from sqlalchemy import func, select

from cairn.services.context import Context
from cairn.services.editing import EditConflict, fingerprint, save_section
from cairn.services.incidents import open_incident, show_incident
from cairn.services.timeline import log_event
from cairn.services.tokens import create_token
from cairn.storage.models import AuditEvent, Incident, TimelineEvent
from cairn.web.app import create_app
from tests.live_server import live_server
from tests.web.personas import create_personas

TRIALS = 12


def _race(count: int, work):  # type: ignore[no-untyped-def]
    """Run `work(i)` in `count` threads released at the same moment; results or exceptions, in order."""
    start = threading.Barrier(count)

    def run(index: int):  # type: ignore[no-untyped-def]
        start.wait()
        try:
            return work(index)
        except Exception as error:  # the loser's conflict is a result here
            return error

    with ThreadPoolExecutor(count) as pool:
        return list(pool.map(run, range(count)))


def test_of_two_racing_section_saves_exactly_one_wins_and_the_other_gets_both_texts(ctx: Context) -> None:
    key = open_incident(ctx, "Racing editors", severity="SEV2").key
    for trial in range(TRIALS):
        current = show_incident(ctx, key).postmortem.prose.get("summary", "")
        base = fingerprint(current)
        texts = [f"trial {trial}: text of writer {writer}" for writer in range(2)]
        outcomes = _race(2, lambda writer: save_section(ctx, key, "summary", texts[writer], base=base))
        winners = [o for o in outcomes if not isinstance(o, Exception)]
        losers = [o for o in outcomes if isinstance(o, Exception)]
        assert len(winners) == 1, f"trial {trial}: {outcomes}"
        assert len(losers) == 1 and isinstance(losers[0], EditConflict), f"trial {trial}: {outcomes}"
        stored = show_incident(ctx, key).postmortem.prose["summary"]
        won = texts[outcomes.index(winners[0])]
        lost = texts[outcomes.index(losers[0])]
        assert stored == won
        assert losers[0].data["theirs"] == won and losers[0].data["yours"] == lost


def test_parallel_events_never_lose_a_version_increment(ctx: Context) -> None:
    key = open_incident(ctx, "Busy timeline", severity="SEV2").key
    before = show_incident(ctx, key).version
    writers, each = 8, 25

    def add(writer: int) -> int:
        for n in range(each):
            log_event(ctx, key, f"writer {writer} event {n}", kind="action")
        return writer

    outcomes = _race(writers, add)
    assert outcomes == list(range(writers)), outcomes
    with ctx.db.transaction() as session:
        incident = session.scalar(select(Incident).where(Incident.number == int(key.split("-")[1])))
        events = session.scalar(select(func.count()).select_from(TimelineEvent).where(TimelineEvent.incident_id == incident.id))
        versions = session.scalars(
            select(AuditEvent.detail).where(AuditEvent.incident_id == incident.id, AuditEvent.action == "event.logged")
        ).all()
        assert events == writers * each
        assert incident.version == before + writers * each


@pytest.fixture
def served(settings, ctx: Context):  # type: ignore[no-untyped-def]
    create_personas(ctx)
    token, _info = create_token(ctx, "race script", "member", days=1)
    with live_server(create_app(settings, context=ctx)) as url:
        yield url, {"Authorization": f"Bearer {token}"}


def test_racing_section_saves_over_http_give_one_200_and_one_409_with_both_texts(ctx: Context, served) -> None:  # type: ignore[no-untyped-def]
    url, auth = served
    key = open_incident(ctx, "Racing over HTTP", severity="SEV2").key
    with httpx.Client(base_url=url, headers=auth, timeout=30) as http:
        for trial in range(6):
            sections = http.get(f"/api/v1/incidents/{key}/postmortem").json()["sections"]
            base = next(s["base"] for s in sections if s["name"] == "summary")
            texts = [f"http trial {trial} writer {w}" for w in range(2)]
            answers = _race(2, lambda w: http.put(
                f"/api/v1/incidents/{key}/postmortem/sections/summary", json={"text": texts[w], "base": base}))
            codes = sorted(a.status_code for a in answers)
            assert codes == [200, 409], [a.text for a in answers]
            conflict = next(a for a in answers if a.status_code == 409).json()
            winner = texts[[a.status_code for a in answers].index(200)]
            assert conflict["theirs"] == winner
            assert conflict["yours"] in texts and conflict["yours"] != winner


def test_incidents_opened_at_the_same_moment_all_open_with_distinct_keys(ctx: Context) -> None:
    outcomes = _race(6, lambda n: open_incident(ctx, f"Alert group {n}", severity="SEV3").key)
    assert not [o for o in outcomes if isinstance(o, Exception)], outcomes
    assert sorted(outcomes, key=lambda k: int(k.split("-")[1])) == [f"INC-{n}" for n in range(1, 7)]
