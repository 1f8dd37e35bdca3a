"""Precision and recall of the linter on a labelled corpus.

Corpus lines: `LABELS<TAB>SENTENCE`, or `LABELS<TAB>SOURCE<TAB>NOTE<TAB>SENTENCE`
for rows quoted from public sources; LABELS is `none` or comma-separated
category ids. Two scorings:

- strict, per (sentence, category): a sentence counts as flagged for a
  category when any finding of that category is in it;
- by family, as a reader meets the linter: a blameful sentence is caught
  when anything is flagged in it (recall of its families), and a family's
  alarm is right when the sentence it fires in is blameful at all
  (precision of the family); `overall` is then blameful-or-not.
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
        fields = line.split("\t")
        labels, sentence = (fields[0], fields[3]) if len(fields) == 4 else (fields[0], "\t".join(fields[1:]))
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


@dataclass
class FamilyScore:
    caught: int = 0  # sentences of this family with any finding
    missed: int = 0
    fired_right: int = 0  # sentences this family's rules flag that are blameful
    fired_wrong: int = 0  # ... that are blameless
    misses: list[str] = field(default_factory=list)
    false_alarms: list[str] = field(default_factory=list)

    @property
    def precision(self) -> float:
        fired = self.fired_right + self.fired_wrong
        return self.fired_right / fired if fired else 1.0

    @property
    def recall(self) -> float:
        expected = self.caught + self.missed
        return self.caught / expected if expected else 1.0


def evaluate_families(rows: list[tuple[set[str], str]]) -> dict[str, FamilyScore]:
    """Per family: recall over the sentences it labels (caught by any finding),
    precision over the sentences its rules flag (right when blameful at all);
    the entry `overall` scores each sentence blameful-or-not."""
    config = LintConfig(people=CORPUS_PEOPLE)
    scores = {category: FamilyScore() for category in CATEGORIES}
    total = FamilyScore()
    for wanted, sentence in rows:
        found = {finding.category for finding in lint_text(sentence, config)}
        for category in wanted:
            if found:
                scores[category].caught += 1
            else:
                scores[category].missed += 1
                scores[category].misses.append(sentence)
        for category in found:
            if wanted:
                scores[category].fired_right += 1
            else:
                scores[category].fired_wrong += 1
                scores[category].false_alarms.append(sentence)
        if wanted:
            total.caught += bool(found)
            total.missed += not found
            if not found:
                total.misses.append(sentence)
        if found:
            total.fired_right += bool(wanted)
            total.fired_wrong += not wanted
            if not wanted:
                total.false_alarms.append(sentence)
    scores["overall"] = total
    return scores
