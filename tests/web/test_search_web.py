"""Search on its doors: the page, the header box, the API, the CLI."""

from __future__ import annotations

from typing import Any

import pytest

from cairn.services.editing import save_section
from cairn.services.incidents import open_incident
from cairn.services.timeline import log_event


@pytest.fixture
def indexed(ctx) -> dict[str, str]:  # type: ignore[no-untyped-def]
    pool = open_incident(ctx, "Checkout API returns 502", severity="SEV2", services=["checkout"], timezone="UTC", started="2025-03-04T10:00:00+00:00").key
    save_section(ctx, pool, "summary", "The connection pool of db-2 was exhausted <b>after</b> a config change.", base=None)
    other = open_incident(ctx, "Login slow", severity="SEV3", services=["auth"], timezone="UTC", started="2026-05-06T10:00:00+00:00").key
    log_event(ctx, other, "DNS resolver timeouts", kind="alert")
    return {"pool": pool, "other": other}


def test_the_api_answers_ranked_hits_with_snippets_and_facets(client, indexed) -> None:  # type: ignore[no-untyped-def]
    answer = client.get("/api/v1/search", params={"q": "exhausted"})
    assert answer.status_code == 200
    data = answer.json()
    assert data["total"] == 1 and data["hits"][0]["key"] == indexed["pool"]
    assert data["hits"][0]["where"] == ["summary"]
    assert "<mark>exhausted</mark>" in data["hits"][0]["snippet"] and "<b>" not in data["hits"][0]["snippet"]
    assert data["facets"]["service"] == [{"value": "checkout", "count": 1}]


def test_a_bad_query_is_a_400_with_one_line(client, indexed) -> None:  # type: ignore[no-untyped-def]
    answer = client.get("/api/v1/search", params={"q": "after:2024-13"})
    assert answer.status_code in (400, 422) and "after:" in answer.text
    page = client.get("/search", params={"q": "after:2024-13"})
    assert page.status_code == 400 and "YYYY-MM-DD" in page.text


def test_the_page_shows_results_escaped_with_marks_and_facet_links(client, indexed) -> None:  # type: ignore[no-untyped-def]
    page = client.get("/search", params={"q": "pool"})
    assert page.status_code == 200
    assert f">{indexed['pool']}</strong>" in page.text
    assert "<mark>pool</mark>" in page.text
    assert "<b>after</b>" not in page.text  # escaped (SQLite) or left out of the headline (PostgreSQL)
    assert "q=pool+service%3Acheckout" in page.text
    assert 'class="header-search"' in page.text


def test_the_cli_prints_hits_and_reindexes(cli, indexed) -> None:  # type: ignore[no-untyped-def]
    found = cli("search", "exhausted")
    assert found.exit_code == 0, found.output
    assert indexed["pool"] in found.output and "**exhausted**" in found.output
    rebuilt = cli("search", "--reindex")
    assert rebuilt.exit_code == 0 and "indexed 2 incidents" in rebuilt.output
    assert cli("search").exit_code != 0
