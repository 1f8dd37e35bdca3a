"""How alike two incidents are, and why, in words a reviewer can check.

Two kinds of evidence are combined: structure (the services and teams hit,
the categories and roles of the contributing factors, severity and kind) and
text (the words the incidents' postmortems, factors and timelines share,
weighted so that rare words count more than everyday ones). `bench/similarity_quality.py`
measures which weighting ranks known repeats first; the weights below are
its winner.
"""

from __future__ import annotations

import math
import re
from collections import Counter
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field

WORD = re.compile(r"[^\W\d_][\w'-]*[^\W_]|[^\W\d_]", re.UNICODE)

# Words that say nothing about what went wrong: English function words, and the
# vocabulary every incident record shares.
STOP_WORDS = frozenset("""
a about above after again against all almost also am an and any are around as at be because been before being
below between both but by can cannot could did do does doing done down during each either else enough even ever
every few for from further get gets got had has have having he her here hers him his how however i if in into is
it its itself just less let like made make many may me might more most much must my near neither never no nor not
now of off often on once one only or other our ours out over own per quite rather same she should since so some
still such than that the their theirs them then there these they this those though through thus to too under
until up upon us very via was we well were what when where whether which while who whom whose why will with
within without would yet you your yours
incident incidents issue issues problem problems postmortem team teams service services user users customer
customers system systems time times minute minutes hour hours day days today yesterday people someone something
started start ended end during after review action actions item items follow followed work worked working
see saw seen said says use used using new old first last next page pages alert alerts alerted
""".split())
MIN_LENGTH = 3
QUERY_TERMS = 12  # distinctive terms asked of the index

# Weights of the evidence; they sum to 1. bench/similarity_quality.py measured (mean reciprocal
# rank of a known repeat, two seeds): text alone 0.75-0.76, structure alone 0.49-0.54, text and
# services 0.76-0.77, these weights 0.75; an even mix 0.66-0.68. The words decide; the service
# breaks ties; the factors, team, severity and kind weigh little but give the reasons.
WEIGHTS = {
    "text": 0.65, "services": 0.25, "categories": 0.04, "trigger": 0.03, "teams": 0.01, "severity": 0.01, "kind": 0.01,
}
MIN_SCORE = 0.12  # below this an incident is not worth a reader's time


def words(text: str) -> list[str]:
    """The meaningful words of a text, lower-cased, in order."""
    return [w for w in (m.group(0).lower().strip("'-") for m in WORD.finditer(text)) if len(w) >= MIN_LENGTH and w not in STOP_WORDS]


def term_counts(texts: Iterable[str]) -> Counter[str]:
    counts: Counter[str] = Counter()
    for text in texts:
        counts.update(words(text))
    return counts


def pairs(texts: Iterable[str]) -> set[tuple[str, str]]:
    """Adjacent meaningful words ("connection pool"), for naming shared phrases."""
    found: set[tuple[str, str]] = set()
    for text in texts:
        tokens = words(text)
        found.update(zip(tokens, tokens[1:]))
    return found


def distinctive_terms(counts: Mapping[str, int], limit: int = QUERY_TERMS) -> list[str]:
    """The terms to look for in other incidents: the most repeated, longer words first
    among equals (a long word is rarer: "exhausted" tells more than "slow")."""
    ranked = sorted(counts.items(), key=lambda item: (-item[1], -len(item[0]), item[0]))
    return [term for term, _count in ranked[:limit]]


@dataclass(frozen=True)
class Profile:
    """What similarity compares of one incident."""

    incident_id: int
    services: frozenset[str] = frozenset()
    teams: frozenset[str] = frozenset()
    categories: frozenset[str] = frozenset()
    triggers: frozenset[str] = frozenset()  # categories of the factors whose role is "trigger"
    severity: str = ""
    kind: str = ""
    terms: Mapping[str, int] = field(default_factory=dict)
    phrases: frozenset[tuple[str, str]] = frozenset()


def jaccard(a: frozenset[str], b: frozenset[str]) -> float:
    return len(a & b) / len(a | b) if a or b else 0.0


def text_similarity(a: Mapping[str, int], b: Mapping[str, int], rarity: Mapping[str, float]) -> float:
    """Cosine of the two term vectors, each term weighted by its rarity (an idf)."""
    if not a or not b:
        return 0.0
    dot = sum(a[t] * b[t] * rarity.get(t, 1.0) ** 2 for t in a.keys() & b.keys())
    if not dot:
        return 0.0
    norm_a = math.sqrt(sum((n * rarity.get(t, 1.0)) ** 2 for t, n in a.items()))
    norm_b = math.sqrt(sum((n * rarity.get(t, 1.0)) ** 2 for t, n in b.items()))
    return dot / (norm_a * norm_b)


def rarity_of(profiles: Iterable[Profile]) -> dict[str, float]:
    """Inverse document frequency of every term over the profiles compared."""
    listed = list(profiles)
    frequency: Counter[str] = Counter()
    for profile in listed:
        frequency.update(profile.terms.keys())
    total = len(listed)
    return {term: math.log((1 + total) / (1 + count)) + 1 for term, count in frequency.items()}


@dataclass(frozen=True)
class Likeness:
    score: float
    parts: dict[str, float]
    reasons: list[str]


def likeness(
    target: Profile, other: Profile, rarity: Mapping[str, float], weights: Mapping[str, float] = WEIGHTS, *, explain: bool = True,
) -> Likeness:
    """How alike `other` is to `target` (0..1), with the evidence named (unless not
    `explain`: naming it is the costly part, and only the kept few need it)."""
    parts = {
        "text": text_similarity(target.terms, other.terms, rarity),
        "services": jaccard(target.services, other.services),
        "categories": jaccard(target.categories, other.categories),
        "trigger": 1.0 if target.triggers & other.triggers else 0.0,
        "teams": 1.0 if target.teams & other.teams else 0.0,
        "severity": 1.0 if target.severity and target.severity == other.severity else 0.0,
        "kind": 1.0 if target.kind and target.kind == other.kind else 0.0,
    }
    score = sum(weights.get(name, 0.0) * value for name, value in parts.items())
    return Likeness(score, parts, reasons(target, other, rarity) if explain else [])


def shared_terms(target: Profile, other: Profile, rarity: Mapping[str, float], limit: int = 5) -> list[str]:
    """The words both use, rarest first, with adjacent pairs joined into phrases."""
    common = target.terms.keys() & other.terms.keys()
    if not common:
        return []
    ranked = sorted(common, key=lambda t: (-rarity.get(t, 1.0) * min(target.terms[t], other.terms[t]), t))[: limit * 2]
    chosen = set(ranked)
    named: list[str] = []
    used: set[str] = set()
    for first, second in sorted(target.phrases & other.phrases):
        if first != second and first in chosen and second in chosen and first not in used and second not in used:
            named.append(f"{first} {second}")
            used.update((first, second))
    named.extend(term for term in ranked if term not in used)
    return named[:limit]


def reasons(target: Profile, other: Profile, rarity: Mapping[str, float]) -> list[str]:
    found = []
    services = sorted(target.services & other.services)
    if services:
        found.append(f"same service{'s' if len(services) > 1 else ''} {', '.join(services)}")
    teams = sorted(target.teams & other.teams)
    if teams and not services:
        found.append(f"same team{'s' if len(teams) > 1 else ''} {', '.join(teams)}")
    triggers = sorted(target.triggers & other.triggers)
    if triggers:
        found.append(f"same trigger category: {', '.join(triggers)}")
    categories = sorted((target.categories & other.categories) - set(triggers))
    if categories:
        found.append(f"shared factor categories: {', '.join(categories)}")
    if target.severity and target.severity == other.severity:
        found.append(f"both {target.severity}")
    if target.kind and target.kind == other.kind and target.kind != "incident":
        found.append(f"both {target.kind}es" if target.kind.endswith("s") else f"both {target.kind}")
    terms = shared_terms(target, other, rarity)
    if terms:
        found.append("shared terms: " + ", ".join(terms))
    return found
