"""Hypothesis strategies for whole incident documents.

Text is deliberately awkward: unicode, YAML look-alikes ("null", "yes",
"- x", "a: b"), leading and trailing spaces, control characters, Markdown
that looks like section headings inside code fences.
"""

from __future__ import annotations

from datetime import date, datetime, timedelta, timezone

from hypothesis import strategies as st

from cairn.config import DEFAULT_FACTOR_CATEGORIES
from cairn.domain.document import (
    PROSE_SECTIONS,
    ActionItemDoc,
    EventDoc,
    FactorDoc,
    ImpactDoc,
    IncidentDoc,
    ParticipantDoc,
    PostmortemDoc,
    SectionDoc,
    WhyDoc,
)
from cairn.domain.enums import ActionKind, ActionStatus, EventKind, FactorRole, ParticipantRole, PostmortemStatus
from cairn.domain.moments import KeyMoments

ZONES = ["UTC", "Europe/Berlin", "Asia/Kathmandu", "America/St_Johns", "Australia/Lord_Howe", "Pacific/Chatham"]
YAML_LOOKALIKES = ["null", "yes", "No", "~", "1.0", "0x1F", "- item", "a: b", "#comment", "'quoted'", '"dq"', "[x]", "{y}", "2026-11-23"]

any_text = st.text(
    alphabet=st.characters(blacklist_categories=("Cs",), blacklist_characters="\x00\r"), max_size=60
)
word = st.text(alphabet="abcdefghijklmnopqrstuvwxyzéøü漢字🙂 ", min_size=1, max_size=12)
line_text = st.one_of(any_text, st.sampled_from(YAML_LOOKALIKES))
nonempty_text = st.one_of(any_text.filter(lambda s: s.strip()), st.sampled_from(YAML_LOOKALIKES))

paragraph = st.text(
    alphabet=st.sampled_from(list("abcdefghij XYZ0123456789.,;:!?'\"()*_[]/é漢🙂—")), min_size=1, max_size=40
).map(str.strip).filter(bool)
code_line = st.one_of(st.sampled_from(["## not a section", "# nor a title", "---", "<!-- x", "    indented"]), paragraph)
block = st.one_of(
    paragraph,
    paragraph.map(lambda p: f"### {p}"),
    paragraph.map(lambda p: f"- {p}"),
    paragraph.map(lambda p: f"> {p}"),
    paragraph.map(lambda p: f"1. {p}"),
    st.lists(code_line, max_size=3).map(lambda lines: "```\n" + "\n".join(lines) + "\n```"),
    paragraph.map(lambda p: f"{p}  \nsecond line"),
)
body = st.lists(block, max_size=4).flatmap(
    lambda blocks: st.lists(st.sampled_from(["\n", "\n\n"]), min_size=len(blocks), max_size=len(blocks)).map(
        lambda seps: "".join(b + s for b, s in zip(blocks, seps)).strip("\n")
    )
)
username = st.from_regex(r"[a-z][a-z0-9._-]{0,8}", fullmatch=True)
label = st.text(alphabet="abcdefghijklmnopqrstuvwxyz-", min_size=1, max_size=10).filter(lambda s: s.strip("-"))
moment = st.datetimes(
    min_value=datetime(1990, 1, 1), max_value=datetime(2090, 1, 1), timezones=st.just(timezone.utc)
)
gap = st.timedeltas(min_value=timedelta(0), max_value=timedelta(days=3))


@st.composite
def key_moments(draw) -> KeyMoments:
    started = draw(moment)
    detected = draw(st.none() | gap.map(lambda g: started + g))
    acknowledged = None
    if detected is not None:
        acknowledged = draw(st.none() | gap.map(lambda g: detected + g))
    mitigated = draw(st.none() | gap.map(lambda g: started + g))
    resolved = None
    floor = max([m for m in (started, detected, mitigated) if m is not None])
    resolved = draw(st.none() | gap.map(lambda g: floor + g))
    return KeyMoments(started, detected, acknowledged, mitigated, resolved)


@st.composite
def incident_docs(draw) -> IncidentDoc:
    moments = draw(key_moments())
    if moments.resolved is not None:
        status = draw(st.sampled_from(["resolved", "closed"]))
    elif moments.mitigated is not None:
        status = "mitigated"
    else:
        status = "open"
    factors = draw(
        st.lists(
            st.builds(
                FactorDoc,
                label=st.none(),
                description=nonempty_text,
                category=st.sampled_from(DEFAULT_FACTOR_CATEGORIES),
                role=st.sampled_from([r.value for r in FactorRole]),
                services=st.lists(label, max_size=2),
                whys=st.lists(st.builds(WhyDoc, question=nonempty_text, answer=line_text), max_size=3),
            ),
            max_size=3,
        )
    )
    factor_labels = [f"F{i}" for i in range(1, len(factors) + 1)]

    @st.composite
    def action_item(draw2) -> ActionItemDoc:
        item_status = draw2(st.sampled_from([s.value for s in ActionStatus]))
        closed = item_status in ("done", "won't do")
        return ActionItemDoc(
            label=None,
            title=draw2(nonempty_text),
            kind=draw2(st.sampled_from([k.value for k in ActionKind])),
            status=item_status,
            priority=draw2(st.sampled_from(["", "P1", "P2", "P3", "P4"])),
            owner=draw2(st.none() | username),
            due=draw2(st.none() | st.dates(min_value=date(2000, 1, 1), max_value=date(2080, 1, 1))),
            impact=draw2(st.none() | st.integers(1, 3)),
            effort=draw2(st.none() | st.integers(1, 3)),
            closed_at=draw2(st.none() | moment) if closed else None,
            url=draw2(st.none() | st.just("https://tracker.example/ISSUE-1")),
            note=draw2(st.none() | line_text),
            factors=draw2(st.lists(st.sampled_from(factor_labels), max_size=2, unique=True)) if factor_labels else [],
        )

    titles = draw(st.lists(paragraph.filter(lambda t: not t.endswith("#")), max_size=3, unique_by=str.casefold))
    reserved = {title.casefold() for _, title in PROSE_SECTIONS}
    return IncidentDoc(
        title=draw(nonempty_text),
        severity=draw(st.sampled_from(["SEV1", "SEV2", "SEV3", "SEV4", "SEV5"])),
        kind=draw(st.sampled_from(["incident", "near miss"])),
        status=status,
        visibility=draw(st.sampled_from(["internal", "restricted"])),
        timezone=draw(st.sampled_from(ZONES)),
        services=draw(st.lists(label, max_size=3)),
        teams=draw(st.lists(label, max_size=2)),
        tags=draw(st.lists(label, max_size=2)),
        moments=moments,
        participants=draw(
            st.lists(
                st.builds(ParticipantDoc, user=username, role=st.sampled_from([r.value for r in ParticipantRole])),
                max_size=3,
                unique_by=lambda p: (p.user, p.role),
            )
        ),
        timeline=draw(
            st.lists(
                st.builds(
                    EventDoc,
                    at=moment,
                    kind=st.sampled_from([k.value for k in EventKind]),
                    text=nonempty_text,
                    actor=st.none() | line_text,
                    source=st.sampled_from(["manual", "slack", "pagerduty"]),
                    ref=st.none() | st.uuids().map(str),
                ),
                max_size=4,
                unique_by=lambda e: (e.source, e.ref) if e.ref else (e.at, e.kind, e.actor, e.text),
            )
        ),
        factors=factors,
        action_items=draw(st.lists(action_item(), max_size=3)),
        postmortem=PostmortemDoc(
            status=draw(st.sampled_from([s.value for s in PostmortemStatus])),
            template=draw(st.sampled_from(["default", "short", "Google SRE"])),
            impact=ImpactDoc(
                users_affected=draw(st.none() | st.integers(0, 10**9)),
                users_share=draw(st.none() | st.floats(0, 100, allow_nan=False).map(lambda f: round(f, 2))),
                duration_minutes=draw(st.none() | st.integers(0, 10**6)),
                data_loss=draw(st.none() | line_text),
                cost=draw(st.none() | line_text),
                slo_budget=draw(st.none() | line_text),
            ),
            risk_likelihood=draw(st.none() | st.integers(1, 5)),
            risk_severity=draw(st.none() | st.integers(1, 5)),
            prose={name: draw(body) for name, _ in PROSE_SECTIONS},
            sections=[SectionDoc(t, draw(body)) for t in titles if t.casefold() not in reserved],
        ),
    )
