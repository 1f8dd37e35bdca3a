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
    r"won't|cannot|can't|no-one)\b|\bno one\b|n['’]t\b"
    # set aside rather than asserted: "rather than blaming Bob", "look beyond human error"
    r"|\b(?:rather than|instead of|beyond|avoid\w*|resist\w*|refrain\w*|without|stop(?:s|ped|ping)? at|"
    r"(?:look|go|move|get)(?:s|ing|ed)? past|no such thing as|myth of|away from|dispel\w*|reject\w*|"
    # hypotheses and reports, not findings: "if someone forgets", "implying that one person caused"
    # human error as something to design for, not the finding: "resilient to human error", "reduce the risk of operator error"
    r"prone to|risk of|chances? of|possibility of|potential for|room for|reduc\w*|minimi[sz]\w*|eliminat\w*|prevent\w*|"
    r"against|resilient to|tolerant of|so-called|we call|notion of|concept of|idea of|view of|label of|the term|likelihood of|"
    r"impact of|safe from|cost of|possible that|(?:how|so|too|very) easy|easy for|made it easy|makes it easy|impl(?:y|ies|ied)|"
    r"susceptib\w* to|vulnerab\w* to|sensitiv\w* to|exposed to|safeguards?|guard(?:s|ing|ed)? against|"
    r"account(?:s|ing)? for|allow(?:s|ing)? for|compensat\w* for|mitigat\w*|design(?:s|ed|ing)? for|cope with|tolerat\w*|inevitab\w*|"
    r"if|unless|whether|fear of|threat of|declar\w*|nam(?:e|ing) (?:it )?as|focus(?:ing|es|ed)? on|call(?:ing|ed|s)?|when you|when we|end(?:s|ed)? (?:up )?at|implying|suggesting|claiming|assuming|blam(?:ing|ed|es)|treating|labell?ing)\b",
    re.IGNORECASE,
)
_ORDER = re.compile(r"^(?:please\s+)?(?:don['’]t|do\s+not|never)\s+be(?:\s+so|\s+that|\s+too)?$", re.IGNORECASE)
_SYSTEM_REASON = re.compile(
    r"\b(?:because|since|as)\s+(?:the|it|its|a|an|our|their|this|that|there|no|nothing)\b(?!\s+(?:engineer|developer|operator|"
    r"admin|person|team|on-?call|intern|contractor|user|technician)\b)"
    r"|\b(?:due to|because of)\s+(?:the|a|an|its|our|their|this|that|no|missing|stale|an?\s+\w+)\b(?!\s+(?:engineer|developer|operator|person|team))",
    re.IGNORECASE,
)
# After a phrase: it is the subject of a statement of principle, not a finding
# ("human error is never a root cause", "'who broke it?' is the wrong question").
_PRINCIPLE_AFTER = re.compile(
    r"[\s\"'”’)]*(?:(?:is|are|was|were)\s+(?:never|not|no|rarely|seldom|merely|only|just|simply|almost never|a symptom|"
    r"an? (?:[\w-]+\s+){0,2}?(?:symptom|label|starting point|sign|consequence|result|effect|attribution|explanation|myth|trap|cop-out|invitation|red herring)|"
    r"the (?:start|beginning|wrong|symptom|result|starting point|easy)|(?:\w+\s+)?(?:wrong|misleading|meaningless|useless|unhelpful|"
    r"ineffective|a myth|a trap|a dead end)|(?:often|usually|commonly|frequently|too often)\s+(?:used|cited|blamed|given|called|seen|treated))"
    r"|(?:is|are)\s+(?:often\s+|usually\s+|best\s+)?(?:treated|seen|viewed|regarded|understood|considered)\s+as\s+(?:an?\s+|the\s+)?(?:\w+\s+)?(?:signal|symptom|start|starting|sign|clue|prompt|consequence|effect|invitation)"
    r"|(?:can|could|may|might)\s+(?:happen|occur|cause|be|indicate|reveal|point to|signal|suggest|show|expose|highlight)\b"
    # a definition or the blameless view of the term: "human error is an inadvertent action", "is inevitable"
    r"|(?:is|are)\s+(?:an?\s+)?(?:inadvertent|unintentional|unintended|normal|natural|inevitable|expected|ubiquitous|everyday|universal|"
    r"defined as|understood as|a (?:normal|natural|fact)|part of)\b|refers? to\b|(?:is|are)\s+what\b"
    r"|as\s+(?:an?\s+|the\s+)?(?:\w+\s+)?(?:symptom|signal|starting point|sign|clue|consequence|effect|result|product|outcome)s?\b"
    r"|isn['’]t|aren['’]t|wasn['’]t|tells us nothing|explains nothing|vs\.?|versus|"
    r"should never|must never|can never|(?:does|do|did) not|doesn['’]t|don['’]t|ends? (?:the|an|our) (?:inquiry|investigation|conversation|learning)|"
    r"stops? (?:the|an|our) (?:inquiry|investigation|conversation|learning)|shuts? down)\b",
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
    r"|\b(?:easy|tempting|natural|common|convenient)\s+to\s+(?:say|think|conclude|blame|use|cite|call|stop|point|label|write)\b"
    r"|\b(?:urge|instinct|tendency|temptation|impulse|reflex|usual response|first response)\s+(?:is\s+)?to\b"
    r"|\bhindsight\s+(?:bias|makes|distorts|turns|tempts)\b",
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
        self._cued: dict[str, list[tuple[int, int]]] = {}
        self._lowered: str | None = None

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
        window = " ".join(clause.split()[-7:])
        if _ORDER.match(window):
            return False  # "Don't be lazy" orders; it does not deny
        return bool(_NEGATION.search(window))

    def explained_by_system(self, end: int) -> bool:
        """After `end`, in its sentence, a reason whose subject is a thing, not a person."""
        sentence = self.sentence_at(end)
        return bool(_SYSTEM_REASON.search(self.masked, end, sentence.end))

    def states_principle(self, end: int) -> bool:
        """The phrase ending at `end` is what a statement of principle rejects."""
        return bool(_PRINCIPLE_AFTER.match(self.masked, end))

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

    @property
    def lowered(self) -> str:
        """The masked text in lower case, offsets unchanged (for cue words)."""
        if self._lowered is None:
            lowered = self.masked.lower()
            self._lowered = lowered if len(lowered) == len(self.masked) else "".join(ch.lower()[:1] or ch for ch in self.masked)
        return self._lowered

    def sentences_with(self, cue: re.Pattern[str]) -> list[tuple[int, int]]:
        """The spans of the sentences in which `cue` (lower-case words) occurs, neighbours merged."""
        key = cue.pattern
        if key not in self._cued:
            spans: list[tuple[int, int]] = []
            position = 0
            lowered = self.lowered
            while (match := cue.search(lowered, position)) is not None:
                sentence = self.sentence_at(match.start())
                if spans and sentence.start <= spans[-1][1]:
                    spans[-1] = (spans[-1][0], max(spans[-1][1], sentence.end))
                else:
                    spans.append((sentence.start, sentence.end))
                position = max(sentence.end, match.end())  # the rest of this sentence is in already
            self._cued[key] = spans
        return self._cued[key]

    def starts_sentence(self, start: int) -> bool:
        """Only markup (a bullet, a heading mark, quotes) comes before `start` in its sentence."""
        sentence = self.sentence_at(start)
        return not self.masked[sentence.start : start].strip(" \t*-#>+0123456789.)\"'“‘(")

    def is_question(self, start: int) -> bool:
        sentence = self.sentence_at(start)
        tail = self.text[max(sentence.start, sentence.end - 20) : sentence.end]
        return tail.rstrip().rstrip("!").endswith("?")


# A label quoted as a term ("the verdict was “human error”") is the writer's
# claim, not someone else's words: it stays visible to the rules.
_QUOTED_TERM = re.compile(
    r"[\"“'‘]((?:human|operator|user|pilot|personnel)\s+(?:error|mistake|failure)s?)[.,!?]?[\"”'’]", re.IGNORECASE,
)
# The whole text is one quotation: there is nothing around it to quote it in.
_WHOLE_QUOTE = re.compile(r"\A\s*([\"“„«‘'])(?P<inner>[^\n]*)([\"”“»’'])[\s.!?]*\Z")
_CLOSING = {'"': '"', "“": "”", "„": "“”", "«": "»", "‘": "’", "'": "'"}


# A quotation labelled as the bad example ("Bad: “Why didn't you check?”") is shown as an instance of
# the wording, so it is read as its content, like a text that is one quotation.
_LABELLED_EXAMPLE = re.compile(
    r"\A(?P<label>\s*(?:[-*+]\s+)?(?:bad|blameful|blaming|blame|wrong|poor|not|before|bad framing|bad example|"
    r"blameful version|anti-pattern|antipattern)(?:\s+\w+)?\s*:\s*)(?P<quote>[\"“„«‘'][^\n]*)\Z",
    re.IGNORECASE,
)


def _unwrap_whole_quote(text: str) -> str:
    labelled = _LABELLED_EXAMPLE.match(text)
    if labelled:
        inner = _unwrap_whole_quote(labelled.group("quote"))
        if inner != labelled.group("quote"):
            return labelled.group("label") + inner
    match = _WHOLE_QUOTE.match(text)
    if not match or match.group(3) not in _CLOSING[match.group(1)] or any(q in match.group("inner") for q in "\"“”"):
        return text
    start, end = match.span(1)[0], match.span(3)[0]
    return text[:start] + " " + text[start + 1 : end] + " " + text[end + 1 :]


def mask_quoted(text: str) -> str:
    text = _unwrap_whole_quote(text)
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
    kept = [match.span(1) for match in _QUOTED_TERM.finditer(current)]
    for pattern in _QUOTES:
        for match in pattern.finditer(current):
            blank(match.start(), match.end())
        current = "".join(chars)
    for start, end in kept:
        chars[start:end] = text[start:end]
    return "".join(chars)


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
