"""Train the linter's statistical second opinion (cairn/analysis/lint/model.py).

Trains on the team's corpora, the dev split of the public corpus, the
rules' own documented examples (what each flags and passes) and the demo
data's blameless texts, never on the test split, and writes src/cairn/analysis/lint/lint_model.json:
logistic weights over word pairs for "blameful at all" and, one against the
rest, for each family. Deterministic (fixed seed and order), so the file
changes only when the corpora do. Before writing, it cross-validates on the
dev split (5 folds by source page) and prints precision and recall of rules alone and of
rules plus model at several thresholds, and stores with the weights the
lowest threshold whose cross-validated precision reaches
model.TARGET_PRECISION; bench/lint_quality.py reports the result on the
test split.

Run: python bench/train_lint_model.py [--check]
"""

from __future__ import annotations

import argparse
import hashlib
import json
import math
import random
from pathlib import Path

from cairn.analysis.lint.config import LintConfig
from cairn.analysis.lint.engine import rules_only
from cairn.analysis.lint.findings import CATEGORIES
from cairn.analysis.lint.model import MODEL_FILE, TARGET_PRECISION, LintModel, features, tokens
from cairn.analysis.lint.quality import CORPUS_PEOPLE, read_corpus

ROOT = Path(__file__).resolve().parents[1]
DATA = ROOT / "bench" / "data"
TRAINING = ("lint_public_dev.tsv", "lint_corpus.tsv", "lint_heldout.tsv")
OUTPUT = ROOT / "src" / "cairn" / "analysis" / "lint" / MODEL_FILE
FAMILIES = [name for name in CATEGORIES if name != "animated"]  # punctuation and capitals are the rules' job
EPOCHS, RATE, DECAY = 25, 0.1, 1e-3
KEEP, KEEP_FAMILY = 0.15, 0.3  # smaller weights are dropped: the file stays small, the scores barely move


def feature_names(sentence: str) -> list[str]:
    return sorted({name for name, _s, _e in features(tokens(sentence))})


def fit(rows: list[tuple[list[str], int]], keep: float = KEEP) -> dict[str, float]:
    weights: dict[str, float] = {}
    order = list(rows)
    shuffle = random.Random(7)
    for _ in range(EPOCHS):
        shuffle.shuffle(order)
        for names, label in order:
            z = weights.get("bias", 0.0) + sum(weights.get(n, 0.0) for n in names)
            error = 1.0 / (1.0 + math.exp(-max(-30.0, min(30.0, z)))) - label
            for name in ("bias", *names):
                weights[name] = weights.get(name, 0.0) - RATE * (error + DECAY * weights.get(name, 0.0))
    return {name: round(value, 4) for name, value in sorted(weights.items()) if abs(value) >= keep or name == "bias"}


def probability(weights: dict[str, float], names: list[str]) -> float:
    z = weights.get("bias", 0.0) + sum(weights.get(n, 0.0) for n in names)
    return 1.0 / (1.0 + math.exp(-max(-30.0, min(30.0, z))))


THRESHOLDS = (0.7, 0.75, 0.8, 0.85, 0.9, 0.95)


def page_folds(path: Path, folds: int) -> list[int]:
    """The fold of each corpus row, by its source page: rows from one page (a guide's bad
    examples, one thread's replies) resemble each other, and folds by row would let the
    model see a page's siblings of every sentence it is tested on."""
    pages = [line.split("\t")[1] for line in path.read_text(encoding="utf-8").splitlines() if line.strip() and not line.startswith("#")]
    return [int(hashlib.sha1(page.encode()).hexdigest(), 16) // 2 % folds for page in pages]


def cross_validate(dev: list[tuple[set[str], str]], extra: list[tuple[set[str], str]], fold_of: list[int]) -> float:
    """Precision and recall of rules alone and of rules plus model, 5 folds of
    the dev split by source page; returns the lowest threshold whose precision
    reaches model.TARGET_PRECISION (the one that catches the most at that precision)."""
    config = LintConfig(people=CORPUS_PEOPLE)
    folds = 5
    scored: list[tuple[bool, bool, float]] = []  # (blameful, a rule fired, model probability)
    for fold in range(folds):
        held = [row for row, f in zip(dev, fold_of) if f == fold]
        train = [row for row, f in zip(dev, fold_of) if f != fold] + extra
        weights = fit([(feature_names(s), int(bool(w))) for w, s in train])
        for wanted, sentence in held:
            verdict = LintModel(weights, {}).judge(sentence)
            scored.append((bool(wanted), bool(rules_only(sentence, config)), verdict.probability if verdict else 0.0))

    def measure(flagged: list[bool]) -> tuple[float, float]:
        tp = sum(1 for (w, _r, _p), f in zip(scored, flagged) if w and f)
        fp = sum(1 for (w, _r, _p), f in zip(scored, flagged) if f and not w)
        fn = sum(1 for (w, _r, _p), f in zip(scored, flagged) if w and not f)
        return tp / ((tp + fp) or 1), tp / ((tp + fn) or 1)

    print(f"cross-validation on {len(dev)} dev sentences, {folds} folds by source page")
    precision, recall = measure([r for _w, r, _p in scored])
    print(f"{'rules alone':<28} precision {precision:.3f} recall {recall:.3f}")
    results = {t: measure([r or p > t for _w, r, p in scored]) for t in THRESHOLDS}
    good = [t for t in THRESHOLDS if results[t][0] >= TARGET_PRECISION]
    chosen = min(good) if good else max(THRESHOLDS)
    for threshold, (precision, recall) in results.items():
        mark = "  <- chosen" if threshold == chosen else ""
        print(f"{f'rules + model > {threshold}':<28} precision {precision:.3f} recall {recall:.3f}{mark}")
    return chosen


def documented_examples() -> list[tuple[set[str], str]]:
    """Each rule's own examples: what it flags, and what it deliberately passes
    (the model must learn those exceptions too, or it undoes them)."""
    from cairn.analysis.lint.rules import RULES

    rows: list[tuple[set[str], str]] = []
    for rule in RULES:
        rows += [({rule.category}, example) for example in rule.flags]
        rows += [(set(), example) for example in rule.passes]
    return rows


def demo_texts() -> list[tuple[set[str], str]]:
    """The demo data's texts (cairn/services/demo.py): the team's own blameless postmortems,
    which a test keeps free of findings; the model learns them as blameless."""
    from dataclasses import astuple

    from cairn.services.demo import NEAR_MISSES, SCENARIOS

    def strings(value: object) -> list[str]:
        if isinstance(value, str):
            return [value] if len(value.split()) >= 4 else []
        if isinstance(value, (tuple, list)):
            return [text for item in value for text in strings(item)]
        return []

    return [(set(), text) for record in (*SCENARIOS, *NEAR_MISSES) for text in strings(astuple(record))]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--check", action="store_true", help="cross-validate only; do not write the model")
    args = parser.parse_args()
    dev = read_corpus(DATA / TRAINING[0])
    extra = [row for name in TRAINING[1:] for row in read_corpus(DATA / name)] + documented_examples() + demo_texts()
    threshold = cross_validate(dev, extra, page_folds(DATA / TRAINING[0], 5))
    if args.check:
        return
    rows = [(feature_names(sentence), wanted) for wanted, sentence in dev + extra]
    model = {
        "trained_on": list(TRAINING),
        "threshold": threshold,
        "blame": fit([(names, int(bool(wanted))) for names, wanted in rows]),
        "families": {family: fit([(names, int(family in wanted)) for names, wanted in rows], KEEP_FAMILY) for family in FAMILIES},
    }
    OUTPUT.write_text(json.dumps(model, separators=(",", ":"), sort_keys=True) + "\n", encoding="utf-8")
    print(f"wrote {OUTPUT.relative_to(ROOT)} ({OUTPUT.stat().st_size // 1024} KiB)")


if __name__ == "__main__":
    main()
