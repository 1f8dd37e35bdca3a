"""The query language of the knowledge-base search, read into a plain value.

What people type in the search box::

    checkout timeout              both words (AND)
    "connection pool exhausted"   an exact phrase
    dns -"load balancer" -flaky   without these
    replica*                      any word starting with "replica" (2+ letters)
    service:payments team:sre     filters: AND across names...
    severity:SEV1 severity:SEV2   ...OR among values of one name
    service:"payments api"        a quoted filter value
    after:2024-03 before:2024     dates: YYYY-MM-DD, YYYY-MM or YYYY
    error:timeout                 not a filter name: searched as words

Filter names (case-insensitive): service, team, severity, kind, status,
category (contributing-factor category), after, before. Values are kept as
typed; the caller decides how they match.

Dates: both bounds are inclusive days. `after:` is the first day of the
period it names (`after:2024-03` = from 2024-03-01), `before:` the last
(`before:2024-03` = up to 2024-03-31), so `after:2024 before:2024` is the
whole year. Repeated, they OR like any filter: the widest range wins.

Lenient by design, since people type half-finished queries: an unclosed
quote runs to the end, a lone `-` or `*`, an empty filter (`team:`) and text
with no letter or digit are dropped, `a*` is the word `a`. Refused with
InvalidInput: a bad date, an excluded filter (`-team:sre`, it would silently
search the words), more than 500 characters or 32 terms.

The query becomes a backend's syntax here and nowhere else, with every bit
of user text inside that backend's quotes. A word with inner punctuation
(`db-2`, `10.0.0.1`, `error:timeout`) is left whole inside the quotes, for
the backend's own tokenizer to split exactly as it split the documents:
FTS5 reads `db-2` as the phrase `db 2`, PostgreSQL's parser as `db <-> -2`
and `10.0.0.1` as one host token. (Cutting such words into letters and
digits ourselves, `db <-> 2`, finds nothing on PostgreSQL: it indexed `-2`.)
"""

from __future__ import annotations

import re
import unicodedata
from calendar import monthrange
from dataclasses import dataclass
from datetime import date

from cairn.errors import InvalidInput

MAX_QUERY_CHARS = 500
MAX_TERMS = 32
MIN_PREFIX_CHARS = 2
FILTER_NAMES = ("service", "team", "severity", "kind", "status", "category")
DATE_FILTERS = ("after", "before")

_FILTER = re.compile(r"([A-Za-z]+):")
_TS_UNQUOTE = str.maketrans("'\\", "  ")
_DATE = re.compile(r"([0-9]{4})(?:-([0-9]{2})(?:-([0-9]{2}))?)?")


@dataclass(frozen=True)
class Term:
    text: str
    phrase: bool = False
    prefix: bool = False
    excluded: bool = False


@dataclass(frozen=True)
class SearchQuery:
    terms: tuple[Term, ...] = ()
    # Sorted (name, values) pairs rather than a dict, so the query hashes.
    filters: tuple[tuple[str, tuple[str, ...]], ...] = ()
    after: date | None = None
    before: date | None = None

    def filter(self, name: str) -> tuple[str, ...]:
        """The values given for one filter name, () when it was not used."""
        wanted = name.lower()
        return next((values for key, values in self.filters if key == wanted), ())

    @property
    def has_text(self) -> bool:
        """Whether a full-text search can run (a pure exclusion cannot)."""
        return any(not term.excluded for term in self.terms)


def parse_query(text: str) -> SearchQuery:
    """Read what was typed in the search box; refuses only what cannot be meant."""
    if len(text) > 10 * MAX_QUERY_CHARS:  # not worth cleaning first
        raise InvalidInput(f"the search is {len(text.strip())} characters long: keep it to {MAX_QUERY_CHARS}")
    # Measured after cleaning: NFC can lengthen a word, and the limit keeps
    # every word within PostgreSQL's 2047 bytes.
    text = _clean(text)
    if len(text) > MAX_QUERY_CHARS:
        raise InvalidInput(f"the search is {len(text)} characters long: keep it to {MAX_QUERY_CHARS}")
    terms: list[Term] = []
    filters: dict[str, list[str]] = {}
    afters: list[date] = []
    befores: list[date] = []
    pos, end = 0, len(text)
    while pos < end:
        if text[pos].isspace():
            pos += 1
            continue
        start = pos
        excluded = False
        while pos < end and text[pos] == "-":
            excluded, pos = True, pos + 1
        if pos < end and text[pos] == '"':
            phrase, pos = _quoted(text, pos)
            _add(terms, Term(phrase, phrase=True, excluded=excluded))
            continue
        name_match = _FILTER.match(text, pos)
        quoted = bool(name_match) and text.startswith('"', name_match.end())
        if quoted:
            value, pos = _quoted(text, name_match.end())
        else:
            value, pos = _bare(text, pos)
        name = name_match.group(1).lower() if name_match else ""
        if name in FILTER_NAMES or name in DATE_FILTERS:
            if not quoted:
                value = value[len(name) + 1:]
            if not value:
                continue  # `team:` while still typing
            if excluded:
                raise InvalidInput(f"a filter cannot be excluded ({text[start:pos].strip()}): name the values to keep instead")
            if name == "after":
                afters.append(_period(name, value)[0])
            elif name == "before":
                befores.append(_period(name, value)[1])
            elif value not in filters.setdefault(name, []):
                filters[name].append(value)
        elif quoted:
            _add(terms, Term(f"{name_match.group(1)}:{value}", phrase=True, excluded=excluded))
        else:
            _add(terms, _word(value, excluded))
    if len(terms) > MAX_TERMS:
        raise InvalidInput(f"the search has {len(terms)} words and phrases: keep it to {MAX_TERMS}")
    return SearchQuery(
        tuple(terms),
        tuple((name, tuple(values)) for name, values in sorted(filters.items())),
        min(afters, default=None),
        max(befores, default=None),
    )


def to_fts5(query: SearchQuery) -> str | None:
    """A MATCH expression for SQLite FTS5; None when nothing positive to match.

    Every term is an FTS5 string, so AND, NEAR, column filters, `^` and
    parentheses typed by a user are only text to the tokenizer.
    """
    positive = [_fts5_term(term) for term in query.terms if not term.excluded]
    if not positive:
        return None
    negative = "".join(f" NOT {_fts5_term(term)}" for term in query.terms if term.excluded)
    return " AND ".join(positive) + negative


def to_tsquery(query: SearchQuery) -> str | None:
    """Input for PostgreSQL's to_tsquery('english', ...); None when nothing positive.

    Every word is a quoted lexeme with no quote or backslash left inside, so
    no text makes to_tsquery raise. Stop words drop out there: `the` alone
    matches nothing.
    """
    positive = [_ts_term(term) for term in query.terms if not term.excluded]
    if not positive:
        return None
    negative = [f"!{_ts_term(term)}" for term in query.terms if term.excluded]
    return " & ".join(positive + negative)


def _clean(text: str) -> str:
    # Control characters (NUL too, which PostgreSQL refuses) and lone
    # surrogates (which cannot be encoded) become spaces; NFC so that an
    # accented letter is one letter.
    text = "".join(" " if unicodedata.category(ch) in ("Cc", "Cs") else ch for ch in text)
    return unicodedata.normalize("NFC", text).strip()


def _quoted(text: str, pos: int) -> tuple[str, int]:
    """The text inside the quote at pos, to the next quote or the end."""
    close = text.find('"', pos + 1)
    stop = len(text) if close < 0 else close
    return " ".join(text[pos + 1:stop].split()), stop + 1


def _bare(text: str, pos: int) -> tuple[str, int]:
    stop = pos
    while stop < len(text) and not text[stop].isspace():
        stop += 1
    return text[pos:stop], stop


def _word(raw: str, excluded: bool) -> Term:
    # `a*` would ask for every word starting with a: too many to be useful.
    stem = raw.rstrip("*")
    prefix = stem != raw and sum(map(_letter_or_digit, stem)) >= MIN_PREFIX_CHARS
    return Term(stem, prefix=prefix, excluded=excluded)


def _add(terms: list[Term], term: Term) -> None:
    # A term with no letter or digit (`(`, `'`, a lone accent) is no word to
    # either backend, and an empty FTS5 string makes the whole AND match nothing.
    if _searchable(term.text) and term not in terms:
        terms.append(term)


def _period(name: str, value: str) -> tuple[date, date]:
    """The first and last day of YYYY, YYYY-MM or YYYY-MM-DD."""
    match = _DATE.fullmatch(value)
    try:
        if not match:
            raise ValueError
        year, month, day = match.groups()
        if day:
            first = last = date(int(year), int(month), int(day))
        elif month:
            first = date(int(year), int(month), 1)
            last = first.replace(day=monthrange(first.year, first.month)[1])
        else:
            first, last = date(int(year), 1, 1), date(int(year), 12, 31)
    except ValueError:
        raise InvalidInput(f"{name}: needs a date as YYYY-MM-DD, YYYY-MM or YYYY, not {value!r}") from None
    return first, last


def _letter_or_digit(ch: str) -> bool:
    return unicodedata.category(ch)[0] in "LN"


def _searchable(text: str) -> bool:
    return any(map(_letter_or_digit, text))


def _fts5_term(term: Term) -> str:
    quoted = '"' + term.text.replace('"', '""') + '"'
    return quoted + " *" if term.prefix else quoted


def _ts_term(term: Term) -> str:
    # Quoted, so PostgreSQL's parser splits the word exactly as it split the
    # documents (`db-2` is indexed as `db`, `-2`; `10.0.0.1` as one host).
    # Inside quotes only ' and \ mean anything: they become spaces.
    words = [word for word in term.text.split() if _searchable(word)] if term.phrase else [term.text]
    lexemes = ["'" + " ".join(word.translate(_TS_UNQUOTE).split()) + "'" for word in words]
    if term.prefix:
        lexemes[-1] += ":*"
    return lexemes[0] if len(lexemes) == 1 else "(" + " <-> ".join(lexemes) + ")"
