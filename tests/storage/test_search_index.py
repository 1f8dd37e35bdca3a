"""The search index follows every write in its own transaction (groundwork of issue 15)."""

from sqlalchemy import select

from cairn.services.editing import save_section
from cairn.services.incidents import open_incident
from cairn.services.timeline import log_event
from cairn.storage.models import SearchEntry
from cairn.storage.search_index import rebuild_all


def _entries(ctx) -> dict[str, str]:  # type: ignore[no-untyped-def]
    with ctx.db.transaction() as session:
        return {e.place: e.body for e in session.scalars(select(SearchEntry).order_by(SearchEntry.id))}


def test_titles_sections_and_events_are_indexed_as_they_are_written(ctx) -> None:  # type: ignore[no-untyped-def]
    key = open_incident(ctx, "Checkout API returns 502", severity="SEV2", services=["checkout"], timezone="UTC").key
    event = log_event(ctx, key, "connection pool exhausted on db-2", kind="alert").event
    save_section(ctx, key, "summary", "Card payments failed for 40 minutes.", base=None)
    entries = _entries(ctx)
    assert entries["title"] == "Checkout API returns 502"
    assert entries["names"] == "checkout"
    assert entries[f"event:{event.id}"] == "connection pool exhausted on db-2"
    assert entries["section:summary"] == "Card payments failed for 40 minutes."
    save_section(ctx, key, "summary", "Card payments failed for 42 minutes.", base=None)
    assert _entries(ctx)["section:summary"] == "Card payments failed for 42 minutes."


def test_a_rebuild_gives_the_same_entries(ctx) -> None:  # type: ignore[no-untyped-def]
    key = open_incident(ctx, "Checkout API returns 502", severity="SEV2", timezone="UTC").key
    log_event(ctx, key, "rolled back", kind="mitigation")
    before = _entries(ctx)
    with ctx.db.transaction() as session:
        assert rebuild_all(session.connection()) == 1
    assert _entries(ctx) == before


def test_the_full_text_side_finds_stemmed_words_and_forgets_deleted_events(ctx) -> None:  # type: ignore[no-untyped-def]
    from sqlalchemy import text

    from cairn.services.timeline import delete_event

    key = open_incident(ctx, "Checkout API returns 502", severity="SEV2", timezone="UTC").key
    event = log_event(ctx, key, "Connection pools were exhausted on db-2", kind="alert").event

    def found(word: str) -> list[str]:
        with ctx.db.transaction() as session:
            if session.get_bind().dialect.name == "sqlite":
                query = text("SELECT e.place FROM search_fts JOIN search_entries e ON e.id = search_fts.rowid WHERE search_fts MATCH :q")
            else:
                query = text("SELECT place FROM search_entries WHERE tsv @@ to_tsquery('english', :q)")
            return [row[0] for row in session.execute(query, {"q": word})]

    assert found("exhaust") == [f"event:{event.id}"]  # porter stemming: exhausted -> exhaust
    assert found("pool") == [f"event:{event.id}"]
    assert found("checkout") == ["title"]
    delete_event(ctx, key, event.id)
    assert found("exhaust") == []


def _entry_rows(ctx) -> dict[str, tuple[int, str]]:  # type: ignore[no-untyped-def]
    with ctx.db.transaction() as session:
        return {e.place: (e.id, e.body) for e in session.scalars(select(SearchEntry))}


def test_logging_an_event_leaves_the_incidents_other_entries_as_they_are(ctx) -> None:  # type: ignore[no-untyped-def]
    """An event bumps the incident's version but changes none of its indexed
    text: its title and names entries keep their rows (they used to be deleted
    and written again on every logged line)."""
    from cairn.services.incidents import update_incident

    key = open_incident(ctx, "Checkout API returns 502", severity="SEV2", services=["checkout"], timezone="UTC").key
    save_section(ctx, key, "summary", "Card payments failed.", base=None)
    before = _entry_rows(ctx)
    event = log_event(ctx, key, "rolled back", kind="mitigation").event
    after = _entry_rows(ctx)
    assert {place: row for place, row in after.items() if place != f"event:{event.id}"} == before
    update_incident(ctx, key, severity="SEV1")  # not indexed text either
    assert _entry_rows(ctx)["title"] == before["title"]
    update_incident(ctx, key, title="Checkout API returns 503")
    assert _entry_rows(ctx)["title"][1] == "Checkout API returns 503"
    save_section(ctx, key, "summary", "Card payments failed for 40 minutes.", base=None)
    assert _entry_rows(ctx)["section:summary"][1] == "Card payments failed for 40 minutes."
