"""Postmortems written elsewhere: headings mapped to what they are about, and the
document cut into parts with nothing dropped."""

from __future__ import annotations

from pathlib import Path

import pytest

from cairn.errors import InvalidInput
from cairn.importers.history.headings import HeadingMap, normalise
from cairn.importers.history.outline import parts_of, read_outline

SAMPLES = Path(__file__).resolve().parents[3].parent / "shared" / "samples" / "postmortems"


@pytest.mark.parametrize(("heading", "kind"), [
    ("## Summary", "summary"), ("# TL;DR", "summary"), ("### Executive Summary", "summary"), ("## 1. Overview", "summary"),
    ("## Customer Impact", "impact"), ("#### Infrastructure impact", "impact"),
    ("## Root Cause(s)", "causes"), ("## Root Cause Analysis", "causes"), ("**Contributing factors**", "causes"), ("## 5 Whys", "causes"),
    ("### Trigger", "trigger"), ("## Resolution & Recovery", "resolution"), ("## Mitigation", "resolution"),
    ("### Detection", "detection"), ("## Chronology", "timeline"), ("## Sequence of Events", "timeline"), ("## Timeline of the outage", "timeline"),
    ("## Action Items", "actions"), ("## Follow-ups", "actions"), ("### Next steps", "actions"), ("## Corrective Actions", "actions"),
    ("### Short-term Improvements ([Tracked in issue #40885](https://example.org/40885))", "actions"), ("### Immediate actions (completed)", "actions"),
    ("## Lessons Learned", "lessons"), ("### What went well?", "went_well"), ("### What Didn't Go Well", "went_wrong"),
    ("### Where we got lucky", "got_lucky"), ("## Surprises", "surprises"), ("### Attendees", "participants"), ("## Stats", "metadata"),
    ("## Incident Timeline", "timeline"), ("## Résumé", None), ("## Appendix", None), ("### October 21, 2025 - Redis overload", None),
    ("## Anything else", None), ("", None),
])
def test_headings_map_whatever_the_template_calls_them(heading: str, kind: str | None) -> None:
    assert HeadingMap().kind_of(heading) == kind


def test_a_heading_is_reduced_to_its_words() -> None:
    assert normalise("### 2.1 **Root Cause(s)** [draft]") == "root cause"
    assert normalise("Short-term fixes ([Tracked](https://x.test/1))") == "short term fixes"
    assert normalise("Qu'est-ce qui s'est passé ?") == "quest ce qui sest passe"


def test_a_team_adds_its_own_headings_in_toml(tmp_path: Path) -> None:
    config = tmp_path / "history.toml"
    config.write_text('[headings]\n"War story" = "summary"\n"Fallout" = "impact"\n"Summary" = "metadata"\n', encoding="utf-8")
    headings = HeadingMap.from_toml(config)
    assert (headings.kind_of("## War Story"), headings.kind_of("## Fallout"), headings.kind_of("## Summary")) == ("summary", "impact", "metadata")
    config.write_text('[headings]\n"War story" = "saga"\n', encoding="utf-8")
    with pytest.raises(InvalidInput, match="unknown kind 'saga'"):
        HeadingMap.from_toml(config)


DOCUMENT = """---
title: Checkout outage
date: 2025-03-04
authors: [Ana, Bo]
tags: checkout, payments
---
# Checkout returns 502

Opening words before any heading.

## Impact

Card payments failed for 40 minutes.

### The numbers

12% of checkouts.

## Lessons learned

We keep this paragraph.

### What went well

The rollback was quick.

Timeline
--------

```
# not a heading: a comment in a shell session
```

- 14:51 first alert

## Appendix

Graphs.
"""


def test_the_document_is_cut_into_parts_and_nothing_is_dropped() -> None:
    outline = read_outline(DOCUMENT, "checkout.md")
    assert outline.meta == {"title": "Checkout outage", "date": __import__("datetime").date(2025, 3, 4), "authors": ["Ana", "Bo"],
                            "tags": ["checkout", "payments"]}
    assert outline.title == "Checkout outage" and outline.title_line == 7
    parts = parts_of(outline)
    assert [(part.kind, part.heading, part.line) for part in parts] == [
        ("preamble", None, 9), ("impact", "Impact", 11), ("lessons", "Lessons learned", 19), ("went_well", "What went well", 23),
        ("timeline", "Timeline", 27), (None, "Appendix", 36),
    ]
    impact = parts[1]
    assert impact.sub_headings == ["The numbers"] and "### The numbers\n\n12% of checkouts." in impact.markdown
    assert "# not a heading" in parts[4].markdown  # a # line in a code block stays text
    body = [line for line in DOCUMENT.splitlines()[7:] if line.strip() and not line.startswith(("#", "---"))]
    kept = "\n".join(part.markdown for part in parts)
    assert {line for line in body if line not in kept} <= {"Timeline", "--------"}  # only the underlined heading itself


def test_toml_front_matter_and_several_top_level_headings() -> None:
    outline = read_outline('+++\ntitle = "Search down"\ncategories = ["search"]\n+++\n# Summary\nIt broke.\n# Timeline\n- 10:00 alert\n')
    assert outline.meta == {"title": "Search down", "categories": ["search"]}
    assert [(part.kind, part.heading) for part in parts_of(outline)] == [("summary", "Summary"), ("timeline", "Timeline")]
    untitled = read_outline("# Summary\nIt broke.\n# Impact\nNone.\n")
    assert untitled.title is None  # "# Summary" is a part, not a title


def test_broken_front_matter_is_one_line_naming_file_and_line() -> None:
    with pytest.raises(InvalidInput, match=r"^old\.md:3: the YAML front matter cannot be read"):
        read_outline("---\ntitle: ok\nauthors: [unclosed\n---\n# T\n", "old.md")


@pytest.mark.skipif(not SAMPLES.is_dir(), reason="../shared/samples/postmortems is not here")
def test_published_postmortems_and_templates_lose_no_line() -> None:
    documents = sorted(SAMPLES.rglob("*.md"))
    assert documents
    kinds: set[str | None] = set()
    for path in documents:
        text = path.read_text(encoding="utf-8")
        outline = read_outline(text, path.name)
        parts = parts_of(outline)
        kinds |= {part.kind for part in parts}
        kept = "\n".join(part.markdown for part in parts)
        heading_lines = {heading.line for heading in outline.headings} | {outline.title_line}
        for number, line in enumerate(outline.lines, start=outline.first_line):
            if line.strip() and number not in heading_lines and set(line.strip()) - set("=-"):
                assert line.strip() in kept, f"{path.name}:{number} dropped"
    assert {"summary", "impact", "timeline", "causes", "actions", "resolution"} <= kinds
