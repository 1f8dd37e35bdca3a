"""Linting incidents and files, dismissals, configuration, CLI, API and page."""

from __future__ import annotations

import json

import pytest
from sqlalchemy import select

from cairn.errors import Conflict, InvalidInput, NotFound
from cairn.services.lint import count_open_findings, dismiss_finding, lint_incident
from cairn.services.portable import import_document
from cairn.services.timeline import log_event
from cairn.storage.models import AuditEvent
from tests.web.personas import signed_in_client
from tests.owners import known_owners

DOC = """\
---
title: Checkout API returns 502
severity: SEV2
timezone: UTC
teams: [payments]
moments:
  started: 2026-11-23T13:50:00Z
participants:
- {user: will, role: owner}
factors:
- description: Will pushed a bad config to the gateway.
  category: configuration
  role: trigger
action_items:
- title: Add a config check
  owner: bob
  kind: prevent
  status: open
timeline:
- at: 2026-11-23T14:05:00Z
  kind: communication
  source: slack
  ref: C1-1
  text: "who broke prod?!"
- at: 2026-11-23T14:06:00Z
  kind: note
  text: Obviously the config was wrong.
---
## Summary

The build will break when the cache is cold, and it did.

## What went wrong

Bob should have checked the diff. Root cause: human error.
"""


@pytest.fixture(autouse=True)
def _owners(ctx) -> None:
    """The action items' owners in this file's documents are accounts."""
    known_owners(ctx, "bob")


@pytest.fixture
def incident(ctx):
    return import_document(ctx, DOC, source="inc.md").key


def test_an_incident_is_linted_field_by_field_with_its_people(ctx, incident):
    report = lint_incident(ctx, incident)
    found = {(f.location, f.rule) for f in report.findings}
    assert ("factor F1", "person.cause") in found  # Will is a participant, "pushed a bad config"
    assert ("what went wrong", "counterfactual.should-have") in found
    assert ("what went wrong", "person.cause") in found  # Bob owns an action item
    assert ("what went wrong", "human-error.conclusion") in found
    assert any(f.location == "timeline 2026-11-23 14:06:00 UTC" and f.rule == "judgement.obviously" for f in report.findings)
    assert not any(f.location == "summary" for f in report.findings)  # "will break" is not Will
    assert not any("who broke prod" in f.sentence for f in report.findings)  # imported chat is quoted material


def test_a_dismissed_finding_stays_dismissed_with_its_reason_and_is_audited(ctx, incident):
    report = lint_incident(ctx, incident)
    target = next(f for f in report.findings if f.rule == "human-error.conclusion")
    dismiss_finding(ctx, incident, target.id, "Quoting the vendor's report verbatim")
    after = lint_incident(ctx, incident)
    assert target.id not in {f.id for f in after.findings}
    assert [(d.finding.id, d.reason, d.actor) for d in after.dismissed] == [(target.id, "Quoting the vendor's report verbatim", "tester")]
    assert count_open_findings(ctx, incident) == len(report.findings) - 1
    with ctx.db.transaction() as session:
        assert session.scalar(select(AuditEvent).where(AuditEvent.action == "lint.dismissed")) is not None
    with pytest.raises(Conflict, match="already dismissed"):
        dismiss_finding(ctx, incident, target.id, "again")


def test_dismissing_needs_a_known_finding_and_a_reason(ctx, incident):
    with pytest.raises(NotFound, match="no open finding deadbeef00"):
        dismiss_finding(ctx, incident, "deadbeef00", "because")
    finding = lint_incident(ctx, incident).findings[0]
    with pytest.raises(InvalidInput, match="reason cannot be empty"):
        dismiss_finding(ctx, incident, finding.id, "   ")


def test_team_configuration_tunes_the_rules(ctx, incident, tmp_path):
    from cairn.services.context import Context

    config = tmp_path / "lint.toml"
    config.write_text('[lint]\nextra_words = ["gung-ho"]\n\n[lint.teams.payments]\ndisable = ["human-error"]\n')
    tuned = Context(settings=replace_settings(ctx.settings, lint_config=config), db=ctx.db, actor="tester")
    rules = {f.rule for f in lint_incident(tuned, incident).findings}
    assert "human-error.conclusion" not in rules and "counterfactual.should-have" in rules


def replace_settings(settings, **changes):
    return settings.model_copy(update=changes)


def test_a_bad_lint_configuration_is_one_clear_error(ctx, incident, tmp_path):
    from cairn.services.context import Context

    config = tmp_path / "lint.toml"
    config.write_text('[lint]\ndisable = ["no-such-rule"]\n')
    tuned = Context(settings=replace_settings(ctx.settings, lint_config=config), db=ctx.db)
    with pytest.raises(InvalidInput, match="unknown rule or category 'no-such-rule'"):
        lint_incident(tuned, incident)


def test_cli_lints_an_incident_and_exits_1_while_findings_remain(cli, ctx, incident):
    result = cli("lint", incident)
    assert result.exit_code == 1
    assert "what went wrong:1:" in result.output and "Try:" in result.output
    data = json.loads(cli("lint", incident, "--format", "json").output)
    assert {f["category"] for f in data["findings"]} >= {"person", "counterfactual", "human-error", "judgement"}


def test_cli_dismisses_with_a_reason_and_lists_dismissed(cli, ctx, incident):
    finding = lint_incident(ctx, incident).findings[0]
    assert cli("lint", incident, "--dismiss", finding.id).exit_code == 2
    done = cli("lint", incident, "--dismiss", finding.id, "--reason", "Direct quote from the vendor")
    assert done.exit_code == 0 and finding.id in done.output
    listed = cli("lint", incident, "--all")
    assert "dismissed" in listed.output and "Direct quote from the vendor" in listed.output


def test_cli_lints_files_with_file_lines_and_passes_clean_ones(cli, tmp_path):
    clean = tmp_path / "clean.md"
    clean.write_text("# Review\n\nThe pool was too small; nobody was careless.\n")
    assert cli("lint", str(clean)).exit_code == 0
    blameful = tmp_path / "blame.md"
    blameful.write_text("# Review\n\nIntro.\n\nThe on-call engineer broke the deploy!!\n")
    result = cli("lint", str(blameful))
    assert result.exit_code == 1
    assert f"{blameful}:5:1: person.cause" in result.output
    assert f"{blameful}:5:38: animated.exclamation" in result.output


def test_cli_lints_an_exported_postmortem_with_front_matter_lines(cli, ctx, incident, tmp_path):
    exported = tmp_path / "inc.md"
    exported.write_text(cli("export", incident).output)
    result = cli("lint", str(exported), "--format", "json")
    findings = json.loads(result.output)["findings"]
    lines = exported.read_text().split("\n")
    factor = next(f for f in findings if f["location"] == "factor F1")
    assert "Will pushed a bad config" in lines[factor["line"] - 1]
    assert lines[factor["line"] - 1][factor["column"] - 1 :].startswith(factor["excerpt"])
    body = next(f for f in findings if f["rule"] == "counterfactual.should-have")
    assert lines[body["line"] - 1][body["column"] - 1 :].startswith("should have")
    assert not any("who broke prod" in f["sentence"] for f in findings)


def test_sarif_output_is_valid_shape(cli, tmp_path):
    path = tmp_path / "x.md"
    path.write_text("Who did this?\n")
    sarif = json.loads(cli("lint", str(path), "--format", "sarif").output)
    assert sarif["version"] == "2.1.0"
    result = sarif["runs"][0]["results"][0]
    assert result["ruleId"] == "who-question.culprit"
    assert result["locations"][0]["physicalLocation"]["region"]["startLine"] == 1
    rule_ids = [rule["id"] for rule in sarif["runs"][0]["tool"]["driver"]["rules"]]
    assert rule_ids[result["ruleIndex"]] == "who-question.culprit"


def test_cli_lint_refuses_unknown_formats_and_missing_files(cli, tmp_path):
    assert cli("lint", str(tmp_path / "nope.md")).output.startswith("error: ")
    assert cli("lint", str(tmp_path / "nope.md")).exit_code == 2
    path = tmp_path / "x.md"
    path.write_text("fine\n")
    assert "unknown lint format 'xml'" in cli("lint", str(path), "--format", "xml").output


def test_the_api_lints_any_text(settings, ctx):
    client = signed_in_client(settings, ctx)
    response = client.post("/api/v1/lint", json={"text": "Dana should have paged.", "people": ["dana"]})
    assert response.status_code == 200
    assert {f["category"] for f in response.json()["findings"]} == {"person", "counterfactual"}
    assert client.post("/api/v1/lint", json={"text": 5}).status_code == 422
    assert client.post("/api/v1/lint", json={"text": "x" * 200_001}).status_code == 422


def test_the_api_lists_an_incidents_findings(settings, ctx, incident):
    client = signed_in_client(settings, ctx)
    data = client.get(f"/api/v1/incidents/{incident}/lint").json()
    assert data["key"] == incident and data["findings"]
    assert client.get("/api/v1/incidents/INC-99/lint").status_code == 404


def test_the_incident_page_marks_findings_with_explanations(settings, ctx, incident):
    client = signed_in_client(settings, ctx)
    html = client.get(f"/incidents/{incident}").text
    assert '<mark class="lint" tabindex="0" data-rule="person.cause counterfactual.should-have"' in html
    assert html.count("<mark") == html.count("</mark>")
    assert 'role="tooltip"' in html and "Language review" in html
    assert f'action="/incidents/{incident}/lint/' in html and "Dismiss" in html


def test_a_finding_is_dismissed_from_the_page_with_a_reason_and_from_the_api(settings, ctx, incident):
    client = signed_in_client(settings, ctx)
    first, second = lint_incident(ctx, incident).findings[:2]
    answer = client.post(f"/incidents/{incident}/lint/{first.id}/dismiss", data={"reason": "a quote from the customer", "csrf_token": client.csrf})
    assert answer.status_code == 200  # back on the page, after the redirect
    api = client.post(f"/api/v1/incidents/{incident}/lint/{second.id}/dismiss", json={"reason": "names the system, not a person"})
    assert api.status_code == 200 and api.json()["id"] == second.id
    review = lint_incident(ctx, incident)
    assert {d.finding.id: (d.reason, d.actor) for d in review.dismissed} == {
        first.id: ("a quote from the customer", "admin"), second.id: ("names the system, not a person", "admin"),
    }
    assert client.post(f"/api/v1/incidents/{incident}/lint/{second.id}/dismiss", json={"reason": "again"}).status_code == 409


def test_manual_timeline_events_are_linted_but_imported_ones_are_not(ctx, incident):
    log_event(ctx, incident, "Bob ignored the alert", kind="note", at="2026-11-23T14:30Z")
    log_event(ctx, incident, "Bob ignored the alert", kind="note", at="2026-11-23T14:31Z", source="slack", ref="C1-2")
    report = lint_incident(ctx, incident)
    timeline = [f for f in report.findings if f.location.startswith("timeline")]
    assert sum("Bob ignored" in f.sentence for f in timeline) == 1


def test_highlights_never_break_links_images_or_attributes():
    from cairn.analysis.lint import lint_text
    from cairn.web.markdown import render_with_findings

    text = (
        "See the [runbook](runbooks/obviously-broken.md) and ![Obviously broken](u.png).\n\n"
        "<abbr title=Obviously>x</abbr> Then it was obviously wrong. Stray \ue0020\ue003 markers."
    )
    html = str(render_with_findings(text, lint_text(text)))
    assert 'href="runbooks/obviously-broken.md"' in html
    assert "\ue000" not in html and "\ue002" not in html
    assert html.count("<mark") == html.count("</mark>") == 1
    assert 'it was <mark class="lint" tabindex="0" data-rule="judgement.obviously"' in html


def test_sarif_names_column_kind_and_file_uris(cli, tmp_path):
    path = tmp_path / "my notes#1.md"
    path.write_text("🔥 Obviously broken.\n")
    sarif = json.loads(cli("lint", str(path), "--format", "sarif").output)
    run = sarif["runs"][0]
    assert run["columnKind"] == "unicodeCodePoints"
    uri = run["results"][0]["locations"][0]["physicalLocation"]["artifactLocation"]["uri"]
    assert uri.startswith("file://") and "%23" in uri


def test_a_byte_order_mark_does_not_hide_the_front_matter(cli, ctx, incident, tmp_path):
    exported = cli("export", incident).output
    path = tmp_path / "bom.md"
    path.write_text("\ufeff" + exported, encoding="utf-8")
    findings = json.loads(cli("lint", str(path), "--format", "json").output)["findings"]
    assert any(f["location"] == "factor F1" and f["rule"] == "person.cause" for f in findings)


def test_a_blank_display_name_does_not_break_the_review(ctx, incident):
    from cairn.storage.models import User

    with ctx.db.transaction() as session:
        session.scalar(select(User).where(User.username == "will")).display_name = "   "
    assert lint_incident(ctx, incident).findings


def test_an_exported_file_uses_the_incidents_ids_and_honours_its_dismissals(cli, ctx, incident, tmp_path):
    report = lint_incident(ctx, incident)
    exported = tmp_path / "inc.md"
    exported.write_text(cli("export", incident).output)
    from_file = json.loads(cli("lint", str(exported), "--format", "json").output)["findings"]
    assert {f["id"] for f in from_file} == {f.id for f in report.findings}
    target = next(f for f in report.findings if f.rule == "human-error.conclusion")
    dismiss_finding(ctx, incident, target.id, "The vendor's words, quoted")
    again = json.loads(cli("lint", str(exported), "--format", "json").output)["findings"]
    assert target.id not in {f["id"] for f in again} and len(again) == len(from_file) - 1
    lines = exported.read_text().split("\n")
    body = next(f for f in again if f["rule"] == "counterfactual.should-have")
    assert lines[body["line"] - 1][body["column"] - 1 :].startswith("should have")
