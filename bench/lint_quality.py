"""Precision and recall of the blameless-language linter, per category and
overall, on the project's labelled corpora.

bench/data/lint_corpus.tsv is the development corpus (the rules were tuned
on it); bench/data/lint_heldout.tsv was written afterwards, without sight of
the rules, and is never tuned on: its figures are the honest ones.

Run: python bench/lint_quality.py [--corpus FILE] [--show-errors]
Targets: overall precision >= 0.9, recall >= 0.8.
"""

from __future__ import annotations

import argparse
from pathlib import Path

from cairn.analysis.lint.findings import CATEGORIES
from cairn.analysis.lint.quality import evaluate, overall, read_corpus

DATA = Path(__file__).with_name("data")
CORPORA = [DATA / "lint_corpus.tsv", DATA / "lint_heldout.tsv"]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--corpus", type=Path, action="append", help="corpus file (default: both)")
    parser.add_argument("--show-errors", action="store_true", help="list misses and false alarms")
    args = parser.parse_args()
    for corpus in args.corpus or CORPORA:
        report(corpus, args.show_errors)


def report(corpus: Path, show_errors: bool) -> None:
    rows = read_corpus(corpus)
    scores = evaluate(rows)
    print(f"\n{len(rows)} sentences in {corpus}")
    print(f"{'category':<16}{'precision':>10}{'recall':>8}{'tp':>5}{'fp':>5}{'fn':>5}")
    for category, score in scores.items():
        print(f"{category:<16}{score.precision:>10.3f}{score.recall:>8.3f}{score.true_positive:>5}{score.false_positive:>5}{score.false_negative:>5}")
    total = overall(scores)
    print(f"{'overall':<16}{total.precision:>10.3f}{total.recall:>8.3f}{total.true_positive:>5}{total.false_positive:>5}{total.false_negative:>5}")
    if show_errors:
        for category, score in scores.items():
            for sentence in score.misses:
                print(f"MISS  {category:<14} {sentence}")
            for sentence in score.false_alarms:
                print(f"ALARM {category:<14} {sentence}")
    assert set(scores) == set(CATEGORIES)


if __name__ == "__main__":
    main()
