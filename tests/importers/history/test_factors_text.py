"""Contributing factors of an imported postmortem: items, triggers, 5 Whys, a guessed category."""

from __future__ import annotations

from pathlib import Path

import pytest

from cairn.domain.enums import FactorRole
from cairn.importers.history.factors_text import guess_category, read_factors
from cairn.importers.history.outline import parts_of, read_outline

SAMPLES = Path(__file__).resolve().parents[3].parent / "shared" / "samples" / "postmortems"


def read(text: str, **options):  # type: ignore[no-untyped-def]
    return read_factors(list(enumerate(text.splitlines(), start=1)), **options)


def test_items_become_factors_with_nested_detail_and_a_guessed_category() -> None:
    factors = read("""
- **Connection timeout lowered**: an unrelated deploy cut the database timeout from 1 s to 300 ms.
- Retry logic amplified load on the writer database
  - every pod retried without backoff
- No alert on connection saturation
""")
    assert [(f.description, f.line, f.role, f.category) for f in factors] == [
        ("Connection timeout lowered: an unrelated deploy cut the database timeout from 1 s to 300 ms.", 2, FactorRole.LATENT_CONDITION, "configuration"),
        ("Retry logic amplified load on the writer database every pod retried without backoff", 3, FactorRole.LATENT_CONDITION, "capacity"),
        ("No alert on connection saturation", 5, FactorRole.LATENT_CONDITION, "monitoring gap"),
    ]
    assert all(f.category_guessed for f in factors)


def test_a_trigger_part_and_prose_without_items() -> None:
    (trigger,) = read("A release rolled out a backwards-incompatible change to the SDK.\n\nIt reached every customer.", role=FactorRole.TRIGGER)
    assert trigger.role == FactorRole.TRIGGER and trigger.category == "change/deploy"
    assert trigger.description == "A release rolled out a backwards-incompatible change to the SDK. It reached every customer."


def test_numbered_whys_become_the_chain_of_the_factor_above() -> None:
    (factor,) = read("""
- Checkout returned 502s
1. Why did checkout fail? The connection pool was exhausted.
2. **Why was the pool exhausted?** A deploy lowered its size.
3. Why was that not caught? No alert watches the pool.
""")
    assert [(w.question, w.answer) for w in factor.whys] == [
        ("Why did checkout fail?", "The connection pool was exhausted."), ("Why was the pool exhausted?", "A deploy lowered its size."),
        ("Why was that not caught?", "No alert watches the pool."),
    ]
    only_whys = read("1. Why? Because the disk filled up.\n2. Why did it fill? Logs were never rotated.\n")
    assert len(only_whys) == 1 and len(only_whys[0].whys) == 2


@pytest.mark.parametrize(("text", "category"), [
    ("The Shai-Hulud supply chain attack compromised npm tokens", "security"), ("Postgres TOAST OID exhaustion on the persons table", "data"),
    ("AWS us-east-1 DNS resolution failed", "dependency"), ("Something nobody understands", "unknown"),
])
def test_category_guesses(text: str, category: str) -> None:
    assert guess_category(text) == category


def test_a_category_outside_the_team_taxonomy_is_never_guessed() -> None:
    assert guess_category("a deploy broke it", ["capacity", "other"]) == "other"


@pytest.mark.skipif(not SAMPLES.is_dir(), reason="../shared/samples/postmortems is not here")
def test_the_published_posthog_causes_give_factors() -> None:
    counts = {}
    for path in sorted((SAMPLES / "posthog").glob("20*.md")):
        outline = read_outline(path.read_text(encoding="utf-8"), path.name)
        for part in parts_of(outline):
            if part.kind in ("causes", "trigger"):
                found = read_factors(part.lines)
                counts[path.name] = counts.get(path.name, 0) + len(found)
                assert all(0 < len(f.description) <= 300 for f in found)
    assert counts and all(count >= 1 for count in counts.values())
