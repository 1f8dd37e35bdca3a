"""What every rule is built from: the rule record, its hits, the finders
that turn a regular expression into hits, and the patterns for people
(names, handles, roles) that several families share."""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from functools import lru_cache

from cairn.analysis.lint.config import LintConfig
from cairn.analysis.lint.names import GIVEN_NAMES
from cairn.analysis.lint.text import LintText

ROLE = (
    r"(?i:\b(?:the|our|an?|that|this|one|some|its|their|his|her|my|your|both|two|several)[^\S\n]+(?:(?!(?:user|customer|client)\b)[\w-]+[^\S\n]+(?=(?:[\w-]+[^\S\n]+)?(?:engineer|developer|operator|admin|technician|sysadmin|intern|contractor|nurse|pilot|driver|doctor|worker|employee|person|responder|analyst|manager|reviewer|supervisor)))?(?:(?:new|junior|senior|on-?call|oncall|responding|primary|secondary|"
    r"backup|night[- ]shift|release|lead|same|database|db|security|network|platform|systems?|infrastructure|infra|site reliability|build|support|storage|devops|ops|frontend|backend)[^\S\n]+)*(?:engineer|developer|dev|operator|admin|administrator|sre|dba|"
    r"intern|contractor|hire|person|guy|team member|responder|on-?call|tester|reviewer|manager|employee|technician|sysadmin|"
    r"analyst|staffer|worker|coworker|co-worker|colleague|pilot|captain|co-?pilot|first officer|nurse|doctor|physician|\w*surgeon|"
    r"pharmacist|paramedic|anaesthetist|anesthetist|anesthesiologist|dispatcher|signaller|signalman|electrician|mechanic|foreman|"
    r"supervisor|inspector|programmer|coder|author|committer|maintainer|boss|director|"
    r"driver|clerk|trader|"
    r"ops team|ops guy|qa)s?\b(?![\w-]|[^\S\n]+(?:panel|console|page|ui|tool|tools|api|portal|rights|access|interface|"
    r"dashboard|mode|user|password|credentials|account|guide|docs|rotation|schedule|channel|handbook|runbook)\b))"
    # a headline or a note without articles: "On-call engineer missed alert", "DBA ran migration"
    r"|(?=[A-Z])(?:^|(?<=^\s)|(?<=[.!?:]\s)|(?<=^[-*+]\s))(?:On-?call(?:[^\S\n]+engineer)?|Oncall|Engineer|Developer|Dev|DBA|SRE|Operator|Admin|Sysadmin|"
    r"Intern|Contractor|Technician)(?![\w-])(?![^\S\n]+(?:error|mistake|failure|fault)s?\b)"
)

@dataclass(frozen=True)
class Hit:
    start: int
    end: int


@dataclass(frozen=True)
class Rule:
    id: str
    category: str
    title: str
    explanation: str
    suggestion: str
    flags: tuple[str, ...]
    passes: tuple[str, ...]
    find: Callable[[LintText, LintConfig], Iterator[Hit]]
    negatable: bool = True
    # A lapse the same sentence explains by the system ("missed the page because the phone was
    # on silent") is told blamelessly: quiet when such an explanation follows the hit.
    explained_ok: bool = False
    meta_aware: bool = True
    # Derived rules run after the others and see their hits as (category, start, end).
    derive: Callable[[LintText, LintConfig, list[tuple[str, int, int]]], Iterator[Hit]] | None = None
    # (sentence, excerpt) -> the sentence reworded, or None where no safe rewording exists.
    rewrite: Callable[[str, str], str | None] | None = None


def regex_finder(
    build: Callable[[LintConfig], re.Pattern[str]], *, question_only: bool = False, leading_ok: bool = False,
    trigger: str | None = None,
):
    """Hits of a pattern; with `question_only`, only in questions (or, with
    `leading_ok`, also where the sentence starts with the hit: "who approved
    this" is a question without its question mark).

    `trigger` names words without which the pattern cannot match: the pattern
    then runs only over the sentences that contain one. Patterns that start
    with a person (a long list of names) are costly at every position, and
    most sentences have none of their verbs."""
    cue = re.compile(trigger) if trigger else None  # searched in the lower-cased text: much faster than IGNORECASE

    def matches(text: LintText, pattern: re.Pattern[str]) -> Iterator[re.Match[str]]:
        if cue is None:
            yield from pattern.finditer(text.masked)
            return
        for start, end in text.sentences_with(cue):
            yield from pattern.finditer(text.masked, start, end)

    def find(text: LintText, config: LintConfig) -> Iterator[Hit]:
        for match in matches(text, build(config)):
            start, end = match.span("hit") if "hit" in match.re.groupindex and match.group("hit") else match.span()
            if question_only and not text.is_question(start) and not (leading_ok and text.starts_sentence(start)):
                continue
            yield Hit(start, end)

    return find


def static(pattern: str, flags: int = re.IGNORECASE) -> Callable[[LintConfig], re.Pattern[str]]:
    compiled = re.compile(pattern, flags)
    return lambda _config: compiled


@lru_cache(maxsize=64)
def people_pattern(people: tuple[str, ...]) -> str:
    names: list[str] = []
    handles = [
        r"(?<![\w.+-])@(?!(?:channel|here|everyone)\b)[A-Za-z0-9][\w-]*+(?:\.[\w-]++)*+",
        r"(?<![\w.+-])[a-z][\w.-]*+@(?![\w.-])",
    ]
    for person in people:
        person = person.strip().lstrip("@")
        if not person:
            continue
        if re.fullmatch(r"[\w.-]+", person) and person.islower():
            handles.append(rf"(?<![\w.+-]){re.escape(person)}@(?![\w.-])")
        names.append(re.escape(person[0].upper() + person[1:]) if person[0].isalpha() else re.escape(person))
    known = sorted(set(names) | set(GIVEN_NAMES), key=len, reverse=True)
    # A name is a whole word, not the start of a product ("Chen" yes, "Kim's" yes, "Kimchi" no).
    # The lookahead fails fast where no capital starts a word, before the long list is tried.
    alternatives = handles + [rf"\b(?=[A-Z])(?:{'|'.join(known)})\b(?![-.]\w)"]
    return "(?:" + "|".join(alternatives) + ")"




SPACE = r"[^\S\n]+"  # blanks within a line: no pattern runs across a line break
PRONOUN = r"(?i:\b(?:he|she|they|you|someone|somebody|anyone|anybody|nobody|no[- ]one|everyone|everybody)\b)"
GROUP = (
    r"(?i:\b(?:(?:the|our|that|this|your|their)[^\S\n]+(?:[\w-]+[^\S\n]+)?(?:team|teams|staff|crew|squad)"
    r"|engineers|developers|operators|admins|responders|on-?callers|sres|staff)\b)"
)
# Words after a person that mean credit, not blame: "thanks to Chen's quick rollback".
CREDIT = (
    r"(?i:[^\S\n]*(?:['’]s[^\S\n]+)?(?:\w+[^\S\n]+)?(?:quick|fast|prompt|swift|rapid|great|excellent|careful|diligent|"
    r"thorough|calm|clear|sharp|good|timely|early|help|work|effort|efforts|response|thinking|action|actions|attention|"
    r"investigation|vigilance|expertise|experience|knowledge|persistence|insight|catch|escalation)\b)"
)


@lru_cache(maxsize=64)
def subject_pattern(people: tuple[str, ...]) -> str:
    """Anyone who can act: a name or handle, a role, a pronoun, a team."""
    return f"(?:(?-i:{people_pattern(people)})|{ROLE}|{PRONOUN}|{GROUP})"
