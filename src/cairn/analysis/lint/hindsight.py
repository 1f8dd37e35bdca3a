"""Hindsight: calling obvious, after the fact, what was not obvious at the
time. Knowing the outcome makes the path to it look clear; the people in
the incident did not know the outcome."""

from __future__ import annotations

from cairn.analysis.lint.base import SPACE, Rule, regex_finder, static
from cairn.analysis.lint.rewrites import reword_hindsight

_OBVIOUS = r"(?:obvious|clear|evident|apparent|predictable|foreseeable|avoidable|preventable|inevitable|easy{SPACE}to{SPACE}(?:see|spot|predict|avoid|prevent|catch))".replace("{SPACE}", SPACE)

_HINDSIGHT = (
    # "In hindsight it was obvious", "with hindsight, the team should have ..."
    rf"\b(?:in|with){SPACE}(?:(?:the{SPACE})?benefit{SPACE}of{SPACE})?(?:hindsight|retrospect)\b[^.;!?\n]{{0,80}}?\b(?:{_OBVIOUS}|(?:should|could|would|ought{SPACE}to)(?:n['’]t)?(?:{SPACE}not)?(?:{SPACE}have|['’]ve)|simple|mistake|wrong|bad|poor|careless)\b"
    rf"|\blooking{SPACE}back\b[^.;!?\n]{{0,60}}?\b(?:{_OBVIOUS}|should|ought|mistake)\b"
    # "obvious in hindsight"
    rf"|\b(?:obvious|clear|evident|apparent|predictable|foreseeable|avoidable|preventable){SPACE}(?:[\w-]+{SPACE}){{0,3}}(?:in|with){SPACE}(?:hindsight|retrospect)\b"
    # "the signs were all there", "the red flags were ignored", "all the warning signs"
    rf"|\b(?:the|all{SPACE}the|there{SPACE}were|plenty{SPACE}of|many){SPACE}(?:\w+{SPACE})?(?:warning{SPACE})?(?:signs|red{SPACE}flags|flags|signals|clues|warnings|indicators)"
    rf"{SPACE}(?:were|was){SPACE}(?:all{SPACE}|clearly{SPACE}|plainly{SPACE})?(?:there|visible|clear|obvious|everywhere|ignored|missed|overlooked|dismissed)\b"
    rf"|\b(?:ignored|missed|overlooked|dismissed|disregarded){SPACE}(?:all{SPACE})?(?:the{SPACE})?(?:obvious{SPACE}|clear{SPACE})?(?:warning{SPACE}signs|red{SPACE}flags|warnings|signs)\b"
    rf"|\bthe{SPACE}writing{SPACE}(?:was|had{SPACE}been){SPACE}on{SPACE}the{SPACE}wall\b"
    # "clearly should have", "should have been obvious", "should have known better"
    rf"|\b(?:clearly|obviously|plainly|surely){SPACE}(?:should|ought)\b"
    rf"|\bshould(?:{SPACE}have|['’]ve){SPACE}(?:been{SPACE}(?:obvious|clear|evident|apparent|caught|noticed|spotted|seen)|known{SPACE}better|seen{SPACE}(?:it|this|that){SPACE}coming)\b"
    # "anyone could have seen it", "any engineer would have caught this"
    rf"|\bany(?:one|body|{SPACE}(?:competent{SPACE}|reasonable{SPACE}|experienced{SPACE})?(?:engineer|developer|operator|person|reviewer|sre)){SPACE}(?:could|would|should){SPACE}have{SPACE}"
    rf"(?:seen|known|noticed|spotted|caught|predicted|foreseen|realised|realized)\b"
    # "it was obvious that", "the cause was obvious", "this was entirely avoidable"
    rf"|\b(?:it|this|that|which|the{SPACE}(?:cause|problem|issue|error|mistake|bug|answer|fix|risk|outage|incident|failure))"
    rf"{SPACE}(?:was|is|had{SPACE}been|should{SPACE}have{SPACE}been){SPACE}(?:so{SPACE}|very{SPACE}|completely{SPACE}|entirely{SPACE}|totally{SPACE}|perfectly{SPACE}|painfully{SPACE}|blindingly{SPACE}|"
    rf"always{SPACE}|clearly{SPACE}|easily{SPACE}|100%{SPACE})?(?:obvious|avoidable|preventable|foreseeable|predictable)\b"
    rf"|\b(?:entirely|completely|totally|easily){SPACE}(?:avoidable|preventable|foreseeable|predictable)\b"
    # "I knew it would happen", "it was bound to happen", "an accident waiting to happen", "I told you so"
    rf"|\b(?:knew|said|told{SPACE}you|predicted|warned){SPACE}(?:that{SPACE})?(?:it|this|that){SPACE}(?:would|was{SPACE}going{SPACE}to){SPACE}happen\b"
    rf"|\b(?:had|was{SPACE}bound|was{SPACE}going){SPACE}to{SPACE}happen\b|\bwaiting{SPACE}to{SPACE}happen\b|\bonly{SPACE}a{SPACE}matter{SPACE}of{SPACE}time\b"
    rf"|\btold{SPACE}you{SPACE}so\b|\bsaw{SPACE}(?:this|it|that){SPACE}coming\b"
    # "I knew that stock was going to rise", "they had to have known"
    rf"|\b(?:I|we){SPACE}(?:knew|said|told{SPACE}you|predicted|warned)\b(?:{SPACE}(?:that|this|it))?[^.;!?\n]{{0,50}}?\b(?:would|was{SPACE}going{SPACE}to|were{SPACE}going{SPACE}to|had{SPACE}to)\b"
    rf"|\bhad{SPACE}to{SPACE}have{SPACE}(?:known|seen|noticed|realised|realized|understood)\b"
    # "clearly mistakes", "a seasoned DBA would not make"
    rf"|\b(?:clearly|plainly){SPACE}(?:a{SPACE}|an{SPACE})?(?:\w+{SPACE})?(?:mistakes?|errors?|wrong|blunders?)\b"  # "obviously" is judgement.obviously
    rf"|\b(?:any|a){SPACE}(?:competent|seasoned|experienced|good|decent|reasonable|qualified|careful|sensible){SPACE}(?:[\w/-]+{SPACE}){{0,3}}?(?:would|should|could){SPACE}(?:not{SPACE}|never{SPACE}|have{SPACE})?(?:have{SPACE})?\w+"
)


HINDSIGHT_RULES: tuple[Rule, ...] = (
    Rule(
        "hindsight.obvious", "hindsight", "Hindsight: obvious after the fact",
        "Once the outcome is known, the path to it looks clear, and the people who did not see it look careless. "
        "At the time the signals were mixed with many others; calling them obvious hides why they were not seen.",
        "Describe what the signals looked like at the time and what competed with them: 'The disk alert was one "
        "of 40 warnings that hour and looked like the usual nightly noise.'",
        flags=(
            "In hindsight it was obvious that the cache was the problem.",
            "The signs were all there.",
            "The cause should have been obvious to the on-call.",
            "This was entirely avoidable.",
            "Anyone could have seen this coming.",
            "The team clearly should have waited for the canary.",
            "The red flags were ignored for weeks.",
        ),
        passes=(
            "In hindsight, the alert threshold hid a slow climb; we lowered it.",
            "It was not obvious at the time that the replica was stale.",
            "The cause was not clear until 14:20.",
            "At 14:05 it was clear the primary was down, and Alice started the failover.",
            "It is easy to see the pattern in hindsight, but the signals were noisy during the incident.",
            "In retrospect, the team agreed that we should invest in load tests.",
        ),
        rewrite=reword_hindsight,
        find=regex_finder(
            static(_HINDSIGHT),
            trigger=r"obvious|clear|evident|apparent|predictab|foreseeab|avoidab|preventab|inevitab|easy|hindsight|retrospect|"
            r"looking|signs|flags|signals|clues|warnings|indicators|wall|surely|should|\bany|happen|time|told|coming|"
            r"mistake|error|wrong|blunder|knew|said|predicted|warned|known|seen|noticed|reali[sz]ed|understood",
        ),
    ),
)
