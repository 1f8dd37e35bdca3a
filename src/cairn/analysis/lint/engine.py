"""Run the rules over one text."""

from __future__ import annotations

from cairn.analysis.lint.config import LintConfig
from cairn.analysis.lint.findings import Finding
from cairn.analysis.lint.rules import RULES
from cairn.analysis.lint.text import LintText


def lint_text(text: str, config: LintConfig | None = None, *, location: str = "") -> list[Finding]:
    """Findings in `text`, in reading order, at most one per category and span."""
    config = config or LintConfig()
    prepared = LintText(text)
    allowed = [phrase.lower() for phrase in config.allow]
    findings: list[Finding] = []
    taken: list[tuple[str, int, int]] = []
    ordered = [rule for rule in RULES if rule.derive is None] + [rule for rule in RULES if rule.derive is not None]
    for rule in ordered:
        if not config.enabled(rule.id, rule.category):
            continue
        hits = rule.derive(prepared, config, list(taken)) if rule.derive else rule.find(prepared, config)
        for hit in hits:
            if any(category == rule.category and hit.start < end and start < hit.end for category, start, end in taken):
                continue
            sentence = prepared.sentence_text(hit.start)
            if allowed and any(phrase in sentence.lower() for phrase in allowed):
                continue
            if rule.negatable and prepared.is_negated(hit.start):
                continue
            if rule.meta_aware and prepared.is_meta(hit.start):
                continue
            taken.append((rule.category, hit.start, hit.end))
            line, column = prepared.position(hit.start)
            end_line, end_column = prepared.position(hit.end)
            findings.append(
                Finding(
                    rule=rule.id,
                    category=rule.category,
                    line=line,
                    column=column,
                    end_line=end_line,
                    end_column=end_column,
                    excerpt=text[hit.start : hit.end],
                    message=f"{rule.title}: {rule.explanation}",
                    suggestion=rule.suggestion,
                    location=location,
                    sentence=sentence,
                    rewrite=rule.rewrite(sentence, text[hit.start : hit.end]) if rule.rewrite else None,
                )
            )
    findings.sort(key=lambda f: (f.line, f.column, f.rule))
    return findings
