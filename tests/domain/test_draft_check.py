"""Citations read as data, and sentences checked against the record they cite."""

from __future__ import annotations

from datetime import datetime, timezone

from cairn.domain.citations import Citation, CitationKind, citations_in, sentences, strip_citations
from cairn.domain.document import EventDoc, ImpactDoc, IncidentDoc, PostmortemDoc
from cairn.domain.draft_check import Evidence, check_text
from cairn.domain.moments import KeyMoments

UTC = timezone.utc


def record() -> IncidentDoc:
    at = lambda h, m: datetime(2026, 11, 23, h, m, tzinfo=UTC)  # noqa: E731
    return IncidentDoc(
        title="Checkout errors", severity="SEV2", timezone="Europe/Berlin", services=["checkout"],
        moments=KeyMoments(started=at(13, 0), detected=at(13, 4), mitigated=at(13, 47), resolved=at(14, 10)),
        timeline=[
            EventDoc(at=at(13, 4), kind="alert", text="5xx rate above 2% on checkout", id=11),
            EventDoc(at=at(13, 20), kind="action", text="Rolled back release 4.2.1", actor="dana", id=12),
            EventDoc(at=at(13, 47), kind="mitigation", text="Error rate back under 0.1%", id=13),
        ],
        postmortem=PostmortemDoc(impact=ImpactDoc(users_affected=1204, users_share=3.5, duration_minutes=47)),
    )


def verdicts(text: str) -> list[tuple[bool, list[str]]]:
    return [(s.kept, s.reasons) for s in check_text(text, Evidence.of(record())).sentences]


def test_citations_are_read_from_the_text_whatever_surrounds_them() -> None:
    text = "The alert fired [#11, #12]. It was mitigated [moment: Mitigated] and [impact: users affected]."
    assert citations_in(text) == [
        Citation(CitationKind.EVENT, "11"), Citation(CitationKind.EVENT, "12"),
        Citation(CitationKind.MOMENT, "mitigated"), Citation(CitationKind.IMPACT, "users_affected"),
    ]
    assert strip_citations(text) == "The alert fired. It was mitigated and."
    mixed = "Rolled back [#12, moment: mitigated; event: 13] [impact: cost]."
    assert citations_in(mixed) == [
        Citation(CitationKind.EVENT, "12"), Citation(CitationKind.MOMENT, "mitigated"),
        Citation(CitationKind.EVENT, "13"), Citation(CitationKind.IMPACT, "cost"),
    ]
    assert citations_in("A link [the docs](https://example.com) and [see below] are not citations.") == []
    edited = "Someone rewrote this sentence entirely, keeping its source [#12]."
    assert citations_in(edited) == [Citation(CitationKind.EVENT, "12")]


def test_sentences_split_by_block_and_stop_not_by_decimals_or_versions() -> None:
    text = "**Phase one.**\n\n- Rolled back 4.2.1 at 14:20 CET [#12].\n- Rate 0.1% [#13].\n\nFirst. Second [#11]? e.g. this stays."
    found = sentences(text)
    assert [(s.block, s.text) for s in found] == [
        ("heading", "Phase one."),
        ("item", "Rolled back 4.2.1 at 14:20 CET [#12]."),
        ("item", "Rate 0.1% [#13]."),
        ("paragraph", "First."),
        ("paragraph", "Second [#11]?"),
        ("paragraph", "e.g. this stays."),
    ]


def test_supported_sentences_are_kept() -> None:
    assert verdicts(
        "The alert fired at 14:04 CET [#11]. Impact began at 2026-11-23 14:00 CET [moment: started]. "
        "Detection came 4 minutes after impact began [moment: started] [moment: detected]. "
        "It was mitigated 47 minutes after it began [moment: started] [moment: mitigated]. "
        "1,204 users were affected, 3.5% of users [impact: users_affected] [impact: users_share]. "
        "The rollback at 14:20 CET took release “Rolled back release 4.2.1” [#12]. "
        "It lasted 1 hour 10 minutes in all [moment: started] [moment: resolved]. "
        "The same moment in UTC: 13:04 UTC [#11]."
    ) == [(True, [])] * 8


def test_an_invented_time_is_unsupported_and_says_what_the_record_says() -> None:
    [(kept, reasons)] = verdicts("The alert fired at 14:09 CET [#11].")
    assert not kept and reasons == ["gives the time 14:09 CET, but the cited record says 14:04 CET"]


def test_a_wrong_date_is_unsupported() -> None:
    [(kept, _)] = verdicts("Impact began at 2026-11-24 14:00 CET [moment: started].")
    assert not kept


def test_a_citation_of_an_event_not_in_the_incident_is_unsupported() -> None:
    [(kept, reasons)] = verdicts("The deploy went out at 14:04 [#999].")
    assert not kept
    assert "cites [#999], which is not in this incident's record" in reasons


def test_a_fact_without_citation_is_unsupported_and_a_question_is_not() -> None:
    assert verdicts("The database ran out of connections. What happened between 14:20 and 14:47?") == [
        (False, ["states a fact without citing the record"]), (False, ["gives the time 14:20 but cites nothing with a time", "gives the time 14:47 but cites nothing with a time"]),
    ]
    assert verdicts("What was happening then?") == [(True, [])]


def test_durations_must_be_measured_by_cited_times_to_the_minute() -> None:
    [(kept, reasons)] = verdicts("Detection came 9 minutes after impact began [moment: started] [moment: detected].")
    assert not kept and "9 minutes" in reasons[0]
    [(kept, _)] = verdicts("Users were affected for 47 minutes [impact: duration_minutes].")
    assert kept
    [(kept, reasons)] = verdicts("Users were affected for 2 hours [#11].")
    assert not kept and "no two times" in reasons[0]


def test_numbers_must_be_in_the_cited_record() -> None:
    [(kept, reasons)] = verdicts("About 5,000 users were affected [impact: users_affected].")
    assert not kept and reasons == ["gives the number 5,000, which is not in the cited record"]
    [(kept, _)] = verdicts("The error rate passed 2% [#11].")
    assert kept


def test_a_quotation_must_be_in_the_cited_record() -> None:
    [(kept, reasons)] = verdicts("The responder wrote: “restarted every database in the cluster” [#12].")
    assert not kept and "quotes" in reasons[0]


def test_times_dates_zones_units_ranges_and_number_words_are_all_checked() -> None:
    invented = [
        "The rollback came at 2pm [#12].",
        "The rollback came at 3 p.m. CET [#12].",
        "The rollback came at 14:20 am [#12].",
        "The rollback came at 14:20 EST [#12].",
        "The rollback came at 13:20 UTC-5 [#12].",
        "The rollback came on 2019-07-04 [#12].",
        "The rollback came at 14:20 on 2025-01-01 [#12].",
        "The rollback came on 07/04/2019 [#12].",
        "The rollback came on July 4 [#12].",
        "The rollback came on 4th July 2026 [#12].",
        "About 12k users were affected [impact: users_affected].",
        "The error rate reached 5-40% [#11].",
        "Latency reached 900ms [#11].",
        "It took two hours to roll back [#11, #12].",
        "It took an hour and a half to mitigate [moment: started, moment: mitigated].",
        "Nine thousand customers saw errors [impact: users_affected].",
    ]
    for sentence in invented:
        [(kept, reasons)] = verdicts(sentence)
        assert not kept and reasons, sentence
    supported = [
        "The rollback came at 2:20 pm [#12].",
        "The rollback came at 13:20 UTC [#12].",
        "The rollback came at 13:20 UTC+0 [#12].",
        "The rollback came at 08:20 EST, 14:20 CET [#12].",
        "The rollback came on 2026-11-23 [#12].",
        "The rollback came on 23 November 2026 [#12].",
        "The rollback came on Nov 23 [#12].",
        "At 14:04 DNS was not yet suspected [#11].",
        "It took sixteen minutes to roll back [#11, #12].",
        "Mitigation took about 47 minutes [moment: started, moment: mitigated].",
        "Detection came less than five minutes after impact began [moment: started, moment: detected].",
        "One engineer rolled back release 4.2.1 [#12].",
    ]
    for sentence in supported:
        assert verdicts(sentence) == [(True, [])], sentence


def test_a_numeric_zone_abbreviation_is_read_as_the_zone() -> None:
    doc = record()
    doc.timezone = "Europe/Istanbul"
    [check] = check_text("Impact began at 2026-11-23 16:00 +03 [moment: started].", Evidence.of(doc)).sentences
    assert check.kept, check.reasons
    [wrong] = check_text("Impact began at 16:00 +02 [moment: started].", Evidence.of(doc)).sentences
    assert not wrong.kept


def test_a_question_that_carries_a_claim_must_cite_like_a_statement() -> None:
    for claim in (
        "Checkout failed because the payments team pushed an untested config change, right?",
        "The rollback fixed it, didn't it?",
        "Was the outage caused by the certificate rotation?",
    ):
        [(kept, reasons)] = verdicts(claim)
        assert not kept and reasons == ["states a fact without citing the record"], claim
    assert verdicts("What made the rollback the safer choice at the time?") == [(True, [])]
    assert verdicts("Did the rollback fix it because the pool was reset [#12]?") == [(True, [])]


def test_a_bracket_inside_a_quotation_of_the_record_is_not_a_citation() -> None:
    doc = record()
    doc.timeline.append(EventDoc(at=datetime(2026, 11, 23, 13, 30, tzinfo=UTC), kind="note", text="Retried after [#3] was closed", id=14))
    [check] = check_text("14:30 CET, note: “Retried after [#3] was closed” [#14].", Evidence.of(doc)).sentences
    assert check.kept, check.reasons
    assert [c.ref for c in check.citations] == ["14"]


def test_links_are_made_for_citations_but_not_for_brackets_quoted_from_the_record() -> None:
    from cairn.web.citations import CitationTitles

    html = str(CitationTitles(record(), "/incidents/INC-1").link("<p>Note: “Retried after [#12] was closed” [#11].</p>"))
    assert "“Retried after [#12] was closed”" in html
    assert html.count('class="cite"') == 1 and 'href="/incidents/INC-1/events/11"' in html
