"""A small statistical second opinion for sentences no rule flags.

The rules know phrasings; real prose blames in more ways than any list of
phrasings holds. A logistic model over word pairs, trained on the team's
labelled corpus (`bench/train_lint_model.py`, never on the test split),
scores each sentence the rules leave alone. Above the threshold (chosen by
the trainer's cross-validation on the dev split and stored with the weights) the
sentence is reported under the family whose own model scores it highest,
with that family's explanation and suggestion, and with the words that
weighed most as the span, so the finding stays explainable.

People are features by kind, not by name: a given name, a role and a
pronoun become `_name_`, `_role_` and `_pron_`, so "Dave forgot" and
"the DBA forgot" teach the same thing.
"""

from __future__ import annotations

import json
import math
import re
from dataclasses import dataclass
from functools import lru_cache
from importlib import resources

from cairn.analysis.lint.names import GIVEN_NAMES

MODEL_FILE = "lint_model.json"
DEFAULT_THRESHOLD = 0.9  # for a model file without its own (the trainer writes the one cross-validation chose)
# The trainer picks the lowest threshold whose cross-validated precision reaches this. It is above
# the 0.85 on purpose: the rules were written against the same dev sentences the folds hold
# out, so the cross-validated precision of rules plus model is optimistic for text nobody has seen.
TARGET_PRECISION = 0.9
MIN_WORDS = 4  # a fragment is too short to judge

_WORD = re.compile(r"[A-Za-z][A-Za-z'’-]*")
_NAMES = frozenset(name.lower() for name in GIVEN_NAMES)
_ROLES = frozenset(
    "engineer engineers developer developers dev devs operator operators admin admins administrator sre sres dba dbas "
    "intern interns contractor contractors technician technicians employee employees staff pilot pilots captain nurse "
    "crew oncall on-call responder responders reviewer reviewers manager managers sysadmin sysadmins guy guys newbie hire "
    "junior".split()
)
_PRONOUNS = frozenset("he she they you someone somebody anyone anybody everyone everybody him her them".split())
_PERSON_ALONE = frozenset({"w:_name_", "w:_role_", "w:_pron_"})
_SOMEBODY = frozenset({"_name_", "_role_", "_pron_", "we", "i", "human", "humans", "people", "person", "team", "user", "users", "who", "whoever"})


@dataclass(frozen=True)
class Token:
    feature: str
    start: int
    end: int


def tokens(sentence: str, people: frozenset[str] = frozenset()) -> list[Token]:
    out = []
    for match in _WORD.finditer(sentence):
        word = match.group().lower().replace("’", "'")
        if match.group()[0].isupper() and (word in _NAMES or word in people):
            feature = "_name_"
        elif word in _ROLES:
            feature = "_role_"
        elif word in _PRONOUNS:
            feature = "_pron_"
        else:
            feature = word
        out.append(Token(feature, match.start(), match.end()))
    return out


def features(words: list[Token]) -> list[tuple[str, int, int]]:
    """Unigrams and bigrams with the span of sentence they cover."""
    # A person alone is not a feature: the corpus names people more often in blameful sentences,
    # and a model that learns "a role is mentioned" flags every sentence about a responder.
    found = [("w:" + t.feature, t.start, t.end) for t in words if not t.feature.startswith("_")]
    found += [("b:" + a.feature + "_" + b.feature, a.start, b.end) for a, b in zip(words, words[1:])]
    return found


@dataclass(frozen=True)
class Verdict:
    probability: float  # that the sentence is blameful
    family: str  # the family whose model scores it highest
    start: int  # the span of the feature that weighed most toward blame
    end: int


@dataclass(frozen=True)
class LintModel:
    blame: dict[str, float]  # feature -> weight, "bias" included
    families: dict[str, dict[str, float]]
    threshold: float = DEFAULT_THRESHOLD  # a sentence is reported above this probability

    def judge(self, sentence: str, people: frozenset[str] = frozenset(), threshold: float = 0.0) -> Verdict | None:
        """None for a sentence too short to judge, a heading, or one about no one:
        blame needs somebody to blame, and a model free to fire anywhere undoes
        the exceptions the rules make for systems ("the job failed to start").
        At or below `threshold` the family is not worked out."""
        words = tokens(sentence, people)
        if len(words) < MIN_WORDS or sentence.lstrip().startswith("#") or not any(t.feature in _SOMEBODY for t in words):
            return None
        found = features(words)
        probability = _sigmoid(self.blame.get("bias", 0.0) + sum(self.blame.get(name, 0.0) for name, _s, _e in found))
        if probability <= threshold:
            return Verdict(probability, "", 0, 0)  # not reported: which family it would be is not needed
        family = max(
            self.families or {"person": {}},
            key=lambda f: self.families.get(f, {}).get("bias", 0.0) + sum(self.families.get(f, {}).get(name, 0.0) for name, _s, _e in found),
        )
        # The marked words must say more than that somebody is named: a person alone is no evidence.
        evidence = [item for item in found if item[0] not in _PERSON_ALONE]
        name, start, end = max(evidence or found, key=lambda item: self.blame.get(item[0], 0.0))
        if self.blame.get(name, 0.0) <= 0.0:
            return Verdict(0.0, "", 0, 0)
        return Verdict(probability, family, start, end)


def _sigmoid(z: float) -> float:
    return 1.0 / (1.0 + math.exp(-max(-30.0, min(30.0, z))))


@lru_cache(maxsize=1)
def load_model() -> LintModel | None:
    """The committed model, or None when the file is absent (the rules still run)."""
    try:
        data = json.loads(resources.files("cairn.analysis.lint").joinpath(MODEL_FILE).read_text(encoding="utf-8"))
    except (FileNotFoundError, OSError, ValueError):
        return None
    return LintModel(blame=data["blame"], families=data["families"], threshold=float(data.get("threshold", DEFAULT_THRESHOLD)))
