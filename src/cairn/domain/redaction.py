"""The public version of a postmortem: secrets, personal data and internal
names replaced by neutral placeholders, and internal sections left out.

Secret shapes come first from detect-secrets' regex plugins, read as data
(its maintained list of token formats), then from Cairn's own rules for what
that list lacks: `*_PASSWORD` / `*_SECRET` / `*_TOKEN` / `*_KEY` assignments
in env-file, YAML, JSON, TOML and URL spellings, AWS secret keys beside their
key id, Google API keys, whole private key blocks. Every rule looks at the
original text; overlapping finds are merged, so a secret is replaced once
and counted once. Then e-mail addresses, people (usernames and display
names), IP addresses and internal host names, each only where no earlier
find already covers the text.

Every replacement is recorded with its place, so the list reviewed before
publishing is complete: the number of placeholders in the public version is
the number of entries in the list.
"""

from __future__ import annotations

import bisect
import fnmatch
import functools
import re
from collections.abc import Callable, Iterable, Iterator, Mapping
from dataclasses import dataclass, field, replace
from typing import Any

from cairn.domain.document import PROSE_SECTIONS, EventDoc, FactorDoc, IncidentDoc, ParticipantDoc, SectionDoc, WhyDoc

INTERNAL_MARK = "(internal)"
SECRET_REPLACEMENT = "[secret removed]"
LEFT_OUT = "(left out)"

# Suffixes that are internal wherever they end a host name; the team adds its own domains.
BUILT_IN_INTERNAL_DOMAINS = ("internal", "local", "lan", "corp", "intra", "intranet", "private", "cluster.local", "svc", "consul", "home.arpa")
# Short host names without a domain: a hyphenated name whose last part is two or more letters and then two
# or more digits (payroll-db01, k8s-node12; not report-2024 or release-v10), and EC2's private names
# (ip-10-0-1-23). The team adds its own globs (CAIRN_INTERNAL_HOST_PATTERNS).
BUILT_IN_HOSTS = re.compile(r"^(?:[a-z][a-z0-9]*(?:-[a-z0-9]+)*-[a-z]{2,}[0-9]{2,}[a-z]?|ip(?:-[0-9]{1,3}){4})$")
# Accounts of the integrations Cairn ships (importers, hooks, trackers) and common automation: systems, not people.
KNOWN_SYSTEM_ACCOUNTS = frozenset({
    "alertmanager", "pagerduty", "opsgenie", "grafana", "github", "slack", "log", "jira", "tracker", "cairn",
    "prometheus", "dependabot", "renovate", "github-actions", "gitlab-ci", "jenkins", "argocd",
})
_BOT_SHAPE = re.compile(r"(?i)^(?:bot|.+\[bot\]|.+[-_.]bot|bot[-_.].+|.+-ci|ci-.+|svc[-_.].+)$")
# First names that are also everyday words: alone, they are matched only as capitalised in the display name.
_WORDLIKE_NAMES = frozenset({
    "will", "mark", "may", "june", "april", "august", "bill", "rose", "grace", "hope", "faith", "joy", "sky", "summer",
    "rich", "frank", "guy", "jack", "pat", "sue", "art", "dean", "drew", "gene", "ray", "rob", "sunny", "max", "amber",
    "iris", "ivy", "lily", "dawn", "eve", "chase", "hunter", "page", "paige", "read", "reed", "lane", "long", "young",
    "white", "black", "brown", "green", "king", "park", "wood", "hill", "stone", "small", "little", "major", "miller",
    "admin", "member", "reader", "outsider", "owner", "tester", "user", "team", "ops", "support",
})

DOMAIN = re.compile(r"^[a-z0-9](?:[a-z0-9-]*[a-z0-9])?(?:\.[a-z0-9](?:[a-z0-9-]*[a-z0-9])?)*$")
_HOST_TOKEN = re.compile(r"(?<![\w.-])[A-Za-z0-9](?:[A-Za-z0-9-]*[A-Za-z0-9])?(?:\.[A-Za-z0-9](?:[A-Za-z0-9-]*[A-Za-z0-9])?)*(?![\w@-])")
_UUID = re.compile(r"^[0-9a-f]{8}(?:-[0-9a-f]{4}){3}-[0-9a-f]{12}$")
EMAIL = re.compile(r"\b[A-Za-z0-9._%+-]+@[A-Za-z0-9.-]+\.[A-Za-z]{2,}\b")
IPV4 = re.compile(r"\b(?:(?:25[0-5]|2[0-4]\d|1?\d?\d)\.){3}(?:25[0-5]|2[0-4]\d|1?\d?\d)(?:/\d{1,2})?\b")
IPV6 = re.compile(
    r"(?<![\w:])(?=[0-9A-Fa-f:]*::|(?:[0-9A-Fa-f]{1,4}:){5})(?=[:0-9A-Fa-f]*[0-9A-Fa-f])(?:[0-9A-Fa-f]{0,4}:){2,7}[0-9A-Fa-f]{0,4}(?![\w:])"
)


def check_domain(value: str) -> str:
    """A domain as the settings take it: lower case, without a leading dot; ValueError when not one."""
    clean = value.strip().lower().lstrip(".")
    if not DOMAIN.match(clean):
        raise ValueError(f"{value!r} is not a domain name (like corp.example.com)")
    return clean


def check_host_pattern(value: str) -> str:
    """A glob over host names (`*` any run, `?` one character, `[0-9]` a set); ValueError when unusable."""
    clean = value.strip().lower()
    if not clean or re.search(r"\s", clean) or not re.search(r"[a-z0-9]", clean):
        raise ValueError(f"{value!r} is not a host name pattern (like payroll-* or *-db[0-9]*)")
    return clean


# ---------------------------------------------------------------------------
# Secret rules


@dataclass(frozen=True)
class SecretRule:
    """One secret shape. `find` yields (start, end) spans of the secret alone, never of its label."""

    kind: str
    find: Callable[[str], Iterator[tuple[int, int]]]
    source: str = "cairn"


_TOKEN_TAIL = re.compile(r"[A-Za-z0-9_\-+/=]*")
_EDGE = " \t\r\n=:\"'`"


def _detector_spans(pattern: re.Pattern[str]) -> Callable[[str], Iterator[tuple[int, int]]]:
    """Spans of one detect-secrets pattern: its captured value, unless the capture is only a prefix
    (their GitHub and GitLab rules capture `ghp`), else the whole match without the delimiters some
    patterns include, completed to the end of the token (their JWT rule stops after the payload)."""

    def find(text: str) -> Iterator[tuple[int, int]]:
        for match in pattern.finditer(text):
            groups = [match.span(i) for i in range(1, (pattern.groups or 0) + 1) if match.group(i)]
            if groups:
                start, end = max(groups, key=lambda span: span[1] - span[0])
                blank = re.search(r"\s", text[start:end])  # their npm rule's capture runs to the end of the line
                end = start + blank.start() if blank else end
                if end - start >= 8:
                    yield start, end
                    continue
            start, end = match.span()
            while start < end and text[start] in _EDGE:
                start += 1
            while end > start and text[end - 1] in _EDGE:
                end -= 1
            if end > start:
                yield start, _TOKEN_TAIL.match(text, end).end()  # type: ignore[union-attr]

    return find


# Left out: the public IP plugin (Cairn replaces every IP address as an address, not as a secret). The private
# key plugin finds only the BEGIN line; Cairn's rule for the whole block merges with it.
_SKIPPED_DETECTORS = {"IPPublicDetector"}


@functools.cache
def detect_secrets_rules() -> tuple[SecretRule, ...]:
    """detect-secrets' regex plugins as rules: every compiled pattern of every RegexBasedDetector."""
    import importlib
    import pkgutil

    import detect_secrets.plugins as plugins
    from detect_secrets.plugins.base import RegexBasedDetector

    for module in pkgutil.iter_modules(plugins.__path__):
        importlib.import_module(f"{plugins.__name__}.{module.name}")

    def subclasses(cls: type) -> Iterator[type]:
        for sub in cls.__subclasses__():
            yield sub
            yield from subclasses(sub)

    rules = []
    for detector in sorted(set(subclasses(RegexBasedDetector)), key=lambda c: c.__name__):
        if detector.__name__ in _SKIPPED_DETECTORS or not detector.__module__.startswith(plugins.__name__):
            continue
        for pattern in detector.denylist:
            rules.append(SecretRule(str(detector.secret_type), _detector_spans(pattern), "detect-secrets"))
    return tuple(rules)


def _regex(pattern: re.Pattern[str], *groups: str) -> Callable[[str], Iterator[tuple[int, int]]]:
    """Spans of the first named group that matched, or of the whole match when none is named."""

    def find(text: str) -> Iterator[tuple[int, int]]:
        for match in pattern.finditer(text):
            for name in groups:
                if match.group(name):
                    yield match.span(name)
                    break
            else:
                if not groups:
                    yield match.span()

    return find


# Assignments: a name ending in a secret word, a separator, a value. Bare `key` counts only as a suffix
# (DB_KEY, service-key), so prose like "primary key: id" stays.
_SECRET_NAME = (
    r"(?:(?:[a-z0-9]+[_.-])*[a-z0-9]*(?:password|passwd|passphrase|pwd|secret|token|credentials?|apikey)"
    r"|(?:[a-z0-9]+[_.-])+(?:key|pass|pw|auth)"
    r"|(?-i:[a-z][a-zA-Z0-9]*(?:Key|Secret|Token|Password|Passwd|Pass|Pwd|Credentials?)))"  # camelCase: signingKey
    r"(?:[_.-](?:base|value|b64|base64))?"
)
ASSIGNMENT = re.compile(
    rf"(?i)(?<![\w.-])(?P<name>{_SECRET_NAME})[\"'`\]]?\s*(?::=|=>|=|:)[ \t]*"
    r"(?:(?P<q>[\"'`])(?P<quoted>[^\"'`\r\n]{1,500}?)(?P=q)|(?P<bare>[^\s\"'`,;&<>(){}\[\]]{4,}))"
)
# Keys that identify rather than unlock: alert grouping and deduplication, database and sort keys.
_NOT_A_SECRET_NAME = re.compile(
    r"(?i)^(?:.*[_.-])?(?:group|alert|dedup|incident|issue|project|sort|primary|partition|foreign|lookup|cache|idempotency|public)[_.-]?key$"
)
# Values that say there is no secret here: references, masks, empty-ish words.
_NOT_A_VALUE = re.compile(r"(?i)^(?:\$\{?\w+\}?|\{\{.*\}\}|\*+|x{3,}|<[^>]*>|\.{3}|…|null|none|nil|true|false|changeme|redacted|\[secret removed\])$")


def _assignments(text: str) -> Iterator[tuple[int, int]]:
    for match in ASSIGNMENT.finditer(text):
        group = "quoted" if match.group("quoted") else "bare"
        if not _NOT_A_VALUE.match(match.group(group).strip()) and not _NOT_A_SECRET_NAME.match(match.group("name")):
            yield match.span(group)


@functools.cache
def _aws_key_id() -> re.Pattern[str]:
    """detect-secrets' AWS access key id shape, the first pattern of its AWS plugin."""
    from detect_secrets.plugins.aws import AWSKeyDetector

    return AWSKeyDetector.denylist[0]


_AWS_SECRET = re.compile(r"(?<![A-Za-z0-9/+=])[A-Za-z0-9/+]{40}(?![A-Za-z0-9/+=])")
_HEX_ONLY = re.compile(r"^[0-9a-f]{40}$")


def _aws_secrets_beside_ids(text: str) -> Iterator[tuple[int, int]]:
    """A bare 40-character key within a line's reach of an access key id (not a lower-case hex digest)."""
    for key_id in _aws_key_id().finditer(text):
        window_start, window_end = max(0, key_id.start() - 120), min(len(text), key_id.end() + 120)
        for match in _AWS_SECRET.finditer(text, window_start, window_end):
            value = match.group()
            if not _HEX_ONLY.match(value) and re.search(r"\d", value) and re.search(r"[A-Za-z]", value):
                yield match.span()


CAIRN_RULES: tuple[SecretRule, ...] = (
    SecretRule("private key block", _regex(re.compile(r"-----BEGIN [A-Z0-9 ]*PRIVATE KEY(?: BLOCK)?-----.*?(?:-----END [A-Z0-9 ]*PRIVATE KEY(?: BLOCK)?-----|\Z)", re.S))),
    SecretRule("AWS secret access key", _aws_secrets_beside_ids),
    SecretRule("secret value", _assignments),
    SecretRule("credentials in URL", _regex(re.compile(r"://(?:[^\s/@:]*:(?P<password>[^\s/@]+)|(?P<token>[A-Za-z0-9_\-.~]{16,}))@"), "password", "token")),
    SecretRule("Google API key", _regex(re.compile(r"\bAIza[0-9A-Za-z_\-]{35}(?![0-9A-Za-z_\-])"))),
    SecretRule("GitHub fine-grained token", _regex(re.compile(r"\bgithub_pat_[A-Za-z0-9_]{30,}"))),
    SecretRule("Slack webhook", _regex(re.compile(r"https://hooks\.slack\.com/(?:services|workflows|triggers)/[A-Za-z0-9/_-]+"))),
    SecretRule("Cairn token", _regex(re.compile(r"\bcairn_[A-Za-z0-9_-]{20,}\b"))),
    SecretRule("API key", _regex(re.compile(r"\b(?:sk|rk)_(?:live|test)_[A-Za-z0-9]{16,}\b"))),
    SecretRule("bearer token", _regex(re.compile(r"(?i)\b(?:bearer|basic)\s+(?P<secret>[A-Za-z0-9._~+/=-]{16,})"), "secret")),
)


def secret_rules() -> tuple[SecretRule, ...]:
    """The maintained set first, then Cairn's own rules for the shapes it lacks."""
    return detect_secrets_rules() + CAIRN_RULES


# ---------------------------------------------------------------------------
# People, bots and hosts


@dataclass(frozen=True)
class RedactionPolicy:
    """What the public version treats as people, as systems and as internal hosts.

    `directory` maps every username Cairn knows to its display name (or None).
    """

    directory: Mapping[str, str | None] = field(default_factory=dict)
    bots: frozenset[str] = frozenset()
    internal_domains: tuple[str, ...] = BUILT_IN_INTERNAL_DOMAINS
    internal_host_patterns: tuple[str, ...] = ()  # globs, besides BUILT_IN_HOSTS

    @classmethod
    def for_settings(cls, settings: Any, directory: Mapping[str, str | None]) -> "RedactionPolicy":
        """The built-in lists plus the team's additions from the settings."""
        return cls(
            directory=dict(directory),
            bots=frozenset(name.casefold() for name in getattr(settings, "bot_accounts", ())),
            internal_domains=BUILT_IN_INTERNAL_DOMAINS + tuple(d.lower() for d in getattr(settings, "internal_domains", ())),
            internal_host_patterns=tuple(p.lower() for p in getattr(settings, "internal_host_patterns", ())),
        )

    def is_bot(self, name: str) -> bool:
        folded = name.strip().casefold()
        return folded in KNOWN_SYSTEM_ACCOUNTS or folded in self.bots or bool(_BOT_SHAPE.match(folded))

    @functools.cached_property
    def _domains(self) -> frozenset[str]:
        return frozenset(self.internal_domains)

    @functools.cached_property
    def _host_glob(self) -> re.Pattern[str]:
        return re.compile("|".join(fnmatch.translate(pattern) for pattern in self.internal_host_patterns) or r"(?!)")  # (?!) never matches

    def is_internal_host(self, token: str) -> bool:
        """An internal domain ends it (a bare team domain counts, a bare suffix like `local` does not),
        or a host pattern matches it or its first label."""
        host = token.lower().rstrip(".")
        if _UUID.match(host):
            return False
        labels = host.split(".")
        if {".".join(labels[i:]) for i in range(1, len(labels))} & self._domains:
            return True
        if host in self._domains and "." in host and host not in BUILT_IN_INTERNAL_DOMAINS:
            return True
        first = host.split(".", 1)[0]
        return any(pattern.match(name) for pattern in (BUILT_IN_HOSTS, self._host_glob) for name in (host, first))


def _words(name: str) -> list[str]:
    return [part for part in re.split(r"[\s,]+", name.strip()) if part]


_FOLD_SPACE = re.compile(r"\s+")
_MARKS = re.compile(r"([.'’])")
_POSSESSIVE = re.compile(r"['’]s$")
_NAME_TOKEN = re.compile(r"\w(?:[\w.'’-]*\w)?")


def _fold(text: str) -> str:
    return _FOLD_SPACE.sub(" ", text).casefold()


@dataclass(frozen=True)
class Redaction:
    kind: str
    where: str
    original: str
    replacement: str

    @property
    def is_secret(self) -> bool:
        return self.replacement == SECRET_REPLACEMENT

    @property
    def shown(self) -> str:
        """What a reviewer sees: a secret by its first characters only, enough to recognise, not to use."""
        if self.is_secret:
            keep = min(4, len(self.original) // 4)  # a short password keeps at most one character
            return f"{self.original[:keep]}… ({len(self.original)} characters)"
        return self.original if len(self.original) <= 60 else self.original[:59] + "…"


@dataclass
class Redactor:
    """Replaces and records, for one document: the aliases (Person A, B...) hold across all its fields."""

    policy: RedactionPolicy = field(default_factory=RedactionPolicy)
    involved: Iterable[str] = ()
    found: list[Redaction] = field(default_factory=list)
    _aliases: dict[str, str] = field(default_factory=dict)

    def __post_init__(self) -> None:
        self._names, self._names_as_written = self._people_terms()

    def _people_terms(self) -> tuple[dict[str, str], dict[str, str]]:
        """Who each name means: usernames and display names of the people in the incident (also a first
        name or surname alone, when only one person Cairn knows has it), and the full display names of
        everyone else Cairn knows. Keys are folded (any case), except first names that are everyday
        words, kept as written."""
        directory = {user: name for user, name in self.policy.directory.items() if not self.policy.is_bot(user)}
        self._by_display = {_fold(name): user for user, name in directory.items() if name}
        involved = [self.canonical(name) for name in dict.fromkeys(self.involved) if name and not self.policy.is_bot(name)]
        holders: dict[str, set[str]] = {}
        for user, display in directory.items():
            for word in {user.casefold(), *(w.casefold() for w in _words(display or ""))}:
                holders.setdefault(word, set()).add(user)
        any_case: dict[str, str] = {}
        as_written: dict[str, str] = {}

        def add(term: str, user: str, *, exact: bool = False) -> None:
            key = _fold(term)
            if len(key) < 3 or any_case.get(key, user) != user:
                return
            if exact:
                as_written.setdefault(" ".join(_words(term)), user)
            else:
                any_case[key] = user

        for user in involved:
            add(user, user)
            display = directory.get(user)
            if display:
                add(display, user)
                words = _words(display)
                for word in words if len(words) > 1 else ():
                    if holders.get(word.casefold()) == {user}:
                        add(word, user, exact=word.casefold() in _WORDLIKE_NAMES)
        for user, display in directory.items():
            if display and len(_words(display)) > 1 and user not in involved:
                add(display, user)
        self._longest = max((len(key.split(" ")) for key in [*any_case, *as_written]), default=0)
        self._heads = {key.split(" ")[0].casefold() for key in [*any_case, *as_written]}
        return any_case, as_written

    def _people_spans(self, text: str) -> Iterator[tuple[int, int, str]]:
        """(start, end, user) of each name: the longest run of words, apart only by white space, that
        names someone; a possessive 's does not hide a name, nor does a dot inside a token."""
        if not self._longest:
            return
        tokens = [m.span() for m in _NAME_TOKEN.finditer(text)]
        i = 0
        while i < len(tokens):
            start, end = tokens[i]
            token = text[start:end]
            split = any(mark in token for mark in ".'’")
            if not split and token.casefold() not in self._heads:
                i += 1
                continue
            hit = None
            for n in range(min(self._longest, len(tokens) - i), 0, -1):
                if any(not text[tokens[j][1]:tokens[j + 1][0]].isspace() for j in range(i, i + n - 1)):
                    continue
                start, end = tokens[i][0], tokens[i + n - 1][1]
                hit = self._lookup(text, start, end)
                if hit:
                    break
            if hit:
                yield hit
                i += n
                continue
            piece = start
            for part in _MARKS.split(token) if split else ():  # dana.okafor, jonas's
                if part and part not in ".'’":
                    found = self._lookup(text, piece, piece + len(part))
                    if found:
                        yield found
                piece += len(part)
            i += 1

    def _lookup(self, text: str, start: int, end: int) -> tuple[int, int, str] | None:
        candidate = text[start:end]
        for trimmed in (candidate, _POSSESSIVE.sub("", candidate)):
            user = self._names.get(_fold(trimmed)) or self._names_as_written.get(" ".join(trimmed.split()))
            if user:
                return start, start + len(trimmed), user
        return None

    def person_key(self, name: str) -> str:
        return self._names.get(_fold(name)) or self.canonical(name)

    def canonical(self, name: str) -> str:
        """The user a structured field means: imports (Slack) may name people by display name."""
        if name in self.policy.directory:
            return name
        return self._by_display.get(_fold(name), name)

    def alias(self, user: str) -> str:
        if user not in self._aliases:
            n = len(self._aliases)
            self._aliases[user] = f"Person {chr(ord('A') + n % 26)}{'' if n < 26 else n // 26}"
        return self._aliases[user]

    def person(self, name: str | None, where: str) -> str | None:
        """A username in a structured field (participant, actor, owner): its alias, unless a system's."""
        if not name or self.policy.is_bot(name):
            return name
        alias = self.alias(self.person_key(name))
        self.found.append(Redaction("person", where, name, alias))
        return alias

    def text(self, value: str | None, where: str) -> str | None:
        if not value:
            return value
        spans = _Spans()
        for rule in secret_rules():
            for start, end in rule.find(value):
                spans.merge(start, end, rule.kind)
        for match in EMAIL.finditer(value):
            spans.claim(match.start(), match.end(), "e-mail address", "[e-mail removed]")
        for start, end, user in self._people_spans(value):
            if not spans.overlaps(start, end):
                spans.claim(start, end, "person", self.alias(user))
        for pattern in (IPV4, IPV6):
            for match in pattern.finditer(value):
                spans.claim(match.start(), match.end(), "IP address", "[IP address]")
        for match in _HOST_TOKEN.finditer(value):
            if not spans.overlaps(*match.span()) and self.policy.is_internal_host(match.group()):
                spans.claim(match.start(), match.end(), "internal host", "[internal host]")
        out, last = [], 0
        for start, end, kind, replacement in spans.items:
            self.found.append(Redaction(kind, where, value[start:end], replacement))
            out += [value[last:start], replacement]
            last = end
        return "".join(out) + value[last:]


class _Spans:
    """Replacements in one text, sorted and never overlapping."""

    def __init__(self) -> None:
        self.items: list[tuple[int, int, str, str]] = []
        self._starts: list[int] = []

    def _hits(self, start: int, end: int) -> range:
        first = bisect.bisect_left(self._starts, start)
        if first and self.items[first - 1][1] > start:
            first -= 1
        return range(first, bisect.bisect_left(self._starts, end))

    def overlaps(self, start: int, end: int) -> bool:
        return len(self._hits(start, end)) > 0

    def _insert(self, span: tuple[int, int, str, str]) -> None:
        at = bisect.bisect_left(self._starts, span[0])
        self.items.insert(at, span)
        self._starts.insert(at, span[0])

    def merge(self, start: int, end: int, kind: str) -> None:
        """A secret joins every secret it overlaps into one span (the earlier rule names it)."""
        if start >= end:
            return
        hits = self._hits(start, end)
        if hits:
            kind = self.items[hits[0]][2]
            start, end = min(start, self.items[hits[0]][0]), max(end, self.items[hits[-1]][1])
            del self.items[hits.start:hits.stop], self._starts[hits.start:hits.stop]
        self._insert((start, end, kind, SECRET_REPLACEMENT))

    def claim(self, start: int, end: int, kind: str, replacement: str) -> None:
        """Anything after the secrets takes only text no earlier find covers."""
        if start < end and not self.overlaps(start, end):
            self._insert((start, end, kind, replacement))


def involved_people(doc: IncidentDoc) -> list[str]:
    """Usernames in the incident's structured fields, participants first (they become Person A, B...)."""
    names = [p.user for p in doc.participants] + [e.actor or "" for e in doc.timeline] + [a.owner or "" for a in doc.action_items]
    return [name for name in dict.fromkeys(names) if name]


def public_version(doc: IncidentDoc, policy: RedactionPolicy | None = None) -> tuple[IncidentDoc, list[Redaction]]:
    """A redacted copy of `doc` and the list of every replacement and omission, in document order.

    Places name the section or field; timeline places carry the event's time in the document's own
    zone, the one its readers see.
    """
    from cairn.domain.times import format_local, require_zone

    redactor = Redactor(policy or RedactionPolicy(), involved=involved_people(doc))
    text, person, found = redactor.text, redactor.person, redactor.found
    for participant in doc.participants:
        if not redactor.policy.is_bot(participant.user):
            redactor.alias(redactor.canonical(participant.user))
    zone = require_zone(doc.timezone)

    title = text(doc.title, "title") or ""
    participants = [ParticipantDoc(person(p.user, "participants") or "", p.role) for p in doc.participants]
    pm = doc.postmortem
    titles = dict(PROSE_SECTIONS)
    prose = {name: text(body, f"section {titles.get(name, name)}") or "" for name, body in pm.prose.items()}
    sections = []
    for number, section in enumerate(pm.sections, start=1):
        if INTERNAL_MARK in section.title.casefold():
            found.append(Redaction("internal section", f"section {number}", section.title, LEFT_OUT))
            continue
        shown_title = text(section.title, f"section {number} title") or ""
        sections.append(SectionDoc(shown_title, text(section.body, f"section '{shown_title}'") or ""))
    impact = replace(
        pm.impact,
        data_loss=text(pm.impact.data_loss, "impact data loss"), cost=text(pm.impact.cost, "impact cost"),
        slo_budget=text(pm.impact.slo_budget, "impact SLO budget"),
    )
    timeline = []
    for event in doc.timeline:
        stamp = f"timeline {format_local(event.at, zone)}"
        timeline.append(EventDoc(at=event.at, kind=event.kind, text=text(event.text, f"{stamp}, text") or "",
                                 actor=person(event.actor, f"{stamp}, actor"), source=event.source, ref=None))
    references = sum(1 for event in doc.timeline if event.ref)
    if references:
        found.append(Redaction("source references", "timeline", f"{references} reference{'' if references == 1 else 's'} to the original records", LEFT_OUT))
    factors = []
    for factor in doc.factors:
        at = f"factor {factor.label}"
        whys = [WhyDoc(text(w.question, f"{at}, why {i} question") or "", text(w.answer, f"{at}, why {i} answer") or "")
                for i, w in enumerate(factor.whys, start=1)]
        factors.append(FactorDoc(factor.label, text(factor.description, f"{at}, description") or "", factor.category, factor.role,
                                 [text(s, f"{at}, services") or "" for s in factor.services], whys))
    items = []
    for item in doc.action_items:
        at = f"action item {item.label}"
        if item.url:
            found.append(Redaction("link", f"{at}, link", item.url, LEFT_OUT))
        items.append(replace(item, title=text(item.title, f"{at}, title") or "", owner=person(item.owner, f"{at}, owner"),
                             note=text(item.note, f"{at}, note"), url=None))
    public = replace(
        doc,
        title=title,
        services=[text(s, "services") or "" for s in doc.services],
        teams=[text(t, "teams") or "" for t in doc.teams],
        tags=[text(t, "tags") or "" for t in doc.tags],
        participants=participants,
        timeline=timeline,
        factors=factors,
        action_items=items,
        postmortem=replace(pm, prose=prose, sections=sections, impact=impact),
    )
    return public, found
