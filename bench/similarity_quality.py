"""Which evidence ranks known repeats first? Similar-incident ranking measured on
incidents whose true relations are known, for several weightings.

The data is generated: families of incidents that share a cause on one service
(the known repeats), written with varied words, among distractors that share
only the service (another cause) or only the cause (another service). Titles
name the symptom, not the cause, as real titles often do; a share of factors
carries a different category than its family's, as real labelling does. For
every incident after the first of its family, the ranked list of earlier
similar incidents is read, and the bench prints the mean reciprocal rank of
the first family member, and how often one is first or among the first three.

Run: python bench/similarity_quality.py [--families 60] [--seed 7]
"""

from __future__ import annotations

import argparse
import random
import sys
import tempfile
import time
from datetime import datetime, timedelta, timezone
from pathlib import Path

SERVICES = ["checkout", "payments", "search", "auth", "inventory", "notifications", "api-gateway", "data-pipeline"]
TEAMS = {"checkout": "payments", "payments": "payments", "search": "search", "auth": "identity", "inventory": "platform",
         "notifications": "platform", "api-gateway": "platform", "data-pipeline": "data"}
SYMPTOMS = ["returns 502 for some requests", "slow for a share of users", "errors during the evening peak",
            "unavailable for several minutes", "timeouts reported by customers", "degraded after the morning deploy"]
# cause: (factor category, words a postmortem of it uses; a few are picked each time)
CAUSES = {
    "pool": ("capacity", ["connection pool exhausted", "max connections reached", "pool saturation", "waiting for a free connection", "database connections leaked"]),
    "cert": ("configuration", ["certificate expired", "TLS handshake failures", "renewal job skipped", "expired intermediate certificate", "cert-manager renewal"]),
    "deploy": ("change/deploy", ["release regression", "rolled back the release", "canary skipped", "feature flag enabled everywhere", "new build crashed on start"]),
    "disk": ("capacity", ["disk full", "volume out of space", "snapshots piled up", "inode exhaustion", "log rotation stopped"]),
    "dns": ("dependency", ["resolver timeouts", "DNS lookups failing", "upstream resolver overloaded", "NXDOMAIN answers", "stale DNS cache"]),
    "limit": ("configuration", ["rate limit too low", "429 responses", "quota exceeded", "throttling misconfigured", "limit applied per node"]),
    "memory": ("software defect", ["memory leak", "OOM killed pods", "heap grew steadily", "garbage collection pauses", "unbounded cache growth"]),
    "schema": ("change/deploy", ["schema migration locked the table", "ALTER TABLE blocked writes", "migration ran during peak", "long transaction held a lock", "index rebuild stalled"]),
    "queue": ("capacity", ["consumer lag grew", "queue backlog", "kafka partition rebalance", "messages delivered late", "dead letter queue filled"]),
}
FILLER = ["the on-call engineer checked the dashboards", "customers reported failures through support", "the team paged the database owners",
          "metrics showed the error rate climbing", "a status page update went out", "the incident channel was opened"]
CATEGORIES = sorted({category for category, _words in CAUSES.values()})


def generate(ctx, families: int, rng: random.Random) -> dict[str, int]:  # type: ignore[no-untyped-def]
    """Make the incidents; returns each incident's family number by key."""
    from cairn.services.editing import add_factor, save_section
    from cairn.services.incidents import open_incident

    plans = []
    start = datetime(2024, 1, 1, tzinfo=timezone.utc)
    for family in range(families):
        cause = rng.choice(sorted(CAUSES))
        service = rng.choice(SERVICES)
        for _member in range(rng.randint(2, 5)):
            plans.append((start + timedelta(hours=rng.randint(0, 24 * 700)), family, cause, service))
    plans.sort()
    family_of = {}
    for started, family, cause, service in plans:
        category, words = CAUSES[cause]
        key = open_incident(
            ctx, f"{service.capitalize()} {rng.choice(SYMPTOMS)}", severity=rng.choice(["SEV2", "SEV3", "SEV4"]),
            services=[service], teams=[TEAMS[service]], timezone="UTC", started=started.isoformat(),
        ).key
        picked = rng.sample(words, 3)
        summary = f"{picked[0].capitalize()}; {rng.choice(FILLER)}. Later {picked[1]} and {rng.choice(FILLER)}."
        save_section(ctx, key, "summary", summary, base=None)
        labelled = category if rng.random() < 0.75 else rng.choice(CATEGORIES)
        add_factor(ctx, key, description=f"{picked[2].capitalize()} on {service}.", category=labelled, role="trigger")
        family_of[key] = family
    return family_of


def evaluate(ctx, family_of: dict[str, int], weights: dict[str, float]) -> tuple[float, float, float, int]:  # type: ignore[no-untyped-def]
    from cairn.services.incidents import require_incident
    from cairn.services.insights.similar import similar_to

    ranks = []
    seen: dict[int, int] = {}
    for key in sorted(family_of, key=lambda k: int(k.split("-")[1])):
        family = family_of[key]
        if seen.get(family, 0):
            with ctx.db.transaction() as session:
                incident = require_incident(session, ctx, key)
                listed = [s.incident.key for s in similar_to(session, ctx, incident, 10, weights=weights, min_score=0.0)]
            rank = next((index + 1 for index, other in enumerate(listed) if family_of.get(other) == family), None)
            ranks.append(rank)
        seen[family] = seen.get(family, 0) + 1
    mrr = sum(1 / r for r in ranks if r) / len(ranks)
    first = sum(1 for r in ranks if r == 1) / len(ranks)
    top3 = sum(1 for r in ranks if r and r <= 3) / len(ranks)
    return mrr, first, top3, len(ranks)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--families", type=int, default=60)
    parser.add_argument("--seed", type=int, default=7)
    args = parser.parse_args()
    sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "src"))
    from cairn.analysis.insights.similarity import WEIGHTS
    from cairn.config import Settings
    from cairn.services.context import open_context

    structure = {"services": 0.40, "categories": 0.25, "trigger": 0.15, "teams": 0.10, "severity": 0.06, "kind": 0.04}
    combos = {
        "text only": {"text": 1.0},
        "structure only": structure,
        "text + services only": {"text": 0.6, "services": 0.4},
        "Cairn's weights": dict(WEIGHTS),
        "text-heavy mix": {**{k: v * 0.5 for k, v in structure.items()}, "text": 0.5 + 0.5 * 0.3},
        "text .7 services .2 factors .1": {"text": 0.7, "services": 0.2, "categories": 0.05, "trigger": 0.05},
    }
    with tempfile.TemporaryDirectory() as folder:
        ctx = open_context(Settings(database_url=f"sqlite:///{Path(folder) / 'bench.db'}", data_dir=Path(folder), timezone="UTC"))
        began = time.perf_counter()
        family_of = generate(ctx, args.families, random.Random(args.seed))
        print(f"{len(family_of)} incidents in {args.families} families, made in {time.perf_counter() - began:.1f} s")
        print(f"{'weighting':<24} {'MRR':>6} {'first':>7} {'top 3':>7}")
        for name, weights in combos.items():
            mrr, first, top3, judged = evaluate(ctx, family_of, weights)
            print(f"{name:<24} {mrr:6.3f} {first:7.1%} {top3:7.1%}   ({judged} incidents with an earlier repeat)")
        ctx.db.dispose()
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
