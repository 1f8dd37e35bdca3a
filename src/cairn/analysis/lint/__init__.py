"""Blameless language review: find blame and hindsight, suggest better framing.

`lint_text` is the whole interface; rules live in `rules`, text handling
(sentences, quotes, code, negation, meta-discussion) in `text`.
"""

from cairn.analysis.lint.config import LintConfig
from cairn.analysis.lint.engine import lint_text
from cairn.analysis.lint.findings import CATEGORIES, Finding

__all__ = ["CATEGORIES", "Finding", "LintConfig", "lint_text"]
