"""Fixing the person instead of the system: remedies that ask people to be
more careful, remember more, or be trained or disciplined, typically in
action items. They leave the conditions that made the slip easy in place,
and the next person in the same spot slips the same way."""

from __future__ import annotations

import re
from collections.abc import Iterator
from functools import lru_cache

from cairn.analysis.lint.base import ROLE, SPACE, Hit, Rule, people_pattern, regex_finder, subject_pattern
from cairn.analysis.lint.config import LintConfig
from cairn.analysis.lint.rewrites import reword_remedy
from cairn.analysis.lint.text import LintText

_CARE = r"(?:careful|vigilant|diligent|attentive|cautious|thorough|mindful|alert|disciplined|rigorous)"
_VERB_OF_CARE = (
    rf"(?:remember|recall|be{SPACE}(?:more{SPACE}|extra{SPACE}|very{SPACE}|especially{SPACE})?{_CARE}|double[- ]?check|triple[- ]?check|"
    rf"pay{SPACE}(?:more{SPACE}|closer{SPACE}|better{SPACE}|extra{SPACE})?attention|think{SPACE}twice|take{SPACE}(?:more{SPACE}|extra{SPACE}|greater{SPACE})?care|"
    rf"slow{SPACE}down|focus{SPACE}(?:more|harder)|try{SPACE}harder|read{SPACE}(?:the|all|every)|follow{SPACE}(?:the{SPACE})?(?:runbook|process|procedure|checklist|rules?|instructions|documentation|steps)|"
    rf"check{SPACE}(?:twice|carefully|again|their|his|her|your)|review{SPACE}(?:more{SPACE})?carefully|always{SPACE}\w+|never{SPACE}\w+)"
)
_AUDIENCE = (
    r"(?i:(?:all[^\S\n]+|the[^\S\n]+|our[^\S\n]+|every[^\S\n]+|each[^\S\n]+)?(?:[\w-]+[^\S\n]+(?=(?:staff|engineers?|operators?|developers?|teams?|employees|personnel)\b))?(?:everyone|everybody|engineers?|developers?|staff|team|teams|"
    r"people|operators?|on-?call(?:ers)?(?:[^\S\n]+engineers?)?|responders?|team[^\S\n]+members?|sres?|admins?|employees|him|her|them|us|"
    r"the[^\S\n]+(?:[\w-]+[^\S\n]+)?(?:engineer|developer|operator|team|intern|contractor|responder|on-?call)))"
)


@lru_cache(maxsize=64)
def _fix_person(people: tuple[str, ...]) -> re.Pattern[str]:
    subject = subject_pattern(people)
    audience = f"(?:{_AUDIENCE}|{ROLE}|(?-i:{people_pattern(people)}))"
    return re.compile(
        # "Remind everyone to be more careful", "tell engineers to double-check"
        rf"\b(?:remind|reminded|reminding|instruct|instructed|encourage|urge|warn|warned|"
        rf"emphasi[sz]e{SPACE}to|stress{SPACE}to|communicate{SPACE}to){SPACE}{audience}{SPACE}(?:to|that|about|of){SPACE}(?:\w+{SPACE}){{0,3}}?"
        rf"(?:{_VERB_OF_CARE}|be\b|not\b|always\b|never\b|check|verify|follow|read|test|look)"
        # "asked" and "told" narrate a timeline ("Alice asked Bob to check the logs") unless the ask is for care
        rf"|\b(?:tell|told|ask|asked){SPACE}{audience}{SPACE}to{SPACE}(?:{_VERB_OF_CARE})"
        # "We need to be more careful", "the on-call must pay closer attention"
        rf"|\b(?:be|being){SPACE}(?:more|extra|much{SPACE}more){SPACE}{_CARE}\b"
        rf"|\bpay{SPACE}(?:more|closer|better|extra|greater){SPACE}attention\b"
        # "make sure engineers check the diff", "ensure that the on-call reads the runbook"
        rf"|\b(?:make{SPACE}sure|ensure|ensuring|making{SPACE}sure)(?:{SPACE}that)?{SPACE}{audience}{SPACE}(?:always{SPACE}|never{SPACE}|all{SPACE}|now{SPACE})?"
        rf"(?:check|checks|remember|remembers|read|reads|follow|follows|double[- ]?check|double[- ]?checks|review|reviews|verify|verifies|"
        rf"test|tests|pay|pays|are{SPACE}(?:more{SPACE})?{_CARE}|is{SPACE}(?:more{SPACE})?{_CARE}|know|knows|understand|understands|"
        rf"don['’]t|doesn['’]t|do{SPACE}not|does{SPACE}not|think|look|confirm|confirms)\b"
        # "retrain the on-call", "more training for the engineer", "disciplinary action"
        rf"|\bre-?(?:train|trains|training|trained|educate|educates|educated|educating){SPACE}(?:of{SPACE})?{audience}"
        rf"|\b(?:be|been|being|was|were|is|are|get|gets|got){SPACE}re-?(?:trained|educated)\b|\bheads{SPACE}(?:are{SPACE}going{SPACE}to|will|must|should|need{SPACE}to|have{SPACE}to){SPACE}roll\b"
        rf"|\b(?:taken|take|took|taking){SPACE}(?:disciplinary{SPACE}|appropriate{SPACE}|swift{SPACE})?action{SPACE}(?:against|with){SPACE}(?:the|that|this|an?){SPACE}(?:particular{SPACE}|individual{SPACE})?(?:[\w-]+{SPACE})?(?:employee|engineer|worker|person|individual|operator|staff|technician|contractor|nurse|pilot)"
        rf"|\b(?:dismissal|firing|termination|sacking|suspension){SPACE}of{SPACE}(?:the|an?|that|this){SPACE}(?:[\w-]+{SPACE})?(?:employee|engineer|worker|person|individual|operator|technician|contractor|nurse|pilot|developer|admin)"
        rf"|\bperformance[- ]manag\w*{SPACE}(?:people|staff|employees|the|them|him|her)\b|\b(?:hire|hiring|recruit\w*){SPACE}(?:better|smarter|more{SPACE}(?:competent|careful|experienced|senior))\b"
        rf"|(?:^[^\S\n]*|(?<=[.!?:][^\S\n]))(?:please{SPACE})?(?:do{SPACE}not|don['’]t|never){SPACE}(?:merge|commit|push|touch|submit|approve)\b"
        rf"|\bone{SPACE}(?:should|must){SPACE}(?:never|always)\b|\btry{SPACE}not{SPACE}to{SPACE}forget\b"
        rf"|\b(?:staff|employees|personnel|crews?|crew{SPACE}members|engineers|workers|nurses|pilots|drivers|operators|everyone|all{SPACE}\w+)\b"
        rf"[^.;!?\n]{{0,60}}?\b(?:receive[sd]?|receiving|complete[sd]?|completing|undergo(?:es|ing)?|underwent|attend(?:s|ed|ing)?|are{SPACE}given|were{SPACE}given|(?:have|has){SPACE}(?:appropriate{SPACE}|adequate{SPACE}|the{SPACE})?)"
        rf"[^.;!?\n]{{0,40}}?\b(?:training|e-?learning|re-?training|refresher|course|module)\b"
        rf"|\b(?:mandatory|compulsory|refresher|remedial|awareness|all-hands)[^\S\n]+(?:[\w-]+[^\S\n]+){{0,3}}?training\b"
        rf"|\b(?:sanctions?|penalt(?:y|ies)|warnings?|reprimands?){SPACE}(?:\w+{SPACE}){{0,4}}?(?:on|against|to){SPACE}(?:the|an?|that|this){SPACE}(?:[\w-]+{SPACE})?(?:employee|engineer|worker|nurse|pilot|operator|individual|person|driver|technician)\b"
        rf"|\brevoke{SPACE}(?:his|hers|her|their|the{SPACE}\w+['’]s){SPACE}?(?:licen[cs]es?|access|privileges)?"
        rf"|\b(?:essential|important|imperative|vital|critical|crucial){SPACE}that{SPACE}(?:all{SPACE}|every{SPACE}|each{SPACE}|the{SPACE})?(?:[\w-]+{SPACE})?(?:staff|crew|members|engineers|employees|operators|pilots|nurses|personnel|workers|everyone)\b"
        rf"|\b(?:I|we){SPACE}(?:now{SPACE}|always{SPACE})?(?:double|triple)[- ]check\b"
        # an order for next time: "From now on, please do not merge without a review", "Next time, review the changes"
        rf"|\b(?:next{SPACE}time|from{SPACE}now{SPACE}on|in{SPACE}(?:the{SPACE})?future|going{SPACE}forward),?{SPACE}(?:please{SPACE})?(?:do{SPACE}not|don['’]t|never|always|remember{SPACE}to|"
        rf"make{SPACE}sure|be{SPACE}(?:more{SPACE})?{_CARE}|review|check|test|double[- ]?check|read|think|verify|look)\b"
        rf"|\b(?:be|being){SPACE}more{SPACE}(?:hands-on|on{SPACE}top{SPACE}of{SPACE}things)\b|\bpay(?:ing)?{SPACE}attention{SPACE}more\b"
        rf"|\b(?:more|additional|extra|further|remedial|better|mandatory){SPACE}(?:\w+{SPACE})?training{SPACE}(?:for|of){SPACE}{audience}"
        rf"|\b(?:disciplinary|discipline[ds]?|reprimand(?:s|ed)?|punish(?:ed|ment)?|written{SPACE}up|performance{SPACE}improvement{SPACE}plan|"
        rf"(?:was|were|be|been|get|got){SPACE}(?:so{SPACE}|promptly{SPACE}|immediately{SPACE}|summarily{SPACE})?(?:fired|let{SPACE}go|sacked|demoted|terminated|dismissed))\b"  # not "suspended": servers and accounts are
        # "hold the engineer accountable", "will be held accountable"
        rf"|\bhold(?:s|ing)?{SPACE}(?:\w+{SPACE}){{1,4}}?(?:accountable|responsible)\b|\bheld{SPACE}(?:personally{SPACE})?(?:accountable|responsible)\b"
        # an order to people as the whole remedy: "Follow the process!", "Don't let it happen again."
        rf"|(?:^[^\S\n]*(?:[-*+][^\S\n]+)?|(?<=[.!?:][^\S\n]))(?:just{SPACE}|please{SPACE}|always{SPACE})?(?:follow{SPACE}(?:the{SPACE})?(?:process|runbook|procedure|rules|checklist|instructions)|"
        rf"be{SPACE}(?:more{SPACE})?{_CARE}|pay{SPACE}(?:more{SPACE})?attention|double[- ]?check{SPACE}(?:everything|your{SPACE}work)|"
        rf"(?:don['’]t|do{SPACE}not|never){SPACE}let{SPACE}(?:it|this|that){SPACE}happen{SPACE}again|think{SPACE}before)\b"
        # "require the nurse to complete additional training", "a note in their employee file", "fix the person"
        rf"|\b(?:require|requiring|force|forcing|have|make|get|send){SPACE}{audience}{SPACE}(?:to{SPACE})?(?:complete|take|attend|do|undergo|repeat|go{SPACE}through){SPACE}(?:\w+{SPACE}){{0,3}}?(?:training|course|class|certification)\b"
        rf"|\b(?:suspend|fire|dismiss|sack|demote|terminate|discipline|reprimand|punish|counsel)(?:ed|s|d)?{SPACE}{audience}(?![\w-])"
        rf"|\b(?:disciplining|punishing|reprimanding|firing|suspending|counsell?ing){SPACE}(?:the{SPACE}responsible{SPACE})?{audience}(?![\w-])"
        rf"|\b(?:provid\w*|giv\w*|gave|conduct\w*|deliver\w*){SPACE}(?:\w+{SPACE})?training{SPACE}(?:to|for){SPACE}{audience}"
        rf"|\b(?:employee|personnel|hr|permanent){SPACE}(?:file|record)\b|\bfix(?:ing)?{SPACE}the{SPACE}(?:person|people|human|engineer)\b|\bmake{SPACE}an{SPACE}example{SPACE}of\b|^[^\S\n]*make{SPACE}an{SPACE}example\b"
        rf"|\b(?:a|the){SPACE}(?:stern{SPACE})?talking[- ]to\b|\b(?:lessons?|lecture){SPACE}(?:for|to){SPACE}{audience}{SPACE}(?:to|about|on)\b",
        re.IGNORECASE | re.MULTILINE,
    )


_ASKED_OF = (
    rf"\b(?:(?:must|should|need{SPACE}to|needs{SPACE}to|has{SPACE}to|have{SPACE}to|will{SPACE}(?:need{SPACE}to|have{SPACE}to)|are{SPACE}expected{SPACE}to|"
    rf"is{SPACE}expected{SPACE}to|ought{SPACE}to){SPACE}(?:now{SPACE}|also{SPACE}|in{SPACE}future{SPACE})?(?:{_VERB_OF_CARE})\b"
    rf"|(?:needs?|require[sd]?|should{SPACE}(?:get|receive|take|attend)|will{SPACE}(?:get|receive|take|attend)){SPACE}(?:more{SPACE}|additional{SPACE}|extra{SPACE}|further{SPACE}|remedial{SPACE})?training\b)"
)
_ASKED_OF_CUE = re.compile(_ASKED_OF, re.IGNORECASE)


@lru_cache(maxsize=64)
def _asker(people: tuple[str, ...]) -> re.Pattern[str]:
    return re.compile(rf"(?:{subject_pattern(people)}|{_AUDIENCE}){SPACE}$", re.IGNORECASE)


_FIX_PERSON_PATTERNS = regex_finder(
    lambda c: _fix_person(c.people),
    # a word each branch needs; most sentences have none of them
    trigger=r"remind|\btell|told|\bask|instruct|encourag|urge|warn|emphasi|stress|communicat|\bmore\b|\bextra\b|"
    r"attention|must|should|need|\bha(?:s|ve)\s+to|expected|ought|sure|ensur|train|educat|disciplin|reprimand|punish|"
    r"written|performance|fired|\blet\b|sacked|demoted|suspended|accountable|responsible|follow|double|careful|"
    r"think|talking|lesson|lecture|require|forc|\bhave\b|make|\bget\b|send|file|record|\bfix|example|suspend|dismiss|"
    r"terminat|counsel|\bgiv|\bgave|provid|conduct|deliver|next\s+time|from\s+now|future|going\s+forward|hands-on|dismiss|"
    r"staff|employee|personnel|crew|engineers|workers|nurses|pilots|drivers|operators|everyone|\ball\s|mandatory|compulsory|refresher|"
    r"remedial|awareness|all-hands|sanction|penalt|warning|reprimand|revoke|essential|important|imperative|vital|critical|crucial|triple|"
    r"\bfire|heads|action\s+(?:against|with)|sacking|firing|suspension|performance|\bhir(?:e|ing)|recruit|\bone\s+(?:should|must)|forget|"
    r"(?:do\s+not|don['’]t|never)\s+(?:merge|commit|push|touch|submit|approve)",
)


def _people_asked(text: LintText, config: LintConfig) -> Iterator[Hit]:
    """'The on-call must pay closer attention', 'the engineer needs more training':
    the demand is found first and the person just before it after, since
    trying the long list of names at every position would be slow."""
    asker = _asker(config.people)
    for match in _ASKED_OF_CUE.finditer(text.masked):
        sentence = text.sentence_at(match.start())
        window_start = max(sentence.start, match.start() - 60)
        found = asker.search(text.masked, window_start, match.start())
        if found:
            yield Hit(found.start(), match.end())


def _fix_person_finder(text: LintText, config: LintConfig) -> Iterator[Hit]:
    yield from _people_asked(text, config)
    yield from _FIX_PERSON_PATTERNS(text, config)


FIX_PERSON_RULES: tuple[Rule, ...] = (
    Rule(
        "fix-person.care", "fix-person", "Fixing the person instead of the system",
        "Asking people to be more careful, to remember, to be retrained or to be held accountable leaves in place "
        "whatever made the slip easy; the next person in the same situation slips the same way, and people learn "
        "to hide slips instead of reporting them.",
        "Change the system: a check in the pipeline, a confirmation for destructive commands, a safer default, "
        "an alert, a runbook step the tool performs. For example: 'Make the deploy tool refuse an unreviewed change.'",
        flags=(
            "Remind everyone to be more careful when running migrations.",
            "Make sure engineers check the diff before applying it.",
            "Retrain the on-call engineer on the failover procedure.",
            "The team needs to pay more attention to the alerts channel.",
            "The engineer will be held accountable.",
            "Engineers must remember to drain the node first.",
            "Disciplinary action was taken against the operator.",
        ),
        passes=(
            "Make sure the deploy script checks the schema version.",
            "Add a confirmation prompt to the delete command.",
            "Nobody will be disciplined; the review looks at the system.",
            "Hold the release until the canary is healthy.",
            "The alerts were careful to include the runbook link.",
            "Remind the team channel bot to post the status page link.",
        ),
        find=_fix_person_finder,
        rewrite=reword_remedy,
    ),
)
