"""Drills (issue 19): a scenario drafted from a real-shaped incident, timed reveals
on an injected clock, finish lines, and what each role may see."""

from __future__ import annotations

import json
from datetime import datetime, timedelta, timezone

import pytest
from sqlalchemy import select

from cairn.domain.drill import format_offset, parse_offset
from cairn.errors import Conflict, Forbidden, InvalidInput, NotFound
from cairn.services.context import Principal
from cairn.services.drills import (
    add_member, add_reveal, ask, create_drill, edit_reveal, end_drill, list_drills, log_entry, mark, reveal, show_drill, start_drill,
)
from cairn.services.editing import add_factor, save_section
from cairn.services.incidents import open_incident, set_moment
from cairn.services.people import create_user
from cairn.services.timeline import log_event, read_timeline
from cairn.storage.models import User

T0 = datetime(2026, 11, 20, 14, 0, tzinfo=timezone.utc)
TRIGGER = "A config push halved the connection pool of the payments client"


def at(minutes: float) -> str:
    return (T0 + timedelta(minutes=minutes)).isoformat()


@pytest.fixture
def incident(ctx):
    """Checkout 502s: the shape of a real incident, with signals, responders' work, factors and a resolution."""
    open_incident(ctx, "Checkout returns 502 for card payments", severity="SEV2", services=["checkout", "payments"], started=at(-3))
    log_event(ctx, "INC-1", "p99 latency alert: checkout above 2 s", kind="alert", at=at(0), actor="alertmanager")
    log_event(ctx, "INC-1", "Support: customers report failed card payments", kind="communication", at=at(4))
    log_event(ctx, "INC-1", "@alice acknowledged the page", kind="acknowledgement", at=at(5))
    log_event(ctx, "INC-1", "The DB dashboard shows 2 connections per host, all busy", kind="note", at=at(9))
    log_event(ctx, "INC-1", "Decided to roll back release 2026.11.3", kind="decision", at=at(14), actor="alice")
    log_event(ctx, "INC-1", "Rolled back release 2026.11.3", kind="mitigation", at=at(16), actor="alice")
    log_event(ctx, "INC-1", "Error rate back to baseline", kind="alert", at=at(20))
    set_moment(ctx, "INC-1", "mitigated", at=at(16))
    add_factor(ctx, "INC-1", description=TRIGGER, category="configuration", role="trigger")
    add_factor(ctx, "INC-1", description="No alert on pool saturation", category="monitoring gap", role="latent condition")
    save_section(ctx, "INC-1", "resolution", "Rolled back the release; the pool size is now pinned.", base=None)
    for name in ("gina", "rui", "olga", "vic"):
        create_user(ctx, name, role="responder")
    return "INC-1"


def user(ctx, username, role="responder"):
    with ctx.db.transaction() as session:
        user_id = session.scalar(select(User.id).where(User.username == username))
    return ctx.as_user(Principal(user_id=user_id, username=username, role=role))


@pytest.fixture
def drill(ctx, incident):
    gm = user(ctx, "gina")
    view = create_drill(gm, incident, responders=["rui"], observers=["olga"])
    return view.id


def secret_texts(view) -> list[str]:
    return [TRIGGER, "No alert on pool saturation", "pool size is now pinned", "Rolled back release", "Decided to roll back"]


def test_a_scenario_is_drafted_from_the_incident_with_its_first_signal_reveals_hidden_facts_and_finish_lines(ctx, drill):
    view = show_drill(user(ctx, "gina"), drill)
    assert view.role == "game master" and view.sees_hidden and view.status == "planned"
    assert view.situation == "p99 latency alert: checkout above 2 s" and view.situation_kind == "alert"
    assert view.situation_time == "14:00 UTC"  # the wall clock when it began, in the incident's zone
    # later signals become reveals, with their times relative to the first alert; the note about a dashboard waits to be asked for
    assert [(r.position, r.offset_seconds, r.mode) for r in view.reveals] == [(1, 240, "clock"), (2, 300, "clock"), (3, 540, "request"), (4, 1200, "clock")]
    assert view.reveals[2].prompt == "if you look at the dashboard"
    # what the real responders did is hidden, not a reveal
    assert not any("roll back" in r.text.lower() for r in view.reveals)
    labels = [fact["label"] for fact in view.hidden_facts]
    assert labels[:3] == ["trigger", "factor F2 (latent condition)", "resolution"]
    assert view.hidden_facts[0]["text"] == TRIGGER
    assert any(fact["label"].startswith("responders did (+14:00)") for fact in view.hidden_facts)
    assert view.diagnosed_line == f"The responders name the trigger: {TRIGGER}"
    assert view.mitigated_line == "The responders mitigate, as the real responders did: Rolled back release 2026.11.3"
    assert (view.real_diagnose_seconds, view.real_mitigate_seconds) == (14 * 60, 16 * 60)
    assert view.members == [("gina", "game master"), ("rui", "responder"), ("olga", "observer")]


def test_timed_reveals_come_by_the_clock_and_a_manual_reveal_comes_at_once(ctx, drill):
    gm = user(ctx, "gina")
    start = T0 + timedelta(days=30)
    start_drill(gm, drill, now=start)
    responder = user(ctx, "rui")
    assert show_drill(responder, drill, now=start + timedelta(minutes=3)).shown == []
    four = show_drill(responder, drill, now=start + timedelta(minutes=4))
    assert [r.text for r in four.shown] == ["Support: customers report failed card payments"]
    reveal(gm, drill, 4, now=start + timedelta(minutes=6))
    later = show_drill(responder, drill, now=start + timedelta(minutes=6, seconds=1))
    assert [r.position for r in later.shown] == [1, 2, 4]
    assert later.shown[-1].shown_at == start + timedelta(minutes=6)
    # the one on request is not shown by the clock, only its prompt is offered
    assert later.on_request == ["if you look at the dashboard"]
    asked = ask(responder, drill, "the DB dashboard", now=start + timedelta(minutes=7))
    assert [r.position for r in asked.shown][-1] == 3 and asked.on_request == []
    assert asked.log[-1].text == "looked at the DB dashboard" and asked.log[-1].actor == "rui"


def test_a_responder_and_an_observer_never_receive_a_hidden_fact_before_the_debrief(ctx, drill):
    gm = user(ctx, "gina")
    start = T0 + timedelta(days=30)
    start_drill(gm, drill, now=start)
    for name in ("rui", "olga", "vic"):  # vic is no member: he watches as an observer
        view = show_drill(user(ctx, name), drill, now=start + timedelta(minutes=5))
        assert not view.sees_hidden and view.role in ("responder", "observer")
        data = json.dumps(view.to_data())
        for secret in secret_texts(view):
            assert secret not in data, (name, secret)
        assert "Error rate back to baseline" not in data  # a reveal not yet due
        assert "connections per host" not in data  # one on request, not yet asked for
    ended = end_drill(gm, drill, now=start + timedelta(minutes=30))
    after = show_drill(user(ctx, "rui"), drill)
    assert ended.status == "ended" and after.sees_hidden and after.hidden_facts[0]["text"] == TRIGGER


def test_only_the_game_master_starts_reveals_marks_and_ends(ctx, drill):
    responder = user(ctx, "rui")
    with pytest.raises(Forbidden):
        start_drill(responder, drill)
    start_drill(user(ctx, "gina"), drill, now=T0 + timedelta(days=1))
    for attempt in (lambda: reveal(responder, drill, 1), lambda: mark(responder, drill, "diagnosed"), lambda: end_drill(responder, drill)):
        with pytest.raises(Forbidden):
            attempt()
    with pytest.raises(Forbidden):
        log_entry(user(ctx, "olga"), drill, "I think it is the pool")
    with pytest.raises(Forbidden):
        log_entry(user(ctx, "rui", role="viewer"), drill, "I think it is the pool")


def test_finish_lines_are_marked_once_and_the_log_stays_on_the_drill(ctx, incident, drill):
    gm = user(ctx, "gina")
    start = T0 + timedelta(days=2)
    start_drill(gm, drill, now=start)
    log_entry(user(ctx, "rui"), drill, "#decision roll back the last release", now=start + timedelta(minutes=8))
    mark(gm, drill, "diagnosed", now=start + timedelta(minutes=9))
    mark(gm, drill, "diagnosed", now=start + timedelta(minutes=12))
    view = mark(gm, drill, "mitigated", now=start + timedelta(minutes=11))
    assert view.offset(view.diagnosed_at) == 9 * 60 and view.offset(view.mitigated_at) == 11 * 60
    assert [(e.offset_seconds, e.kind, e.actor, e.text) for e in view.log][0] == (480, "decision", "rui", "roll back the last release")
    # nothing the drill did reached the real incident's timeline
    assert all("last release" not in e.text for e in read_timeline(ctx, incident).events)
    with pytest.raises(InvalidInput):
        mark(gm, drill, "finished")
    end_drill(gm, drill, now=start + timedelta(minutes=20))
    with pytest.raises(Conflict):
        log_entry(user(ctx, "rui"), drill, "too late")
    with pytest.raises(Conflict):
        end_drill(gm, drill)


def test_a_drill_log_line_is_timed_by_the_drill_clock(ctx, drill):
    start_drill(user(ctx, "gina"), drill, now=T0 + timedelta(days=3))
    with pytest.raises(InvalidInput, match="drill's clock"):
        log_entry(user(ctx, "rui"), drill, "14:05 restarted the pool")


def test_a_drill_of_a_restricted_incident_is_not_found_by_those_who_may_not_see_it(ctx):
    open_incident(ctx, "Payroll export leaked", severity="SEV1", visibility="restricted", started=at(0))
    log_event(ctx, "INC-1", "DLP alert on payroll bucket", kind="alert", at=at(1))
    for name in ("gina", "rui"):
        create_user(ctx, name, role="responder")
    drill = create_drill(ctx, "INC-1").id  # the local CLI may
    with pytest.raises(NotFound):
        show_drill(user(ctx, "rui"), drill)
    assert list_drills(user(ctx, "rui")) == []
    with pytest.raises(NotFound):
        create_drill(user(ctx, "gina"), "INC-1")
    with pytest.raises(InvalidInput, match="may not see INC-1"):
        add_member(ctx, drill, "rui", "responder")
    assert [row.id for row in list_drills(ctx)] == [drill]


def test_a_redacted_drill_carries_no_secret_of_the_record(ctx):
    open_incident(ctx, "Deploy key exposed", severity="SEV2", started=at(0))
    log_event(ctx, "INC-1", "Alert: token ghp_abcdefghijklmnopqrstuvwxyz0123456789 seen in a public gist", kind="alert", at=at(1))
    log_event(ctx, "INC-1", "Scanner: password=hunter2hunter2 in build log", kind="alert", at=at(3))
    view = create_drill(ctx, "INC-1", redact=True)
    data = json.dumps(view.to_data())
    assert "ghp_abcdefghijklmnopqrstuvwxyz0123456789" not in data and "hunter2hunter2" not in data


def test_an_incident_without_a_timeline_is_refused_clearly_only_when_it_has_no_start(ctx):
    open_incident(ctx, "Quiet near miss", severity="SEV4", started=at(0))
    view = create_drill(ctx, "INC-1")
    assert view.situation == "Something is wrong." and view.reveals == []
    assert view.diagnosed_line.startswith("The responders name what changed")


@pytest.mark.parametrize(("text", "seconds"), [("12:05", 725), ("1:02:03", 3723), ("15m", 900), ("90s", 90), ("+4", 240)])
def test_offsets_read_as_minutes_and_seconds_from_the_start(text, seconds):
    assert parse_offset(text) == seconds
    assert parse_offset(format_offset(seconds)) == seconds


def test_a_bad_offset_names_what_was_wrong():
    with pytest.raises(InvalidInput, match="offset 'soon'"):
        parse_offset("soon")
    for huge in ("9999999999999999999m", "99999999:00:00", "9000h"):
        with pytest.raises(InvalidInput, match="at most 366 days"):
            parse_offset(huge)
    for loose in ("1:99", "5:75:00"):
        with pytest.raises(InvalidInput, match="below 60"):
            parse_offset(loose)


def test_a_huge_offset_is_refused_before_it_can_break_the_drill(ctx, drill):
    gm = user(ctx, "gina")
    with pytest.raises(InvalidInput):
        edit_reveal(gm, drill, 1, offset="99999999:00:00")
    with pytest.raises(InvalidInput):
        add_reveal(gm, drill, "a hint", offset="9999999999999999999m")
    start_drill(gm, drill)  # still starts


def test_the_only_game_master_cannot_step_down_and_an_empty_ask_shows_nothing(ctx, drill):
    gm = user(ctx, "gina")
    with pytest.raises(Conflict, match="only game master"):
        add_member(gm, drill, "gina", "observer")
    add_member(gm, drill, "vic", "game master")
    add_member(gm, drill, "gina", "observer")  # another game master is there now
    start_drill(user(ctx, "vic"), drill)
    responder = user(ctx, "rui")
    for filler in ("the", "if you look at the", "check"):
        assert [r.position for r in ask(responder, drill, filler).shown if r.mode == "request"] == []
    assert any(r.mode == "request" for r in ask(responder, drill, "dashboard").shown)


def test_the_game_master_rewords_hides_and_adds_reveals_and_responders_see_only_the_result(ctx, drill):
    gm = user(ctx, "gina")
    edit_reveal(gm, drill, 1, text="Support: several customers say card payments fail", offset="2:00")
    edit_reveal(gm, drill, 2, hidden=True)
    edit_reveal(gm, drill, 4, mode="request", prompt="the error-rate graph")
    view = add_reveal(gm, drill, "The CDN status page is green", offset="6:00", dead_end=True)
    assert [(r.position, r.offset_seconds, r.mode, r.hidden, r.hint) for r in view.reveals][-1] == (5, 360, "clock", False, False)
    start = T0 + timedelta(days=40)
    start_drill(gm, drill, now=start)
    seen = show_drill(user(ctx, "rui"), drill, now=start + timedelta(minutes=30))
    assert [r.text for r in seen.shown] == ["Support: several customers say card payments fail", "The CDN status page is green"]
    assert sorted(seen.on_request) == ["if you look at the dashboard", "the error-rate graph"]
    with pytest.raises(InvalidInput, match="needs the prompt"):
        edit_reveal(gm, drill, 1, mode="request")
    with pytest.raises(Forbidden):
        edit_reveal(user(ctx, "rui"), drill, 1, text="peek")
    with pytest.raises(InvalidInput):
        reveal(gm, drill, 2)  # hidden: unhide it first


def test_records_count_each_persons_drills_and_name_who_never_drilled_a_service(ctx, incident, drill):
    from cairn.services.drill_records import drill_records
    from cairn.services.incidents import add_participant, change_status

    add_participant(ctx, incident, "vic", "responder")
    gm = user(ctx, "gina")
    start_drill(gm, drill, now=T0 + timedelta(days=5))
    end_drill(gm, drill, now=T0 + timedelta(days=5, minutes=30))
    records = drill_records(ctx)
    people = {p.username: (p.as_responder, p.as_game_master, p.as_observer) for p in records.people}
    assert people == {"gina": (0, 1, 0), "rui": (1, 0, 0), "olga": (0, 0, 1)}
    checkout = next(s for s in records.services if s.service == "checkout")
    assert checkout.drills == 1 and checkout.last == T0 + timedelta(days=5)
    assert "vic" in checkout.never_drilled and "rui" not in checkout.never_drilled


def test_suggestions_rank_severe_undrilled_incidents_with_recurring_factors_and_hide_restricted_ones(ctx):
    from cairn.services.drill_records import drill_records
    from cairn.services.incidents import change_status

    for title, severity, visibility in (("Pool exhausted again", "SEV1", "internal"), ("Slow search", "SEV4", "internal"),
                                        ("Pool exhausted in EU", "SEV3", "internal"), ("Payroll export leaked", "SEV1", "restricted")):
        key = open_incident(ctx, title, severity=severity, visibility=visibility, services=["checkout"], started=at(0)).key
        log_event(ctx, key, "alert fired", kind="alert", at=at(1))
        if "Pool" in title:
            add_factor(ctx, key, description="pool too small", category="capacity", role="trigger")
        change_status(ctx, key, "resolved", at=at(30))
    create_user(ctx, "rui", role="responder")
    found = {s.key: s for s in drill_records(ctx).suggestions}
    assert list(found)[0] in ("INC-1", "INC-4")  # the SEV1s lead
    assert "its capacity factor recurs in 2 incidents" in found["INC-1"].reasons
    assert "nobody has drilled it yet" in found["INC-1"].reasons
    outsider = user(ctx, "rui")
    theirs = {s.key for s in drill_records(outsider).suggestions}
    assert "INC-4" not in theirs and "INC-1" in theirs
    create_drill(ctx, "INC-1")
    after = {s.key: s for s in drill_records(ctx).suggestions}
    assert "INC-1" not in after or "drilled 1 time already" in after["INC-1"].reasons


def test_new_to_a_service_means_a_first_response_to_it_within_90_days(ctx):
    from sqlalchemy import update

    from cairn.services.drill_records import drill_records
    from cairn.services.incidents import add_participant, change_status

    for name in ("vet", "newbie", "bench"):
        create_user(ctx, name, role="responder")
    with ctx.db.transaction() as session:  # accounts made long before the incidents
        session.execute(update(User).values(created_at=T0 - timedelta(days=400)))
    old = open_incident(ctx, "Checkout pool ran dry", severity="SEV2", services=["checkout"], started=(T0 - timedelta(days=200)).isoformat()).key
    add_participant(ctx, old, "vet", "responder")
    change_status(ctx, old, "resolved", at=(T0 - timedelta(days=200, minutes=-30)).isoformat())
    fresh = open_incident(ctx, "Checkout pool ran dry again", severity="SEV2", services=["checkout"], started=at(0)).key
    for name in ("vet", "newbie"):
        add_participant(ctx, fresh, name, "responder")
    change_status(ctx, fresh, "resolved", at=at(30))
    create_user(ctx, "hired", role="responder")  # a new account, on no incident yet: not on this service's on-call
    reasons = {s.key: s.reasons for s in drill_records(ctx, now=T0 + timedelta(days=1)).suggestions}
    assert "new to its service's on-call: newbie" in reasons[fresh]  # the veteran of 200 days ago is not new
    later = {s.key: s.reasons for s in drill_records(ctx, now=T0 + timedelta(days=120)).suggestions}
    assert not any(reason.startswith("new to") for reason in later[fresh])


def test_a_finding_becomes_an_action_item_on_the_incident_linked_to_the_drill(ctx, incident, drill):
    from cairn.services.actions import list_action_items
    from cairn.services.drills import add_finding, findings_of

    gm = user(ctx, "gina")
    start_drill(gm, drill, now=T0 + timedelta(days=6))
    end_drill(gm, drill, now=T0 + timedelta(days=6, minutes=40))
    due = (datetime.now(timezone.utc) + timedelta(days=14)).date().isoformat()
    row = add_finding(user(ctx, "rui"), drill, "Add the pool-saturation panel to the checkout runbook", owner="rui", due=due, kind="detect")
    assert (row.incident, row.label, row.owner) == ("INC-1", "A1", "rui")
    assert [f.title for f in findings_of(gm, drill)] == ["Add the pool-saturation panel to the checkout runbook"]
    assert [item.title for item in list_action_items(ctx)] == ["Add the pool-saturation panel to the checkout runbook"]
    with pytest.raises(Forbidden):
        add_finding(user(ctx, "olga"), drill, "peek", owner="olga", due=due)
    with pytest.raises(InvalidInput):
        add_finding(gm, drill, "A finding without a due date", owner="rui", due="")
    assert len(findings_of(gm, drill)) == 1  # nothing half-written


def test_a_scenario_round_trips_through_markdown_and_can_be_written_from_scratch(ctx, drill):
    from cairn.services.drills import export_scenario, import_scenario

    gm = user(ctx, "gina")
    edit_reveal(gm, drill, 2, hidden=True)
    text = export_scenario(gm, drill)
    assert text.startswith("---\ncairn: drill-scenario/1\nincident: INC-1\n") and "\n## Situation\n\np99 latency alert" in text
    with pytest.raises(Forbidden):
        export_scenario(user(ctx, "rui"), drill)  # a responder would read the hidden facts
    again = import_scenario(gm, text)
    original = show_drill(gm, drill)
    assert again.id != drill and again.incident == "INC-1" and again.situation == original.situation
    assert [(r.offset_seconds, r.text, r.mode, r.prompt, r.hidden) for r in again.reveals] == [
        (r.offset_seconds, r.text, r.mode, r.prompt, r.hidden) for r in original.reveals]
    assert again.hidden_facts == original.hidden_facts and again.mitigated_line == original.mitigated_line
    assert (again.real_diagnose_seconds, again.real_mitigate_seconds) == (original.real_diagnose_seconds, original.real_mitigate_seconds)
    scratch = import_scenario(ctx, "---\ncairn: drill-scenario/1\nreveals:\n  - {at: '2:00', kind: alert, text: Disk 95% on db-2}\n"
                                   "hidden_facts: [{label: trigger, text: a forgotten debug log}]\n---\n# Near miss: the disk that almost filled\n\n"
                                   "## Situation\n\nDisk usage alert on db-2 at 90%.\n")
    assert scratch.incident is None and scratch.reveals[0].offset_seconds == 120 and scratch.title == "Near miss: the disk that almost filled"


@pytest.mark.parametrize(("text", "message"), [
    ("# no front matter\n", "drill.md:1: missing front matter"),
    ("---\ncairn: drill-scenario/1\n---\n## Situation\n\nx\n", "drill.md:4: the scenario needs a title"),
    ("---\ncairn: drill-scenario/1\nreveals:\n  - {at: soon, text: x}\n---\n# T\n\n## Situation\n\nx\n", "drill.md:4: offset 'soon'"),
    ("---\ncairn: drill-scenario/1\nreveals:\n  - {at: '1:00'}\n---\n# T\n\n## Situation\n\nx\n", "drill.md:4: reveal 1 needs some text"),
    ("---\ncairn: postmortem\n---\n# T\n", "drill.md:2: not a drill scenario"),
    ("---\ncairn: drill-scenario/1\nreveals:\n  - {at: '1:00', text: x}\n  - {at: '2:00', text: y\n  - {at: '3:00', text: z}\n---\n# T\n",
     "drill.md:6: the front matter is not valid YAML"),
])
def test_a_bad_scenario_file_is_refused_with_its_file_and_line(ctx, text, message):
    from cairn.errors import ImportFailed
    from cairn.services.drills import import_scenario

    with pytest.raises(ImportFailed) as raised:
        import_scenario(ctx, text, source="drill.md")
    assert str(raised.value).startswith(message), str(raised.value)
    assert list_drills(ctx) == []


def test_parallel_reveals_and_log_lines_all_land_once_each(ctx, drill):
    from concurrent.futures import ThreadPoolExecutor

    gm, responder = user(ctx, "gina"), user(ctx, "rui")
    start_drill(gm, drill)
    jobs = [lambda: reveal(gm, drill, 4)] * 3 + [lambda n=n: log_entry(responder, drill, f"checked thing {n}") for n in range(5)]
    with ThreadPoolExecutor(max_workers=4) as pool:
        for future in [pool.submit(job) for job in jobs]:
            future.result()  # no integrity error, no lost line
    view = show_drill(gm, drill)
    assert [r.position for r in view.shown if r.position == 4] == [4]
    assert sorted(e.text for e in view.log) == [f"checked thing {n}" for n in range(5)]
