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
        "(\"we avoid words like careless\"). Timeline events imported from chat or pagers are records of",
        "what was said at the time and are not linted.",
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
