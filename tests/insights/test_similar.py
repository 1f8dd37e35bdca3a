"""Similar incidents, relations and repeats, over the real search index (both databases)."""

from __future__ import annotations

import pytest

from cairn.errors import InvalidInput, NotFound
from cairn.services.actions import update_action_item
from cairn.services.editing import add_factor
from cairn.services.insights.similar import decide_relation, repeat_rows, similar_incidents
from tests.insights.history import build_history, close_item_on
from tests.web.personas import create_personas
from tests.web.test_access import acting


@pytest.fixture
def history(ctx):  # type: ignore[no-untyped-def]
    create_personas(ctx)
    return build_history(ctx)


def test_the_earlier_incident_with_the_same_cause_is_suggested_first_with_reasons(ctx, history) -> None:  # type: ignore[no-untyped-def]
    found = similar_incidents(ctx, history["pool_2"])
    keys = [s.incident.key for s in found.suggestions]
    assert keys[0] in (history["pool_1"], history["secret"])  # the local CLI sees everything
    assert history["pool_1"] in keys[:2]
    first = next(s for s in found.suggestions if s.incident.key == history["pool_1"])
    assert "same service checkout" in first.reasons
    assert "same trigger category: capacity" in first.reasons
    shared = next(r for r in first.reasons if r.startswith("shared terms: "))
    assert "connection pool" in shared and "exhausted" in shared
    assert keys.index(history["pool_1"]) < keys.index(history["other_service"]) if history["other_service"] in keys else True
    assert history["unrelated"] not in keys[:2]


def test_only_earlier_incidents_are_suggested(ctx, history) -> None:  # type: ignore[no-untyped-def]
    assert similar_incidents(ctx, history["pool_1"]).suggestions == []


def test_an_outsider_is_never_shown_a_restricted_incident_as_similar_reason_or_repeat(ctx, history) -> None:  # type: ignore[no-untyped-def]
    outsider = acting(ctx, "outsider")
    found = similar_incidents(outsider, history["pool_2"])
    data = str(found.to_data())
    assert history["secret"] not in data and "Payroll" not in data and "payroll" not in data
    assert history["secret"] in str(similar_incidents(acting(ctx, "admin"), history["pool_2"]).to_data())
    with pytest.raises(NotFound):
        similar_incidents(outsider, history["secret"])
    with pytest.raises(NotFound):
        decide_relation(acting(ctx, "member"), history["pool_2"], history["secret"], "related")


def test_a_fix_that_did_not_hold_is_named_as_a_repeat(ctx, history) -> None:  # type: ignore[no-untyped-def]
    found = similar_incidents(ctx, history["pool_2"])
    assert [r.message for r in found.repeats] == [
        f"the fix from {history['pool_1']} (A1, closed 2025-02-20) may not have prevented this"
    ]
    assert found.repeats[0].category == "capacity" and found.repeats[0].services == ["checkout"]
    # A factor of the same category on another service is no repeat of the checkout fix.
    assert similar_incidents(ctx, history["other_service"]).repeats == []


def test_a_fix_closed_after_the_new_incident_started_is_no_repeat(ctx, history) -> None:  # type: ignore[no-untyped-def]
    close_item_on(ctx, history["pool_1"], "A1", "2025-10-01", close=False)
    assert similar_incidents(ctx, history["pool_2"]).repeats == []


def test_an_item_not_done_or_linked_to_another_category_makes_no_repeat(ctx, history) -> None:  # type: ignore[no-untyped-def]
    update_action_item(ctx, history["pool_1"], "A1", status="open")
    assert similar_incidents(ctx, history["pool_2"]).repeats == []
    close_item_on(ctx, history["pool_1"], "A1", "2025-02-20")
    add_factor(ctx, history["pool_1"], description="Runbook missing", category="process", role="latent condition")
    update_action_item(ctx, history["pool_1"], "A1", factors=["F2"])
    assert similar_incidents(ctx, history["pool_2"]).repeats == []


def test_confirming_shows_the_relation_on_both_incidents_and_dismissing_stops_the_suggestion(ctx, history) -> None:  # type: ignore[no-untyped-def]
    responder = acting(ctx, "member")
    after = decide_relation(responder, history["pool_2"], history["pool_1"], "related")
    assert [r.incident.key for r in after.related] == [history["pool_1"]]
    assert history["pool_1"] not in [s.incident.key for s in after.suggestions]
    assert [r.incident.key for r in similar_incidents(ctx, history["pool_1"]).related] == [history["pool_2"]]
    assert after.related[0].decided_by == "member"

    decide_relation(responder, history["pool_2"], history["other_service"], "dismissed")
    again = similar_incidents(ctx, history["pool_2"])
    assert history["other_service"] not in [s.incident.key for s in again.suggestions]
    assert history["other_service"] not in [r.incident.key for r in again.related]

    decide_relation(responder, history["pool_2"], history["pool_1"], "dismissed")
    assert similar_incidents(ctx, history["pool_2"]).repeats == []  # dismissed as unrelated: no repeat either
    decide_relation(responder, history["pool_2"], history["pool_1"], "none")
    assert history["pool_1"] in [s.incident.key for s in similar_incidents(ctx, history["pool_2"]).suggestions]


def test_relations_refuse_nonsense_and_viewers(ctx, history) -> None:  # type: ignore[no-untyped-def]
    from cairn.errors import Forbidden

    with pytest.raises(InvalidInput):
        decide_relation(ctx, history["pool_2"], history["pool_2"], "related")
    with pytest.raises(InvalidInput):
        decide_relation(ctx, history["pool_2"], history["pool_1"], "maybe")
    with pytest.raises(NotFound):
        decide_relation(ctx, history["pool_2"], "INC-999", "related")
    with pytest.raises(Forbidden):
        decide_relation(acting(ctx, "reader"), history["pool_2"], history["pool_1"], "related")


def test_repeats_across_all_incidents_name_both_sides_for_the_reader(ctx, history) -> None:  # type: ignore[no-untyped-def]
    with ctx.db.transaction() as session:
        rows = repeat_rows(session, ctx)
    later = {(row["incident_id"], row["earlier_id"]) for row in rows}
    assert len(later) == 2  # the campaign incident, and the restricted payroll one
    with ctx.db.transaction() as session:
        outsider_rows = repeat_rows(session, acting(ctx, "outsider"))
    assert len({(row["incident_id"], row["earlier_id"]) for row in outsider_rows}) == 1


def test_the_words_looked_for_are_the_rare_ones_whichever_way_their_rarity_is_counted(ctx) -> None:  # type: ignore[no-untyped-def]
    """Capped counts on SQLite; on PostgreSQL the column's statistics once analysed
    (a capped count of a rare word would read the whole table there)."""
    from sqlalchemy import text

    from cairn.services.incidents import open_incident
    from cairn.services.insights import similar
    from cairn.services.timeline import log_event

    key = open_incident(ctx, "Ledger replay stalled", severity="SEV3", services=["ledger"], timezone="UTC", started="2025-01-01T10:00:00+00:00").key
    for n in range(40):
        log_event(ctx, key, f"heartbeat ok from worker {n}", kind="note")
    log_event(ctx, key, "zookeeper quorum lost", kind="alert")
    with ctx.db.transaction() as session:
        if session.get_bind().dialect.name == "postgresql":
            session.execute(text("ANALYZE search_entries"))
    cap = similar.DF_CAP
    similar.DF_CAP = 20  # "heartbeat" is in 40 texts: common at this cap; "zookeeper" and "quorum" in one
    try:
        with ctx.db.transaction() as session:
            chosen = similar.query_terms(session, {"heartbeat": 40, "zookeeper": 1, "quorum": 1})
    finally:
        similar.DF_CAP = cap
    assert set(chosen) == {"zookeeper", "quorum"}
