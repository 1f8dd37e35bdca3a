"""Linting speed: words per second on a 5,000-word postmortem.

Also prints the ratio to a baseline measured in the same run (splitting the
same text into words with a regular expression), since the machine is noisy.
Run: python bench/lint_speed.py [--words 5000] [--runs 7]
"""

from __future__ import annotations

import argparse
import random
import re
import statistics
import time

from cairn.analysis.lint import LintConfig, lint_text

SENTENCES = (
    "At 14:05 the p99 latency alert for checkout fired and Alice acknowledged the page.",
    "The connection pool of the payments client held 2 connections per host after the upgrade.",
    "Bob rolled back release 2026.11.3 and the error rate returned to baseline within four minutes.",
    "Nobody was careless; the default changed in the library and our configuration did not pin it.",
    "The canary covered internal traffic only, so card payments never reached it.",
    "We should have caught this in review.",
    "Dashboards showed the gateway errors, but the panel had been moved during a clean-up.",
    "What made the signal hard to see was that the deploy was not announced in the incident channel.",
    "Chen wrote in the channel: \"who changed the pool size?!\"",
    "Action item: pin the pool size and alert when more than 80% of connections are busy.",
)


def document(words: int, seed: int = 1) -> str:
    rng = random.Random(seed)
    parts, count = [], 0
    while count < words:
        paragraph = " ".join(rng.choice(SENTENCES) for _ in range(5))
        parts.append(paragraph)
        count += len(paragraph.split())
    return "\n\n".join(parts)


def best_of(runs: int, action) -> float:  # type: ignore[no-untyped-def]
    times = []
    for _ in range(runs):
        start = time.perf_counter()
        action()
        times.append(time.perf_counter() - start)
    return statistics.median(times)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--words", type=int, default=5000)
    parser.add_argument("--runs", type=int, default=7)
    args = parser.parse_args()
    text = document(args.words)
    words = len(text.split())
    config = LintConfig(people=("alice", "bob", "chen"))
    lint_text(text, config)  # warm the pattern caches
    lint_time = best_of(args.runs, lambda: lint_text(text, config))
    base_time = best_of(args.runs, lambda: re.findall(r"\w+", text))
    print(f"{words} words: lint median {lint_time * 1000:.1f} ms over {args.runs} runs ({words / lint_time:,.0f} words/s)")
    print(f"baseline (word split): {base_time * 1000:.2f} ms; lint/baseline ratio {lint_time / base_time:.0f}")


if __name__ == "__main__":
    main()
