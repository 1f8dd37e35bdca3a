"""Contributing factors of a postmortem written elsewhere, read from its causes.

The items of a causes part become factors ("- **Connection timeout lowered**:
a deploy cut it to 300 ms"); a trigger part gives a factor with the role
"trigger"; a numbered list of whys ("1. Why did checkout fail? Because ...")
becomes the 5-Whys chain of the factor above it (or of one factor when the
part is only whys). A causes part that is prose without items becomes one
factor whose description is its first sentences. Each factor's category is
guessed from the words of the taxonomy, and marked as a guess for the report.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from cairn.domain.enums import FactorRole

# Words that suggest a category of the default taxonomy (config.DEFAULT_FACTOR_CATEGORIES).
CATEGORY_WORDS: dict[str, tuple[str, ...]] = {
    "change/deploy": ("deploy", "deployment", "release", "rollout", "rolled out", "upgrade", "migration", "merged", "pull request", "change"),
    "configuration": ("config", "configuration", "setting", "flag", "timeout", "threshold", "limit", "misconfigur", "hardcoded", "parameter"),
    "capacity": ("capacity", "load", "saturat", "exhaust", "overload", "traffic", "cpu", "memory", "disk full", "out of space", "scal", "throttl"),
    "dependency": ("dependency", "upstream", "third-party", "third party", "vendor", "provider", "aws", "gcp", "azure", "cdn", "dns", "external"),
    "monitoring gap": ("no alert", "missing alert", "without alert", "no monitoring", "lack of monitoring", "alert", "monitor", "observab", "dashboard", "undetected", "not caught", "wasn't caught", "no visibility", "metric"),
    "process": ("process", "runbook", "procedure", "review", "communication", "handoff", "on-call", "escalat", "checklist", "approval"),
    "software defect": ("bug", "defect", "regression", "race condition", "null", "exception", "crash", "panic", "logic error", "incompatib"),
    "hardware/infrastructure": ("hardware", "server", "node", "host", "network", "switch", "power", "datacenter", "data center", "kubernetes", "pod"),
    "security": ("attack", "malware", "compromis", "credential", "token", "vulnerab", "exploit", "phishing", "supply chain", "leak"),
    "data": ("data loss", "data corruption", "corrupt", "schema", "replication lag", "toast", "oid", "backfill", "inconsistent data", "duplicate"),
}
_ITEM = re.compile(r"^(?P<indent>[ \t]*+)(?:(?P<bullet>[-*+])|(?P<number>\d+)[.)])\s++(?P<text>.+)$")
_WHY = re.compile(r"^(?:\*\*)?(?P<question>why\b[^?]{0,300}\?)(?:\*\*)?\s*+(?P<answer>.*)$", re.IGNORECASE)
_BOLD = re.compile(r"^\*\*(?P<title>[^*]{2,200})\*\*\s*+:?\s*+(?P<rest>.*)$")


@dataclass
class WhyText:
    question: str
    answer: str


@dataclass
class FactorText:
    description: str
    line: int
    role: FactorRole = FactorRole.LATENT_CONDITION
    category: str = "unknown"
    category_guessed: bool = True
    whys: list[WhyText] = field(default_factory=list)


def guess_category(text: str, categories: list[str] | None = None) -> str:
    """The category whose words the text uses most (ties: the taxonomy's order), else "unknown"."""
    lowered = text.casefold()
    allowed = categories or list(CATEGORY_WORDS) + ["unknown"]
    scores = {  # words counted where they begin a word ("load" in "overload" no, "saturat" in "saturation" yes)
        name: sum(len(re.findall(rf"(?<![\w]){re.escape(word)}", lowered)) for word in words)
        for name, words in CATEGORY_WORDS.items() if name in allowed
    }
    best = max(scores.items(), key=lambda pair: pair[1], default=("unknown", 0))
    return best[0] if best[1] > 0 else ("unknown" if "unknown" in allowed else allowed[-1])


def _description(text: str) -> str:
    plain = re.sub(r"\[([^\]]*)\]\([^)]*\)", r"\1", text).replace("**", "").replace("__", "")
    plain = " ".join(plain.split())
    if len(plain) <= 300:
        return plain
    cut = plain.rfind(". ", 0, 300)
    return plain[:cut + 1] if cut > 40 else plain[:297].rstrip() + "…"


def read_factors(lines: list[tuple[int, str]], *, role: FactorRole = FactorRole.LATENT_CONDITION,
                 categories: list[str] | None = None) -> list[FactorText]:
    """The factors of a causes (or trigger) part: (file line, text) pairs."""
    factors: list[FactorText] = []
    prose: list[tuple[int, str]] = []
    orphan_whys: list[WhyText] = []
    first_line = lines[0][0] if lines else 0
    for number, raw in lines:
        line = raw.rstrip()[:4_000]
        if not line.strip() or line.lstrip().startswith(("#", "|", "```", "<img", "!")):
            continue
        item = _ITEM.match(line)
        text = item.group("text").strip() if item else line.strip()
        why = _WHY.match(text)
        if why:
            pair = WhyText(" ".join(why.group("question").split()), _description(why.group("answer")))
            (factors[-1].whys if factors else orphan_whys).append(pair)
            continue
        if item and len(item.group("indent").expandtabs(4)) >= 2 and factors:
            factors[-1].description = _description(f"{factors[-1].description} {text}")
            continue
        if item:
            bold = _BOLD.match(text)
            described = f"{bold.group('title')}: {bold.group('rest')}" if bold and bold.group("rest") else (bold.group("title") if bold else text)
            factors.append(FactorText(_description(described), number, role))
            continue
        prose.append((number, line.strip()))
    if not factors and (prose or orphan_whys):
        text = " ".join(piece for _number, piece in prose)
        factors.append(FactorText(_description(text) or "(see the causes section)", prose[0][0] if prose else first_line, role))
    if orphan_whys and factors:
        factors[0].whys = orphan_whys + factors[0].whys
    for factor in factors:
        factor.category = guess_category(" ".join([factor.description, *(w.answer for w in factor.whys)]), categories)
    return factors
