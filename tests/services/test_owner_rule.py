"""One rule for action-item owners on every door: an existing account.
`cairn actions add` and a Markdown import refuse the same unknown owner, and
the import names its file and line and writes nothing."""

from __future__ import annotations

from sqlalchemy import func, select

from cairn.services.people import list_users
from cairn.storage.models import Incident
from tests.services.test_completeness import COMPLETE


def test_a_markdown_import_refuses_an_unknown_owner_with_file_and_line_and_creates_no_account(cli, ctx, tmp_path) -> None:
    document = tmp_path / "doc.md"
    document.write_text(COMPLETE)
    line = next(number for number, text in enumerate(COMPLETE.split("\n"), start=1) if "owner: alice" in text)
    result = cli("import", str(document))
    assert result.exit_code == 2
    assert result.output.strip() == f"error: {document}:{line}: unknown owner 'alice': create the user first"
    assert "alice" not in {user.username for user in list_users(ctx)}
    with ctx.db.transaction() as session:
        assert session.scalar(select(func.count()).select_from(Incident)) == 0


def test_actions_add_refuses_the_same_owner_with_the_same_words(cli) -> None:
    assert cli("incident", "open", "Checkout", "--severity", "SEV3").exit_code == 0
    result = cli("actions", "add", "INC-1", "Pin the pool", "--owner", "alice", "--due", "2099-01-01", "--priority", "P1")
    assert result.exit_code == 2
    assert result.output.strip() == "error: unknown owner 'alice': create the user first"


def test_once_the_account_exists_the_same_document_imports(cli, ctx, tmp_path) -> None:
    assert cli("user", "create", "alice").exit_code == 0
    document = tmp_path / "doc.md"
    document.write_text(COMPLETE)
    assert cli("import", str(document)).exit_code == 0


def test_an_owner_who_is_a_participant_of_the_document_is_added_with_the_participants(ctx) -> None:
    from cairn.services.portable import import_document

    text = COMPLETE.replace("---\ntitle:", "---\nparticipants:\n- {user: alice, role: owner}\ntitle:", 1)
    assert import_document(ctx, text).created
    assert "alice" in {user.username for user in list_users(ctx)}
