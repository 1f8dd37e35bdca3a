"""Knowledge-base search over the real index, on SQLite (FTS5) and PostgreSQL (tsvector)."""

from __future__ import annotations

import pytest

from cairn.errors import InvalidInput
from cairn.services.editing import save_section
from cairn.services.incidents import open_incident
from cairn.services.search import highlight, search
from cairn.services.timeline import log_event
from tests.web.personas import create_personas


def _signed_in(ctx, username: str):  # type: ignore[no-untyped-def]
    from sqlalchemy import select

    from cairn.services.accounts import principal_of
    from cairn.storage.models import User

    with ctx.db.transaction() as session:
        return ctx.as_user(principal_of(session.scalar(select(User).where(User.username == username))))


@pytest.fixture
def corpus(ctx):  # type: ignore[no-untyped-def]
    create_personas(ctx)
    pool = open_incident(ctx, "Checkout API returns 502", severity="SEV2", services=["checkout"], timezone="UTC", started="2025-03-04T10:00:00+00:00").key
    save_section(ctx, pool, "summary", "The connection pool of db-2 was exhausted after a config change.", base=None)
    dns = open_incident(ctx, "Login slow for EU users", severity="SEV3", services=["auth"], timezone="UTC", started="2026-05-06T10:00:00+00:00").key
    log_event(ctx, dns, "DNS resolver timeouts in eu-west", kind="alert")
    secret = open_incident(ctx, "Payroll export leaked", severity="SEV1", services=["payroll"], timezone="UTC", visibility="restricted",
                           started="2026-06-01T10:00:00+00:00").key
    save_section(ctx, secret, "summary", "The connection pool of the payroll database was exhausted.", base=None)
    return {"pool": pool, "dns": dns, "secret": secret}


def test_a_word_from_a_postmortem_finds_its_incident_with_where_and_a_snippet(ctx, corpus) -> None:  # type: ignore[no-untyped-def]
    results = search(ctx, "exhausted")
    assert [hit.key for hit in results.hits][:2] and corpus["pool"] in [hit.key for hit in results.hits]
    hit = next(hit for hit in results.hits if hit.key == corpus["pool"])
    assert hit.where == ["summary"]
    assert "<mark>" in hit.snippet and "exhausted" in hit.snippet.lower()


def test_stemming_phrases_exclusions_and_prefixes(ctx, corpus) -> None:  # type: ignore[no-untyped-def]
    assert {h.key for h in search(ctx, "exhaust").hits} >= {corpus["pool"]}
    assert {h.key for h in search(ctx, '"connection pool"').hits} == {corpus["pool"], corpus["secret"]}
    assert {h.key for h in search(ctx, "pool -payroll").hits} == {corpus["pool"]}
    assert {h.key for h in search(ctx, "resolv*").hits} == {corpus["dns"]}


def test_filters_combine_with_words(ctx, corpus) -> None:  # type: ignore[no-untyped-def]
    assert {h.key for h in search(ctx, "pool service:checkout").hits} == {corpus["pool"]}
    assert {h.key for h in search(ctx, "severity:sev3").hits} == {corpus["dns"]}
    assert {h.key for h in search(ctx, "after:2026 severity:SEV3 severity:SEV2").hits} == {corpus["dns"]}
    assert {h.key for h in search(ctx, "before:2025-12").hits} == {corpus["pool"]}


def test_a_reader_never_finds_counts_or_sees_a_snippet_of_a_restricted_incident(ctx, corpus) -> None:  # type: ignore[no-untyped-def]
    outsider = _signed_in(ctx, "outsider")
    results = search(outsider, "connection pool exhausted")
    assert [hit.key for hit in results.hits] == [corpus["pool"]]
    assert results.total == 1
    assert ("payroll", 1) not in results.facets["service"] and ("SEV1", 1) not in results.facets["severity"]
    assert all("payroll" not in hit.snippet for hit in results.hits)
    assert corpus["secret"] in {hit.key for hit in search(ctx, "payroll").hits}  # the local CLI sees everything
    assert corpus["secret"] in {hit.key for hit in search(_signed_in(ctx, "admin"), "payroll").hits}
    assert search(outsider, "payroll").total == 0 and search(outsider, "service:payroll").total == 0


def test_facets_count_the_matched_incidents(ctx, corpus) -> None:  # type: ignore[no-untyped-def]
    results = search(ctx, "pool")
    assert results.total == 2
    assert dict(results.facets["severity"]) == {"SEV1": 1, "SEV2": 1}
    assert dict(results.facets["year"]) == {"2025": 1, "2026": 1}


def test_the_index_follows_edits(ctx, corpus) -> None:  # type: ignore[no-untyped-def]
    save_section(ctx, corpus["pool"], "summary", "A certificate expired on the load balancer.", base=None)
    assert corpus["pool"] not in {h.key for h in search(ctx, "exhausted").hits}
    assert corpus["pool"] in {h.key for h in search(ctx, "certificate").hits}


def test_snippets_are_escaped_html() -> None:
    assert highlight("<script>x</script> \x02pool\x03 & more") == "&lt;script&gt;x&lt;/script&gt; <mark>pool</mark> &amp; more"


@pytest.mark.parametrize("hostile", ['"', "NEAR(a b)", "a OR b", "*", "-", "'; DROP TABLE incidents; --", "pool:)", "^x", "(", "a AND NOT"])
def test_any_typed_text_searches_or_is_refused_in_one_line(ctx, corpus, hostile: str) -> None:  # type: ignore[no-untyped-def]
    try:
        search(ctx, hostile)
    except InvalidInput as error:
        assert "\n" not in str(error)


def test_words_may_match_in_different_places_of_one_incident(ctx, corpus) -> None:  # type: ignore[no-untyped-def]
    results = search(ctx, "checkout exhausted")  # "checkout" in the title, "exhausted" in the summary
    assert [hit.key for hit in results.hits] == [corpus["pool"]]
    assert set(results.hits[0].where) == {"title", "summary", "services, teams and tags"}
    assert search(ctx, "checkout resolver").total == 0  # in two different incidents


def test_an_exclusion_alone_keeps_the_incidents_without_it(ctx, corpus) -> None:  # type: ignore[no-untyped-def]
    assert {h.key for h in search(ctx, "-exhausted").hits} == {corpus["dns"]}


def test_a_stop_word_among_the_words_does_not_empty_the_results(ctx, corpus) -> None:  # type: ignore[no-untyped-def]
    assert corpus["pool"] in {h.key for h in search(ctx, "the pool").hits}
    assert corpus["pool"] in {h.key for h in search(ctx, "connection pool of db").hits}


def test_filters_ignore_case_beyond_ascii(ctx) -> None:  # type: ignore[no-untyped-def]
    key = open_incident(ctx, "Karten abgelehnt", severity="SEV3", services=["Übersicht"], timezone="UTC").key
    assert {h.key for h in search(ctx, "service:übersicht").hits} == {key}
    assert {h.key for h in search(ctx, "service:ÜBERSICHT karten").hits} == {key}


def test_a_change_committed_without_a_flush_is_indexed(ctx, corpus) -> None:  # type: ignore[no-untyped-def]
    from sqlalchemy import select

    from cairn.storage.models import Incident

    with ctx.db.transaction() as session:
        incident = session.scalar(select(Incident).where(Incident.number == 2))
        incident.title = "Login slow behind the new gateway"
    assert {h.key for h in search(ctx, "gateway").hits} == {corpus["dns"]}


def test_one_text_holding_every_word_ranks_first_and_pages_keep_the_order(ctx) -> None:  # type: ignore[no-untyped-def]
    together = open_incident(ctx, "Queue stalled", severity="SEV2", services=["billing"], timezone="UTC", started="2025-01-01T10:00:00+00:00").key
    save_section(ctx, together, "summary", "The invoice queue consumer stalled after the broker failover.", base=None)
    spread = open_incident(ctx, "Invoice delays", severity="SEV3", services=["billing"], timezone="UTC", started="2025-02-01T10:00:00+00:00").key
    log_event(ctx, spread, "consumer restarted", kind="action")
    log_event(ctx, spread, "broker failover finished", kind="note")
    others = [open_incident(ctx, f"Broker failover drill {n}", severity="SEV4", services=["billing"], timezone="UTC",
                            started=f"2025-03-0{n}T10:00:00+00:00").key for n in range(1, 4)]
    results = search(ctx, "invoice consumer failover")
    assert [hit.key for hit in results.hits] == [together, spread]  # every word in one text, then spread over an incident's texts
    assert results.total == 2 and results.facets["severity"] == [("SEV2", 1), ("SEV3", 1)]
    assert {"summary"} <= set(results.hits[0].where) and "timeline" in " ".join(results.hits[1].where)
    whole = [hit.key for hit in search(ctx, "failover", limit=10).hits]
    assert set(whole) == {together, spread, *others}
    paged = [hit.key for offset in range(len(whole)) for hit in search(ctx, "failover", limit=1, offset=offset).hits]
    assert paged == whole
    assert search(ctx, "failover", limit=2, offset=4).total == 5
