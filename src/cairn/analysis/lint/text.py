"""Text handling for the linter: what is quoted, where sentences and clauses
are, and whether a phrase is negated or merely talked about.

Quoted material (quotes, code, block quotes, links) is masked with spaces
of the same length, so rule patterns never see it and offsets still line up.
"""

from __future__ import annotations

import re
from bisect import bisect_right
from dataclasses import dataclass

_FENCE = re.compile(r"^ {0,3}(`{3,}|~{3,})")
_QUOTES = [
    re.compile(r"<!--.*?-->", re.DOTALL),  # comments never render
    re.compile(r"!\[[^\]\n]*\]\([^)\n]*\)"),  # images, alt text included
    re.compile(r"(?<=\])\([^)\n]*\)"),  # link targets
    re.compile(r"^ {0,3}\[[^\]\n]+\]:.*$", re.MULTILINE),  # reference definitions
    re.compile(r"</?[A-Za-z][^>\n]*>"),  # HTML tags and autolinks
    re.compile(r"(?<![\w/])/[\w.-]+(?:/[\w.{}:-]*)+"),  # paths such as /api/v1/ORDERS
    re.compile(r'"[^"\n]{1,300}"'),
    re.compile(r"“[^”\n]{1,300}”"),
    re.compile(r"„[^“”\n]{1,300}[“”]"),
    re.compile(r"«[^»\n]{1,300}»"),
    re.compile(r"(?<![\w'])'(?=\S)[^'\n]{1,300}(?<=\S)'(?![\w'])"),
    re.compile(r"‘[^’\n]{1,300}’(?!\w)"),
    re.compile(r"`[^`\n]+`"),
    re.compile(r"https?://\S+"),
]
_SENTENCE_END = re.compile(r"(?<=[.!?])\s+|\n+")
_CLAUSE_BREAK = re.compile(r"[,;:()]|\s[—–-]\s|\b(?:but|although|though|whereas|however|because)\b", re.IGNORECASE)
_NEGATION = re.compile(
    r"\b(?:not|no|never|nobody|none|nothing|neither|nor|hardly|isn't|wasn't|aren't|weren't|don't|doesn't|didn't|"
    r"won't|cannot|can't|no-one)\b|\bno one\b|n't\b",
    re.IGNORECASE,
)
_META = re.compile(
    r"\b(?:words?|phrases?|terms?|language|wording|expressions?)\s+(?:like|such as)\b"
    r"|\bavoid(?:s|ed|ing)?\s+(?:saying|words|phrases|using|language|blame)\b"
    r"|\binstead of (?:saying|asking|writing)\b"
    r"|\b(?:linter|lint rule|rule)\s+(?:flags|catches|marks)\b"
    r"|\bthe words?\b"
    r"|\bnot about (?:blame|fault|who)\b"
    r"|\bwithout (?:blame|blaming)\b"
    r"|\b(?:easy|tempting|natural)\s+to\s+(?:say|think|conclude|blame)\b",
    re.IGNORECASE,
)


LOOKBACK = 200  # characters before a hit searched for negation or a cause
SENTENCE_LIMIT = 1000


@dataclass(frozen=True)
class Sentence:
    start: int
    end: int


class LintText:
    """One text prepared for linting."""

    def __init__(self, text: str) -> None:
        self.text = text
        self.masked = mask_quoted(text)
        self.line_starts = [0] + [m.end() for m in re.finditer("\n", text)]
        self.sentences = split_sentences(self.masked)
        self._sentence_starts = [s.start for s in self.sentences]
        self._meta: dict[int, bool] = {}
        self._sentence_text: dict[int, str] = {}

    def sentence_at(self, offset: int) -> Sentence:
        index = max(0, bisect_right(self._sentence_starts, offset) - 1)
        return self.sentences[index] if self.sentences else Sentence(0, len(self.text))

    def position(self, offset: int) -> tuple[int, int]:
        """1-based line and column of an offset."""
        line = bisect_right(self.line_starts, offset) - 1
        return line + 1, offset - self.line_starts[line] + 1

    def is_negated(self, start: int) -> bool:
        """A negation among the few words before `start`, within its clause."""
        sentence = self.sentence_at(start)
        before = self.masked[max(sentence.start, start - LOOKBACK) : start]
        breaks = list(_CLAUSE_BREAK.finditer(before))
        clause = before[breaks[-1].end() :] if breaks else before
        window = " ".join(clause.split()[-5:])
        return bool(_NEGATION.search(window))

    def is_meta(self, start: int) -> bool:
        """The sentence talks about language rather than about the incident."""
        sentence = self.sentence_at(start)
        if sentence.start not in self._meta:
            self._meta[sentence.start] = bool(_META.search(self.text[sentence.start : sentence.end]))
        return self._meta[sentence.start]

    def sentence_text(self, start: int) -> str:
        """The sentence around `start` (cut to SENTENCE_LIMIT characters)."""
        sentence = self.sentence_at(start)
        if sentence.start not in self._sentence_text:
            self._sentence_text[sentence.start] = self.text[sentence.start : sentence.end].strip()[:SENTENCE_LIMIT]
        return self._sentence_text[sentence.start]

    def is_question(self, start: int) -> bool:
        sentence = self.sentence_at(start)
        tail = self.text[max(sentence.start, sentence.end - 20) : sentence.end]
        return tail.rstrip().rstrip("!").endswith("?")


def mask_quoted(text: str) -> str:
    chars = list(text)

    def blank(start: int, end: int) -> None:
        for index in range(start, end):
            if chars[index] != "\n":
                chars[index] = " "

    offset = 0
    fence: str | None = None  # the opening fence; only the same kind, at least as long, closes it
    for line in text.split("\n"):
        end = offset + len(line)
        match = _FENCE.match(line)
        if match and (fence is None or (match[1][0] == fence[0] and len(match[1]) >= len(fence))):
            fence = match[1] if fence is None else None
            blank(offset, end)
        elif fence is not None or line.lstrip().startswith(">") or line.startswith(("    ", "\t")):
            blank(offset, end)
        offset = end + 1
    current = "".join(chars)
    for pattern in _QUOTES:
        for match in pattern.finditer(current):
            blank(match.start(), match.end())
        current = "".join(chars)
    return current


def split_sentences(masked: str) -> list[Sentence]:
    sentences = []
    start = 0
    for match in _SENTENCE_END.finditer(masked):
        if match.start() > start:
            sentences.append(Sentence(start, match.start()))
        start = match.end()
    if start < len(masked):
        sentences.append(Sentence(start, len(masked)))
    return sentences
