"""Model drafts against a local chat-completions server with scripted answers: the
production client, every verification path, the restricted rule and the audit trail."""

from __future__ import annotations

import json

import pytest
from pydantic import SecretStr

from cairn.config import Settings
from cairn.errors import Forbidden, InvalidInput
from cairn.services.context import Context
from cairn.services.drafts import draft_postmortem, list_drafts, set_model_consent
from cairn.services.incidents import open_incident, show_incident
from cairn.services.model_client import chat_endpoint
from cairn.services.timeline import log_event
from tests.drafts.fake_model import fake_model
from tests.web.personas import create_personas
from tests.web.test_access import acting


@pytest.fixture
def model(ctx: Context):  # type: ignore[no-untyped-def]
    with fake_model() as (url, script):
        settings = ctx.settings.model_copy(update={"llm_url": url, "llm_model": "fake-7b", "llm_timeout_seconds": 0.5})
        yield Context(settings=settings, db=ctx.db, actor="tester"), script


def ids(ctx: Context, key: str) -> dict[str, int]:
    """Event id by the first word of its text."""
    return {event.text.split()[0]: event.id for event in show_incident(ctx, key).timeline}  # type: ignore[misc]


def section(result, key: str):  # type: ignore[no-untyped-def]
    return next(s for s in result.sections if s.key == key)


def test_a_supported_answer_is_kept_and_the_exchange_is_audited(model, outage: str) -> None:  # type: ignore[no-untyped-def]
    ctx, script = model
    event = ids(ctx, outage)
    script.say_sections({
        "summary": (
            f"Checkout returned errors after release 4.2.1 went out at 13:58 CET [#{event['Release']}]. "
            "The impact began at 14:00 CET [moment: started] and was mitigated 52 minutes later [moment: started] [moment: mitigated]. "
            "About 1,204 users were affected [impact: users_affected]."
        ),
        "resolution": f"Rolling back to 4.2.0 brought the error rate under 0.1% at 14:52 CET [#{event['Rollback']}].",
    })
    result = draft_postmortem(ctx, outage, use_model=True)
    assert result.source == "model" and result.model == "fake-7b" and result.note is None
    summary = section(result, "summary")
    assert summary.kept == 3 and summary.dropped == []
    assert "went out at 13:58 CET" in show_incident(ctx, outage).postmortem.prose["summary"]
    # sections the model left out come from Cairn's own draft
    assert "[moment: detected]" in section(result, "detection").text

    [request] = script.requests
    assert request["path"] == "/v1/chat/completions"
    body = request["body"]
    assert body["model"] == "fake-7b" and body["messages"][0]["role"] == "system"
    sent = body["messages"][1]["content"]
    assert f'"id": {event["Release"]}' in sent and "Checkout errors after release 4.2.1" in sent
    [audit] = list_drafts(ctx, outage)
    assert audit["source"] == "model" and json.loads(audit["request"]) == body
    assert json.loads(audit["response"])["choices"][0]["message"]["content"].startswith('{"sections"')


def test_invented_times_unknown_ids_and_wrong_figures_are_dropped_with_reasons(model, outage: str) -> None:  # type: ignore[no-untyped-def]
    ctx, script = model
    event = ids(ctx, outage)
    script.say(
        "```json\n" + json.dumps({"sections": {"summary": (
            f"The alert fired at 14:09 CET [#{event['CheckoutErrorRate:']}]. "
            "A config push at 13:40 CET started it [#99999]. "
            "Roughly 5,000 users were affected [impact: users_affected]. "
            "The database team was slow to respond. "
            f"The decision to roll back came at 14:15 CET [#{event['Decided']}]."
        )}}) + "\n```"
    )
    result = draft_postmortem(ctx, outage, use_model=True)
    summary = section(result, "summary")
    reasons = {gone["sentence"].split(" [")[0]: gone["reasons"] for gone in summary.dropped}
    assert reasons["The alert fired at 14:09 CET"] == ["gives the time 14:09 CET, but the cited record says 14:06 CET"]
    assert "cites [#99999], which is not in this incident's record" in reasons["A config push at 13:40 CET started it"]
    assert reasons["Roughly 5,000 users were affected"] == ["gives the number 5,000, which is not in the cited record"]
    assert reasons["The database team was slow to respond."] == ["states a fact without citing the record"]
    assert summary.kept == 1
    text = show_incident(ctx, outage).postmortem.prose["summary"]
    assert "14:09" not in text and "5,000" not in text and "slow" not in text
    assert "The decision to roll back came at 14:15 CET" in text


def test_answers_wrapped_in_reasoning_or_prose_are_read(model, outage: str) -> None:  # type: ignore[no-untyped-def]
    ctx, script = model
    event = ids(ctx, outage)
    answer = json.dumps({"sections": {"resolution": f"The rollback finished at 14:52 CET [#{event['Rollback']}, moment: mitigated]."}})
    script.say("<think>The record says {rollback} at 14:52.</think>\nHere is the JSON you asked for:\n```json\n" + answer + "\n```\nDone.")
    result = draft_postmortem(ctx, outage, use_model=True)
    assert result.source == "model"
    assert section(result, "resolution").kept == 1 and section(result, "resolution").dropped == []


def test_blameful_model_prose_is_linted_and_dropped(model, outage: str) -> None:  # type: ignore[no-untyped-def]
    ctx, script = model
    event = ids(ctx, outage)
    script.say_sections({"resolution": (
        f"Farah should have rolled back much sooner, which was careless [#{event['Rollback']}]. "
        f"The rollback finished at 14:52 CET [#{event['Rollback']}]."
    )})
    result = draft_postmortem(ctx, outage, use_model=True)
    resolution = section(result, "resolution")
    assert [gone["reasons"] for gone in resolution.dropped] == [["the blameless-language check flags it"]]
    assert "careless" not in show_incident(ctx, outage).postmortem.prose["resolution"]


def test_headings_labels_and_code_in_a_model_answer_are_checked_like_sentences(model, outage: str) -> None:  # type: ignore[no-untyped-def]
    ctx, script = model
    event = ids(ctx, outage)
    script.say_sections({"resolution": (
        "## Resolution\n\n"
        "### Dana carelessly broke checkout at 11:11 for 9,999 users\n\n"
        "**It was all Farah's fault at 03:00**\n\n"
        "```\nBob's mistake at 04:44 cost 1,000,000 EUR\n```\n\n"
        "### How it ended\n\n"
        f"The rollback finished at 14:52 CET [#{event['Rollback']}]."
    )})
    result = draft_postmortem(ctx, outage, use_model=True)
    resolution = section(result, "resolution")
    written = show_incident(ctx, outage).postmortem.prose["resolution"]
    for invented in ("11:11", "9,999", "Farah", "04:44", "1,000,000", "## Resolution"):
        assert invented not in written
    assert "How it ended" in written and "14:52 CET" in written
    assert len(resolution.dropped) == 3 and resolution.kept == 1


def test_an_answer_that_would_break_the_document_falls_back_and_the_exchange_is_kept(model, outage: str) -> None:  # type: ignore[no-untyped-def]
    ctx, script = model
    event = ids(ctx, outage)
    script.say_sections({"resolution": f"<!-- draft\nThe rollback finished at 14:52 CET [#{event['Rollback']}]."})
    result = draft_postmortem(ctx, outage, use_model=True)
    resolution = section(result, "resolution")
    assert "[moment: mitigated]" in show_incident(ctx, outage).postmortem.prose["resolution"]  # Cairn's own draft
    assert any("HTML block" in reason for gone in resolution.dropped for reason in gone["reasons"])
    [audit] = list_drafts(ctx, outage)
    assert audit["response"] and "<!-- draft" in audit["response"]


def test_nothing_the_model_said_holds_so_cairns_draft_stands_in(model, outage: str) -> None:  # type: ignore[no-untyped-def]
    ctx, script = model
    script.say_sections({"summary": "It broke at 09:99. Everyone panicked."})
    result = draft_postmortem(ctx, outage, use_model=True)
    summary = section(result, "summary")
    assert "[moment: started]" in summary.text and summary.dropped


@pytest.mark.parametrize(
    ("scripted", "reason"),
    [
        (lambda s: s.raw("<html>Bad gateway</html>"), "answered something that is not JSON"),
        (lambda s: s.raw('{"error": {"message": "model not loaded"}}', 503), "answered HTTP 503 Service Unavailable: model not loaded"),
        (lambda s: s.raw('{"error":{"message":"model \\"llama3\\" not found, try pulling it first","type":"api_error"}}', 404),
         'HTTP 404 Not Found: model "llama3" not found, try pulling it first'),
        (lambda s: s.raw('{"choices": []}'), "without choices[0].message.content"),
        (lambda s: s.say("Here is your postmortem! It went well."), "not the JSON object asked for"),
        (lambda s: s.say('{"sections": {"epilogue": "x"}}'), "names none of the sections"),
        (lambda s: s.stall(1.5), "did not answer within 0.5 s"),
        (lambda s: s.say_sections({"summary": "What happened? " * 5000}), "longer than 50,000 characters"),
        (lambda s: s.say('{"sections": {"summary": ["a list"]}}'), "is not text"),
    ],
)
def test_an_unusable_answer_falls_back_to_the_record_and_says_why(model, outage: str, scripted, reason: str) -> None:  # type: ignore[no-untyped-def]
    ctx, script = model
    scripted(script)
    result = draft_postmortem(ctx, outage, use_model=True)
    assert result.source == "record"
    assert result.note is not None and reason in result.note and result.note.startswith("the model was not used")
    assert "[moment: started]" in show_incident(ctx, outage).postmortem.prose["summary"]
    [audit] = list_drafts(ctx, outage)
    assert audit["note"] == result.note and audit["request"]


def test_a_restricted_incident_goes_to_the_model_only_with_an_admins_leave(model) -> None:  # type: ignore[no-untyped-def]
    ctx, script = model
    create_personas(ctx)
    member = acting(ctx, "member")
    secret = open_incident(member, "Payroll export leaked", severity="SEV1", visibility="restricted").key
    log_event(member, secret, "Export job wrote to the public bucket", kind="alert", at="2026-11-23T10:00:00+00:00")
    with pytest.raises(Forbidden, match="an admin allows it"):
        draft_postmortem(member, secret, use_model=True)
    assert script.requests == []
    with pytest.raises(Forbidden):
        set_model_consent(member, secret, True)
    set_model_consent(acting(ctx, "admin"), secret, True)
    script.say_sections({"summary": "What exposed the export?"})
    assert draft_postmortem(member, secret, use_model=True).source == "model"
    assert len(script.requests) == 1
    set_model_consent(acting(ctx, "admin"), secret, False)
    with pytest.raises(Forbidden):
        draft_postmortem(member, secret, use_model=True)
    assert len(script.requests) == 1


def test_a_leave_given_before_the_incident_was_restricted_does_not_carry_over(model) -> None:  # type: ignore[no-untyped-def]
    from cairn.services.incidents import update_incident

    ctx, script = model
    create_personas(ctx)
    admin = acting(ctx, "admin")
    key = open_incident(admin, "Payroll export", severity="SEV2").key
    log_event(admin, key, "Export job wrote to the public bucket", kind="alert", at="2026-11-23T10:00:00+00:00")
    with pytest.raises(InvalidInput, match="not restricted"):
        set_model_consent(admin, key, True)  # nothing to allow: it goes without leave
    update_incident(admin, key, visibility="restricted")
    set_model_consent(admin, key, True)
    update_incident(admin, key, visibility="internal")
    update_incident(admin, key, visibility="restricted")  # restricted again, maybe for another reason
    with pytest.raises(Forbidden, match="an admin allows it"):
        draft_postmortem(admin, key, use_model=True)
    assert script.requests == []


def test_redaction_applies_before_sending(model) -> None:  # type: ignore[no-untyped-def]
    ctx, script = model
    key = open_incident(ctx, "Database failover on payroll-db01.corp.example.com", severity="SEV2").key
    log_event(ctx, key, "dana@example.com restarted payroll-db01.corp.example.com at 10.0.3.7", kind="action", actor="dana", at="2026-11-23T10:00:00+00:00")
    script.say_sections({"summary": "What triggered the failover?"})
    draft_postmortem(ctx, key, use_model=True, redact=True)
    sent = script.requests[0]["body"]["messages"][1]["content"]
    assert "dana@example.com" not in sent and "10.0.3.7" not in sent and "payroll-db01.corp.example.com" not in sent
    assert list_drafts(ctx, key)[0]["redacted"] is True


def test_nothing_is_sent_without_a_configured_endpoint(ctx: Context, outage: str) -> None:
    with pytest.raises(InvalidInput, match="set CAIRN_LLM_URL"):
        draft_postmortem(ctx, outage, use_model=True)
    assert list_drafts(ctx, outage) == []


def test_the_key_travels_in_a_header_and_is_never_kept(model, outage: str) -> None:  # type: ignore[no-untyped-def]
    ctx, script = model
    keyed = Context(settings=ctx.settings.model_copy(update={"llm_api_key": SecretStr("sk-very-secret-1234")}), db=ctx.db, actor="tester")
    script.say_sections({"summary": "What did users see?"})
    draft_postmortem(keyed, outage, use_model=True)
    assert script.requests[0]["headers"]["Authorization"] == "Bearer sk-very-secret-1234"
    assert "sk-very-secret" not in json.dumps(list_drafts(ctx, outage))
    # A server that echoes the key in its refusal: the reason is shown, the key is not.
    script.raw('{"error": {"message": "Incorrect API key provided: sk-very-secret-1234.", "code": "invalid_api_key"}}', 401)
    result = draft_postmortem(keyed, outage, use_model=True)
    assert result.note is not None and "HTTP 401" in result.note and "Incorrect API key provided: ***." in result.note
    assert "sk-very-secret" not in json.dumps(list_drafts(ctx, outage))


def test_endpoint_addresses_are_read_the_ways_servers_document_them() -> None:
    assert chat_endpoint("http://127.0.0.1:8080") == "http://127.0.0.1:8080/v1/chat/completions"
    assert chat_endpoint("http://localhost:11434/v1/") == "http://localhost:11434/v1/chat/completions"
    assert chat_endpoint("https://llm.corp/v1/chat/completions") == "https://llm.corp/v1/chat/completions"
    with pytest.raises(InvalidInput):
        chat_endpoint("ftp://llm.corp")
    for broken in ("http://[::1", "http://llm.corp:port/v1"):
        with pytest.raises(InvalidInput, match="not an http"):
            chat_endpoint(broken)
    with pytest.raises(InvalidInput, match="CAIRN_LLM_API_KEY") as refused:
        chat_endpoint("https://bob:hunter2@llm.corp/v1")
    assert "hunter2" not in str(refused.value)


def test_settings_read_the_model_from_the_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("CAIRN_LLM_URL", "http://127.0.0.1:8080/v1")
    monkeypatch.setenv("CAIRN_LLM_API_KEY", "k")
    settings = Settings()
    assert settings.llm_url == "http://127.0.0.1:8080/v1" and settings.llm_api_key is not None
    assert "k" not in repr(settings.llm_api_key)
