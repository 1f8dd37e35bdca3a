"""`cairn export -o`: one line and exit 2 for a bad target, and the files of
an export appear together or not at all."""

from __future__ import annotations

from pathlib import Path

import pytest

from cairn.services.portable import import_document
from tests.formats.test_html_export import graphviz_or_skip
from tests.web.webdata import CHECKOUT_OUTAGE


def everything_under(folder: Path) -> list[str]:
    return sorted(str(path.relative_to(folder)) for path in folder.rglob("*"))


@pytest.fixture
def key(ctx) -> str:
    graphviz_or_skip()
    return import_document(ctx, CHECKOUT_OUTAGE).key


def test_exporting_into_a_missing_folder_is_one_line_and_exit_2_and_writes_nothing(cli, key, tmp_path) -> None:
    out = tmp_path / "out"
    out.mkdir()
    result = cli("export", key, "-o", str(out / "missing" / "dir" / "x.md"))
    assert result.exit_code == 2, result.output
    assert result.output.strip().count("\n") == 0 and "Traceback" not in result.output
    assert result.output.startswith("error: ") and "no such folder" in result.output
    assert everything_under(out) == []


def test_exporting_onto_an_existing_folder_is_refused_and_leaves_no_svg_or_partial_file(cli, key, tmp_path) -> None:
    out = tmp_path / "out"
    (out / "x.md").mkdir(parents=True)
    result = cli("export", key, "-o", str(out / "x.md"))
    assert result.exit_code == 2 and result.output.startswith("error: ") and "is a folder" in result.output
    assert everything_under(out) == ["x.md"]


def test_when_one_file_of_an_export_cannot_be_written_none_is(cli, key, tmp_path) -> None:
    out = tmp_path / "out"
    out.mkdir()
    (out / "x.md").write_text("the earlier export\n")
    (out / "x.factors.svg").mkdir()  # the document and timeline could be written, the graph cannot
    result = cli("export", key, "-o", str(out / "x.md"))
    assert result.exit_code == 2 and "x.factors.svg: is a folder" in result.output
    assert (out / "x.md").read_text() == "the earlier export\n"
    assert everything_under(out) == ["x.factors.svg", "x.md"]


def test_a_full_disk_halfway_is_one_line_and_leaves_nothing_behind(cli, key, tmp_path, monkeypatch) -> None:
    import errno
    import tempfile

    out = tmp_path / "out"
    out.mkdir()
    real = tempfile.mkstemp
    calls = []

    def second_fails(*args, **kwargs):  # type: ignore[no-untyped-def]
        calls.append(1)
        if len(calls) == 2:
            raise OSError(errno.ENOSPC, "No space left on device", str(out / "x.timeline.svg"))
        return real(*args, **kwargs)

    monkeypatch.setattr(tempfile, "mkstemp", second_fails)
    result = cli("export", key, "-o", str(out / "x.md"))
    assert result.exit_code == 2 and "cannot write: No space left on device" in result.output
    assert "Traceback" not in result.output and everything_under(out) == []


def test_a_good_export_writes_every_file_and_no_temporary_one(cli, key, tmp_path) -> None:
    out = tmp_path / "out"
    out.mkdir()
    result = cli("export", key, "-o", str(out / "x.md"))
    assert result.exit_code == 0, result.output
    assert everything_under(out) == ["x.factors.svg", "x.md", "x.timeline.svg"]
