"""The incident page reads a big timeline apart from the rest of the incident and
remembers lint results per text; both must give exactly what the plain reads give."""

from cairn.analysis.lint.config import LintConfig
from cairn.analysis.lint.engine import lint_text
from cairn.services.convert import event_docs, to_doc
from cairn.services.incident_view import incident_view
from cairn.services.incidents import open_incident, require_incident, show_incident
from cairn.services.lint import lint_incident
from cairn.services.revisions import revision_history
from cairn.services.timeline import log_event


def _incident_with_events(ctx):  # type: ignore[no-untyped-def]
    open_incident(ctx, "Checkout API returns 502", severity="SEV2", timezone="Europe/Berlin", started="2026-11-23T13:50+01:00")
    # Two events at the same minute, logged in reverse: the id breaks the tie.
    log_event(ctx, "INC-1", "second at 14:05", kind="note", at="2026-11-23 14:05")
    log_event(ctx, "INC-1", "the on-call engineer carelessly restarted db-2", kind="action", at="2026-11-23 14:05", actor="alice")
    log_event(ctx, "INC-1", "[ERROR] pool exhausted", kind="note", at="2026-11-23 14:01", source="log", ref="l1")
    log_event(ctx, "INC-1", "p99 alert", kind="alert", at="2026-11-23 13:55")


def test_the_timeline_read_apart_equals_the_timeline_of_the_loaded_incident(ctx):
    _incident_with_events(ctx)
    with ctx.db.transaction() as session:
        incident = require_incident(session, ctx, "INC-1", full=True)
        loaded = to_doc(incident, ctx.settings.key_prefix)
        apart = event_docs(session, incident.id)
    assert apart == loaded.timeline
    assert [event.text for event in apart][:2] == ["p99 alert", "[ERROR] pool exhausted"]
    assert incident_view(ctx, "INC-1").doc == show_incident(ctx, "INC-1")


def test_the_page_review_and_revision_history_match_the_separate_reads(ctx):
    _incident_with_events(ctx)
    view = incident_view(ctx, "INC-1")
    assert [f.id for f in view.review.findings] == [f.id for f in lint_incident(ctx, "INC-1").findings]
    assert any(f.location.startswith("timeline 2026-11-23 13:05:00 UTC") for f in view.review.findings)
    assert view.revisions == revision_history(ctx, "INC-1")


def test_remembered_lint_results_carry_the_location_they_are_asked_for(ctx):
    text = "The engineer carelessly pushed the change."
    first = lint_text(text, location="summary")
    second = lint_text(text, location="timeline 2026-11-23 13:05:00 UTC")
    bare = lint_text(text)
    assert first and {f.location for f in first} == {"summary"}
    assert {f.location for f in second} == {"timeline 2026-11-23 13:05:00 UTC"}
    assert {f.location for f in bare} == {""}
    assert first[0].id != second[0].id  # the id includes the field


def test_remembered_lint_results_follow_the_configuration(ctx):
    text = "The engineer carelessly pushed the change."
    found = lint_text(text)
    rule = found[0].rule
    assert all(f.rule != rule for f in lint_text(text, LintConfig(disable=frozenset({rule}))))
    assert [f.rule for f in lint_text(text)] == [f.rule for f in found]
    bare = lint_text(text)
    bare.clear()  # a caller changing its list must not change what is remembered
    assert lint_text(text)
