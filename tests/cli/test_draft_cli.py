"""`cairn postmortem draft` and its suggestions through Typer's runner."""

from __future__ import annotations

import json


def _incident(cli) -> None:  # type: ignore[no-untyped-def]
    assert cli("incident", "open", "Checkout returns 502", "--severity", "SEV2", "--service", "checkout",
               "--started", "2026-11-20 13:58").exit_code == 0
    for args in (("p99 latency alert: checkout above 2 s", "--kind", "alert", "--at", "2026-11-20 14:00"),
                 ("Rolled back release 2026.11.3", "--kind", "mitigation", "--at", "2026-11-20 14:16")):
        assert cli("log", "INC-1", *args).exit_code == 0


def test_draft_fills_empty_sections_and_suggests_beside_written_ones(cli) -> None:  # type: ignore[no-untyped-def]
    _incident(cli)
    assert cli("postmortem", "draft", "INC-1", "--json").exit_code == 0
    shown = cli("postmortem", "show", "INC-1")
    assert "[moment: started]" in shown.output and "[#2]" in shown.output

    assert cli("postmortem", "draft", "INC-1").output.count("already there") == 4
    edited = cli("import", "-", input=shown.output.replace("Impact began at", "Our words: impact began at", 1))
    assert edited.exit_code == 0, edited.output
    again = cli("postmortem", "draft", "INC-1")
    assert again.exit_code == 0
    assert "Summary: offered beside the text already there (suggestion" in again.output
    listed = cli("postmortem", "suggestions", "INC-1")
    number = listed.output.split()[0]
    assert "Summary  [pending]" in listed.output
    accepted = cli("postmortem", "accept", "INC-1", number)
    assert accepted.exit_code == 0 and f"Summary: suggestion {number} accepted" in accepted.output
    assert "Our words" not in cli("postmortem", "show", "INC-1").output
    assert cli("postmortem", "reject", "INC-1", number).exit_code != 0
    audit = json.loads(cli("postmortem", "drafts", "INC-1").output)
    assert [row["source"] for row in audit] == ["record"] * 3


def test_bad_input_is_one_line_and_a_non_zero_exit(cli) -> None:  # type: ignore[no-untyped-def]
    _incident(cli)
    no_model = cli("postmortem", "draft", "INC-1", "--model")
    assert no_model.exit_code != 0 and "set CAIRN_LLM_URL" in no_model.output and "Traceback" not in no_model.output
    redact_alone = cli("postmortem", "draft", "INC-1", "--redact")
    assert redact_alone.exit_code == 2 and "--model" in redact_alone.output
    missing = cli("postmortem", "draft", "INC-9")
    assert missing.exit_code != 0 and "no incident INC-9" in missing.output
    assert cli("postmortem", "accept", "INC-1", "77").exit_code != 0
