"""Numbers past what the database holds are input errors on the command line too: one line, exit 2."""

from __future__ import annotations

import pytest

from cairn.services.incidents import show_incident

HUGE = "1180591620717411303424"  # 2**70


@pytest.mark.parametrize(
    ("args", "option"),
    [
        (("incident", "moment", "INC-1", "detected", "--event", HUGE), "--event"),
        (("incident", "list", "--offset", HUGE), "--offset"),
        (("token", "revoke", HUGE), "token_id"),
        (("actions", "list", "--due-within", HUGE), "--due-within"),
        (("import-timeline", "INC-1", "{log}", "--gap", HUGE), "--gap"),
    ],
)
def test_an_integer_the_database_cannot_hold_is_refused_in_one_line_with_exit_2(cli, ctx, tmp_path, args, option) -> None:
    assert cli("incident", "open", "Checkout is slow", "--severity", "SEV2").exit_code == 0
    log = tmp_path / "app.log"
    log.write_text("2026-11-23T14:05:00Z ERROR checkout timeout\n")
    result = cli(*(str(log) if arg == "{log}" else arg for arg in args))
    assert result.exit_code == 2, result.output
    assert isinstance(result.exception, SystemExit)  # a usage error, not a crash
    assert f"Invalid value for '{option}'" in result.output and "Traceback" not in result.output
    doc = show_incident(ctx, "INC-1")
    assert doc.version == 1 and doc.timeline == []
