"""Postmortem templates: built-ins, the team's own files, and their errors."""

from __future__ import annotations

from pathlib import Path

import pytest

from cairn.errors import CairnError, ImportFailed
from cairn.services.templates import parse_template, read_template, require_template, template_set

GOOD = """\
name: payments
title: Payments postmortem
teams: [payments]
sections:
  - id: summary
    title: Summary
    required: true
  - id: card_networks
    title: Card networks
    prompts: ["Which schemes were affected?"]
checklist: [Finance was told]
"""


def test_three_templates_are_built_in_and_chosen_by_severity(settings) -> None:
    templates = template_set(settings)
    assert [t.name for t in templates.templates] == ["default", "google-sre", "short"]
    default = require_template(settings, "default")
    assert [s.id for s in default.sections][:2] == ["summary", "impact"] and default.section("summary").required
    assert {"trigger", "detection", "got_lucky", "supporting_information"} <= {s.id for s in default.sections}
    assert templates.choose("SEV4", []).name == "short"
    assert templates.choose("SEV1", []).name == "default"


def test_a_teams_template_comes_from_the_template_dir_and_wins_for_that_team(settings, tmp_path: Path) -> None:
    folder = tmp_path / "templates"
    folder.mkdir()
    (folder / "payments.yaml").write_text(GOOD)
    team_settings = settings.model_copy(update={"template_dir": folder})
    templates = template_set(team_settings)
    assert templates.choose("SEV4", ["payments"]).name == "payments"
    assert templates.choose("SEV4", ["search"]).name == "short"
    custom = require_template(team_settings, "payments")
    assert custom.section("card_networks").prompts == ("Which schemes were affected?",) and not custom.section("card_networks").fixed


@pytest.mark.parametrize(
    ("text", "line", "message"),
    [
        (GOOD.replace("title: Payments postmortem", "titel: Payments postmortem"), 2, "titel: unknown key"),
        (GOOD.replace("    title: Card networks\n", ""), 8, "sections.1: title is required"),
        (GOOD.replace("id: card_networks", "id: summary"), 8, "sections.1.id: section 'summary' is listed twice"),
        (GOOD.replace("required: true", "required: yes please"), 7, "sections.0.required: must be true or false"),
        (GOOD.replace("name: payments", "name: Payments Team"), 1, "name: use lower-case letters"),
        (GOOD.replace("teams: [payments]", "teams: [payments"), 4, "not valid YAML"),
        ("name: &a x\ntitle: y\nsections: [*a]\n", 1, "anchors and aliases"),
    ],
)
def test_a_bad_template_is_refused_with_file_and_line(text: str, line: int, message: str) -> None:
    with pytest.raises(ImportFailed) as error:
        parse_template(text, "team.yaml")
    assert str(error.value).startswith(f"team.yaml:{line}: ") and message in str(error.value)


def test_the_template_commands(cli, tmp_path: Path) -> None:
    listed = cli("template", "list")
    assert listed.exit_code == 0 and "short\tShort postmortem\t4 sections\tfor SEV4, SEV5\tbuilt-in" in listed.output
    shown = cli("template", "show", "default")
    assert "## Summary (required)" in shown.output and "What made this hard to detect?" in shown.output
    good, bad = tmp_path / "good.yaml", tmp_path / "bad.yaml"
    good.write_text(GOOD)
    bad.write_text(GOOD.replace("required: true", "required: 3"))
    result = cli("template", "validate", str(good), str(bad))
    assert result.exit_code == 2
    assert f"{good}: ok (payments, 2 sections)" in result.output
    assert f"error: {bad}:7: sections.0.required: must be true or false" in result.output
    assert cli("template", "show", "nope").output.strip() == "error: no template 'nope': choose one of default, google-sre, short"


def test_every_built_in_template_reads_back_cleanly() -> None:
    from cairn.services.templates import BUILT_IN_DIR

    paths = sorted(BUILT_IN_DIR.glob("*.yaml"))
    assert {path.stem for path in paths} >= {"default", "short", "google-sre"}
    for path in paths:
        assert read_template(path).sections, path
    with pytest.raises(CairnError):
        read_template(BUILT_IN_DIR / "missing.yaml")


def test_the_editor_shows_the_chosen_templates_help_prompts_and_required_sections(settings, ctx) -> None:
    from cairn.services.incidents import open_incident
    from tests.web.personas import signed_in_client

    key = open_incident(ctx, "Minor blip", severity="SEV4").key
    page = signed_in_client(settings, ctx).get(f"/incidents/{key}/postmortem").text
    assert "Template: <strong>Short postmortem</strong>" in page
    assert "For near misses, what stopped it from becoming an incident." in page
    key = open_incident(ctx, "Big outage", severity="SEV1").key
    page = signed_in_client(settings, ctx).get(f"/incidents/{key}/postmortem").text
    assert "Template: <strong>Full postmortem</strong>" in page and "<li>What allowed this to happen?</li>" in page
    assert 'Summary <span class="chip">required</span>' in page


def test_the_checklist_requires_the_templates_own_required_sections(ctx, settings) -> None:
    from cairn.services.completeness import check_postmortem
    from cairn.services.incidents import show_incident
    from cairn.services.portable import import_document
    from tests.owners import known_owners
    from tests.services.test_completeness import COMPLETE

    known_owners(ctx, "alice")

    folder = settings.data_dir / "templates"
    folder.mkdir(parents=True)
    (folder / "sev3.yaml").write_text(
        "name: sev3\ntitle: SEV3 review\nseverities: [SEV3]\nsections:\n"
        "  - {id: summary, title: Summary, required: true}\n  - {id: customer_notice, title: Customer notice, required: true}\n"
    )
    ctx = ctx.__class__(settings=settings.model_copy(update={"template_dir": folder}), db=ctx.db, actor=ctx.actor)
    key = import_document(ctx, COMPLETE).key
    failing = {c.id: c.detail for c in check_postmortem(ctx, key).checks if not c.passed}
    assert failing == {"template": "write Customer notice"}
    text = COMPLETE + "\n## Customer notice\n\nSent at 15:10.\n"
    import_document(ctx, text.replace("title: Checkout 502", f"key: {key}\nversion: {show_incident(ctx, key).version}\ntitle: Checkout 502"))
    assert check_postmortem(ctx, key).complete
