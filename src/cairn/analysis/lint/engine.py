"""Run the rules over one text."""

from __future__ import annotations

from bisect import bisect_left, insort
from dataclasses import replace
from functools import lru_cache

from cairn.analysis.lint.config import LintConfig
from cairn.analysis.lint.findings import Finding
from cairn.analysis.lint.base import Hit, Rule
from cairn.analysis.lint.rules import RULES
from cairn.analysis.lint.second_opinion import second_opinion
from cairn.analysis.lint.text import LintText

MAX_FINDINGS = 1000  # per text: beyond this a text needs rewriting, not more notes


class _Taken:
    """Spans already reported, per category, for overlap checks in log time."""

    def __init__(self) -> None:
        self.spans: dict[str, list[tuple[int, int]]] = {}
        self.all: list[tuple[str, int, int]] = []

    def overlaps(self, category: str, start: int, end: int) -> bool:
        spans = self.spans.get(category, [])
        index = bisect_left(spans, (start, end))
        for neighbour in spans[max(0, index - 1) : index + 1]:
            if neighbour[0] < end and start < neighbour[1]:
                return True
        return False

    def add(self, category: str, start: int, end: int) -> None:
        insort(self.spans.setdefault(category, []), (start, end))
        self.all.append((category, start, end))


MEMO_SIZE = 50_000  # texts; an incident page re-reads every event's text on each change
MEMO_LONGEST = 4_000  # characters: timeline lines are short; long texts (sections, files) are linted afresh


def lint_text(text: str, config: LintConfig | None = None, *, location: str = "") -> list[Finding]:
    """Findings in `text`, in reading order, at most one per category and span.

    The rules are a pure function of the text and the configuration, so results
    are remembered: a page of an incident with thousands of events then lints
    only the texts that changed since the last reader, not all of them again.
    """
    config = config or LintConfig()
    found = _memo(text, config) if len(text) <= MEMO_LONGEST else tuple(_lint(text, config))
    if not location:
        return list(found)
    return [replace(finding, location=location) for finding in found]


@lru_cache(maxsize=MEMO_SIZE)
def _memo(text: str, config: LintConfig) -> tuple[Finding, ...]:
    return tuple(_lint(text, config))


def rules_only(text: str, config: LintConfig | None = None) -> list[Finding]:
    """The rules' findings without the statistical second opinion (for training and measuring it)."""
    return _lint(text, config or LintConfig(), with_model=False)


def _lint(text: str, config: LintConfig, *, with_model: bool = True) -> list[Finding]:
    prepared = LintText(text)
    allowed = [phrase.lower() for phrase in config.allow]
    findings: list[Finding] = []
    taken = _Taken()
    considered: set[int] = set()  # sentences a rule matched and deliberately let pass: the model leaves them too
    ordered = [rule for rule in RULES if rule.derive is None] + [rule for rule in RULES if rule.derive is not None]
    for rule in ordered:
        if not config.enabled(rule.id, rule.category):
            continue
        hits = rule.derive(prepared, config, list(taken.all)) if rule.derive else rule.find(prepared, config)
        for hit in hits:
            if len(findings) >= MAX_FINDINGS:
                break
            if taken.overlaps(rule.category, hit.start, hit.end):
                continue
            sentence = prepared.sentence_text(hit.start)
            if (
                (allowed and any(phrase in sentence.lower() for phrase in allowed))
                or (rule.negatable and prepared.is_negated(hit.start))
                or (rule.explained_ok and prepared.explained_by_system(hit.end))
                or (rule.meta_aware and (prepared.is_meta(hit.start) or prepared.states_principle(hit.end)))
            ):
                considered.add(prepared.sentence_at(hit.start).start)  # a rule looked and let it pass
                continue
            taken.add(rule.category, hit.start, hit.end)
            findings.append(_finding(text, prepared, rule, hit))
    if with_model and len(findings) < MAX_FINDINGS:
        flagged = considered | {prepared.sentence_at(start).start for _category, start, _end in taken.all}
        for rule, hit in second_opinion(prepared, config, flagged):
            if len(findings) >= MAX_FINDINGS:
                break
            sentence = prepared.sentence_text(hit.start)
            if allowed and any(phrase in sentence.lower() for phrase in allowed):
                continue
            findings.append(_finding(text, prepared, rule, hit))
    findings.sort(key=lambda f: (f.line, f.column, f.rule))
    return findings


def _finding(text: str, prepared: LintText, rule: Rule, hit: Hit) -> Finding:
    sentence = prepared.sentence_text(hit.start)
    line, column = prepared.position(hit.start)
    end_line, end_column = prepared.position(hit.end)
    excerpt = text[hit.start : hit.end]
    return Finding(
        rule=rule.id,
        category=rule.category,
        line=line,
        column=column,
        end_line=end_line,
        end_column=end_column,
        excerpt=excerpt,
        message=f"{rule.title}: {rule.explanation}",
        suggestion=rule.suggestion,
        sentence=sentence,
        rewrite=rule.rewrite(sentence, excerpt) if rule.rewrite else None,
    )
