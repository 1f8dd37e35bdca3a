"""Rewordings of a flagged sentence: the same facts with the person taken
out of the subject and the hindsight taken out of the claim. They are
offered next to the finding as a start, built from the sentence's own
words, so the writer sees what a blameless version of *this* sentence
looks like rather than a general rule."""

from __future__ import annotations

import re

_IRREGULAR = {
    "caught": "catch", "known": "know", "seen": "see", "done": "do", "run": "run", "put": "put", "set": "set",
    "made": "make", "had": "have", "hit": "hit", "cut": "cut", "read": "read", "let": "let", "been": "be",
    "taken": "take", "written": "write", "given": "give", "gone": "go", "found": "find", "told": "tell",
    "sent": "send", "built": "build", "kept": "keep", "left": "leave", "paid": "pay", "thought": "think",
    "brought": "bring", "understood": "understand", "spent": "spend", "felt": "feel", "held": "hold",
}
_DOUBLED = re.compile(r"([bdgmnprtz])\1ed$")  # stopped, planned; not installed, called
_SILENT_E = re.compile(r"(?:[^aeiou][aeiou][bcdfgkmnpstvz]|at|it|ut|iz|is|us|ag|ar|ir|ur|rg|dg|ng|rv|lv|ns|rs|ls|ap|ot|ok|id|ud|od|rc|nc)ed$")


def base_verb(word: str) -> str:
    """'checked' -> 'check', 'paged' -> 'page', 'stopped' -> 'stop', 'caught' -> 'catch' (good enough for advice)."""
    lower = word.lower()
    if lower in _IRREGULAR:
        return _IRREGULAR[lower]
    if lower.endswith("ied"):
        return lower[:-3] + "y"
    if _DOUBLED.search(lower):
        return lower[:-3]
    if lower.endswith("eed"):
        return lower[:-1]
    if lower.endswith("ed"):
        return lower[:-1] if _SILENT_E.search(lower) and not lower.endswith(("ted", "ded")) or lower.endswith(("ated", "ized", "ised", "ured", "aged", "ived")) else lower[:-2]
    return lower


def gerund(verb: str) -> str:
    if verb.endswith("ie"):
        return verb[:-2] + "ying"
    if verb.endswith("e") and not verb.endswith(("ee", "ye", "oe")):
        return verb[:-1] + "ing"
    if re.search(r"[^aeiou][aeiou][bdgmnprt]$", verb) and len(verb) <= 4:
        return verb + verb[-1] + "ing"
    return verb + "ing"


def _clause(text: str) -> str:
    """The words up to the clause's end, without the final stop."""
    return re.split(r"[,;:.!?]|\s[—–-]\s", text, maxsplit=1)[0].strip()


def _capital(text: str) -> str:
    return text[:1].upper() + text[1:] if text else text


_LAPSE = re.compile(
    r"\b(?:had|did)(?:n['’]t|\s+not)\s+(?:yet\s+)?(?!(?:even|bother|bothered)\b)(?P<undone>\w+)\s+(?P<undone_rest>[^.;!?]+)"
    r"|\b(?:accidentally|mistakenly|inadvertently|unintentionally|erroneously)\s+(?P<slip>\w+)\s+(?P<slip_rest>[^.;!?]+)"
    r"|\b(?:forgot|neglected|failed|did(?:n['’]t| not)(?:\s+(?:even|bother))*|didn['’]t bother|never bothered)\s+to\s+(?P<do>[^.;!?]+)"
    r"|\b(?:forgot|neglected)\s+(?P<what>[^.;!?]+)"
    r"|\b(?:ignored|missed|overlooked|dismissed|disregarded)\s+(?P<seen>[^.;!?]+)"
    r"|\b(?:skipped)\s+(?P<step>[^.;!?]+)"
    r"|\b(?:chose|elected|decided|opted)\s+not\s+to\s+(?P<declined>\w+)\s+(?P<declined_rest>[^.;!?]+)"
    r"|\b(?P<moved>\w+ed|ran|made|sent|gave)\s+(?P<moved_what>[^.;!?]*?)\s*\bwithout\s+(?P<missing>[^.;!?]+)"
    r"|\b(?P<mis>mis\w+ed|misread|misunderstood)\s+(?P<mis_what>[^.;!?]+)"
    r"|\b(?:has\s+|have\s+|had\s+)?made\s+(?:a|an|several|numerous|many|some|two|multiple)?\s*(?:\w+\s+)?(?:mistakes?|errors?|typos?)\s+(?:in|on|with)\s+(?P<slip_in>[^.;!?]+)",
    re.IGNORECASE,
)
_COUNTERFACTUAL = re.compile(
    r"\b(?:should(?:\s+not|n['’]t)?\s+have|should['’]ve|ought\s+to\s+have|if\s+only\s+\S+(?:\s+\S+)?\s+had|had\s+\S+(?:\s+\S+)?)\s+"
    r"(?P<done>\w+)\s*(?P<rest>[^.;!?]*)",
    re.IGNORECASE,
)
_HINDSIGHT = re.compile(
    r"^\s*(?:in|with)\s+(?:hindsight|retrospect),?\s*|^\s*looking\s+back,?\s*|\b(?:it\s+(?:was|is)\s+(?:so\s+|very\s+|painfully\s+)?"
    r"(?:obvious|clear)\s+(?:in\s+hindsight\s+)?(?:that\s+)?)|\s*(?:,\s*)?(?:in|with)\s+hindsight\b",
    re.IGNORECASE,
)


_PARTICIPLE = {"ran": "run", "gave": "given"}


def reword_lapse(sentence: str, _excerpt: str) -> str | None:
    """'Dave forgot to renew the certificate.' -> 'Nothing prompted anyone to renew the certificate; ...'"""
    match = _LAPSE.search(sentence)
    if not match:
        return reword_blame(sentence, _excerpt)
    if re.search(r"\b(?:should|ought)\b", _excerpt, re.IGNORECASE):
        return reword_counterfactual(sentence, _excerpt)
    if match.group("undone"):
        action = f"{base_verb(match.group('undone'))} {_clause(match.group('undone_rest'))}".strip()
        return f"Nothing prompted anyone to {action}; what would make that step hard to miss?"
    if match.group("slip"):
        return (f"{_capital(_clause(match.group('slip_rest')))} was {match.group('slip').lower()} by mistake; "
                "what made the mistake easy to make and its effect so large?")
    if match.group("do"):
        return f"Nothing prompted anyone to {_clause(match.group('do'))}; what would make that step hard to miss?"
    if match.group("what"):
        return f"Nothing prompted anyone about {_clause(match.group('what'))}; what would make it hard to miss?"
    if match.group("seen"):
        return f"Nobody acted on {_clause(match.group('seen'))}; what made it easy to pass over at the time?"
    if match.group("step"):
        return f"{_capital(_clause(match.group('step')))} was skipped; what made skipping it reasonable at the time?"
    if match.group("declined"):
        return (f"Nothing required anyone to {base_verb(match.group('declined'))} {_clause(match.group('declined_rest'))}; "
                "what made going without it look reasonable at the time?")
    if match.group("moved"):
        what = _clause(match.group("moved_what")) or "the change"
        moved = match.group("moved").lower()
        done = f"{what} was {_PARTICIPLE.get(moved, moved)}"
        return (f"{_capital(done)} without {_clause(match.group('missing'))}; "
                "what would make the tool require it, instead of someone remembering?")
    if match.group("mis"):
        return (f"{_capital(_clause(match.group('mis_what')))} was {match.group('mis').lower()}; "
                "what made the wrong reading look right at the time?")
    if match.group("slip_in"):
        return f"Mistakes reached {_clause(match.group('slip_in'))}; what let them through unnoticed?"
    return None


_OUTCOME = {
    "broke": "broke", "breaks": "broke", "caused": "happened", "causes": "happened", "took down": "went down",
    "brought down": "went down", "knocked over": "went down", "took out": "went down", "crashed": "crashed",
    "wiped": "was wiped", "deleted": "was deleted", "dropped": "was dropped", "corrupted": "was corrupted",
    "leaked": "was exposed", "exposed": "was exposed", "overloaded": "was overloaded", "nuked": "was destroyed",
    "wrecked": "broke", "messed up": "broke", "screwed up": "broke", "botched": "went wrong",
}
_OUTCOME_VERB = re.compile(r"\b(" + "|".join(sorted(map(re.escape, _OUTCOME), key=len, reverse=True)) + r")\s+(?P<what>[^.;!?]+)", re.IGNORECASE)


def reword_blame(sentence: str, excerpt: str) -> str | None:
    """'Alice broke the deploy.' -> 'The deploy broke after an action that looked right at the time; ...'"""
    if re.search(r"\b(?:should|ought|could)\b", excerpt, re.IGNORECASE):
        return reword_counterfactual(sentence, excerpt)
    match = _OUTCOME_VERB.search(sentence)
    if match:
        what = _clause(match.group("what"))
        outcome = _OUTCOME[match.group(1).lower()]
        return f"{_capital(what)} {outcome} after an action that looked right at the time; what made it look right?"
    lapse = _LAPSE.search(sentence)
    if lapse:
        return reword_lapse(sentence, excerpt)
    return "Say what happened and what made the action look right at the time, without naming who did it."


def reword_counterfactual(sentence: str, _excerpt: str) -> str | None:
    """'Alice should have checked the dashboard.' -> 'Checking the dashboard was not part of what was done at the time; ...'"""
    match = _COUNTERFACTUAL.search(sentence)
    if not match or not match.group("done").lower().endswith(("ed", "en", "wn", "ne", "ght", "ept", "ent", "elt", "ilt", "ade", "ot", "ad", "it", "ut", "et", "un", "ead")):
        return None
    action = gerund(base_verb(match.group("done")))
    rest = _clause(match.group("rest"))
    return f"{_capital(action)}{' ' + rest if rest else ''} was not part of what anyone did at the time; what would have prompted it?"


def reword_hindsight(sentence: str, _excerpt: str) -> str:
    """'In hindsight it was obvious that the cache was stale.' -> 'The cache was stale; what did the signals look like then?'"""
    fact = _clause(_HINDSIGHT.sub(" ", sentence)).strip()
    if len(fact.split()) >= 3 and not re.search(r"\b(?:obvious|avoidable|preventable|signs|coming)\b", fact, re.IGNORECASE):
        return f"{_capital(fact)}; what did the signals for it look like at the time, and what competed with them?"
    return "What did the signals look like at the time, and what else competed for attention?"


def reword_remedy(sentence: str, excerpt: str) -> str:
    """'Remind everyone to be more careful with credentials.' -> 'Add a safeguard for credentials: ...'"""
    after = sentence.split(excerpt, 1)[1] if excerpt and excerpt in sentence else ""
    subject = _clause(re.sub(r"^\s*(?:with|on|about|when|before|while|around|to|of|for|in)\s+", "", after))
    target = f" for {subject}" if len(subject.split()) >= 1 and subject else ""
    return (
        f"Add a safeguard{target}: a check, a confirmation, a safer default or an automation, so it no longer "
        "depends on someone being careful or remembering."
    )
