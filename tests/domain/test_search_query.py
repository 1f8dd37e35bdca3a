"""The search box's query language, and the backend syntax made from it.

Most tests read the parsed value; the FTS5 ones also run each expression
against a real in-memory FTS5 table, since "valid FTS5" is only what SQLite
accepts. The tsquery output is checked against its small grammar here and,
when CAIRN_TEST_DATABASE_URL names a PostgreSQL database, by PostgreSQL.
"""

from __future__ import annotations

import os
import random
import re
import sqlite3
import unicodedata
from datetime import date

import pytest

from cairn.domain.search_query import (
    MAX_QUERY_CHARS,
    MAX_TERMS,
    SearchQuery,
    Term,
    parse_query,
    to_fts5,
    to_tsquery,
)
from cairn.errors import InvalidInput


def words(query: SearchQuery) -> list[str]:
    return [term.text for term in query.terms]


# --- words, phrases, exclusions, prefixes -------------------------------------------


def test_bare_words_are_all_required_terms() -> None:
    query = parse_query("checkout  timeout\tretries")
    assert query.terms == (Term("checkout"), Term("timeout"), Term("retries"))
    assert query.has_text


def test_a_quoted_phrase_is_one_term_with_its_spaces_collapsed() -> None:
    assert parse_query('"connection   pool\nexhausted" db').terms == (
        Term("connection pool exhausted", phrase=True), Term("db"))


def test_a_minus_excludes_a_word_or_a_phrase() -> None:
    query = parse_query('dns -flaky -"load balancer"')
    assert query.terms == (Term("dns"), Term("flaky", excluded=True), Term("load balancer", phrase=True, excluded=True))


def test_a_minus_inside_a_word_is_part_of_the_word() -> None:
    assert parse_query("db-2 x-").terms == (Term("db-2"), Term("x-"))


def test_several_minuses_exclude_once() -> None:
    assert parse_query("a --b").terms == (Term("a"), Term("b", excluded=True))


def test_a_star_after_two_or_more_letters_asks_for_a_prefix() -> None:
    assert parse_query("replica* db** -timeo*").terms == (
        Term("replica", prefix=True), Term("db", prefix=True), Term("timeo", prefix=True, excluded=True))


@pytest.mark.parametrize("typed, word", [("a*", "a"), ("7*", "7"), ("-*", None), ("a-*", "a-"), ("é*", "é")])
def test_a_star_after_fewer_than_two_letters_is_dropped(typed: str, word: str | None) -> None:
    expected = (Term(word),) if word else ()
    assert parse_query(typed).terms == expected


def test_a_star_inside_or_before_a_word_is_only_text() -> None:
    assert parse_query("*abc ab*cd").terms == (Term("*abc"), Term("ab*cd"))


@pytest.mark.parametrize("typed", ["", "   ", "-", " - - ", "*", "**", "-*", '""', '" "', '-""', "'", "( ) ^ : - *", '"', "___"])
def test_input_with_nothing_to_search_gives_an_empty_query(typed: str) -> None:
    query = parse_query(typed)
    assert query == SearchQuery()
    assert not query.has_text
    assert to_fts5(query) is None and to_tsquery(query) is None


def test_an_unclosed_quote_runs_to_the_end() -> None:
    assert parse_query('timeout "connection pool').terms == (Term("timeout"), Term("connection pool", phrase=True))
    assert parse_query('-"load bal').terms == (Term("load bal", phrase=True, excluded=True),)


def test_a_quote_inside_a_word_is_only_text() -> None:
    assert parse_query('don"t').terms == (Term('don"t'),)


def test_a_closing_quote_ends_the_phrase_even_without_a_space() -> None:
    assert parse_query('"a b"c "d"*').terms == (Term("a b", phrase=True), Term("c"), Term("d", phrase=True))


def test_repeated_terms_count_once() -> None:
    assert parse_query("db db -x -x db*").terms == (Term("db"), Term("x", excluded=True), Term("db", prefix=True))


def test_only_exclusions_have_no_text_to_search() -> None:
    query = parse_query("-flaky -\"load balancer\" service:api")
    assert len(query.terms) == 2 and not query.has_text


def test_query_operators_of_either_backend_are_plain_words() -> None:
    assert words(parse_query("NEAR AND OR NOT near(a b) x^2 ^start")) == ["NEAR", "AND", "OR", "NOT", "near(a", "b)", "x^2", "^start"]


# --- filters --------------------------------------------------------------------------


def test_every_filter_name_is_read() -> None:
    query = parse_query("service:payments team:sre severity:SEV1 kind:incident status:resolved category:config")
    assert query.terms == ()
    assert query.filters == (
        ("category", ("config",)), ("kind", ("incident",)), ("service", ("payments",)),
        ("severity", ("SEV1",)), ("status", ("resolved",)), ("team", ("sre",)))
    assert query.filter("severity") == ("SEV1",)


def test_filter_names_ignore_case_and_values_are_kept_as_typed() -> None:
    query = parse_query("SERVICE:Payments Team:SRE")
    assert query.filter("service") == ("Payments",) and query.filter("TEAM") == ("SRE",)


def test_a_filter_value_may_be_quoted() -> None:
    query = parse_query('service:"payments   api" kind:"near miss" rollback')
    assert query.filter("service") == ("payments api",)
    assert query.filter("kind") == ("near miss",)
    assert query.terms == (Term("rollback"),)


def test_an_unclosed_quoted_value_runs_to_the_end() -> None:
    assert parse_query('db service:"payments api').filter("service") == ("payments api",)


def test_a_repeated_filter_collects_its_values_once_each_in_order() -> None:
    query = parse_query("severity:SEV2 db severity:SEV1 severity:SEV2 team:sre")
    assert query.filter("severity") == ("SEV2", "SEV1")
    assert query.filter("team") == ("sre",)
    assert query.terms == (Term("db"),)


def test_an_unused_filter_has_no_values() -> None:
    assert parse_query("db").filter("service") == ()
    assert parse_query("db").filter("nonsense") == ()


def test_a_filter_value_keeps_its_punctuation() -> None:
    assert parse_query("service:api-v2:eu*").filter("service") == ("api-v2:eu*",)


@pytest.mark.parametrize("typed", ["team:", 'team:""', 'team:"  "', "after:", "before:", 'BEFORE:""', "-team:"])
def test_an_empty_filter_is_ignored(typed: str) -> None:
    assert parse_query(f"db {typed}") == SearchQuery(terms=(Term("db"),))


def test_an_unknown_name_and_value_is_searched_as_words() -> None:
    query = parse_query("error:timeout http://status.example -title:x")
    assert query.terms == (Term("error:timeout"), Term("http://status.example"), Term("title:x", excluded=True))
    assert query.filters == ()


def test_an_unknown_name_with_a_quoted_value_is_one_phrase() -> None:
    assert parse_query('error:"read timeout"').terms == (Term("error:read timeout", phrase=True),)


def test_a_filter_name_must_start_the_word() -> None:
    assert parse_query("xservice:api").terms == (Term("xservice:api"),)


@pytest.mark.parametrize("typed", ["-team:sre", '-service:"payments api"', "--after:2024"])
def test_an_excluded_filter_is_refused_rather_than_searched_as_words(typed: str) -> None:
    with pytest.raises(InvalidInput, match="cannot be excluded") as caught:
        parse_query(f"db {typed}")
    assert typed in str(caught.value)


def test_the_query_is_a_hashable_value() -> None:
    typed = 'db -x "a b" service:api service:web after:2024'
    assert parse_query(typed) == parse_query(typed)
    assert len({parse_query(typed), parse_query(typed)}) == 1


# --- dates ----------------------------------------------------------------------------


def test_a_full_date_is_that_day_for_both_bounds() -> None:
    query = parse_query("after:2024-03-05 before:2024-03-09")
    assert (query.after, query.before) == (date(2024, 3, 5), date(2024, 3, 9))
    assert query.filters == () and query.terms == ()


@pytest.mark.parametrize("typed, after, before", [
    ("2024-02", date(2024, 2, 1), date(2024, 2, 29)),
    ("2023-02", date(2023, 2, 1), date(2023, 2, 28)),
    ("2024-12", date(2024, 12, 1), date(2024, 12, 31)),
    ("2024", date(2024, 1, 1), date(2024, 12, 31)),
])
def test_a_month_or_year_starts_after_and_ends_before(typed: str, after: date, before: date) -> None:
    query = parse_query(f"after:{typed} before:{typed}")
    assert (query.after, query.before) == (after, before)


def test_a_quoted_date_is_read_too() -> None:
    assert parse_query('after:"2024-03"').after == date(2024, 3, 1)


def test_repeated_dates_or_together_into_the_widest_range() -> None:
    query = parse_query("after:2024-05 after:2023 before:2024-01 before:2024-06-30")
    assert (query.after, query.before) == (date(2023, 1, 1), date(2024, 6, 30))


@pytest.mark.parametrize("value", [
    "2024-13", "2024-00", "2024-02-30", "2024-1-5", "24", "20240", "0000", "yesterday",
    "2024/03/01", "2024-03-01T10:00", "٢٠٢٤", "2024-03-01-", "2024\u200b",
])
@pytest.mark.parametrize("name", ["after", "Before"])
def test_a_bad_date_is_refused_naming_the_filter_and_the_value(name: str, value: str) -> None:
    with pytest.raises(InvalidInput) as caught:
        parse_query(f"db {name}:{value}")
    message = str(caught.value)
    assert message.startswith(f"{name.lower()}:") and repr(value) in message
    assert "\n" not in message


def test_a_bad_quoted_date_names_the_value_without_its_quotes() -> None:
    with pytest.raises(InvalidInput, match=r"before: .*'next week'"):
        parse_query('before:"next week"')


# --- limits ---------------------------------------------------------------------------


def test_the_longest_query_allowed_is_read() -> None:
    typed = " ".join(f"w{i:02d}" + "x" * 12 for i in range(MAX_TERMS - 1)) + " last"
    assert len(typed) == MAX_QUERY_CHARS
    assert len(parse_query(typed).terms) == MAX_TERMS
    assert parse_query("x" * MAX_QUERY_CHARS).terms == (Term("x" * MAX_QUERY_CHARS),)


def test_a_longer_query_is_refused_saying_the_limit() -> None:
    with pytest.raises(InvalidInput, match=f"{MAX_QUERY_CHARS + 1} characters.*{MAX_QUERY_CHARS}"):
        parse_query("x" * (MAX_QUERY_CHARS + 1))
    with pytest.raises(InvalidInput, match="characters"):
        parse_query("x " * 100_000)
    with pytest.raises(InvalidInput, match="characters"):  # NFC makes each of these three characters
        parse_query("\ufb2c" * 167)


def test_surrounding_spaces_do_not_count_toward_the_length() -> None:
    assert parse_query(" " * 1000 + "db" + "\n" * 1000).terms == (Term("db"),)


def test_thirty_two_terms_are_read_and_thirty_three_refused() -> None:
    assert len(parse_query(" ".join(f"w{i}" for i in range(MAX_TERMS))).terms) == MAX_TERMS
    with pytest.raises(InvalidInput, match=f"33 words and phrases: keep it to {MAX_TERMS}"):
        parse_query(" ".join(f"w{i}" for i in range(MAX_TERMS + 1)))


def test_filters_repeats_and_dropped_text_do_not_count_as_terms() -> None:
    typed = " ".join(f"w{i}" for i in range(MAX_TERMS)) + " w0 w1 - * ( service:a team:b after:2024"
    assert len(parse_query(typed).terms) == MAX_TERMS


# --- unicode and control characters ---------------------------------------------------


def test_letters_of_any_script_are_words() -> None:
    assert words(parse_query("数据库 Überlastung ошибка καφές")) == ["数据库", "Überlastung", "ошибка", "καφές"]


def test_a_decomposed_accent_is_read_as_one_letter() -> None:
    assert parse_query("cafe\u0301").terms == (Term("café"),)


def test_unicode_spaces_separate_words() -> None:
    assert words(parse_query("db\u00a0timeout\u3000lag")) == ["db", "timeout", "lag"]


def test_control_characters_and_lone_surrogates_become_spaces() -> None:
    query = parse_query("db\x00lag \ud800x service:a\x07b")
    assert words(query) == ["db", "lag", "x", "b"]
    assert query.filter("service") == ("a",)  # the rest, `b`, is a word of its own
    for term in query.terms:
        term.text.encode("utf-8")


def test_symbols_alone_are_no_word_but_count_inside_one() -> None:
    assert words(parse_query("🔥 → € 🔥db")) == ["🔥db"]


# --- FTS5 -----------------------------------------------------------------------------


DOCS = {
    1: "checkout timeout on db-2 after deploy",
    2: "payments api returned error: timeout",
    3: "replication lag on the replica",
    4: "connection pool exhausted at checkout",
    5: 'the word NEAR and AND and OR and "quotes" and don\'t',
    6: "café crème 数据库",
}


@pytest.fixture(scope="module")
def fts() -> sqlite3.Connection:
    connection = sqlite3.connect(":memory:")
    connection.execute("CREATE VIRTUAL TABLE docs USING fts5(body)")
    connection.executemany("INSERT INTO docs(rowid, body) VALUES (?, ?)", DOCS.items())
    return connection


def fts_match(fts: sqlite3.Connection, typed: str) -> set[int]:
    expression = to_fts5(parse_query(typed))
    assert expression is not None
    return {row for (row,) in fts.execute("SELECT rowid FROM docs WHERE docs MATCH ?", (expression,))}


def test_fts5_quotes_every_term_and_joins_with_and() -> None:
    query = parse_query('checkout "connection pool" repl* -flaky -"load balancer"')
    assert to_fts5(query) == '"checkout" AND "connection pool" AND "repl" * NOT "flaky" NOT "load balancer"'


def test_fts5_doubles_double_quotes_inside_a_term() -> None:
    assert to_fts5(parse_query('say"hi" -x"y')) == '"say""hi""" NOT "x""y"'


def test_fts5_keeps_its_operators_inside_strings() -> None:
    assert to_fts5(parse_query("NEAR(a AND col:b ^c")) == '"NEAR(a" AND "AND" AND "col:b" AND "^c"'


def test_fts5_has_no_expression_for_a_pure_exclusion() -> None:
    assert to_fts5(parse_query("-timeout service:api")) is None


@pytest.mark.parametrize("typed, rows", [
    ("checkout", {1, 4}),
    ("checkout timeout", {1}),
    ("timeout -checkout", {2}),
    ('"connection pool"', {4}),
    ('"pool connection"', set()),
    ('checkout -"connection pool"', {1}),
    ("repl*", {3}),
    ("CHECK*", {1, 4}),
    ("db-2", {1}),
    ("db-2*", {1}),
    ("error:timeout", {2}),
    ('error:"timeout"', {2}),
    ("NEAR AND OR", {5}),
    ('"quotes"', {5}),
    ("don't", {5}),
    ("cafe", {6}),
    ("数据库", {6}),
    ("timeout -db-2 -nothing", {2}),
])
def test_fts5_expressions_find_what_the_words_say(fts: sqlite3.Connection, typed: str, rows: set[int]) -> None:
    assert fts_match(fts, typed) == rows


# --- tsquery --------------------------------------------------------------------------


def test_tsquery_joins_lexemes_phrases_and_exclusions() -> None:
    query = parse_query('checkout "connection pool" repl* -flaky -"load balancer"')
    assert to_tsquery(query) == "'checkout' & ('connection' <-> 'pool') & 'repl':* & !'flaky' & !('load' <-> 'balancer')"


@pytest.mark.parametrize("typed, expected", [
    ("db-2", "'db-2'"),
    ("db-2*", "'db-2':*"),
    ("-db-2", None),
    ("x -db-2", "'x' & !'db-2'"),
    ("10.0.0.1 /var/log", "'10.0.0.1' & '/var/log'"),
    ("error:timeout", "'error:timeout'"),
    ('error:"read timeout"', "('error:read' <-> 'timeout')"),
    ("don't", "'don t'"),
    ("a\\'b\\", "'a b'"),
    ("it''s", "'it s'"),
    ("a&b|c!d", "'a&b|c!d'"),
    ("x:* y:A <-> z", "'x:' & 'y:A' & 'z'"),
    ('"it\'s - a (test)!"', "('it s' <-> 'a' <-> '(test)!')"),
    ('"\'"', None),
    ("NOT OR AND", "'NOT' & 'OR' & 'AND'"),
    ("café 数据库", "'café' & '数据库'"),
    ("-*abc", None),
])
def test_tsquery_quotes_every_word_with_no_quote_or_backslash_inside(typed: str, expected: str | None) -> None:
    assert to_tsquery(parse_query(typed)) == expected


def test_tsquery_has_nothing_for_a_pure_exclusion() -> None:
    assert to_tsquery(parse_query('-timeout -"a b" team:sre')) is None


_LEXEME = r"'[^'\\]+'(?::\*)?"
_TS_TERM = rf"!?(?:{_LEXEME}|\({_LEXEME}(?: <-> {_LEXEME})+\))"
TSQUERY = re.compile(rf"{_TS_TERM}(?: & {_TS_TERM})*")


def assert_tsquery_grammar(expression: str) -> None:
    """term (' & ' term)*, term = ['!'] (lexeme | '(' lexeme (' <-> ' lexeme)+ ')'), lexeme = 'text'[:*]."""
    assert TSQUERY.fullmatch(expression), expression
    for word in re.findall(r"'([^']*)'", expression):
        assert word == word.strip() and "  " not in word, expression
        assert any(unicodedata.category(ch)[0] in "LN" for ch in word), expression
        assert len(word.encode("utf-8")) < 2047  # PostgreSQL's longest word in a tsquery


# --- fuzz-ish: whatever is typed, parse or refuse cleanly, and never break a backend ---


NASTY = [
    '"', '""', '"""', '" "', '-"', '-"-', '"-', "-", "--", "- -", "*", "**", "-*", "*-", "a*", "ab*", "*ab",
    "service:", "service:\"", 'service:"', ":", "::", ":a", "a:", "service::", "team:-x", "severity:\"SEV1",
    "NEAR", "NEAR(a b)", "NEAR/3", "a NEAR b", "AND", "OR", "NOT", "a AND", "OR b", "NOT NOT", "a OR NOT b",
    "(", ")", "()", "(a", "a)", "^", "^a", "a^", "col:a", "{a b}:c", "{", "}", "+", "a+b", "'", "''", "a'b",
    "\\", "\\\"", "a\\", "&", "|", "!", "!a", "a & b", "a | !b", "a <-> b", "<->", "<2>", "a:*", "a:AB*", "'a':*",
    "%", "_", "a%", "a_b", ";", "; DROP TABLE incidents; --", "' OR 1=1 --", "\" OR \"\"=\"", "/* */",
    "\x00", "a\x00b", "\ud800", "\udfff", "\u200b", "\u200d", "\u0301", "a\u0301", "\ufeff", "\u202e abc",
    "🔥", "👩‍🚒 fire", "ǅ", "ß", "İ", "ﬁ", "²", "½", "Ⅻ", "٣", "𝔡𝔟", "\ue000",
    "x" * MAX_QUERY_CHARS, "é" * MAX_QUERY_CHARS, "𝔡" * MAX_QUERY_CHARS, ("ab-" * 200)[:MAX_QUERY_CHARS],
    "\ufb2c" * 166, "\ufb2c" * 167, "\ufb2c" * MAX_QUERY_CHARS,
]
ALPHABET = list(" -*\":()^'\\&|!<>{}+,;._/@#%=~`\t\n") + ["a", "b", "db", "2", "é", "数", "NEAR", "AND", "OR", "NOT",
                                                           "service:", "after:", "before:", "team:", "error:", "\x00", "\u0301"]


def fuzz_inputs() -> list[str]:
    rng = random.Random(20240317)
    generated = ["".join(rng.choice(ALPHABET) for _ in range(rng.randint(1, 24))) for _ in range(1500)]
    return NASTY + generated


def parse_or_refuse(typed: str) -> SearchQuery | None:
    try:
        return parse_query(typed)
    except InvalidInput as error:
        assert str(error) and "\n" not in str(error)
        return None


def test_every_input_is_parsed_or_refused_with_a_clear_message() -> None:
    for typed in fuzz_inputs():
        query = parse_or_refuse(typed)
        if query is None:
            continue
        assert len(query.terms) <= MAX_TERMS
        for term in query.terms:
            assert term.text == term.text.strip() and term.text
            assert not (term.phrase and term.prefix)
        assert query.has_text == (to_fts5(query) is not None) == (to_tsquery(query) is not None)


def test_every_fts5_expression_is_accepted_by_sqlite(fts: sqlite3.Connection) -> None:
    for typed in fuzz_inputs():
        query = parse_or_refuse(typed)
        expression = query and to_fts5(query)
        if expression:
            fts.execute("SELECT count(*) FROM docs WHERE docs MATCH ?", (expression,)).fetchone()


def test_every_tsquery_follows_its_grammar() -> None:
    for typed in fuzz_inputs():
        query = parse_or_refuse(typed)
        expression = query and to_tsquery(query)
        if expression:
            assert_tsquery_grammar(expression)


PG_URL = os.environ.get("CAIRN_TEST_DATABASE_URL", "")


SAME_WORDS_IN_POSTGRESQL = [
    (typed, f"we saw {typed} fail")
    for typed in ["db-2", "x-1", "api.example.com", "10.0.0.1", "1.5", "v1.2.3", "/var/log/syslog", "user@example.com",
                  "foo_bar", "error:timeout", "HTTP/2", "OOM-killed", "up-to-date", "node-exporter-7f9c", "café", "数据库"]
] + [
    ("replica*", "the replicas lagged"), ("db-2*", "db-23 is down"), ('"connection pool" -flaky', "connection pool exhausted"),
    ('"restarted db-2"', "we restarted db-2 twice"), ("don't panic", "we don't panic"), ("o'brien", "paged o'brien"), ("x\\y", "x\\y"),
]


@pytest.mark.skipif(not PG_URL.startswith("postgresql"), reason="needs CAIRN_TEST_DATABASE_URL on PostgreSQL")
def test_every_tsquery_is_accepted_by_postgresql() -> None:
    from sqlalchemy import create_engine, text

    engine = create_engine(PG_URL)
    try:
        with engine.connect() as connection:
            statement = text("SELECT to_tsvector('english', :doc) @@ to_tsquery('english', :q)")
            for typed in fuzz_inputs():
                query = parse_or_refuse(typed)
                expression = query and to_tsquery(query)
                if expression:
                    connection.execute(statement, {"doc": typed.replace("\x00", " "), "q": expression}).scalar()
            found = {
                typed: connection.execute(statement, {"doc": doc, "q": to_tsquery(parse_query(typed))}).scalar()
                for typed, doc in SAME_WORDS_IN_POSTGRESQL
            }
            assert found == {typed: True for typed, _ in SAME_WORDS_IN_POSTGRESQL}
            for typed, doc in [("checkout -db-2", "checkout on db-2"), ("the", "the end")]:
                assert connection.execute(statement, {"doc": doc, "q": to_tsquery(parse_query(typed))}).scalar() is False
    finally:
        engine.dispose()
