"""Precision and recall of the linter on a labelled corpus.

Corpus lines: `LABELS<TAB>SENTENCE`, LABELS being `none` or comma-separated
category ids. Scoring is per (sentence, category): a sentence counts as
flagged for a category when any finding of that category is in it.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from cairn.analysis.lint.config import LintConfig
from cairn.analysis.lint.engine import lint_text
from cairn.analysis.lint.findings import CATEGORIES

CORPUS_PEOPLE = ("alice", "bob", "will", "bill", "mark", "priya", "chen", "dana")


@dataclass
class Score:
    true_positive: int = 0
    false_positive: int = 0
    false_negative: int = 0
    misses: list[str] = field(default_factory=list)
    false_alarms: list[str] = field(default_factory=list)

    @property
    def precision(self) -> float:
        flagged = self.true_positive + self.false_positive
        return self.true_positive / flagged if flagged else 1.0

    @property
    def recall(self) -> float:
        expected = self.true_positive + self.false_negative
        return self.true_positive / expected if expected else 1.0


def read_corpus(path: Path) -> list[tuple[set[str], str]]:
    rows = []
    for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1):
        if not line.strip() or line.startswith("#"):
            continue
        labels, _, sentence = line.partition("\t")
        wanted = set() if labels.strip() == "none" else {label.strip() for label in labels.split(",")}
        unknown = wanted - set(CATEGORIES)
        if unknown or not sentence:
            raise ValueError(f"{path}:{number}: bad corpus line")
        rows.append((wanted, sentence))
    return rows


def evaluate(rows: list[tuple[set[str], str]]) -> dict[str, Score]:
    config = LintConfig(people=CORPUS_PEOPLE)
    scores = {category: Score() for category in CATEGORIES}
    for wanted, sentence in rows:
        found = {finding.category for finding in lint_text(sentence, config)}
        for category, score in scores.items():
            if category in found and category in wanted:
                score.true_positive += 1
            elif category in found:
                score.false_positive += 1
                score.false_alarms.append(sentence)
            elif category in wanted:
                score.false_negative += 1
                score.misses.append(sentence)
    return scores


def overall(scores: dict[str, Score]) -> Score:
    total = Score()
    for score in scores.values():
        total.true_positive += score.true_positive
        total.false_positive += score.false_positive
        total.false_negative += score.false_negative
    return total
