import json

import pytest
from sqlalchemy import func, select

from cairn.errors import Conflict, ImportFailed, InvalidInput
from cairn.services.incidents import open_incident, show_incident
from cairn.services.portable import export_incident, import_document
from cairn.services.timeline import log_event
from cairn.storage.models import ActionItem, Incident, TimelineEvent
from tests.owners import known_owners

DOCUMENT = """\
---
title: Checkout API returns 502
severity: SEV2
status: resolved
timezone: Europe/Berlin
services: [checkout]
moments:
  started: 2026-11-23T13:50:00+01:00
  detected: 2026-11-23T14:05:00+01:00
  mitigated: 2026-11-23T14:40:00+01:00
  resolved: 2026-11-23T15:02:00+01:00
participants:
- {user: alice, role: owner}
factors:
- description: The new client pool kept 2 connections per host
  category: configuration
  role: trigger
  whys:
  - why: Why did checkout time out?
    because: The pool was too small.
action_items:
- title: Set the pool size explicitly
  owner: bob
  due: 2026-12-01
  impact: 3
  effort: 1
  kind: prevent
  status: open
  factors: [F1]
timeline:
- at: 2026-11-23T14:05:00+01:00
  kind: alert
  text: p99 latency alert fired
---
## Summary

Card payments failed for 72 minutes.

## Detection notes

### Alerts

The latency alert fired first.
"""


@pytest.fixture(autouse=True)
def _owners(ctx) -> None:
    """The action items' owners in this file's documents are accounts."""
    known_owners(ctx, "alice", "bob")


def test_a_document_creates_an_incident_with_everything_in_it(ctx):
    result = import_document(ctx, DOCUMENT, source="inc.md")
    assert result.created and result.key == "INC-1"
    doc = show_incident(ctx, "INC-1")
    assert doc.postmortem.prose["summary"] == "Card payments failed for 72 minutes."
    assert [s.title for s in doc.postmortem.sections] == ["Detection notes"]
    assert doc.postmortem.sections[0].body.startswith("### Alerts")
    assert doc.factors[0].label == "F1" and doc.factors[0].whys[0].answer == "The pool was too small."
    item = doc.action_items[0]
    assert (item.label, item.owner, item.priority, item.factors) == ("A1", "bob", "P1", ["F1"])
    assert doc.participants[0].user == "alice"


def test_export_writes_times_in_the_incidents_zone_and_import_reads_them_back(ctx):
    import_document(ctx, DOCUMENT)
    text = export_incident(ctx, "INC-1")
    assert "started: 2026-11-23T13:50:00+01:00" in text
    assert "key: INC-1" in text and "version: 1" in text
    assert import_document(ctx, text).changed is False


def test_an_edited_export_updates_the_same_incident_keeping_item_identity(ctx):
    import_document(ctx, DOCUMENT)
    with ctx.db.transaction() as session:
        item_id = session.scalar(select(ActionItem.id))
    text = export_incident(ctx, "INC-1").replace("Set the pool size explicitly", "Set the pool size and alert on it")
    result = import_document(ctx, text)
    assert result.changed and not result.created
    with ctx.db.transaction() as session:
        item = session.scalar(select(ActionItem))
        assert (item.id, item.title) == (item_id, "Set the pool size and alert on it")
        assert session.scalar(select(func.count(Incident.id))) == 1


def test_importing_a_stale_export_is_refused_unless_forced(ctx):
    import_document(ctx, DOCUMENT)
    stale = export_incident(ctx, "INC-1")
    log_event(ctx, "INC-1", "someone logged meanwhile", at="2026-11-23 14:50")
    edited = stale.replace("Card payments failed", "Card payments broke")
    with pytest.raises(Conflict, match="INC-1 changed since this document was written"):
        import_document(ctx, edited)
    assert import_document(ctx, edited, force=True).changed


def test_json_export_carries_prose_and_durations(ctx):
    import_document(ctx, DOCUMENT)
    data = json.loads(export_incident(ctx, "INC-1", "json"))
    assert data["key"] == "INC-1"
    assert data["postmortem"]["sections"]["summary"].startswith("Card payments")
    assert data["durations_seconds"]["to_resolve"] == 72 * 60


def test_unknown_export_formats_are_refused(ctx):
    import_document(ctx, DOCUMENT)
    with pytest.raises(InvalidInput, match="unknown export format 'docx'"):
        export_incident(ctx, "INC-1", "docx")


def _line_of(text: str, needle: str) -> int:
    return text.split("\n").index(needle) + 1


@pytest.mark.parametrize(
    ("change", "needle", "message"),
    [
        (("severity: SEV2", "severity: SEV9"), "severity: SEV9", "severity: unknown severity 'SEV9'"),
        (("  role: trigger", "  role: culprit"), "  role: culprit", "factors[0].role: unknown factor role 'culprit'"),
        (("  category: configuration", "  category: bad luck"), "  category: bad luck", "factors[0].category: unknown factor category"),
        (("  started: 2026-11-23T13:50:00+01:00", "  started: 23/11/2026"), "  started: 23/11/2026", "moments.started: malformed time '23/11/2026'"),
        (("  due: 2026-12-01", "  due: next week"), "  due: next week", "action_items[0].due: malformed date 'next week'"),
        (("  factors: [F1]", "  factors: [F7]"), "  factors: [F7]", "action_items[0].factors[0]: no contributing factor F7"),
        (("  impact: 3", "  impact: 9"), "  impact: 9", "action_items[0].impact: impact must be 1"),
        (("  resolved: 2026-11-23T15:02:00+01:00", "  resolved: 2026-11-23T12:00:00+01:00"), "moments:", "resolved (2026-11-23 12:00 CET) cannot be before"),
        (("timezone: Europe/Berlin", "timezone: Moon/Base"), "timezone: Moon/Base", "timezone: unknown time zone 'Moon/Base'"),
        (("services: [checkout]", "colour: blue"), "colour: blue", "colour: unknown field"),
    ],
)
def test_bad_documents_name_the_file_the_line_and_the_field_and_write_nothing(ctx, change, needle, message):
    text = DOCUMENT.replace(*change)
    with pytest.raises(ImportFailed) as error:
        import_document(ctx, text, source="inc.md")
    assert str(error.value).startswith(f"inc.md:{_line_of(text, needle)}: ")
    assert message in str(error.value)
    with ctx.db.transaction() as session:
        assert session.scalar(select(func.count(Incident.id))) == 0
        assert session.scalar(select(func.count(TimelineEvent.id))) == 0


@pytest.mark.parametrize(
    ("text", "line", "message"),
    [
        ("title: x\n", 1, "missing front matter"),
        ("---\ntitle: x\n", 1, "front matter is not closed"),
        ("---\ntitle: [unclosed\nseverity: SEV2\n---\n", 3, "malformed front matter"),
        ("---\n- just\n- a list\n---\n", 2, "expected key: value lines"),
        ("---\ntitle: x\nseverity: SEV2\n---\nstray words\n## Summary\n", 5, "text before the first '## ' section"),
        ("---\ntitle: x\nseverity: SEV2\n---\n## Summary\n\nok\n\n## Summary\n", 9, "section 'Summary' appears twice"),
        ("---\ntitle: x\nseverity: SEV2\n---\n## Summary\nText\n---\n", 7, "underlined (setext) heading"),
        ("---\ntitle: x\n---\n## Summary\n", 2, "severity: is required"),
        ("---\ncairn: 9\ntitle: x\nseverity: SEV2\n---\n", 2, "unsupported format version 9"),
    ],
)
def test_malformed_documents_are_refused_with_a_line(ctx, text, line, message):
    with pytest.raises(ImportFailed) as error:
        import_document(ctx, text, source="x.md")
    assert str(error.value).startswith(f"x.md:{line}: "), str(error.value)
    assert message in str(error.value)


def test_a_title_heading_is_accepted_when_it_matches_the_front_matter(ctx):
    text = DOCUMENT.replace("---\n## Summary", "---\n# Checkout API returns 502\n\n## Summary")
    assert import_document(ctx, text).created
    with pytest.raises(ImportFailed, match="differs from the front matter title"):
        import_document(ctx, text.replace("# Checkout API returns 502", "# Something else"))


def test_a_document_with_a_key_that_does_not_exist_yet_keeps_its_key(ctx):
    text = DOCUMENT.replace("title:", "key: INC-40\ntitle:", 1)
    assert import_document(ctx, text).key == "INC-40"
    assert open_incident(ctx, "next one", severity="SEV4").key == "INC-41"
