"""Hostile and malformed documents: a clean error with a line, never a crash,
never a partial write."""

from __future__ import annotations

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy import func, select

from cairn.errors import CairnError, ImportFailed
from cairn.services.portable import import_document
from cairn.storage.models import Incident, TimelineEvent, User

HEAD = "---\ntitle: Hostile\nseverity: SEV2\nmoments:\n  started: 2026-01-01T10:00:00Z\n"


def _count(ctx, model) -> int:
    with ctx.db.transaction() as session:
        return session.scalar(select(func.count()).select_from(model)) or 0


@pytest.mark.parametrize(
    ("front", "line", "message"),
    [
        ("a: &x [1, 2]\nb: [*x, *x]\n", 6, "anchors and aliases"),
        ("tags: &x [*x]\n", 6, "anchors and aliases"),
        ("tags: " + "[" * 200 + "]" * 200 + "\n", 6, "nested deeper than 32 levels"),
        ("tags: [a]\ntags: [b]\n", 7, "key 'tags' appears twice"),
        ("1: one\n", 6, "key 1 must be text"),
        ("tags: [" + "9" * 5000 + "]\n", 2, "a number is too long"),
        ("timeline:\n- {at: 2026-01-01T10:05:00Z, text: 12:30}\n", 7, "put 750 in quotes"),
        ("postmortem:\n  impact:\n    users_affected: 3000000000\n", 8, "out of range"),
        ("postmortem:\n  impact:\n    users_share: .nan\n", 8, "expected a finite number"),
        ("postmortem:\n  sections: {summary: hidden}\n", 7, "prose lives in the body"),
        ("timeline:\n- {at: 2026-01-01T10:05:00Z, text: a, source: slack, ref: r1}\n"
         "- {at: 2026-01-01T10:06:00Z, text: b, source: Slack, ref: r1}\n", 8, "slack record 'r1' appears twice"),
        ("action_items:\n- {title: t, url: \"http://x/\\0\"}\n", 7, "NUL character"),
        ("action_items:\n- {title: t, due: 0001-01-01}\n", 7, "outside 1970-2200"),
        ("timeline:\n- {at: 9999-12-31T23:00:00Z, text: far}\n", 7, "outside 1970-2200"),
        ('title2: "\\ud800"\n', 6, "unknown field"),
    ],
)
def test_hostile_front_matter_is_refused_with_its_line(ctx, front, line, message):
    text = HEAD + front + "---\n## Summary\n"
    with pytest.raises(ImportFailed) as error:
        import_document(ctx, text, source="h.md")
    assert str(error.value).startswith(f"h.md:{line}: "), str(error.value)
    assert message in str(error.value)
    assert _count(ctx, Incident) == 0


def test_a_lone_surrogate_is_refused(ctx):
    text = HEAD.replace("title: Hostile", 'title: "\\ud800"') + "---\n"
    with pytest.raises(ImportFailed, match=r"h.md:2: title: .*lone surrogate"):
        import_document(ctx, text, source="h.md")


def test_a_nul_in_the_body_is_refused_with_its_line(ctx):
    text = HEAD + "---\n## Summary\n\nfine\nbad \x00 byte\n"
    with pytest.raises(ImportFailed, match=r"h.md:10: this line contains a NUL character"):
        import_document(ctx, text, source="h.md")


def test_a_long_section_title_is_refused(ctx):
    text = HEAD + "---\n## " + "x" * 201 + "\n"
    with pytest.raises(ImportFailed, match="longer than 200 characters"):
        import_document(ctx, text, source="h.md")


def test_an_existing_key_without_a_version_needs_force(ctx):
    import_document(ctx, HEAD + "---\n")
    replacement = HEAD.replace("title: Hostile", "key: INC-1\ntitle: Replaced") + "---\n"
    with pytest.raises(CairnError, match="h.md: INC-1 exists and the document has no version"):
        import_document(ctx, replacement, source="h.md")
    assert import_document(ctx, replacement, source="h.md", force=True).changed


def test_an_incident_needs_a_start(ctx):
    with pytest.raises(ImportFailed, match="moments.started: is required"):
        import_document(ctx, "---\ntitle: x\nseverity: SEV2\n---\n", source="h.md")


yaml_noise = st.lists(
    st.sampled_from(
        ["title: t", "severity: SEV2", "moments:", "  started: 2026-01-01T10:00:00Z", "timeline:", "- at: x",
         "  text: y", "factors:", "- description: d", "  category: process", "action_items:", "- title: a",
         "  factors: [F9]", "tags: [", "]", "{", "key: INC-1", "version: 1", "postmortem:", "  status: bogus",
         "  impact: {users_affected: -1}", "&a", "*a", "!!python/object:os.system", "- - - -", ": :", "\t", "'", '"']
    ),
    max_size=12,
)
body_noise = st.text(alphabet=st.characters(blacklist_categories=("Cs",)), max_size=200)


@settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(front=yaml_noise, body=body_noise)
def test_random_documents_either_import_or_fail_cleanly_without_partial_writes(ctx, front, body):
    text = "---\n" + "\n".join(front) + "\n---\n" + body
    incidents, events, users = _count(ctx, Incident), _count(ctx, TimelineEvent), _count(ctx, User)
    try:
        import_document(ctx, text, source="fuzz.md")
    except CairnError as error:
        assert "\n" not in str(error)
        assert (_count(ctx, Incident), _count(ctx, TimelineEvent), _count(ctx, User)) == (incidents, events, users)


@settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(text=st.text(max_size=300))
def test_arbitrary_text_never_crashes_the_importer(ctx, text):
    try:
        import_document(ctx, text, source="fuzz.md")
    except CairnError:
        pass
