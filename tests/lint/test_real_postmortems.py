"""Published blameless postmortems (shared samples) should raise few alarms:
a linter that cries wolf gets switched off."""

from __future__ import annotations

from cairn.services.lint import lint_document_text


def test_published_blameless_postmortems_raise_at_most_one_note_per_3000_words(shared_samples):
    folder = shared_samples / "postmortems" / "posthog"
    files = sorted(folder.glob("*.md")) + sorted((folder / "investigations").glob("*.md"))
    files = [path for path in files if path.name != "README.md"]
    assert files
    words = findings = 0
    for path in files:
        text = path.read_text(encoding="utf-8")
        words += len(text.split())
        findings += len(lint_document_text(None, text, source=str(path)))
    assert words > 5000
    assert findings <= words / 3000, f"{findings} findings in {words} words"
