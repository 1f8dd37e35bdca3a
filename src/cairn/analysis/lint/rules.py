"""The rule set. Each rule says what it flags, why it matters, what to write
instead, and carries examples of what it flags and what it deliberately
does not (the documentation and the tests are built from them)."""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from functools import lru_cache

from cairn.analysis.lint.config import LintConfig
from cairn.analysis.lint.findings import CATEGORIES
from cairn.analysis.lint.text import LOOKBACK, LintText

_ADVERB = (
    r"(?:[^\S\n]+(?:accidentally|apparently|clearly|obviously|just|simply|then|also|again|carelessly|mistakenly|somehow|"
    r"completely|totally|basically|probably|unfortunately|unknowingly))?"
)
_ARTIFACT = (
    r"(?:['’]s[^\S\n]+(?:\w+[^\S\n]+)?(?:change|commit|deploy|deployment|pr|pull request|script|config|configuration|query|"
    r"migration|command|typo|patch|push|release|code|merge|rollout|edit))?"
)
_ROLE = (
    r"(?i:\b(?:the|our|an?|that|this|one|some)[^\S\n]+(?:(?:new|junior|senior|on-?call|oncall|responding|primary|secondary|"
    r"backup|night[- ]shift|release|lead|same|database|db|security|network|platform|systems?|infrastructure|infra|site reliability|build|support|storage|devops|ops|frontend|backend)[^\S\n]+)*(?:engineer|developer|dev|operator|admin|administrator|sre|dba|"
    r"intern|contractor|hire|person|guy|team member|responder|on-?call|tester|reviewer|manager|employee|"
    r"ops team|ops guy|qa)s?\b(?![\w-]|[^\S\n]+(?:panel|console|page|ui|tool|tools|api|portal|rights|access|interface|"
    r"dashboard|mode|user|password|credentials|account|guide|docs|rotation|schedule|channel|handbook|runbook)\b))"
)
_BLAME_VERB = (
    r"(?:broke(?!(?:[^\S\n]+\w+){1,3}[^\S\n]+into\b)|breaks|caused|causes|took down|takes down|brought down|messed up|screwed up|botched|borked|nuked|"
    r"wrecked|forgot|ignored|overlooked|missed|skipped|neglected|fat-?fingered|failed to|failed(?![^\S\n]+over\b)|"
    r"corrupted|wiped|took out|knocked over|overloaded|leaked|crashed|"
    r"exposed(?:[^\S\n]+(?:the|a|an|our|their))?(?:[^\S\n]+\w+)?[^\S\n]+(?:data|secrets?|credentials|keys?|tokens?|passwords?|pii)\b|"
    r"made (?:a|an|the) (?:mistake|error|blunder|typo)|introduced (?:the|a) (?:bug|regression|outage|error)|"
    r"(?:pushed|deployed|merged|shipped|applied|ran) (?:a |the |an )?(?:bad|broken|buggy|wrong|faulty|untested)|"
    r"deleted the wrong|dropped the wrong|is to blame|was to blame|(?:is|was) responsible for (?:the|this) "
    r"(?:outage|incident|failure|breakage|mess)|should have|should['’]ve|should(?:n['’]t| not| never) have|ought to have|"
    r"did(?:n['’]t| not) (?:bother|check|test|read|follow|notice|listen)|could have (?:prevented|avoided|caught))"
)
# A past participle follows "should have" in hindsight ("should have checked"), not a noun ("should have alerts").
_PARTICIPLE = (
    r"(?:been|[\w-]+(?:ed|en|wn|ne|ught|ept|ent|elt|ilt|ade|ot|ung|id|lt)\b|caught|known|seen|done|run|put|set|made|had|hit|"
    r"cut|read|let|quit|spotted|stopped|noticed)"
)
_LOADED_WORDS = (
    "careless", "carelessly", "carelessness", "sloppy", "sloppily", "sloppiness", "stupid", "stupidly", "stupidity",
    "negligent", "negligently", "negligence", "incompetent", "incompetence", "lazy", "lazily", "laziness",
    "reckless", "recklessly", "recklessness", "ridiculous", "ridiculously", "idiot", "idiots", "idiotic", "dumb",
    "foolish", "foolishly", "irresponsible", "irresponsibly", "inexcusable", "clueless", "brain-dead", "braindead",
    "amateurish", "unprofessional", "moron", "moronic", "morons", "dimwitted", "boneheaded", "half-assed",
)
# Capitalised words that are names, log levels, SQL or markers ("TODO" included),
# never shouting: a run of them is not flagged.
_ACRONYMS = {
    "UUID", "OAUTH", "ASAP", "NOTE", "TODO", "FIXME", "README", "AUTH", "IOPS", "QUEUE", "ALERT", "ERROR", "INFO",
    "DEBUG", "FATAL", "TRACE", "WARNING", "CRITICAL", "NOTICE", "EMERG", "PANIC", "OKTA", "AURORA", "AZURE", "ELASTIC",
    "NGINX", "REDIS", "MYSQL", "ORACLE", "UNIX", "LINUX", "POSIX", "IEEE", "CAIRN", "UTC", "CEST", "AEDT", "PAGE",
    "PAGES", "VIDEO", "AUDIO", "IDLE", "OPEN", "CLOSED", "RESOLVED", "MITIGATED", "GOAWAY", "DELETE", "UPDATE",
    "INSERT", "SELECT", "WHERE", "TABLE", "INDEX", "VACUUM", "ANALYZE", "ALTER", "CREATE", "QUOTA", "AUTO",
}


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
    meta_aware: bool = True
    # Derived rules run after the others and see their hits as (category, start, end).
    derive: Callable[[LintText, LintConfig, list[tuple[str, int, int]]], Iterator[Hit]] | None = None
    # (sentence, excerpt) -> the sentence reworded, or None where no safe rewording exists.
    rewrite: Callable[[str, str], str | None] | None = None


def _drop_word(sentence: str, excerpt: str) -> str | None:
    """'The config was obviously wrong.' -> 'The config was wrong.'"""
    words = {"obviously", "just", "simply", "merely"}
    out = re.sub(r"[^\S\n]*\b(?:" + "|".join(words) + r")\b,?", "", sentence, count=1, flags=re.IGNORECASE).strip()
    return out[0].upper() + out[1:] if out and out != sentence else None


def _calm_punctuation(sentence: str, _excerpt: str) -> str | None:
    out = re.sub(r"(?:!{2,}|\?+!|!\?+)[!?]*", lambda m: "?" if "?" in m.group() else ".", sentence)
    return out if out != sentence else None


def _lower_shouting(sentence: str, excerpt: str) -> str | None:
    lowered = sentence.replace(excerpt, excerpt.lower())
    lowered = lowered[0].upper() + lowered[1:] if lowered else lowered
    return lowered if lowered != sentence else None


def _ask_what(_sentence: str, _excerpt: str) -> str:
    return "What allowed this to happen, and what made it hard to notice?"


def _ask_system(sentence: str, excerpt: str) -> str | None:
    return "What in the system allowed this action, and what would have made it safe?"


def _regex_finder(build: Callable[[LintConfig], re.Pattern[str]], *, question_only: bool = False):
    def find(text: LintText, config: LintConfig) -> Iterator[Hit]:
        for match in build(config).finditer(text.masked):
            start, end = match.span("hit") if "hit" in match.re.groupindex and match.group("hit") else match.span()
            if question_only and not text.is_question(start):
                continue
            yield Hit(start, end)

    return find


def _static(pattern: str, flags: int = re.IGNORECASE) -> Callable[[LintConfig], re.Pattern[str]]:
    compiled = re.compile(pattern, flags)
    return lambda _config: compiled


@lru_cache(maxsize=64)
def _people_pattern(people: tuple[str, ...]) -> str:
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
    alternatives = handles + ([rf"\b(?:{'|'.join(sorted(set(names), key=len, reverse=True))})\b"] if names else [])
    return "(?:" + "|".join(alternatives) + ")"


@lru_cache(maxsize=64)
def _person_cause(people: tuple[str, ...]) -> re.Pattern[str]:
    subject = f"(?:{_people_pattern(people)}|{_ROLE})"
    # Names are matched case-sensitively ("Will", not "will"); the verbs in any case.
    return re.compile(rf"(?P<hit>{subject}{_ARTIFACT}{_ADVERB}[^\S\n]+(?i:{_BLAME_VERB}))")


@lru_cache(maxsize=64)
def _person_fault(people: tuple[str, ...]) -> re.Pattern[str]:
    person = f"(?:{_people_pattern(people)}|{_ROLE})"
    fault = r"(?i:mistake|error|fault|screw-?up|blunder|carelessness|negligence|oversight|slip-?up|typo|fumble)"
    artifact = r"(?:['’]s[^\S\n]+(?:\w+[^\S\n]+)?(?i:change|commit|deploy|deployment|pr|pull request|script|config|configuration|query|migration|command|typo|patch|push|release|code|merge|rollout|edit|handling))"
    cause_noun = r"(?i:cause|reason|trigger|root cause|culprit|problem|source)"
    return re.compile(
        rf"(?P<hit>{person}['’]s[^\S\n]+(?:\w+[^\S\n]+)?{fault}"
        rf"|(?i:\b(?:due to|because of|caused by|triggered by|started by|broken by|introduced by|blame[sd]?(?: on)?|blaming)[^\S\n]+){person}"
        rf"|(?i:\bthanks to[^\S\n]+){person}{artifact}"
        rf"|{person}{artifact}?[^\S\n]+(?i:is|was)[^\S\n]+(?i:the|a)[^\S\n]+(?:\w+[^\S\n]+)?{cause_noun}\b"
        rf"|{person}[^\S\n]+(?i:is|was)[^\S\n]+(?i:responsible|accountable|to blame|at fault)\b"
        rf"|(?i:\b(?:is|was)[^\S\n]+on[^\S\n]+){person}(?=[^\S\n]*[.!;]|[^\S\n]*$)"
        rf"|(?i:\b(?:root|cause|culprit|source)[^\S\n]+of[^\S\n]+(?:this|the)[^\S\n]+\w+[^\S\n]+(?:is|was)[^\S\n]+){person}"
        rf"|(?i:\bblame\b(?:[^\S\n]+\w+){{0,6}}[^\S\n]+(?:lies|rests|falls|sits)[^\S\n]+(?:with|on)[^\S\n]+){person}"
        rf"|(?i:\b(?:was|is)[^\S\n]+it[^\S\n]+){person}(?i:[^\S\n]+who)\b)"
    )


@lru_cache(maxsize=64)
def _failed_to(people: tuple[str, ...]) -> re.Pattern[str]:
    subject = (
        rf"(?:{_people_pattern(people)}|{_ROLE}|(?i:\b(?:he|she|they|we|you|someone|somebody|nobody|no one|"
        rf"everyone|who|(?:the|our|that)[^\S\n]+(?:\w+[^\S\n]+)?team)\b))"
    )
    return re.compile(
        rf"(?:{subject}[^\S\n]+(?:\w+[^\S\n]+)?(?i:failed[^\S\n]+to)\b"
        r"|(?i:\bneglect(?:ed|s)?[^\S\n]+to\b|\bfailure[^\S\n]+to[^\S\n]+(?:follow|check|read|test|verify|notice|review|escalate|"
        r"communicate|update|monitor|respond|act|renew|apply)\b))"
    )


_BAD_OUTCOME = re.compile(
    r"\b(?:down|outage|broke|broken|break|fail\w*|lost|loss|corrupt\w*|errors?|incident|dark|crash\w*|5\d\d|"
    r"unavailable|happened|went wrong|data loss|leak\w*|exposed)\b",
    re.IGNORECASE,
)


_RECOVERY = re.compile(
    r"\b(?:stopped|recovered|resolved|fixed|restored|improved|back to normal|came back|dropped|fell|decreased|cleared|"
    r"normali[sz]ed|returned|subsided)\b",
    re.IGNORECASE,
)


def _person_because(text: LintText, config: LintConfig) -> Iterator[Hit]:
    """'... went down because @will ran the migration': a person as the cause of a bad outcome."""
    pattern = re.compile(rf"(?i:\bbecause[^\S\n]+)(?P<hit>{_people_pattern(config.people)}|{_ROLE})(?!['’]s\b)")
    for match in pattern.finditer(text.masked):
        sentence = text.sentence_at(match.start())
        before = text.masked[max(sentence.start, match.start() - LOOKBACK) : match.start()]
        if _BAD_OUTCOME.search(before) and not _RECOVERY.search(before):
            yield Hit(*match.span("hit"))


def _person_judged(text: LintText, config: LintConfig, hits: list[tuple[str, int, int]]) -> Iterator[Hit]:
    """A named person or role in the same sentence as hindsight, judgement or 'human error'."""
    pattern = re.compile(rf"{_people_pattern(config.people)}|{_ROLE}")
    seen_sentences = {text.sentence_at(start).start for category, start, _end in hits if category == "person"}
    for category, start, _end in hits:
        if category not in ("counterfactual", "judgement", "human-error"):
            continue
        sentence = text.sentence_at(start)
        if sentence.start in seen_sentences:
            continue
        match = pattern.search(text.masked, sentence.start, sentence.end)
        if match:
            seen_sentences.add(sentence.start)
            yield Hit(*match.span())


@lru_cache(maxsize=16)
def _loaded(extra: tuple[str, ...]) -> re.Pattern[str]:
    words = sorted(set(_LOADED_WORDS) | {w.lower() for w in extra}, key=len, reverse=True)
    # "lazy loading" and friends are engineering terms, not judgements.
    technical = r"(?<!\blazy)(?<!\blazily)|(?:(?<=\blazy)|(?<=\blazily))(?![- ](?:load|init|eval|import|iterat|fetch|instantiat|evaluat|propert|static|val\b|seq))"
    return re.compile(r"\b(?:" + "|".join(re.escape(w) for w in words) + rf")\b(?:{technical})", re.IGNORECASE)


def _shouting(text: LintText, _config: LintConfig) -> Iterator[Hit]:
    token = re.compile(r"\b[A-Z]{2,}(?:['’][A-Z]+)?\b")
    # A capitalised word used more than once in a text is a term (TOAST, OAUTH), not shouting.
    counts: dict[str, int] = {}
    for match in token.finditer(text.masked):
        counts[match.group()] = counts.get(match.group(), 0) + 1
    runs: list[list[re.Match[str]]] = []
    for match in token.finditer(text.masked):
        before, after = text.masked[match.start() - 1 : match.start()], text.masked[match.end() : match.end() + 1]
        if "/" in (before, after) or "_" in (before, after):
            continue  # part of a path or an identifier
        if runs and not text.masked[runs[-1][-1].end() : match.start()].strip(" ,.!?-:;"):
            runs[-1].append(match)
        else:
            runs.append([match])
    for run in runs:
        words = [
            m.group() for m in run
            if m.group().replace("’", "'").split("'")[0] not in _ACRONYMS and counts[m.group()] == 1
        ]
        letters = sum(len(w) for w in words)
        vowels = sum(sum(ch in "AEIOU" for ch in w) for w in words)
        shouty_single = any(len(w) >= 5 and sum(ch in "AEIOU" for ch in w) >= 2 for w in words)
        if (len(words) >= 3 and letters >= 8) or (len(words) == 2 and letters >= 8 and vowels >= 3) or shouty_single:
            yield Hit(run[0].start(), run[-1].end())


PERSON_SUGGESTION = (
    "Describe the action and the conditions around it instead of the person: what made this action possible "
    "and reasonable at the time? For example: 'The deploy removed the index; nothing in the pipeline checks for that.'"
)

RULES: tuple[Rule, ...] = (
    Rule(
        "person.cause", "person", "A person or role as the cause",
        "Naming a person as the cause invites defence instead of candour, and hides the conditions that made the "
        "action look right at the time. The same person in the same system would do it again.",
        PERSON_SUGGESTION,
        flags=("Alice broke the deploy.", "The on-call engineer caused the outage.", "@bob's change took down checkout.",
               "Will forgot to renew the certificate."),
        passes=("Alice restarted db-2.", "The build will break if the cache is cold.", "Bob rolled back the release.",
                "Bob wrote in chat: \"I broke it\"."),
        find=_regex_finder(lambda c: _person_cause(c.people)),
        negatable=True,
    ),
    Rule(
        "person.fault", "person", "Fault attributed to a person",
        "'Due to Dana' or 'Priya's mistake' ends the inquiry at a person. Ask what allowed the action instead.",
        PERSON_SUGGESTION,
        flags=("The outage was due to Dana.", "It was Priya's mistake.", "We traced it back to the intern's typo.",
               "Everyone blamed the contractor."),
        passes=("The outage was due to a full disk.", "Thanks to Chen the rollback was quick.",
                "Dana's dashboard showed the spike first."),
        find=_regex_finder(lambda c: _person_fault(c.people)),
    ),
    Rule(
        "person.because", "person", "A person as the reason for a bad outcome",
        "'Checkout went down because @will ran the migration' makes a person the explanation; the explanation "
        "that helps is what let the migration reach production.",
        PERSON_SUGGESTION,
        flags=("Everything went down because @will ran the migration.", "The outage happened because the new hire pushed to main."),
        passes=("The errors stopped because Alice restarted the pod.", "The outage began after Alice joined the call."),
        find=_person_because,
    ),
    Rule(
        "person.judged", "person", "A person judged",
        "Hindsight, judgement or 'human error' next to a person's name puts that person on trial.",
        PERSON_SUGGESTION,
        flags=("Mark was reckless to run the delete.", "Root cause: human error by Mark.",
               "If only Chen had read the alert."),
        passes=("Chen restarted the pod; nobody was careless.",),
        find=lambda _text, _config: iter(()),
        derive=_person_judged,
        negatable=False,
    ),
    Rule(
        "counterfactual.should-have", "counterfactual", "Should have",
        "'Should have' judges the past with knowledge nobody had at the time (hindsight). It says what did not "
        "happen instead of explaining what did.",
        "Say what happened and why it made sense then; put what should change into an action item: "
        "'The runbook did not mention the replica; add it.'",
        flags=("Alice should have checked the dashboard.", "The canary should have caught this.",
               "We shouldn't have deployed on a Friday."),
        passes=("This is not about what anyone should have done.", "Bob wrote: \"I should have double-checked\".",
                "Every migration should have a rollback plan.", "We should have alerts on replication lag."),
        find=_regex_finder(_static(r"\bshould(?:[^\S\n]+not|[^\S\n]+never|n['’]t)?(?:[^\S\n]+(?:simply|just|really|probably|definitely|obviously|clearly|also|at least))?[^\S\n]+have\b"
            rf"(?=[^\S\n]+(?:\w+ly[^\S\n]+)?{_PARTICIPLE})"
            r"|\bshould['’]ve\b|\bought[^\S\n]+(?:not[^\S\n]+|never[^\S\n]+)?to[^\S\n]+have\b")),
    ),
    Rule(
        "counterfactual.could-have", "counterfactual", "Could have prevented",
        "Imagined alternatives ('could have prevented') are hindsight; they are cheap after the fact and ignore "
        "why the path taken looked reasonable.",
        "Record the gap as a contributing factor and the fix as an action item: 'No alert covers pool saturation.'",
        flags=("A second review could have prevented this.", "A canary would have caught the bug.",
               "Alice could easily have spotted the error."),
        passes=("Things could have been worse.", "Nothing could have been done faster.",
                "Action item: alert on error spikes. This would have detected the issue in minutes."),
        find=_regex_finder(_static(
            r"(?:\b(?:could|might)|(?<!\bthis )(?<!\bthat )(?<!\bwhich )(?<!\bit )\bwould)"
            r"(?:[^\S\n]+(?:easily|probably|certainly|surely))?[^\S\n]+have[^\S\n]+(?:been[^\S\n]+)?"
            r"(?:prevented|avoided|caught|stopped|known|noticed|seen|spotted|detected|predicted|foreseen|fixed|averted)\b"
        )),
    ),
    Rule(
        "counterfactual.failed-to", "counterfactual", "Failed to / neglected to",
        "'Failed to' and 'neglected to' turn something that did not happen into a personal failing.",
        "Say what happened ('the step was skipped') and what made it easy to skip.",
        flags=("He failed to follow the runbook.", "The team neglected to update the config.",
               "The reviewer failed to notice the typo.", "Their failure to escalate made it worse.",
               "Bob failed to apply the patch."),
        passes=("The health check failed to detect the stale replica.", "The job failed to start."),
        find=_regex_finder(lambda c: _failed_to(c.people)),
    ),
    Rule(
        "counterfactual.didnt-bother", "counterfactual", "Didn't bother",
        "'Didn't bother' ascribes a motive (indifference) that the facts rarely show.",
        "Describe what was done and what competed for attention at the time.",
        flags=("Nobody bothered to check. They didn't bother to read the alert.", "He did not even bother to test it."),
        passes=("The migration ran without bothering any users.",),
        find=_regex_finder(_static(r"\bdid(?:n['’]t| not)[^\S\n]+(?:even[^\S\n]+)?bother\b|\bnever bothered\b|\bnobody bothered\b"), ),
        negatable=False,
    ),
    Rule(
        "counterfactual.if-only", "counterfactual", "If only / missed the obvious / had they",
        "'If only' and 'missed the obvious' replay the incident with hindsight; what is obvious now was not then.",
        "Ask what made the signal hard to see at the time, and record that.",
        flags=("If only Bob had looked at the logs.", "The responders missed the obvious cause.",
               "Had they checked the config, none of this would have happened."),
        passes=("We missed the deadline for the report by a day.",),
        find=_regex_finder(_static(
            r"\bif only\b|\bmissed[^\S\n]+(?:the|an?|something|what was)[^\S\n]+(?:really[^\S\n]+)?(?:obvious|clear)\b|\bmissed the obvious\b"
            r"|(?:^|[.;,][^\S\n]*|\b)had[^\S\n]+(?:they|he|she|we|you|someone|anyone|the team)[^\S\n]+(?:only[^\S\n]+)?(?:checked|looked|read|tested|followed|noticed|asked|waited|listened)\b"
        )),
        negatable=False,
    ),
    Rule(
        "judgement.loaded-word", "judgement", "Loaded word",
        "Words such as careless, sloppy or negligent judge a person; they add heat, not information, and make the "
        "next person hide their mistakes.",
        "Remove the judgement and state the observable fact: what was done, and what was known at the time.",
        flags=("It was a careless change.", "The rollout was reckless.", "Honestly, a sloppy deploy.",
               "That was an idiotic config."),
        passes=("Nobody was careless here.", "We avoid words like careless and sloppy in reviews.",
                "The lazy-loaded extension was served from the CDN."),
        find=_regex_finder(lambda c: _loaded(c.extra_words)),
    ),
    Rule(
        "judgement.obviously", "judgement", "Obviously",
        "'Obviously' claims that something was clear; if it had been, the incident would not have happened.",
        "Drop the word, or explain what made it hard to see.",
        flags=("The config was obviously wrong.", "Obviously nobody tested this."),
        passes=("Bob said \"obviously\" in the channel.",),
        rewrite=_drop_word,
        find=_regex_finder(_static(r"\bobviously\b")),
    ),
    Rule(
        "judgement.minimising", "judgement", "Minimising 'just' or 'simply'",
        "'He just had to run one command' makes the step sound trivial and the person look inept; it hides why "
        "the step was hard in the moment.",
        "Drop 'just'/'simply' and say what made the step easy to miss.",
        flags=("He just had to run one command.", "They should simply have checked.", "All she had to do was read the alert."),
        passes=("The alert fired just after the deploy.", "The fix was simply a config change."),
        rewrite=_drop_word,
        find=_regex_finder(_static(
            r"\b(?:should|could|would|only)[^\S\n]+(?:have[^\S\n]+)?(?:just|simply|merely)\b"
            r"|\b(?:just|simply|merely)[^\S\n]+(?:had to|needed to|has to|have to|need to|needs to|forgot|ignored|didn['’]t|"
            r"did not|failed|skipped|neglected)\b|\ball[^\S\n]+(?:he|she|they|you|we|[A-Z]\w+)[^\S\n]+(?:had|needed)[^\S\n]+to[^\S\n]+do[^\S\n]+was\b"
            r"|\byou[^\S\n]+(?:just|simply|merely)[^\S\n]+\w+"
        )),
    ),
    Rule(
        "human-error.conclusion", "human-error", "Human error as a conclusion",
        "'Human error' is where an inquiry should start, not where it ends: people act sensibly given what they "
        "see, and the system shaped what they saw and could do.",
        "Ask what in the system allowed the action (no confirmation, confusing tool, time pressure) and record "
        "those as contributing factors.",
        flags=("Root cause: human error.", "This was caused by operator error.", "Classic user mistake.",
               "The engineer fat-fingered the command."),
        passes=("It was not human error; the tool allowed a destructive command.", "The user error rate doubled."),
        rewrite=_ask_system,
        find=_regex_finder(_static(
            r"\b(?:human|operator|user|pilot|engineer|engineering|developer|manual|personnel|people)[^\S\n]+"
            r"(?:error|mistake|failure|slip)s?\b(?![^\S\n]+(?:rate|rates|budget|count|counts|metric|metrics|page|pages|code|"
            r"codes|message|messages|response|responses|handling))|\bPEBKAC\b|\bPEBCAK\b|\bfat[- ]?finger(?:ed|ing|s)?\b|\blayer 8\b"
        )),
    ),
    Rule(
        "who-question.culprit", "who-question", "Who-question",
        "'Who did this?' looks for a culprit and stops once one is found; the useful questions look for "
        "conditions.",
        "Ask 'What allowed this to happen?' or 'What made this hard to notice?'",
        flags=("Who did this?", "Who approved this change?", "Which engineer ran the delete?",
               "Who is responsible for the outage?", "Seriously, who deployed this?!"),
        passes=("The engineer who approved the change joined the review.", "Who was on call was clear from the schedule.",
                "Who is on call this week?", "Who was paged, and when?", "Which team should own the renewal?"),
        rewrite=_ask_what,
        find=_regex_finder(
            _static(
                r"\bwho[^\S\n]+(?:(?:really|actually|exactly|else|here|of you)[^\S\n]+)?(?:did|broke|break|caused|cause|"
                r"approved|approve|deployed|deploy|pushed|push|merged|merge|ran|changed|change|wrote|made|forgot|missed|"
                r"ignored|touched|messed|screwed|dropped|deleted|let|turned off|disabled|skipped|signed off|shipped|"
                r"introduced|allowed|decided|failed|should have|was supposed|is supposed|is going to own|will own up|"
                r"(?:is|was) (?:responsible|accountable|to blame|at fault)|do we (?:blame|hold))\b"
                r"|\bwhose[^\S\n]+(?:\w+[^\S\n]+)?(?:fault|mistake|error|change|idea|responsibility|decision|call|job|commit|"
                r"deploy|code|script|push|config)\b"
                r"|\bwhich[^\S\n]+(?:of[^\S\n]+(?:you|us)|(?:\w+[^\S\n]+)?(?:engineer|person|team|developer|dev|admin|"
                r"responder|operator)s?)[^\S\n]+(?:\w+[^\S\n]+)?(?:did|broke|caused|approved|deployed|pushed|merged|ran|"
                r"changed|wrote|made|forgot|missed|ignored|touched|deleted|dropped|let|skipped|shipped|introduced)\b"
            ),
            question_only=True,
        ),
    ),
    Rule(
        "who-question.whose-fault", "who-question", "Whose fault",
        "Asking whose fault it was assumes a single culprit exists.",
        "Ask 'What allowed this to happen?' or 'What made this hard to notice?'",
        flags=("Whose fault was it?", "Let's find out whose mistake this was.", "We need to know who is to blame."),
        passes=("Whose dashboard should we use for latency?",),
        rewrite=_ask_what,
        find=_regex_finder(_static(
            r"\bwhose[^\S\n]+(?:fault|mistake|error|blunder|screw-?up)\b|\bwho(?:['’]s| is| was)[^\S\n]+(?:to blame|at fault)\b"
            r"|\bwho[^\S\n]+(?:do|should|can)[^\S\n]+we[^\S\n]+blame\b"
        )),
        negatable=False,
    ),
    Rule(
        "animated.exclamation", "animated", "Exclamation runs",
        "Runs of '!!' or '?!' read as anger or panic and pull the review away from facts.",
        "Use one full stop and let the numbers carry the weight.",
        flags=("The database went down again!!", "Why was this deployed?!"),
        passes=("The alert fired at 14:05!", "Slack: \"why?!\""),
        rewrite=_calm_punctuation,
        find=_regex_finder(_static(r"(?:!{2,}|\?+!|!\?+)[!?]*")),
        negatable=False,
        meta_aware=False,
    ),
    Rule(
        "animated.sarcasm", "animated", "Sarcasm",
        "Sarcasm ('great job /s', 'genius move') is blame in disguise and silences the people it is aimed at.",
        "Say plainly what happened and what it cost.",
        flags=("Great job, team /s", "Yeah right, like that was going to work.", "Genius move to deploy at 5 pm."),
        passes=("Great job by the on-call team on a fast rollback.",),
        find=_regex_finder(_static(
            r"(?<![\w/])/s\b|\byeah,? right\b|\boh,? (?:great|wonderful|perfect|fantastic|brilliant|joy)\b"
            r"|\b(?:genius|brilliant|great|smart) (?:move|idea|decision|plan)\b|\bwhat a surprise\b"
            r"|\bsurprise,? surprise\b|\bthanks a lot\b|\bnice going\b|\bwho could have guessed\b|\bwho knew\b"
        )),
        negatable=False,
    ),
    Rule(
        "animated.shouting", "animated", "All-caps shouting",
        "Words in capitals read as shouting. Acronyms such as DNS, HTTP or SEV1 are not flagged.",
        "Write the words in normal case; use bold for the one fact that matters.",
        flags=("THIS SHOULD NEVER HAPPEN AGAIN.", "NEVER deploy on Fridays."),
        passes=("DNS TTL was 300 s for the API gateway.", "The SEV1 OOM kill hit the AWS EU region.",
                "TOAST tables grew; the TOAST OID counter wrapped."),
        rewrite=_lower_shouting,
        find=_shouting,
        negatable=False,
        meta_aware=False,
    ),
)

RULES_BY_ID = {rule.id: rule for rule in RULES}
assert all(rule.category in CATEGORIES for rule in RULES)


def known_rule_or_category(name: str) -> bool:
    return name in RULES_BY_ID or name in CATEGORIES
