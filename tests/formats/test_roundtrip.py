"""Export -> import -> export gives the same text, for generated postmortems."""

from __future__ import annotations

from dataclasses import replace

from hypothesis import HealthCheck, assume, given, settings

from cairn.config import Settings
from cairn.errors import InvalidInput
from cairn.formats import markdown
from cairn.services.convert import comparable
from cairn.services.portable import export_incident, import_document
from cairn.services.validation import canonical
from tests.owners import known_owners
from tests.strategies import incident_docs

SETTINGS = Settings(database_url="sqlite://", data_dir="/nonexistent")


def _canonical_or_skip(doc):
    try:
        return canonical(doc, SETTINGS)
    except InvalidInput:
        assume(False)


@settings(max_examples=300, deadline=None)
@given(incident_docs())
def test_rendering_then_parsing_a_canonical_document_gives_it_back(doc):
    doc = _canonical_or_skip(doc)
    text = markdown.render(doc)
    assert markdown.parse(text).doc == doc
    assert markdown.render(markdown.parse(text).doc) == text


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(doc=incident_docs())
def test_export_import_export_through_the_database_is_identical(ctx, doc):
    expected = _canonical_or_skip(doc)
    known_owners(ctx, *(item.owner for item in expected.action_items if item.owner))
    created = import_document(ctx, markdown.render(doc), source="generated.md")
    assert created.created

    first = export_incident(ctx, created.key)
    again = import_document(ctx, first, source="first.md")
    assert not again.changed
    second = export_incident(ctx, created.key)
    assert second == first

    stored = markdown.parse(first).doc
    assert comparable(stored) == comparable(replace(expected, key=None))
