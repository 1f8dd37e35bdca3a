"""Citations in postmortem prose: `[#214]`, `[moment: mitigated]`, `[impact: users_affected]`,
`[factor: F1]`, `[incident: services]`.

They live in the Markdown itself, so they survive any edit of the text around
them, travel with an export and read plainly anywhere; parsed, they are data:
which piece of the record a sentence rests on.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from enum import StrEnum


class CitationKind(StrEnum):
    EVENT = "event"
    MOMENT = "moment"
    IMPACT = "impact"
    FACTOR = "factor"
    INCIDENT = "incident"


# The impact figures and incident fields a citation may name.
IMPACT_FIELDS = ("users_affected", "users_share", "duration_minutes", "data_loss", "cost", "slo_budget")
INCIDENT_FIELDS = ("title", "severity", "services", "teams", "kind")

# One bracket may hold several, of any kinds: `[#3, #9]`, `[moment: started; impact: cost]`,
# `[#3, moment: mitigated]`. Case and spaces are forgiven; `event: 3` reads as `#3`.
_ONE = r"(?:#\s?\d{1,12}|(?:moment|impact|factor|incident|event)\s*:\s*[A-Za-z0-9_ ]{1,40}?)"
CITATION = re.compile(r"\[\s*" + _ONE + r"(?:\s*[,;]\s*" + _ONE + r")*\s*\]", re.IGNORECASE)
_PART = re.compile(r"^(?:#\s?(?P<id>\d{1,12})|(?P<kind>moment|impact|factor|incident|event)\s*:\s*(?P<ref>.+))$", re.IGNORECASE)


@dataclass(frozen=True, order=True)
class Citation:
    kind: CitationKind
    ref: str  # event id as text, moment name, impact field, factor label, incident field

    @property
    def token(self) -> str:
        if self.kind is CitationKind.EVENT:
            return f"[#{self.ref}]"
        return f"[{self.kind.value}: {self.ref}]"


def event(event_id: int) -> Citation:
    return Citation(CitationKind.EVENT, str(event_id))


def moment(name: str) -> Citation:
    return Citation(CitationKind.MOMENT, name)


def impact(name: str) -> Citation:
    return Citation(CitationKind.IMPACT, name)


def _normal_ref(kind: CitationKind, ref: str) -> str:
    ref = "_".join(ref.split())
    return ref.upper() if kind is CitationKind.FACTOR else ref.lower()


def citations_in(text: str) -> list[Citation]:
    """Every citation in `text`, in order of appearance, without repeats."""
    found: list[Citation] = []
    for match in CITATION.finditer(text):
        for part in re.split(r"[,;]", match.group()[1:-1]):
            parsed = _PART.match(part.strip())
            if parsed is None:
                continue
            if parsed.group("id"):
                item = Citation(CitationKind.EVENT, str(int(parsed.group("id"))))
            elif parsed.group("kind").lower() == "event":
                ref = parsed.group("ref").strip().lstrip("#")
                if not ref.isdigit():
                    continue
                item = Citation(CitationKind.EVENT, str(int(ref)))
            else:
                kind = CitationKind(parsed.group("kind").lower())
                item = Citation(kind, _normal_ref(kind, parsed.group("ref")))
            if item not in found:
                found.append(item)
    return found


def strip_citations(text: str) -> str:
    """The text as a reader says it, without its brackets (for linting and matching)."""
    return re.sub(r"[ \t]+([.,;:!?])", r"\1", re.sub(r"[ \t]*" + CITATION.pattern, "", text, flags=re.IGNORECASE)).strip()


def render_tokens(citations: list[Citation]) -> str:
    """`[#3, #9] [moment: started]`: events share one bracket, the rest one each."""
    events = [c.ref for c in citations if c.kind is CitationKind.EVENT]
    parts = [f"[{', '.join('#' + ref for ref in events)}]"] if events else []
    parts += [c.token for c in citations if c.kind is not CitationKind.EVENT]
    return " ".join(parts)


# A sentence ends at . ! or ? followed by a space or the end, unless the stop is part of a
# number (1.5, v2.3) or a common abbreviation. Citations after the stop belong to the sentence.
_ABBREVIATIONS = ("e.g.", "i.e.", "etc.", "vs.", "approx.", "ca.", "no.", "cf.", "a.m.", "p.m.")


@dataclass(frozen=True)
class Sentence:
    text: str
    start: int  # offset in the section text, so findings can point at it
    block: str  # "paragraph", "item" (a list item) or "heading"

    @property
    def citations(self) -> list[Citation]:
        """What the sentence cites; a bracket inside a quotation is the record's own words."""
        return citations_in(QUOTED.sub(" ", self.text))

    @property
    def is_question(self) -> bool:
        return strip_citations(self.text).rstrip().endswith("?")


QUOTED = re.compile(r"“[^“”]{0,2000}”")  # the quotation marks Cairn writes around the record's words
_LABEL = re.compile(r"^\*\*[^*]+\*\*:?$")  # a bold line on its own labels what follows
_BLOCK_PREFIX = re.compile(r"^\s{0,3}(?:[-*+]|\d{1,3}[.)])\s+")


def sentences(text: str) -> list[Sentence]:
    """Split Markdown into sentences: each list item and paragraph on its own, headings
    and code blocks kept as single units (a heading is not a claim)."""
    found: list[Sentence] = []
    offset = 0
    paragraph: list[tuple[int, str]] = []
    fenced = False

    def flush() -> None:
        if not paragraph:
            return
        start = paragraph[0][0]
        joined = " ".join(line.strip() for _, line in paragraph)
        found.extend(_split(joined, start, "paragraph"))
        paragraph.clear()

    for line in text.splitlines(keepends=True):
        bare = line.rstrip("\n")
        stripped = bare.strip()
        if stripped.startswith(("```", "~~~")):
            flush()
            fenced = not fenced
        elif fenced:
            pass
        elif not stripped:
            flush()
        elif stripped.startswith("#") or _LABEL.match(stripped):
            flush()
            found.append(Sentence(stripped.lstrip("#").strip().strip("*:").strip(), offset, "heading"))
        elif _BLOCK_PREFIX.match(bare):
            flush()
            prefix = _BLOCK_PREFIX.match(bare)
            assert prefix is not None
            found.extend(_split(bare[prefix.end():].strip(), offset + prefix.end(), "item"))
        else:
            paragraph.append((offset, bare))
        offset += len(line)
    flush()
    return [s for s in found if s.text]


def _split(text: str, start: int, block: str) -> list[Sentence]:
    pieces: list[Sentence] = []
    begin = 0
    index = 0
    quoted = False
    while index < len(text):
        char = text[index]
        if char == "“" and "”" in text[index + 1:]:
            quoted = True  # the record's words, quoted: their stops do not end this sentence
        elif char == "”":
            quoted = False
        if char in ".!?" and not quoted and _ends_sentence(text, index):
            end = index + 1
            # citations written after the stop ("... 14:02. [#3]") still belong here
            trailing = CITATION.match(text, _skip_spaces(text, end))
            while trailing:
                end = trailing.end()
                trailing = CITATION.match(text, _skip_spaces(text, end))
            piece = text[begin:end].strip()
            if piece:
                pieces.append(Sentence(piece, start + begin, block))
            begin = end
            index = end
            continue
        index += 1
    rest = text[begin:].strip()
    if rest:
        pieces.append(Sentence(rest, start + begin, block))
    return pieces


def _skip_spaces(text: str, index: int) -> int:
    while index < len(text) and text[index] in " \t":
        index += 1
    return index


def _ends_sentence(text: str, index: int) -> bool:
    after = text[index + 1:index + 2]
    if after and not after.isspace() and after not in "\"')]”’":
        return False  # 1.5, v2.3, example.com
    word = text[max(0, text.rfind(" ", 0, index) + 1):index + 1].lower()
    return word not in _ABBREVIATIONS
