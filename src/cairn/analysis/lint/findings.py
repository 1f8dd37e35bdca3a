"""What the linter reports."""

from __future__ import annotations

import hashlib
from dataclasses import asdict, dataclass
from typing import Any

CATEGORIES: dict[str, str] = {
    "person": "Person as cause",
    "counterfactual": "Counterfactuals",
    "hindsight": "Hindsight",
    "fix-person": "Fixing the person, not the system",
    "judgement": "Judgement and loaded words",
    "human-error": "Human error as a conclusion",
    "who-question": "Who-questions",
    "animated": "Animated language",
}


@dataclass(frozen=True)
class Finding:
    rule: str
    category: str
    line: int  # 1-based
    column: int  # 1-based
    end_line: int
    end_column: int  # exclusive
    excerpt: str
    message: str
    suggestion: str | None
    location: str = ""  # which field, e.g. "summary" or "factor F1"
    sentence: str = ""
    rewrite: str | None = None  # the sentence reworded, where a mechanical rewording helps

    @property
    def id(self) -> str:
        """Stable across unrelated edits: rule, field, sentence and words, not offsets."""
        basis = "\x1f".join((self.rule, self.location, " ".join(self.sentence.split()).lower(), self.excerpt.lower()))
        return hashlib.sha1(basis.encode("utf-8")).hexdigest()[:10]

    def to_data(self) -> dict[str, Any]:
        data = asdict(self)
        data["id"] = self.id
        data["category_title"] = CATEGORIES[self.category]
        return data
