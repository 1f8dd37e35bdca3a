"""Precision and recall of the blameless-language linter, per category and
overall, on the project's labelled corpora.

Corpora:
- bench/data/lint_public_dev.tsv and lint_public_test.tsv: sentences quoted
  from public guides, handbooks and postmortems, split by source page. The
  rules are written against the dev split; the test split is never tuned on,
  and its figures are the ones to quote. Targets on it: precision >= 0.85 and
  recall >= 0.7, overall and per family, by family scoring.
- bench/data/lint_corpus.tsv and lint_heldout.tsv: the team's own sentences
  (the first tuned on, the second written without sight of the rules).

Each corpus is scored twice: by family (a blameful sentence is caught when
anything is flagged in it; a family's alarm is right when its sentence is
blameful) and strictly, per category. See cairn.analysis.lint.quality.
Run: python bench/lint_quality.py [--corpus FILE] [--show-errors]
"""

from __future__ import annotations

import argparse
from pathlib import Path

from cairn.analysis.lint.findings import CATEGORIES
from cairn.analysis.lint.quality import evaluate, evaluate_families, overall, read_corpus

DATA = Path(__file__).with_name("data")
CORPORA = [DATA / name for name in ("lint_public_dev.tsv", "lint_public_test.tsv", "lint_corpus.tsv", "lint_heldout.tsv")]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--corpus", type=Path, action="append", help="corpus file (default: both)")
    parser.add_argument("--show-errors", action="store_true", help="list misses and false alarms")
    args = parser.parse_args()
    for corpus in args.corpus or CORPORA:
        report(corpus, args.show_errors)


def report(corpus: Path, show_errors: bool) -> None:
    rows = read_corpus(corpus)
    blameful = sum(1 for wanted, _ in rows if wanted)
    print(f"\n{len(rows)} sentences in {corpus} ({blameful} blameful)")
    families = evaluate_families(rows)
    print("by family (caught: anything flagged; alarm right: the sentence is blameful)")
    print(f"{'family':<16}{'precision':>10}{'recall':>8}{'caught':>8}{'missed':>8}{'right':>7}{'wrong':>7}")
    for family, score in families.items():
        print(f"{family:<16}{score.precision:>10.3f}{score.recall:>8.3f}{score.caught:>8}{score.missed:>8}{score.fired_right:>7}{score.fired_wrong:>7}")
    if show_errors:
        for sentence in families["overall"].misses:
            print(f"MISS  {', '.join(sorted(next(w for w, s in rows if s == sentence))):<28} {sentence}")
        for sentence in families["overall"].false_alarms:
            print(f"ALARM {sentence}")
    scores = evaluate(rows)
    print("strict, per category")
    print(f"{'category':<16}{'precision':>10}{'recall':>8}{'tp':>5}{'fp':>5}{'fn':>5}")
    for category, score in scores.items():
        print(f"{category:<16}{score.precision:>10.3f}{score.recall:>8.3f}{score.true_positive:>5}{score.false_positive:>5}{score.false_negative:>5}")
    total = overall(scores)
    print(f"{'overall':<16}{total.precision:>10.3f}{total.recall:>8.3f}{total.true_positive:>5}{total.false_positive:>5}{total.false_negative:>5}")
    if show_errors and corpus.name.startswith("lint_corpus"):
        for category, score in scores.items():
            for sentence in score.misses:
                print(f"MISS  {category:<14} {sentence}")
            for sentence in score.false_alarms:
                print(f"ALARM {category:<14} {sentence}")
    assert set(scores) == set(CATEGORIES)


if __name__ == "__main__":
    main()
