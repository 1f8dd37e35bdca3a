"""Findings from the statistical model (model.py) for sentences no rule
flagged, explained by the family the model puts them in: the family's own
explanation and suggestion, the words that weighed most as the span."""

from __future__ import annotations

from collections.abc import Iterator

from cairn.analysis.lint.base import Hit, Rule
from cairn.analysis.lint.config import LintConfig
from cairn.analysis.lint.findings import CATEGORIES
from cairn.analysis.lint.model import load_model
from cairn.analysis.lint.rules import RULES
from cairn.analysis.lint.text import LintText

SWITCH = "model"  # `disable = ["model"]` in the lint configuration turns the second opinion off


def _family_rule(family: str) -> Rule:
    base = next(rule for rule in RULES if rule.category == family)
    title = CATEGORIES[family]
    return Rule(
        f"{family}.likely", family, f"Reads like: {title.lower()}",
        "No rule matched this sentence, but it is worded like the sentences the team's corpus labels "
        f"'{title.lower()}'; the marked words weighed most. " + base.explanation,
        base.suggestion,
        flags=(),
        passes=(),
        find=lambda _text, _config: iter(()),
        rewrite=base.rewrite,
    )


MODEL_RULES: dict[str, Rule] = {family: _family_rule(family) for family in CATEGORIES if family != "animated"}


def second_opinion(text: LintText, config: LintConfig, flagged: set[int]) -> Iterator[tuple[Rule, Hit]]:
    """(rule, hit) for each sentence, not in `flagged` (sentence starts), that the model finds blameful."""
    model = load_model()
    if model is None or SWITCH in config.disable:
        return
    people = frozenset(person.strip().lstrip("@").lower() for person in config.people)
    for sentence in text.sentences:
        if sentence.start in flagged or text.is_meta(sentence.start):
            continue
        verdict = model.judge(text.masked[sentence.start : sentence.end], people, model.threshold)
        if verdict is None or verdict.probability <= model.threshold:
            continue
        rule = MODEL_RULES.get(verdict.family)
        if rule is not None and config.enabled(rule.id, rule.category):
            yield rule, Hit(sentence.start + verdict.start, sentence.start + verdict.end)
