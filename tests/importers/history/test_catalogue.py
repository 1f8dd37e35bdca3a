"""Catalogues of incidents (CSV, TSV, JSON, JSON Lines) read into entries and mapped onto Cairn documents."""

from __future__ import annotations

import json
from datetime import date, datetime, timezone
from pathlib import Path

import pytest

from cairn.errors import ImportFailed
from cairn.importers.history.catalogue import (
    MAX_BYTES,
    CatalogueEntry,
    entry_document,
    entry_identity,
    looks_like_catalogue,
    match_severity,
    parse_day,
    read_catalogue,
)
from cairn.importers.history.mapping import HistoryOptions


SEMICOLONS = (
    "\ufeffCompany;Incident date;Title;Link;Description;Category;Root cause\n"
    'Acme;2020-03-01;"DB down";https://acme.example/pm/1;"Writes failed.\n'
    'Reads were slow.";Database;"Disk full; no alert"\n'
    "Beta;31/31/2020;Bad day;https://beta.example/pm;;;\n"
    'Gamma;22 Dec 2012;"=HYPERLINK(""http://x.example"",""x"")";javascript:alert(1);;Network;\n'
)


def test_a_csv_with_semicolons_and_quoted_multiline_cells() -> None:
    assert looks_like_catalogue(SEMICOLONS, "outages.csv")
    catalogue = read_catalogue(SEMICOLONS, "outages.csv")
    first, formula = catalogue.entries
    assert (first.where, first.title, first.day, first.precision, first.organisation) == ("line 2", "DB down", date(2020, 3, 1), "day", "Acme")
    assert first.url == "https://acme.example/pm/1" and first.summary == "Writes failed.\nReads were slow."
    assert first.categories == ["Database"] and first.extra == {"Root cause": "Disk full; no alert"}
    assert catalogue.problems == [("line 4", "bad date '31/31/2020'")]
    assert formula.title == '=HYPERLINK("http://x.example","x")'  # a formula is text, never evaluated


def test_a_javascript_link_is_dropped_and_the_entry_kept_with_a_note() -> None:
    entry = read_catalogue(SEMICOLONS, "outages.csv").entries[1]
    assert entry.where == "line 5" and entry.url is None and entry.day == date(2012, 12, 22)
    assert "dropped" in entry.notes[0] and "javascript" in entry.notes[0]
    _, report = entry_document(entry, HistoryOptions(severity="SEV3"))
    assert report.unread == [(5, entry.notes[0])] and not report.problems


def test_a_tsv_with_a_ragged_row_reports_its_line() -> None:
    text = "Organization\tDate\tHeadline\tURL\n" "Acme\t2021-05-04\tAPI down\thttps://a.example/1\n" \
           "Acme\t2021-05-05\tSplit\ttitle\thttps://a.example/2\n" "Beta\t2021-06\n" "Gamma\t2021\tTrailing\thttps://g.example\t\t\n"
    assert looks_like_catalogue(text, "list.tsv")
    catalogue = read_catalogue(text, "list.tsv")
    assert [entry.where for entry in catalogue.entries] == ["line 2", "line 4", "line 5"]
    assert catalogue.problems == [("line 3", "5 cells where the header has 4: a tab inside a cell that is not quoted?")]
    short = catalogue.entries[1]
    assert (short.day, short.precision, short.title, short.notes) == (date(2021, 6, 1), "month", None, ["2 cells where the header has 4: the missing ones are read as empty"])
    assert (catalogue.entries[2].precision, catalogue.entries[2].notes) == ("year", [])  # empty trailing cells are no ragged row


def test_a_comma_csv_without_a_bom_and_with_crlf_lines() -> None:
    text = 'Name,Start,Postmortem,Tags,Severity\r\n"Login, then logout",2019/07/02,http://l.example/p,"auth, sso",P2\r\n'
    entry = read_catalogue(text, "x.csv").entries[0]
    assert (entry.title, entry.day, entry.url, entry.tags, entry.severity, entry.where) == (
        "Login, then logout", date(2019, 7, 2), "http://l.example/p", ["auth", "sso"], "P2", "line 2")


def test_a_json_list_and_a_list_under_incidents() -> None:
    items = [{"Company": "Acme", "Date": "December 22, 2012", "Title": "Storage", "URL": "https://a.example/s", "Severity": "SEV-1",
              "Duration": 90, "Tags": ["storage", "Storage", "ops team"]},
             "not a record", {"Summary": "nothing to name it by"}]
    for text in (json.dumps(items), json.dumps({"meta": {"n": 3}, "incidents": items})):
        assert looks_like_catalogue(text, "db.json")
        catalogue = read_catalogue(text, "db.json")
        assert [entry.title for entry in catalogue.entries] == ["Storage"]
        assert catalogue.problems == [("item 2", "not an object but a string"), ("item 3", "no date and no title")]
    entry = catalogue.entries[0]
    assert (entry.day, entry.severity, entry.extra) == (date(2012, 12, 22), "SEV-1", {"Duration": "90"})
    doc, report = entry_document(entry, HistoryOptions())
    assert doc.severity == "SEV1" and report.severity_from == "stated: 'SEV-1'"
    assert doc.tags == ["storage", "ops-team"] and doc.services == ["Acme"]


def test_json_lines_with_a_broken_line() -> None:
    text = '{"org": "Acme", "incident date": "2012-12-22T10:00:00Z", "link": "https://a.example/1"}\n\n{"org": \n[1]\n'
    assert looks_like_catalogue(text, "feed.jsonl")
    catalogue = read_catalogue(text, "feed.jsonl")
    assert [(entry.where, entry.day) for entry in catalogue.entries] == [("line 1", date(2012, 12, 22))]
    assert [where for where, _ in catalogue.problems] == ["line 3", "line 4"]
    assert catalogue.problems[1][1] == "not an object but a list"


def test_bad_json_names_file_and_line() -> None:
    with pytest.raises(ImportFailed, match=r"^db\.json:3: not valid JSON"):
        read_catalogue('[\n {"title": "a", "date": "2020"},\n {"title" "b"}\n]', "db.json")
    with pytest.raises(ImportFailed, match="no list of incidents"):
        read_catalogue('{"title": "one incident"}', "db.json")


@pytest.mark.parametrize(("written", "day", "precision"), [
    ("2012-12-22", date(2012, 12, 22), "day"), ("2012/12/22", date(2012, 12, 22), "day"),
    ("22 Dec 2012", date(2012, 12, 22), "day"), ("December 22, 2012", date(2012, 12, 22), "day"),
    ("2012-12-22T10:00:00Z", date(2012, 12, 22), "day"), ("Sat, 22 Dec 2012 10:00:00 +0000", date(2012, 12, 22), "day"),
    ("2012-12", date(2012, 12, 1), "month"), ("Dec 2012", date(2012, 12, 1), "month"), ("2012", date(2012, 1, 1), "year"),
])
def test_dates_as_catalogues_write_them(written: str, day: date, precision: str) -> None:
    assert parse_day(written) == (day, precision)


def test_bad_and_ambiguous_dates_say_why() -> None:
    assert parse_day("31/31/2020") == "bad date '31/31/2020'"
    assert parse_day("2012-02-30") == "bad date '2012-02-30'"
    assert "ambiguous" in str(parse_day("03/04/2020"))
    assert parse_day("03/04/2020", "dmy") == (date(2020, 4, 3), "day")


def test_the_catalogue_tells_which_way_its_numeric_dates_go() -> None:
    text = "title,date\nA,25/12/2020\nB,03/04/2020\n"
    assert [entry.day for entry in read_catalogue(text, "x.csv").entries] == [date(2020, 12, 25), date(2020, 4, 3)]


def test_a_missing_date_is_read_but_refused_as_an_incident() -> None:
    entry = read_catalogue("Title,Date,Link\nNo day,,https://n.example/x\n", "x.csv").entries[0]
    assert entry.day is None and entry.precision is None
    doc, report = entry_document(entry, HistoryOptions(severity="SEV3"))
    assert doc.moments.started is None and doc.timeline == []
    assert any("no date" in problem for problem in report.problems)


def test_an_entry_becomes_a_document_linking_to_the_original() -> None:
    entry = read_catalogue(SEMICOLONS, "outages.csv").entries[0]
    doc, report = entry_document(entry, HistoryOptions(severity="SEV2", team="sre"))
    start = datetime(2020, 3, 1, tzinfo=timezone.utc)
    assert (doc.title, doc.severity, doc.services, doc.teams, doc.tags) == ("DB down", "SEV2", ["Acme"], ["sre"], ["database"])
    assert doc.moments.started == start and doc.moments.resolved is None
    [event] = doc.timeline
    assert (event.at, event.kind, event.source, event.text, event.ref) == (
        start, "note", "history", "Published postmortem: https://acme.example/pm/1", "outages.csv:line 2")
    assert doc.postmortem.prose == {"summary": "Writes failed.\nReads were slow.\n\nOriginal postmortem: https://acme.example/pm/1"}
    assert [(s.title, s.body) for s in doc.postmortem.sections] == [("Catalogue details", "- Root cause: Disk full; no alert")]
    assert report.source == "outages.csv (line 2)" and report.severity_from == "default SEV2" and not report.problems
    assert (2, "Link", "the timeline note and the summary") in report.placed


def test_titles_made_up_when_a_catalogue_has_none() -> None:
    def title(**fields: object) -> str:
        return entry_document(CatalogueEntry("item 1", source="c.json", **fields), HistoryOptions(severity="SEV3"))[0].title  # type: ignore[arg-type]

    assert title(organisation="Acme", day=date(2012, 12, 1), precision="month") == "Acme incident in December 2012"
    assert title(organisation="Acme", day=date(2012, 12, 22), precision="day") == "Acme incident on 2012-12-22"
    assert title(services=["api", "web"], day=date(2012, 1, 1), precision="year") == "api incident in 2012"
    assert title(url="https://blog.example/2012/post-mortem_outage.html", day=date(2012, 1, 1), precision="year") == "blog.example: post mortem outage"


def test_without_a_link_the_note_names_the_catalogue_and_partial_dates_are_kept() -> None:
    entry = CatalogueEntry("line 3", title="Old one", day=date(2012, 12, 1), precision="month", source="list.csv", columns={"day": "Date"})
    doc, _ = entry_document(entry, HistoryOptions(severity="SEV3"))
    assert doc.timeline[0].text == "Listed in list.csv" and "summary" not in doc.postmortem.prose
    assert doc.postmortem.sections[0].body == "- Date: 2012-12 (month only; the incident starts on its first day)"


def test_severity_as_written_or_the_default_or_a_problem() -> None:
    assert [match_severity(s, ["SEV1", "SEV2", "SEV3"]) for s in ("sev1", "SEV-1", "P1", "1", "Sev 2", "critical")] == [
        "SEV1", "SEV1", "SEV1", "SEV1", "SEV2", None]
    entry = CatalogueEntry("line 2", title="x", day=date(2020, 1, 1), precision="day", severity="critical")
    doc, report = entry_document(entry, HistoryOptions())
    assert doc.severity == "" and report.problems == ["no severity stated: give a default severity ('critical' is not one of SEV1, SEV2, SEV3, SEV4, SEV5)"]
    doc, report = entry_document(entry, HistoryOptions(severity="SEV4"))
    assert doc.severity == "SEV4" and "critical" in doc.postmortem.sections[0].body


def test_identity_is_the_normalised_link_else_title_day_and_organisation() -> None:
    linked = CatalogueEntry("line 2", url="HTTP://Blog.Example:443/pm/?utm_source=hn#top")
    assert entry_identity(linked) == entry_identity(CatalogueEntry("item 9", url="https://blog.example/pm")) == "https://blog.example/pm"
    unlinked = CatalogueEntry("line 2", title="DB  Down", day=date(2020, 3, 1), precision="day", organisation="Acme")
    assert entry_identity(unlinked) == "db down|2020-03-01|acme"


def test_the_same_incident_listed_twice_is_imported_once() -> None:
    text = "Title,Date,URL\nA,2020-01-01,https://x.example/a\nA again,2020-01-02,https://x.example/a/\n"
    catalogue = read_catalogue(text, "x.csv")
    assert [entry.title for entry in catalogue.entries] == ["A"]
    assert catalogue.problems == [("line 3", "the same incident as line 2 (same link): listed twice, imported once")]


def test_what_is_and_is_not_a_catalogue() -> None:
    assert not looks_like_catalogue("# Title\n\nDate,Title\n", "postmortem.md")
    assert not looks_like_catalogue("Owner,Due\nana,2020-01-01\n", "items.csv")  # no title or organisation
    assert not looks_like_catalogue(json.dumps({"title": "x", "severity": "SEV1", "timeline": [{"at": "2020", "text": "x"}]}), "export.json")
    assert looks_like_catalogue(json.dumps({"data": {"items": [{"service": "api", "date": "2020"}]}}), "x.json")
    assert looks_like_catalogue('{"title": "a", "date": "2020"}\n{"title": "b", "date": "2021"}\n', "x.json")  # JSON Lines named .json
    assert len(read_catalogue('{"title": "a", "date": "2020"}\n{"title": "b", "date": "2021"}\n', "x.json").entries) == 2


def test_hostile_input_is_refused_or_reported_never_a_traceback() -> None:
    with pytest.raises(ImportFailed, match="too large"):
        read_catalogue("x" * (MAX_BYTES + 1), "big.csv")
    with pytest.raises(ImportFailed, match="nested too deeply"):
        read_catalogue("[" * 100_000 + "]" * 100_000, "deep.json")
    unclosed = 'Title,Date\n"Open quote,2020-01-01\n' + "more,2020-01-02\n" * 300
    assert "unclosed" in read_catalogue(unclosed, "x.csv").problems[0][1]
    assert read_catalogue("Title,Date\nNUL\x00here,2020-01-01\n", "x.csv").entries[0].title == "NULhere"


def test_a_hundred_thousand_rows_are_all_read() -> None:
    """Speed is measured in bench/history_import.py, not asserted here."""
    rows = "".join(f'Acme {n};2020-01-{n % 28 + 1:02d};"Outage {n}";https://x.example/{n};"one\ntwo";aws,db\n' for n in range(100_000))
    catalogue = read_catalogue("Company;Date;Title;URL;Summary;Tags\n" + rows, "big.csv")
    assert len(catalogue.entries) == 100_000 and not catalogue.problems


def test_the_shared_sample_catalogue(shared_samples: Path) -> None:
    """The shared_samples fixture skips with a reason when ../shared is absent, and fails under CI."""
    path = shared_samples / "catalogues" / "macintux_list-of-postmortems.json"
    text = path.read_text(encoding="utf-8")
    assert looks_like_catalogue(text, path.name)
    catalogue = read_catalogue(text, path.name)
    assert len(catalogue.entries) == len(json.loads(text)) and not catalogue.problems
    first = catalogue.entries[0]
    assert (first.organisation, first.day, first.tags) == ("github.com", date(2012, 12, 22), ["upgrade", "network"])
    doc, report = entry_document(first, HistoryOptions(severity="SEV3"))
    assert doc.title == "github.com incident on 2012-12-22" and doc.tags == ["upgrade", "network"]
    assert doc.timeline[0].text == "Published postmortem: https://github.com/blog/1364-downtime-last-saturday"
    assert report.complete
    assert len({entry_identity(entry) for entry in catalogue.entries}) == len(catalogue.entries)
