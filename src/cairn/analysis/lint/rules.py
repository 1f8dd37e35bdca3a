"""The rule set. Each rule says what it flags, why it matters, what to write
instead, and carries examples of what it flags and what it deliberately
does not (the documentation and the tests are built from them)."""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from functools import lru_cache

from cairn.analysis.lint.base import (
    CREDIT, GROUP, PRONOUN, ROLE, SPACE, Hit, Rule, people_pattern, regex_finder, static, subject_pattern,
)
from cairn.analysis.lint.hindsight import HINDSIGHT_RULES
from cairn.analysis.lint.remedies import FIX_PERSON_RULES
from cairn.analysis.lint.rewrites import reword_blame, reword_counterfactual, reword_lapse
from cairn.analysis.lint.config import LintConfig
from cairn.analysis.lint.findings import CATEGORIES
from cairn.analysis.lint.text import LOOKBACK, LintText

_ADVERB = (
    r"(?:[^\S\n]+(?:accidentally|apparently|clearly|obviously|just|simply|then|also|again|carelessly|mistakenly|somehow|"
    r"completely|totally|basically|probably|unfortunately|unknowingly|knowingly|intentionally|deliberately|wil?lfully|purposely|"
    r"purposefully|repeatedly|still)(?:[^\S\n]+and[^\S\n]+\w+ly)?)?"
)
_ARTIFACT = (
    r"(?:['’]s[^\S\n]+(?:\w+[^\S\n]+)?(?:change|commit|deploy|deployment|pr|pull request|script|config|configuration|query|"
    r"migration|command|typo|patch|push|release|code|merge|rollout|edit))?"
)
_BLAME_VERB = (
    r"(?:broke(?!(?:[^\S\n]+\w+){1,3}[^\S\n]+into\b)|breaks|caused|causes|took down|takes down|brought down|messed up|screwed up|botched|borked|nuked|"
    r"wrecked|forgot|ignored|overlooked|missed|skipped|neglected|fat-?fingered|f[u*]+cked up|failed to|failed(?![^\S\n]+over\b)|"
    r"corrupted|wiped|took out|knocked over|overloaded|leaked|crashed|"
    r"exposed(?:[^\S\n]+(?:the|a|an|our|their))?(?:[^\S\n]+\w+)?[^\S\n]+(?:data|secrets?|credentials|keys?|tokens?|passwords?|pii)\b|"
    r"made (?:a|an|the) (?:mistake|error|blunder|typo)|introduced (?:the|a) (?:bug|regression|outage|error)|"
    r"(?:pushed|deployed|merged|shipped|applied|ran) (?:a |the |an )?(?:bad|broken|buggy|wrong|faulty|untested)|"
    r"deleted the wrong|dropped the wrong|is to blame|was to blame|did (?:this|it|that)\b|"
    r"(?:ran|deployed|pushed|merged|shipped|applied|changed|deleted|dropped|restarted|released|edited|modified)\b[^.;!?\n]{0,60}?"
    r"\bwithout[^\S\n]+(?:any[^\S\n]+|a[^\S\n]+|proper[^\S\n]+|prior[^\S\n]+)?(?:approval|review|testing|tests|backups?|permission|"
    r"telling|asking|checking|a ticket|sign-?off|authori[sz]ation)\b|(?:is|was) responsible for (?:the|this) "
    r"(?:outage|incident|failure|breakage|mess)|should have|should['’]ve|should(?:n['’]t| not| never) have|ought to have|"
    r"did(?:n['’]t| not) (?:bother|check|test|read|follow|notice|listen|verify|look|think|ask|review|escalate|wait|record|perceive|take action|act|respond|confirm|document|report|inform|tell|monitor|update|reinstall|install|configure|label|mark|use|apply|renew|back up|double-check|see|hear|catch|warn)\b|could have (?:prevented|avoided|caught)|"
    r"had(?:n['’]t| not) (?:yet )?(?:reinstalled|installed|updated|checked|tested|read|renewed|applied|configured|followed|verified|reviewed|"
    r"noticed|documented|recorded|labell?ed|backed up|told|informed|escalated)\b|"
    # the wrong target: "cut the wrong wire", "operated on the wrong side", "shut down the wrong host"
    r"[\w-]+(?:[^\S\n]+(?:down|out|off|up|on|in|into|to|against))?[^\S\n]+the[^\S\n]+wrong\b|"
    r"did (?:something|it|this|that|everything|things) wrong\b)"
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
    "culpable", "culpability", "inept", "ineptitude", "clumsy", "clumsily", "thoughtless", "thoughtlessly",
    "unqualified", "incompetently", "oblivious", "cowboy", "cowboys", "noob", "n00b", "dunce", "numpty", "muppet", "buffoon",
    "bozo", "imbecile", "brainless", "heedless", "inattentive", "complacent", "complacency", "arrogant", "arrogance",
    "dereliction", "unforgivable", "shameful", "disgraceful", "pathetic", "laughable", "cavalier",
    "slapdash", "amateurs", "bonehead", "dimwit", "fool", "fools", "overconfident", "shitty", "crappy",  # not shoddy, lax, haphazard: they describe work and configs
    "fuckup", "fuck-up", "fuckups", "screwup", "screw-up", "cock-up", "clusterfuck", "blunder", "blunders", "blundered",
    "underqualified", "nitwit", "nitwits", "halfwit", "dimwits", "hamfisted", "ham-fisted", "bumbling", "asshole", "assholes",
)
# Judgements that take more than a word.
_LOADED_PHRASES = (
    r"had one job|should (?:have )?know(?:n)? better|amateur hour|clown show|asleep at the (?:wheel|switch)|dropped the ball|"
    r"(?:took|take|taking) (?:their|his|her|your|our) eyes? off the ball|rookie (?:mistake|error|move)|gross negligence|"
    r"made (?:a|an|the) (?:bad|wrong|poor|terrible|dumb|stupid) (?:call|decision|choice|move)|got it (?:all )?wrong|lack(?:s|ed|ing)?[^\S\n]+(?:of[^\S\n]+)?(?:professionalism|competence|common[^\S\n]+sense|"
    r"judge?ment|discipline|diligence|skills?|maturity|care|attention)|(?:a|what[^\S\n]+an?)[^\S\n]+(?:massive|huge|big|total|complete|"
    r"colossal|monumental|epic|shocking|stupid)[^\S\n]+(?:screw[- ]?up|cock[- ]?up|f[u*]+ck[- ]?up|mistake|failure|mess)|darwin[^\S\n]+award|(?:poor|bad|terrible|questionable)[^\S\n]+(?:decision[- ]making|judge?ment)|(?:don['’]t|doesn['’]t|didn['’]t|do[^\S\n]+not)[^\S\n]+do[^\S\n]+(?:their|his|her|your)[^\S\n]+jobs?"
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


def _ask_situation(sentence: str, excerpt: str) -> str:
    """'Why didn't you check the logs?' -> 'What made checking the logs hard at the time?'"""
    match = re.match(
        r"(?i)\s*(?:why|how)\b.*?\b(?:you|he|she|they|anyone|nobody|no one|someone|team|engineer|on-?call\w*|[A-Z][a-z]+)"
        r"\s+(?:not\s+)?(?P<verb>[a-z]+)\s*(?P<rest>[^?!.]*)",
        sentence,
    )
    if match and match.group("verb").lower() not in {"thinking", "not", "possibly"}:
        verb = match.group("verb").lower()
        action = (verb[:-1] if verb.endswith("e") and not verb.endswith("ee") else verb) + "ing"
        rest = match.group("rest").strip()
        return f"What made {action}{' ' + rest if rest else ''} hard at the time, and what did the situation look like then?"
    return "What did the situation look like at the time, and what made the other course hard to take?"


def _ask_system(sentence: str, excerpt: str) -> str | None:
    return "What in the system allowed this action, and what would have made it safe?"


@lru_cache(maxsize=64)
def _person_cause(people: tuple[str, ...]) -> re.Pattern[str]:
    subject = f"(?:{people_pattern(people)}|{ROLE})"
    # Names are matched case-sensitively ("Will", not "will"); the verbs in any case.
    return re.compile(rf"(?P<hit>{subject}{_ARTIFACT}{_ADVERB}[^\S\n]+(?i:{_BLAME_VERB}))")


@lru_cache(maxsize=64)
def _person_fault(people: tuple[str, ...]) -> re.Pattern[str]:
    person = f"(?:{people_pattern(people)}|{ROLE})"
    fault = r"(?i:mistake|error|fault|screw-?up|blunder|carelessness|negligence|oversight|slip-?up|typo|fumble)"
    artifact = r"(?:['’]s[^\S\n]+(?:\w+[^\S\n]+)?(?i:change|commit|deploy|deployment|pr|pull request|script|config|configuration|query|migration|command|typo|patch|push|release|code|merge|rollout|edit))"
    cause_noun = r"(?i:cause|reason|trigger|root cause|culprit|problem|source)"
    return re.compile(
        # one scan for the person, then what follows it (a scan of the long name list per branch would cost 4x)
        rf"(?P<hit>{person}(?:['’]s[^\S\n]+(?:\w+[^\S\n]+)?{fault}"
        rf"|{artifact}?[^\S\n]+(?i:is|was)[^\S\n]+(?i:the|a)[^\S\n]+(?:\w+[^\S\n]+)?{cause_noun}\b"
        rf"|[^\S\n]+(?i:is|was)[^\S\n]+(?i:responsible|accountable|to blame|at fault)\b"
        rf"|(?:,?[^\S\n]+[^\s.;!?]+){{1,14}}?[^\S\n]+(?i:on|against|to|in|into|from)[^\S\n]+(?i:the)[^\S\n]+(?i:wrong)[^\S\n]+"
        rf"(?i:server|host|database|db|cluster|environment|machine|instance|region|branch|table|bucket|account|node|box|terminal|system)\b)"
        rf"|(?i:\b(?:due to|because of|caused by|triggered by|started by|broken by|introduced by|blame[sd]?(?: on)?|blaming|"
        rf"traced(?: back)? to|attributed to|pinned on|comes? down to|came down to|by the hands? of)[^\S\n]+(?:(?:a|one)[^\S\n]+single[^\S\n]+)?){person}(?!{CREDIT})"
        rf"|(?i:\bthanks to[^\S\n]+){person}{artifact}"
        rf"|(?i:\b(?:his|her|their|your|my)[^\S\n]+(?:own[^\S\n]+)?(?:fault|mistake|screw-?up|blunder|carelessness|negligence|oversight)\b)"
        rf"|(?i:\b(?:the[^\S\n]+)?(?:root[^\S\n]+cause|root[^\S\n]+of[^\S\n]+(?:the|this|our)[^\S\n]+(?:problem|issue|incident|outage)|culprit|(?:real|actual)[^\S\n]+(?:cause|problem))[^\S\n]*(?:[:—–]|[^\S\n]-|[^\S\n]+(?:is|was)))[^\S\n]*{person}"
        rf"|(?i:\b(?:is|was)[^\S\n]+on[^\S\n]+){person}(?=[^\S\n]*[.!;]|[^\S\n]*$)"
        rf"|(?i:\b(?:root|cause|culprit|source)[^\S\n]+of[^\S\n]+(?:this|the)[^\S\n]+\w+[^\S\n]+(?:is|was)[^\S\n]+){person}"
        rf"|(?i:\bblame\b(?:[^\S\n]+\w+){{0,6}}[^\S\n]+(?:lies|rests|falls|sits)[^\S\n]+(?:with|on)[^\S\n]+){person}"
        rf"|(?i:\b(?:was|is)[^\S\n]+it[^\S\n]+){person}(?i:[^\S\n]+who)\b"
        rf"|(?i:\b(?:pin|put|lay|place|laid|placed)(?:s|ned|ning|ting|ing)?[^\S\n]+(?:the[^\S\n]+)?blame\b[^.;\n]{{0,80}}?[^\S\n]on[^\S\n]+(?:an?|the|one|our|their)[^\S\n]+(?:single[^\S\n]+|lone[^\S\n]+)?\w+)"
        rf"|(?i:\bblamed[^\S\n]+on[^\S\n]+(?:an?[^\S\n]+|the[^\S\n]+)?(?:[\w-]+[^\S\n]+)?(?:contractor|worker|engineer|employee|technician|operator|staff|intern|admin|developer|pilot|nurse|driver)s?\b)"
        rf"|(?i:\b(?:someone|somebody|whoever|the[^\S\n]+person[^\S\n]+who\b[^.;\n]{{0,60}}?)[^\S\n]+(?:must|has[^\S\n]+to|needs[^\S\n]+to|should|will)[^\S\n]+be[^\S\n]+"
        rf"(?:held[^\S\n]+)?(?:responsible|accountable|blamed|punished|fired|disciplined)\b))"
    )


# "Failed to reproduce the bug" reports an investigation's difficulty, not a lapse.
_NOT_A_LAPSE = (
    r"(?![^\S\n]+(?i:reproduce|replicate|find|identify|determine|locate|pinpoint|isolate|connect|reach|get|obtain|load|"
    r"start|complete|resolve|restore|recover|access|understand|explain|establish)\b)"
)


@lru_cache(maxsize=64)
def _failed_to(people: tuple[str, ...]) -> re.Pattern[str]:
    subject = (
        rf"(?:{people_pattern(people)}|{ROLE}|(?i:\b(?:he|she|they|we|you|someone|somebody|nobody|no one|"
        rf"everyone|who|(?:the|our|that)[^\S\n]+(?:\w+[^\S\n]+)?team)\b))"
    )
    return re.compile(
        rf"(?:{subject}[^\S\n]+(?:\w+[^\S\n]+)?(?i:failed[^\S\n]+to)\b{_NOT_A_LAPSE}"
        r"|(?i:\bneglect(?:ed|s)?[^\S\n]+to\b|\bfailure[^\S\n]+(?:of|by)[^\S\n]+(?:the[^\S\n]+|an?[^\S\n]+)?(?:[\w-]+[^\S\n]+)?(?:crew|pilots?|operators?|engineers?|drivers?|nurses?|staff|"
        r"team|technicians?|employees?|controllers?|captain|doctors?|surgeons?|workers?|personnel|contractors?|admins?)[^\S\n]+to\b|\bfailure[^\S\n]+to[^\S\n]+(?:\w+ly[^\S\n]+)?(?:follow|check|read|test|verify|notice|review|escalate|"
        r"communicate|update|monitor|respond|act|renew|apply|anticipate|utili[sz]e|ensure|recogni[sz]e|identify|consider|heed|obey|"
        r"comply|adhere|brief|warn|report|plan|prepare|supervise|inform|double-check|confirm|listen|ask|wait)\b))"
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
    pattern = re.compile(rf"(?i:\bbecause[^\S\n]+)(?P<hit>{people_pattern(config.people)}|{ROLE})(?!['’]s\b)")
    for match in pattern.finditer(text.masked):
        sentence = text.sentence_at(match.start())
        before = text.masked[max(sentence.start, match.start() - LOOKBACK) : match.start()]
        if _BAD_OUTCOME.search(before) and not _RECOVERY.search(before):
            yield Hit(*match.span("hit"))


def _person_judged(text: LintText, config: LintConfig, hits: list[tuple[str, int, int]]) -> Iterator[Hit]:
    """A named person or role in the same sentence as hindsight, judgement or 'human error'."""
    pattern = re.compile(rf"{people_pattern(config.people)}|{ROLE}")
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
    return re.compile(r"\b(?:" + "|".join(re.escape(w) for w in words) + rf")\b(?:{technical})|\b(?:{_LOADED_PHRASES})\b", re.IGNORECASE)


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



# Slips told as what a person did: misreading, dozing off, a mistake made, a warning chosen away.
_SLIP = (
    r"(?:erred|misread(?:s|ing)?|mis(?:handl|judg|identif|label|interpret|configur|plac|calculat|us|click|select|enter|spell|manag|diagnos|"
    r"typ|count|measur|routed|dos|administ)(?:e|es|ed|ies|ied|ing|led|s)?|misunderstood|misunderstands|"
    r"overrode|overrides|overfilled|overdosed|fell[^\S\n]+asleep|falling[^\S\n]+asleep|(?:became|got)[^\S\n]+distracted|"
    r"lost[^\S\n]+control|(?:(?:has|have|had)[^\S\n]+)?(?:made|committed)[^\S\n]+(?:a|an|the|several|multiple|two|many|some|numerous)?[^\S\n]*(?:\w+[^\S\n]+){0,2}?(?:mistakes?|errors?|blunders?|typos?)|"
    r"(?:must|may|might|seem[s]?[^\S\n]+to|seemed[^\S\n]+to)[^\S\n]+have[^\S\n]+(?:broken|merged|pushed|deleted|dropped|deployed|introduced|"
    r"caused|committed|forgotten|missed|skipped|misread|overlooked)|"
    r"(?:chose|elected|decided|opted)[^\S\n]+(?:to[^\S\n]+(?:not|disregard|ignore|skip|bypass|override|circumvent)|not[^\S\n]+to[^\S\n]+"
    r"(?:follow|use|read|check|test|monitor|listen|report|wear|verify|confirm|perform))\b|"
    r"was[^\S\n]+slow[^\S\n]+to|"
    r"(?:cut|severed|dug[^\S\n]+through|tripped[^\S\n]+over|unplugged|yanked|kicked[^\S\n]+out)[^\S\n]+(?:a|an|the|another|two|several|some|through)?[^\S\n]*"
    r"(?:[\w-]+[^\S\n]+)?(?:cables?|lines?|fib(?:er|re)s?|wires?|cords?|plugs?|power|pipes?|mains?|conduits?)|"
    r"wiped[^\S\n]+out|wiped[^\S\n]+(?:the|all|our|their|a)\b|erased[^\S\n]+(?:the|all|our|their)\b|fell[^\S\n]+for|"
    r"clicked[^\S\n]+(?:on[^\S\n]+)?(?:a|an|the)[^\S\n]+(?:[\w-]+[^\S\n]+)?(?:phishing|malicious|suspicious|fake|bad)[^\S\n]+(?:link|e-?mail|attachment|site)|"
    r"(?:was|were)[^\S\n]+(?:speeding|drunk|intoxicated|texting|asleep|half-asleep)|"
    r"deleted[^\S\n]+(?:roughly[^\S\n]+|about[^\S\n]+|over[^\S\n]+|some[^\S\n]+|nearly[^\S\n]+|a[^\S\n]+bunch[^\S\n]+of[^\S\n]+)?(?:\d[\d,.]*|all|the[^\S\n]+(?:entire|whole|production|prod|live)|production|prod)\b|"
    r"(?:e-?mailed|sent|forwarded|uploaded|posted|published|leaked)[^\S\n]+[^.;!?\n]{0,60}?\bto[^\S\n]+(?:a|an|her|his|their|my)[^\S\n]+(?:own[^\S\n]+)?(?:personal|private|public|wrong)\b|"
    r"posted[^\S\n]+(?:the|a|their|his|her|our)[^\S\n]+(?:\w+[^\S\n]+)?(?:password|credentials|keys?|tokens?|secrets?))"
)
# Acting without the safeguard the situation asked for: "merged without running the tests",
# "ran a migration without a transaction timeout". "Without downtime" is not on the list.
_WITHOUT_SAFEGUARD = (
    r"(?:ran|deployed|pushed|merged|shipped|applied|changed|deleted|dropped|restarted|released|edited|modified|committed|"
    r"executed|installed|upgraded|rebooted|removed|land(?:ed)?|proceed(?:ed)?|approved|started|went[^\S\n]+ahead|t(?:ake|ook)[^\S\n]+off|"
    r"administered|gave|signed|submitted|ship|shipped|sent|posted|published|enabled|disabled|flipped|toggled|pulled|unplugged)\b[^.;!?\n]{0,60}?"
    r"\bwithout[^\S\n]+(?:(?:any|a|an|the|proper|prior|first|adequate|sufficient|enough|required|necessary|even|looking|once)[^\S\n]+)*"
    r"(?:approval|review|reviews|testing|tests?|backups?|permission|telling|asking|checking|ticket|sign-?off|authori[sz]ation|"
    r"looking|reading|running|performing|verifying|validating|confirming|coordinating|waiting|consulting|notifying|informing|"
    r"double-checking|making[^\S\n]+sure|ensuring|following|timeouts?|transaction|rollback|plan|canary|care|thinking|questioning|noticing|"
    r"having[^\S\n]+(?:tested|checked|read|verified|run|reviewed|looked))\b"
)


# Verbs only people do to a task: a system does not "forget" or "not bother".
_HUMAN_FAILURE = (
    r"(?:forgot|forgets|neglected|neglects|overlooked|overlooks|ignored|ignores|missed|skipped|skips|"
    r"did(?:n['’]t|[^\S\n]+not)[^\S\n]+(?:\w+ly[^\S\n]+)?(?:bother|check|test|read|follow|notice|listen|verify|look|think|ask|review|escalate|wait|record|perceive|take action|act|respond|confirm|document|report|inform|tell|monitor|update|reinstall|install|configure|label|mark|use|apply|renew|back up|double-check|see|hear|catch|warn|"
    r"acknowledge|question|speak up|slow down|coordinate|communicate|wear|secure)\b|"
    r"[\w-]+(?:[^\S\n]+(?:down|out|off|up|on|in|into|to|against))?[^\S\n]+the[^\S\n]+wrong\b|did[^\S\n]+(?:something|it|this|that|everything)[^\S\n]+wrong\b|"
    r"(?:had[^\S\n]+)?(?:accidentally|mistakenly|inadvertently|unintentionally|wrongly|erroneously)[^\S\n]+\w+|"
    r"messed[^\S\n]+up|screwed[^\S\n]+up|f[u*]+cked[^\S\n]+up|botched|broke(?!(?:[^\S\n]+\w+){1,3}[^\S\n]+into\b)|fat-?fingered|"
    rf"failed[^\S\n]+to{_NOT_A_LAPSE}|never[^\S\n]+(?:checked|tested|bothered|read|looked|followed)|"
    r"(?:mistakenly|carelessly|wrongly|erroneously|recklessly|blindly)[^\S\n]+\w+|"
    rf"{_SLIP}|{_WITHOUT_SAFEGUARD})"
)


@lru_cache(maxsize=64)
def _someone_failed(people: tuple[str, ...]) -> re.Pattern[str]:
    """A pronoun or a group as the subject of a failure only people commit."""
    actor = r"(?:(?i:\b(?:he|she|they|you|someone|somebody|everyone|everybody)\b(?:[^\S\n]+else\b)?)|\bI\b)"  # "nobody forgot" exonerates
    return re.compile(rf"(?P<hit>(?:{actor}|{GROUP}|{ROLE}|{people_pattern(people)}){_ADVERB}[^\S\n]+(?i:{_HUMAN_FAILURE}))\b")


# Where a clause with another subject begins: the lapse after it is not the person's.
_NEW_CLAUSE = r"(?i:\b(?:that|which|who|whether)[^\S\n]+(?:the|a|an|it|its|this|these|our)\b|\b(?:because|when|after|before|while|but|although|since|until|once)\b)"


@lru_cache(maxsize=64)
def _person_then_lapse(people: tuple[str, ...]) -> re.Pattern[str]:
    """A person early in a clause and, later in it, a lapse told as the explanation:
    "An AWS engineer debugging a billing issue mistakenly removed too many servers",
    "Bob had switched phones and had not reinstalled the app"."""
    person = f"(?:{people_pattern(people)}|{ROLE}|(?i:\\b(?:he|she|someone|somebody)\\b)|\\bI\\b)"
    return re.compile(
        rf"(?P<hit>{person})(?=(?:(?!{_NEW_CLAUSE})[^.;!?\n]){{0,90}}?(?i:\b(?:accidentally|mistakenly|inadvertently|unintentionally|erroneously)[^\S\n]+\w+"
        rf"|\b(?:had|did)(?:n['’]t|[^\S\n]+not)[^\S\n]+(?:yet[^\S\n]+|\w+ly[^\S\n]+)?(?:reinstalled|installed|updated|checked|tested|renewed|applied|configured|"
        rf"followed|verified|reviewed|noticed|documented|recorded|labell?ed|backed[^\S\n]+up|check|test|renew|apply|follow|verify|review|"
        rf"notice|record|label|take[^\S\n]+action|perceive|back[^\S\n]+up)\b"
        rf"|\b(?:may|might|must|probably)[^\S\n]+have[^\S\n]+(?:confused|misread|misunderstood|mistaken|mixed[^\S\n]+up|forgotten|missed|"
        rf"overlooked|ignored|skipped)\b"
        rf"|[\w-]+(?:[^\S\n]+(?:down|out|off|up|on|in|into|to|against))?[^\S\n]+the[^\S\n]+wrong\b"
        rf"|\bby[^\S\n]+(?:accident|mistake)\b|\bin[^\S\n]+error\b"
        rf"|\b(?:violated|breached|disregarded|bypassed|circumvented|ignored|broke)[^\S\n]+(?:the[^\S\n]+|our[^\S\n]+|company[^\S\n]+|standard[^\S\n]+)?"
        rf"(?:[\w-]+[^\S\n]+)?(?:policy|policies|procedures?|protocols?|rules|process(?:es)?|guidelines|instructions|change[^\S\n]+freeze)\b"
        rf"|\bcontrary[^\S\n]+to[^\S\n]+(?:the[^\S\n]+|our[^\S\n]+)?(?:[\w-]+[^\S\n]+)?(?:policy|procedures?|protocols?|rules|instructions|guidelines|training)\b"
        rf"|\bin[^\S\n]+(?:my|his|her|their)[^\S\n]+(?:distracted|tired|exhausted|rushed|hurry)\b|\b{_SLIP}\b|\b{_WITHOUT_SAFEGUARD}))"
    )


def _thanks_to_someone(text: LintText, config: LintConfig) -> Iterator[Hit]:
    """'Thanks to the intern, checkout was down for an hour': blame dressed as thanks.
    Thanks for quick work, or followed by a recovery, is credit and passes."""
    pattern = re.compile(rf"(?i:\bthanks[^\S\n]+to[^\S\n]+)(?P<hit>{people_pattern(config.people)}|{ROLE})(?!{CREDIT})")
    for match in pattern.finditer(text.masked):
        sentence = text.sentence_at(match.start())
        after = text.masked[match.end() : sentence.end]
        if _BAD_OUTCOME.search(after) and not _RECOVERY.search(after) and not re.search(r"(?i)\b(?:only|quick|fast|short|within)\b", after):
            yield Hit(*match.span("hit"))


_WHO_ASKED = PRONOUN


@lru_cache(maxsize=64)
def _why_you(people: tuple[str, ...]) -> re.Pattern[str]:
    """'Why didn't you check the logs', 'How could you miss it', 'What were they thinking'."""
    who = f"(?:{people_pattern(people)}|{_WHO_ASKED})"
    neg = r"(?:n['’]t|[^\S\n]+not)?"
    return re.compile(
        rf"(?i:\bwhy)(?:[^\S\n]+(?i:on earth|the hell|exactly|again))?[^\S\n]+(?i:did|didn['’]t|would|wouldn['’]t|were|weren['’]t|"
        rf"couldn['’]t|could|hadn['’]t|had|haven['’]t|don['’]t|do|is|isn['’]t|are|aren['’]t){neg}[^\S\n]+(?i:you)\b"
        rf"|(?i:\bwhy)(?:[^\S\n]+(?i:on earth|the hell|exactly|again))?[^\S\n]+(?i:didn['’]t|wouldn['’]t|weren['’]t|wasn['’]t|couldn['’]t|"
        rf"hadn['’]t|haven['’]t|don['’]t|doesn['’]t|isn['’]t|aren['’]t)[^\S\n]+(?:{who}|{ROLE}|{GROUP}|(?i:\b(?:pilots|nurses|people|devs|they)\b))(?![\w-])"
        rf"|(?i:\bhow[^\S\n]+(?:did|could|come|can))[^\S\n]+(?:{ROLE}|{GROUP})[^\S\n]+(?i:(?:not|never)[^\S\n]+)?(?i:miss|missed|forget|forgot|overlook|ignore|let|allow|skip|not)\b"
        rf"|(?i:\bhow[^\S\n]+(?:did|does|could)[^\S\n]+(?:this|it|that)[^\S\n]+(?:get|make[^\S\n]+it|slip|go)[^\S\n]+(?:merged|through|approved|deployed|past|into|in|out|shipped|unnoticed))\b"
        rf"|(?i:\bwhy)[^\S\n]+(?i:did|would|could|had|was|were|do|does)[^\S\n]+{who}[^\S\n]+(?i:not|never)\b"
        rf"|(?i:\bhow[^\S\n]+(?:on[^\S\n]+earth[^\S\n]+)?(?:could|come|could[^\S\n]+possibly))[^\S\n]+{who}(?![\w-])"
        rf"|(?i:\bhow[^\S\n]+(?:can|did|do|does))[^\S\n]+{who}[^\S\n]+(?i:not|possibly|miss|forget|ignore|overlook|let|skip)\b"
        rf"|(?i:\bhow[^\S\n]+did[^\S\n]+(?:nobody|no[- ]one|no[^\S\n]+\w+)[^\S\n]+(?:notice|see|catch|check|spot|think))\b"
        rf"|(?i:\bwhat[^\S\n]+(?:were|was|are|is)[^\S\n]+){who}(?i:[^\S\n]+thinking)\b"
        rf"|(?i:(?:^|(?<=[.!?:])|(?<=^[-*+]))[^\S\n]*(?:did|has|have|was[^\S\n]+it)[^\S\n]+(?:someone|somebody|anyone|anybody|you)[^\S\n]+(?:else[^\S\n]+|ever[^\S\n]+|really[^\S\n]+|just[^\S\n]+)?"
        rf"(?:break|broke|broken|touch|touched|change|changed|delete|deleted|push|pushed|deploy|deployed|forget|forgot|mess|messed|screw|screwed|skip|skipped)\b)"
        rf"|(?i:\b(?:find|found|finding|figure[^\S\n]+out|track[^\S\n]+down|identify|hunt[^\S\n]+for)[^\S\n]+(?:out[^\S\n]+)?(?:who|whoever|the[^\S\n]+(?:person|engineer|one)[^\S\n]+who)"
        rf"(?:['’]s|[^\S\n]+(?:is|was))?[^\S\n]+(?:did|broke|caused|deployed|pushed|merged|ran|changed|approved|responsible|to[^\S\n]+blame|at[^\S\n]+fault|made|wrote|forgot|missed)\b)",
        re.MULTILINE,
    )


_PARTICIPLE_OR_NOT = rf"(?:(?:not|never|only|just|simply|actually|even|properly|bothered[^\S\n]+to)[^\S\n]+)*{_PARTICIPLE}"


@lru_cache(maxsize=64)
def _conditional(people: tuple[str, ...]) -> re.Pattern[str]:
    """'Had the team checked the config, ...', 'If only Bob had read ...', 'If we had tested ...'."""
    who = subject_pattern(people)
    return re.compile(
        rf"(?:^|(?<=[.;:!?(])|(?i:\b(?:and|but|so|yet|then)\b))[^\S\n]*(?P<hit>(?i:had)[^\S\n]+{who}[^\S\n]+(?i:{_PARTICIPLE_OR_NOT}))"
        rf"|(?P<hit2>(?i:\bif[^\S\n]+(?:only[^\S\n]+)?)(?:{who}|(?i:\b(?:we|I)\b))(?:[^\S\n]+(?i:had)|['’]d)[^\S\n]+(?i:{_PARTICIPLE_OR_NOT}))"
        rf"|(?P<hit3>(?i:\bthere[^\S\n]+(?:was|is|were)[^\S\n]+no[^\S\n]+(?:reason|excuse)[^\S\n]+(?:not[^\S\n]+)?(?:to|for)\b)"
        rf"|(?i:\b(?:couldn['’]t|could[^\S\n]+not|shouldn['’]t|wouldn['’]t|why[^\S\n]+didn['’]t))[^\S\n]+{who}[^\S\n]+(?i:have|just|simply)\b"
        rf"|(?i:\bif[^\S\n]+it[^\S\n]+(?:were|was|had)(?:n['’]t|[^\S\n]+not)[^\S\n]+(?:been[^\S\n]+)?for[^\S\n]+){who}"
        rf"(?=[^.;!?\n]*\b(?:would|could)(?:n['’]t|[^\S\n]+not|[^\S\n]+never)[^\S\n]+have[^\S\n]+(?:occurred|happened|been)\b))"
        rf"|(?P<hit4>(?i:\b(?:it|this|that)[^\S\n]+was[^\S\n]+(?:(?:a|an)[^\S\n]+(?:(?:big|huge|serious|clear|obvious|bad|grave|rookie|costly|"
        rf"terrible|major)[^\S\n]+)?(?:mistake|error|blunder|misjudge?ment)|(?:clearly[^\S\n]+|obviously[^\S\n]+)?(?:wrong|unwise|foolish|"
        rf"(?:a|an)[^\S\n]+(?:bad|poor|terrible)[^\S\n]+(?:idea|call|decision|choice|judge?ment)))"
        # "it was wrong to deploy", "a mistake for us to"; not "the default was wrong for our setup"
        rf"[^\S\n]+(?:for[^\S\n]+(?:us|me|him|her|them|you|the[^\S\n]+team)[^\S\n]+)?to[^\S\n]+\w+))",
        re.MULTILINE,
    )


def _conditional_finder(text: LintText, config: LintConfig) -> Iterator[Hit]:
    for match in _conditional(config.people).finditer(text.masked):
        for group in ("hit", "hit2", "hit3", "hit4"):
            if match.group(group):
                yield Hit(*match.span(group))
                break


# "Obviously" judges a person's reading of the situation only when the
# sentence is about someone's judgement; "obviously elevated latency" or
# "the graph obviously shows the spike" describe an artifact.
_OBVIOUSLY = re.compile(r"\bobviously\b", re.IGNORECASE)
_JUDGED = re.compile(
    rf"\b(?:should|shouldn['’]t|could|would|must|ought|needs?\s+to|wrong|mistake|bad|broken|misconfigured|incorrect|careless|"
    rf"missed|ignored|forgot|nobody|no\s+one|no|anyone|everyone|someone|he|she|they|we|you|I|"
    rf"risky|dangerous|unsafe|flawed|inadequate|insufficient|doomed|a\s+bad\s+idea)\b",
    re.IGNORECASE,
)
_MEASURE_AFTER = re.compile(r"[^\S\n]+(?:\w+[^\S\n]+)?(?:\d|higher|lower|more|less|larger|smaller|faster|slower|elevated|increased|decreased)", re.IGNORECASE)


def _obviously(text: LintText, config: LintConfig) -> Iterator[Hit]:
    people = re.compile(f"{people_pattern(config.people)}|{ROLE}")
    for match in _OBVIOUSLY.finditer(text.masked):
        if _MEASURE_AFTER.match(text.masked, match.end()):
            continue
        sentence = text.sentence_at(match.start())
        body = text.masked[sentence.start : sentence.end]
        if _JUDGED.search(body) or people.search(body) or body.lstrip(" *-#>").lower().startswith("obviously"):
            yield Hit(*match.span())


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
                "Will broke the incident into three workstreams.",
                "Bob wrote in chat: \"I broke it\"."),
        rewrite=reword_lapse,
        explained_ok=True,
        find=regex_finder(
            lambda c: _person_cause(c.people),
            trigger=r"br[oe]k|caus|took|take|brought|mess|screw|f[u*]+ck|botch|bork|nuk|wreck|forgot|ignor|overlook|miss|skip|"
            r"neglect|finger|fail|corrupt|wip|knock|overload|leak|crash|expos|made|introduc|push|deploy|merg|ship|appli|\bran\b|"
            r"delet|dropp|blame|responsible|should|ought|\bdid|could|wrong|without",
        ),
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
        rewrite=reword_blame,
        find=regex_finder(
            lambda c: _person_fault(c.people),
            trigger=r"fault|mistake|error|screw|blunder|careless|negligen|oversight|slip|typo|fumble|due\s+to|because\s+of|"
            r"(?:caused|triggered|started|broken|introduced)\s+by|blam|thanks\s+to|traced|attributed|pinned|down\s+to|hands?\s+of|"
            r"cause|reason|root|culprit|problem|source|responsib|accountable|punished|fired|disciplined|"
            r"\b(?:is|was)\s+(?:on|it)\b|wrong",
        ),
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
               "We shouldn't have deployed on a Friday.", "Should have..."),
        passes=("This is not about what anyone should have done.", "That should have been survivable.",
                "The fault lies in software that should have retried but didn't.", "Bob wrote: \"I should have double-checked\".",
                "Every migration should have a rollback plan.", "We should have alerts on replication lag."),
        rewrite=reword_counterfactual,
        find=regex_finder(static(r"(?<!\bthat )(?<!\bwhich )(?<!\bwhat )\bshould(?:[^\S\n]+not|[^\S\n]+never|n['’]t)?(?:[^\S\n]+(?:simply|just|really|probably|definitely|obviously|clearly|also|at least))?[^\S\n]+have\b"
            r"(?![^\S\n]+been[^\S\n]+(?:\w+able|\w+ible|fine|ok|okay|safe|possible|enough|higher|lower|larger|smaller|longer|shorter|faster|slower)\b)"
            r"(?![^\S\n]+(?:caused|disrupted|disrupt|affected|impacted|triggered|mattered|resulted|taken[^\S\n]+down)\b)"
            rf"(?=[^\S\n]+(?:\w+ly[^\S\n]+)?{_PARTICIPLE}|[^\S\n]*(?:\.\.\.|…|$))"
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
        find=regex_finder(static(
            r"(?:\b(?:could|might)|(?<!\bthis )(?<!\bthat )(?<!\bwhich )(?<!\bit )\bwould)"
            r"(?:[^\S\n]+(?:easily|probably|certainly|surely|so easily|all have))?(?:[^\S\n]+have|['’]ve)[^\S\n]+(?:been[^\S\n]+(?:(?:easily|so easily|entirely|completely|quickly)[^\S\n]+)?)?"
            r"(?:prevented|avoided|caught|stopped|known|noticed|seen|spotted|detected|predicted|foreseen|fixed|averted)\b"
            r"|\b(?:could|should)[^\S\n]+have[^\S\n]+been[^\S\n]+(?:taken|done|made|given|raised|escalated|called|paged)[^\S\n]+(?:earlier|sooner|faster|differently|first)\b"
            r"|\b(?:they|he|she|you|someone|somebody|the[^\S\n]+(?:[\w-]+[^\S\n]+)?team)[^\S\n]+(?:could|might)(?:[^\S\n]+have|['’]ve)[^\S\n]+"
            r"(?:done|[\w-]+ed)\b(?![^\S\n]+(?:worse|more harm))"
        ), trigger=r"could|might|would|should|['’]ve"),
    ),
    Rule(
        "counterfactual.failed-to", "counterfactual", "Failed to / neglected to",
        "'Failed to' and 'neglected to' turn something that did not happen into a personal failing.",
        "Say what happened ('the step was skipped') and what made it easy to skip.",
        flags=("He failed to follow the runbook.", "The team neglected to update the config.",
               "The reviewer failed to notice the typo.", "Their failure to escalate made it worse.",
               "Bob failed to apply the patch."),
        passes=("The health check failed to detect the stale replica.", "The job failed to start.",
                "The on-call engineer failed over the database to us-east-2 at 03:10.",
                "The team failed to reproduce the bug in staging."),
        rewrite=reword_lapse,
        explained_ok=True,
        find=regex_finder(lambda c: _failed_to(c.people), trigger=r"fail|neglect"),
    ),
    Rule(
        "counterfactual.didnt-bother", "counterfactual", "Didn't bother",
        "'Didn't bother' ascribes a motive (indifference) that the facts rarely show.",
        "Describe what was done and what competed for attention at the time.",
        flags=("Nobody bothered to check. They didn't bother to read the alert.", "He did not even bother to test it."),
        passes=("The migration ran without bothering any users.",),
        find=regex_finder(static(r"\bdid(?:n['’]t| not)[^\S\n]+(?:even[^\S\n]+)?bother\b|\bnever bothered\b|\bnobody bothered\b"), ),
        negatable=False,
    ),
    Rule(
        "counterfactual.if-only", "counterfactual", "If only / missed the obvious / had they",
        "'If only' and 'missed the obvious' replay the incident with hindsight; what is obvious now was not then.",
        "Ask what made the signal hard to see at the time, and record that.",
        flags=("If only Bob had looked at the logs.", "The responders missed the obvious cause.",
               "Had they checked the config, none of this would have happened."),
        passes=("We missed the deadline for the report by a day.",),
        rewrite=reword_counterfactual,
        find=regex_finder(static(
            r"\bif only\b|\bmissed[^\S\n]+(?:the|an?|something|what was)[^\S\n]+(?:really[^\S\n]+)?(?:obvious|clear)\b|\bmissed the obvious\b"
            r"|(?:^|[.;,][^\S\n]*|\b)had[^\S\n]+(?:they|he|she|we|you|someone|anyone|the team)[^\S\n]+(?:only[^\S\n]+)?(?:checked|looked|read|tested|followed|noticed|asked|waited|listened)\b"
        )),
        negatable=False,
    ),
    Rule(
        "person.someone-failed", "person", "Someone as the subject of a failure",
        "'He forgot', 'they ignored the alert', 'engineers skipped the step' make a person's lapse the story; the "
        "story that helps is what made the step easy to forget or the alert easy to dismiss.",
        PERSON_SUGGESTION,
        flags=("He forgot to renew the certificate.", "They ignored the alert for an hour.",
               "Someone skipped the canary stage.", "Engineers didn't bother to check the dashboard.",
               "The pilot misread the altimeter.", "Somebody merged without running the tests.",
               "The crew elected not to use the checklist."),
        passes=("They restarted the pods at 14:10.", "The alert was missed because it went to an unmonitored channel.",
                "She missed the page because the phone was on silent after an update.",
                "Nobody forgot anything; the step was not in the runbook.",
                "The team deployed the fix without downtime.", "The parser misread the header."),
        rewrite=reword_lapse,
        explained_ok=True,
        find=regex_finder(
            lambda c: _someone_failed(c.people),
            trigger=r"forg[oe]t|neglect|overlook|ignor|miss|skip|\bdid|mess|screw|f[u*]+ck|botch|broke|finger|fail|never|"
            r"\berr|\bmis|overr|overf|overd|asleep|distract|control|mistake|error|blunder|typo|chose|choose|elected|decided|opted|slow|without|"
            r"must|may|might|seem|\bcut|sever|dug|tripped|unplug|yank|kick|wiped|erased|fell|click|speed|drunk|intoxicat|texting|"
            r"asleep|deleted|mailed|sent|forward|upload|posted|publish|leak|"
            r"mistaken|careless|wrong|erroneous|reckless|blind|accidental|inadvertent|unintentional|\bhad\b",
        ),
    ),
    Rule(
        "person.lapse", "person", "A person and a lapse as the explanation",
        "A sentence that names someone and then a slip ('mistakenly removed', 'had not reinstalled') tells the "
        "incident as that person's lapse; the explanation that helps is what made the slip easy and its effect large.",
        PERSON_SUGGESTION,
        flags=("An engineer debugging the billing issue mistakenly removed too many servers.",
               "Bob had switched phones that week and had not reinstalled the paging app.",
               "The nurse may have confused the two doses."),
        passes=("Bob noticed that the job had not checked the schema.", "Alice restarted the pod after the deploy."),
        rewrite=reword_lapse,
        explained_ok=True,
        find=regex_finder(
            lambda c: _person_then_lapse(c.people),
            trigger=r"accidental|mistaken|inadvertent|unintentional|erroneous|\bhad|\bdid|may\s+have|might\s+have|must\s+have|"
            r"\berr|\bmis|overr|overf|overd|asleep|distract|control|error|blunder|typo|chose|choose|elected|decided|opted|slow|without|contrary|"
            r"seem|\bcut|sever|dug|tripped|unplug|yank|kick|wiped|erased|fell|click|speed|drunk|intoxicat|texting|"
            r"asleep|deleted|mailed|sent|forward|upload|posted|publish|leak|"
            r"probably\s+have|wrong|accident|mistake|in\s+error|violated|breached|disregarded|bypassed|circumvented|ignored|broke",
        ),
    ),
    Rule(
        "person.thanks-to", "person", "Blame dressed as thanks",
        "'Thanks to the intern, checkout was down' is blame in disguise; it names a person as the cause.",
        PERSON_SUGGESTION,
        flags=("Thanks to the intern, the database was down for an hour.",),
        passes=("Thanks to Chen the rollback was quick.", "Thanks to the on-call engineer's quick response the outage was short.",
                "Thanks to Dana, errors stopped within minutes."),
        find=_thanks_to_someone,
    ),
    Rule(
        "who-question.why-you", "who-question", "A why-question aimed at a person",
        "'Why didn't you check the logs?' asks a person to justify themselves; people answer by defending, and "
        "the conditions that made the logs hard to check stay unexamined. The same holds without a question mark.",
        "Ask about the situation instead: 'What made the logs hard to check at that point?' or 'What did the "
        "dashboards show you then?'",
        flags=("Why didn't you check the logs?", "WHY DIDN'T YOU ROLL BACK", "How could you not notice the alert?",
               "What were they thinking?", "Why didn't Dana restart the primary?", "Did someone break the permissions again?",
               "Find who deployed the change.",
               "How did nobody notice the disk filling up?"),
        passes=("Why did the retries amplify the load?", "How did the team restore the backup?",
                "Why did the on-call engineer miss the alert? The page went to an old phone number.",
                "Why did they restart the primary? Because the runbook said to.",
                "Why didn't the alert fire?", "How could we detect this sooner?"),
        find=regex_finder(lambda c: _why_you(c.people), trigger=r"\b(?:why|how|what|did|has|have|was|find|found|finding|figure|track|identify|hunt)\b"),
        rewrite=_ask_situation,
    ),
    Rule(
        "counterfactual.conditional", "counterfactual", "If they had ... / it was a mistake to",
        "Conditionals about what people did not do ('had the team checked ..., this would not have happened') "
        "replay the incident with the outcome known. They describe an imagined world, not the one that "
        "produced the incident.",
        "Say what was done and what made it reasonable then; put the missing safeguard into an action item: "
        "'The config check is manual and was not part of the deploy; automate it.'",
        flags=("Had the team checked the config, this would not have happened.", "If we had tested the failover, we would have known.",
               "There was no reason not to roll back.", "It was a mistake to deploy on a Friday.",
               "If only Bob had read the alert."),
        passes=("Had the alert fired earlier, the outage would have been shorter.", "The team had checked the config twice.",
                "If the cache had been warm, the latency would have stayed flat.", "It was a relief to see the graphs recover.",
                "The library's default of ignoring the header was wrong for our setup."),
        rewrite=reword_counterfactual,
        find=_conditional_finder,
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
        find=regex_finder(lambda c: _loaded(c.extra_words)),
    ),
    Rule(
        "judgement.obviously", "judgement", "Obviously",
        "'Obviously' claims that something was clear; if it had been, the incident would not have happened.",
        "Drop the word, or explain what made it hard to see.",
        flags=("The config was obviously wrong.", "Obviously nobody tested this."),
        passes=("Bob said \"obviously\" in the channel.",),
        rewrite=_drop_word,
        find=_obviously,
    ),
    Rule(
        "judgement.minimising", "judgement", "Minimising 'just' or 'simply'",
        "'He just had to run one command' makes the step sound trivial and the person look inept; it hides why "
        "the step was hard in the moment.",
        "Drop 'just'/'simply' and say what made the step easy to miss.",
        flags=("He just had to run one command.", "They should simply have checked.", "All she had to do was read the alert."),
        passes=("The alert fired just after the deploy.", "The fix was simply a config change."),
        rewrite=_drop_word,
        find=regex_finder(static(
            r"\b(?:should|could|would)[^\S\n]+(?:have[^\S\n]+)?(?:just|simply|merely)\b"
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
        find=regex_finder(static(
            r"\b(?:human|operator|user|pilot|engineer|engineering|developer|manual|personnel|people|controller|crew|driver|staff|nurse|clerk|"
            r"employee|worker|technician|contractor|admin|administrator|programmer|typing|keyboard)[^\S\n]+"
            r"(?:error|mistake|failure|slip)s?\b(?![^\S\n]+(?:rate|rates|budget|count|counts|metric|metrics|page|pages|code|"
            r"codes|message|messages|response|responses|handling))|\bPEBKAC\b|\bPEBCAK\b|\bfat[- ]?finger(?:ed|ing|s)?\b|\blayer 8\b"
            r"|\b(?:a|the)[^\S\n]+(?:people|person|personnel|staffing)[^\S\n]+(?:problem|issue|failure)\b"
            r"|\b(?:the[^\S\n]+)?human[^\S\n]+(?:factors?|element)[^\S\n]+(?:was|were|is|are)[^\S\n]+(?:the[^\S\n]+|a[^\S\n]+)?(?:\w+[^\S\n]+)?(?:root[^\S\n]+)?(?:cause|problem|reason|culprit|contributor)\b"
            r"|\b(?:typo|mistyped[^\S\n]+\w+|mistake|slip|fat[- ]?finger\w*)[^\S\n]+(?:is|was)[^\S\n]+(?:to[^\S\n]+blame|the[^\S\n]+(?:root[^\S\n]+)?cause)\b"
            r"|\b(?:simple|careless|silly|dumb|stupid|honest|rookie|typical|classic|avoidable|human)[^\S\n]+(?:mistake|slip|blunder|typo)s?\b"
            r"|\b(?:mistakes?|errors?)[^\S\n]+(?:made[^\S\n]+)?by[^\S\n]+(?:employees|engineers|staff|people|humans|operators|developers|contractors|users|personnel)\b"
            r"|\bmistakes?[^\S\n]+(?:made[^\S\n]+)?by[^\S\n]+(?:an?|the|one[^\S\n]+of[^\S\n]+(?:our|the))[^\S\n]+(?:[\w-]+[^\S\n]+)?"
            r"(?:engineer|developer|operator|admin|administrator|person|employee|member|sre|intern|contractor|user|human)s?\b"
            r"|\bhuman[- ](?:caused|induced|initiated)\b"
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
                "Who is on call this week?", "Who was paged, and when?", "Which team should own the renewal?",
                "Who needs read access to the audit logs?"),
        rewrite=_ask_what,
        find=regex_finder(
            static(
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
            leading_ok=True,
        ),
    ),
    Rule(
        "who-question.whose-fault", "who-question", "Whose fault",
        "Asking whose fault it was assumes a single culprit exists.",
        "Ask 'What allowed this to happen?' or 'What made this hard to notice?'",
        flags=("Whose fault was it?", "Let's find out whose mistake this was.", "We need to know who is to blame."),
        passes=("Whose dashboard should we use for latency?",),
        rewrite=_ask_what,
        find=regex_finder(static(
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
        find=regex_finder(static(r"(?:!{2,}|\?+!|!\?+)[!?]*")),
        negatable=False,
        meta_aware=False,
    ),
    Rule(
        "animated.sarcasm", "animated", "Sarcasm",
        "Sarcasm ('great job /s', 'genius move') is blame in disguise and silences the people it is aimed at.",
        "Say plainly what happened and what it cost.",
        flags=("Great job, team /s", "Yeah right, like that was going to work.", "Genius move to deploy at 5 pm."),
        passes=("Great job by the on-call team on a fast rollback.",),
        find=regex_finder(static(
            r"(?<![\w/])/s\b|\byeah,? right\b|\boh,? (?:great|wonderful|perfect|fantastic|brilliant|joy)\b"
            r"|\b(?:genius|brilliant|great|smart) (?:move|idea|decision|plan)\b|\bwhat a surprise\b"
            r"|\bsurprise,? surprise\b|\bthanks a lot\b|\bnice going\b|\bwho could have guessed\b|\bwho knew\b|\byou genius\b|\bwell done,? genius\b"
        ), trigger=r"/s|yeah|\boh\b|genius|brilliant|great|smart|surprise|thanks|nice|\bwho\b|well\s+done"),
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

RULES = RULES + FIX_PERSON_RULES + HINDSIGHT_RULES
RULES_BY_ID = {rule.id: rule for rule in RULES}
assert all(rule.category in CATEGORIES for rule in RULES)


def known_rule_or_category(name: str) -> bool:
    """A rule id, a category, "model" (the statistical second opinion) or one of its "<family>.likely" ids."""
    family, _, suffix = name.rpartition(".")
    return name in RULES_BY_ID or name in CATEGORIES or name == "model" or (suffix == "likely" and family in CATEGORIES)
