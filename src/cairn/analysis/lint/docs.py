"""Write docs/lint-rules.md from the rules themselves, so they cannot drift.

Run: python -m cairn.analysis.lint.docs > docs/lint-rules.md
"""

from __future__ import annotations

from cairn.analysis.lint.findings import CATEGORIES
from cairn.analysis.lint.rules import RULES


def render() -> str:
    out = [
        "# Blameless language rules",
        "",
        "`cairn lint` reads every text of a postmortem (and any Markdown file) and flags wording that puts",
        "people on trial instead of examining the system. Each finding names the rule, the exact span",
        "(line and column), why it matters and what to write instead. Text in quotes, code, block quotes",
        "and links is treated as quoted material and never flagged; most rules also stay quiet when the",
        "phrase is negated (\"nobody was careless\") or the sentence talks about wording itself",
        "(\"we avoid words like careless\"), states the principle (\"human error is never a root cause\",",
        "\"rather than blaming Bob\"), or treats human error as something to design for (\"resilient to",
        "operator error\"). A text that is nothing but one quotation is read as its content: there is",
        "nothing around it saying who said it. Timeline events imported from chat or pagers are records of",
        "what was said at the time and are not linted.",
        "",
        "People are recognised by the incident's own names and handles and, for text pasted from",
        "elsewhere, by common given names (`cairn/analysis/lint/names.py`), by roles (\"the on-call",
        "engineer\", \"a technician\") and by pronouns. Where a rewording of the sentence itself helps, a",
        "finding carries one (the lapse as a missing prompt, the outcome before the person, the fact without",
        "the hindsight, a safeguard instead of care).",
        "",
        "Beside the rules, a small statistical model (logistic weights over word pairs, with people as",
        "kinds rather than names) scores each sentence no rule flagged and that no rule looked at and let",
        "pass. Above its threshold, in a sentence about somebody, it reports the finding under the family",
        "its per-family weights favour, with that family's explanation and suggestion and the words that",
        "weighed most as the span; its rule ids end in `.likely`. It is trained by",
        "`bench/train_lint_model.py` on the team's corpora and the dev split of the public corpus (never",
        "the test split) and turned off with `disable = [\"model\"]`.",
        "",
        "Tune the rules per team with a TOML file named by `CAIRN_LINT_CONFIG`:",
        "",
        "```toml",
        "[lint]",
        'disable = ["animated.shouting"]      # rule ids or whole categories',
        'extra_words = ["clueless"]          # more judgement words',
        'allow = ["failed to start"]         # sentences containing these are never flagged',
        "",
        "[lint.teams.payments]",
        'disable = ["animated"]',
        "```",
        "",
        "A finding that is fine as written can be dismissed with a reason, which is recorded:",
        "`cairn lint INC-1 --dismiss <id> --reason \"quoting the customer's words\"`.",
        "",
    ]
    for category, title in CATEGORIES.items():
        out += [f"## {title} (`{category}`)", ""]
        for rule in (r for r in RULES if r.category == category):
            out += [f"### `{rule.id}`: {rule.title}", "", rule.explanation, "", f"Instead: {rule.suggestion}", ""]
            out += ["Flags:", ""] + [f"- {example}" for example in rule.flags] + [""]
            out += ["Deliberately does not flag:", ""] + [f"- {example}" for example in rule.passes] + [""]
            notes = []
            if rule.negatable:
                notes.append("quiet when negated")
            if rule.meta_aware:
                notes.append("quiet in sentences about wording")
            if notes:
                out += [f"*{'; '.join(notes).capitalize()}.*", ""]
    return "\n".join(out)


if __name__ == "__main__":
    print(render(), end="")
