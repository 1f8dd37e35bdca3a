from collections import Counter
from datetime import date, datetime, time
from zoneinfo import ZoneInfo

import pytest
from sqlalchemy import func, select

from cairn.domain.times import UTC
from cairn.errors import Conflict
from cairn.services.demo import load_demo
from cairn.services.portable import export_incident
from cairn.storage.models import ActionItem, Incident, Postmortem

ANCHOR = date(2026, 11, 24)


def test_the_demo_is_realistic_enough_to_exercise_every_screen(ctx):
    assert load_demo(ctx, anchor=ANCHOR) == 60
    with ctx.db.transaction() as session:
        assert session.scalar(select(func.count(Incident.id))) == 60
        assert len(set(session.scalars(select(Incident.severity)))) >= 3
        assert len(set(session.scalars(select(Postmortem.status)))) == 4  # every postmortem status
        assert set(session.scalars(select(Incident.kind))) == {"incident", "near miss"}
        items = list(session.scalars(select(ActionItem)))
        months = {i.started_at.strftime("%Y-%m") for i in session.scalars(select(Incident))}
    assert len(months) >= 18
    overdue = [i for i in items if i.status in ("open", "in progress") and i.due_date < ANCHOR]
    on_time = [i for i in items if i.closed_at and i.status == "done" and i.closed_at.date() <= i.due_date]
    late = [i for i in items if i.closed_at and i.status == "done" and i.closed_at.date() > i.due_date]
    assert overdue and on_time and late


def test_the_same_anchor_and_seed_give_the_same_data(ctx, tmp_path):
    from cairn.config import Settings
    from cairn.services.context import open_context

    other = open_context(Settings(database_url=f"sqlite:///{tmp_path / 'other.db'}", data_dir=tmp_path))
    load_demo(ctx, anchor=ANCHOR, seed=3)
    load_demo(other, anchor=ANCHOR, seed=3)
    for key in ("INC-1", "INC-15", "INC-30"):
        assert export_incident(ctx, key) == export_incident(other, key)
    other.db.dispose()


def test_the_demo_refuses_a_database_that_already_has_incidents(ctx):
    load_demo(ctx, anchor=ANCHOR, count=3)
    with pytest.raises(Conflict, match="already has 3 incidents"):
        load_demo(ctx, anchor=ANCHOR)
    assert load_demo(ctx, anchor=ANCHOR, if_empty=True) == 0


def test_every_demo_postmortem_past_draft_has_named_reviewers_who_are_its_reviewer_participants(ctx):
    from cairn.services.incidents import show_incident
    from cairn.services.review import review_state
    from cairn.services.revisions import revision_history

    load_demo(ctx, anchor=ANCHOR)
    with ctx.db.transaction() as session:
        rows = session.execute(select(Incident.number, Postmortem.status).join(Postmortem, Postmortem.incident_id == Incident.id)).all()
    assert {status for _n, status in rows} >= {"in review", "approved", "published"}
    for number, status in rows:
        key = f"INC-{number}"
        if status == "draft":
            continue
        state = review_state(ctx, key)
        participants = sorted(p.user for p in show_incident(ctx, key).participants if p.role == "reviewer")
        assert state.reviewers and sorted(r.user for r in state.reviewers) == participants, key
        assert not set(participants) & set(state.authors), key  # the author never reviews alone
        if status in ("approved", "published"):
            assert all(r.decision == "approved" and r.current for r in state.reviewers), key
        else:
            assert all(r.decision == "pending" for r in state.reviewers), key
        if status == "published":
            history = revision_history(ctx, key)
            assert [r.number for r in history.revisions] == [1] and not history.draft_differs, key



def _demo_docs(ctx, **options):
    """Every demo incident as its portable document, oldest first, with when its postmortem was published."""
    from cairn.services.convert import to_doc
    from cairn.services.incidents import require_incident

    load_demo(ctx, anchor=ANCHOR, **options)
    with ctx.db.transaction() as session:
        numbers = list(session.scalars(select(Incident.number).order_by(Incident.started_at)))
        rows = []
        for number in numbers:
            incident = require_incident(session, ctx, f"INC-{number}", full=True)
            rows.append((to_doc(incident, ctx.settings.key_prefix), incident.postmortem.published_at))
    return rows


def _repeats(docs):
    """(earlier, item, later): the earlier incident's item, linked to a factor of category C, was
    done before the later incident on the same service, which has a factor of category C."""
    found = []
    for number, earlier in enumerate(docs):
        for item in earlier.action_items:
            categories = {f.category for f in earlier.factors if f.label in item.factors}
            if item.status != "done" or item.closed_at is None or not categories:
                continue
            for later in docs[number + 1:]:
                if (set(earlier.services) & set(later.services) and item.closed_at < later.moments.started
                        and any(f.category in categories for f in later.factors)):
                    found.append((earlier, item, later))
    return found


def test_the_demo_tells_of_fixes_that_did_not_hold_on_at_least_two_services(ctx):
    docs = [doc for doc, _published in _demo_docs(ctx)]
    repeats = _repeats(docs)
    assert len({service for earlier, _item, later in repeats for service in set(earlier.services) & set(later.services)}) >= 2
    checkout = [(e.title, i.title, l.title) for e, i, l in repeats if e.services == ["checkout"]]
    assert ("Checkout API returns 502 for a share of card payments",
            "Set the gateway client pool size explicitly and alert on pool saturation",
            "Checkout API returns 502 for a share of card payments") in checkout
    assert any(e.title != l.title for e, _i, l in repeats)  # a different story, the same weakness
    for _earlier, item, later in repeats:
        assert item.closed_at < later.moments.started
        if later.postmortem.prose.get("summary"):
            assert later.postmortem.prose["surprises"], later.key  # the later review says what the earlier fix missed
    assert len({later.key for _e, _i, later in repeats}) <= len(docs) // 4  # repeats stand out; they are not the norm


def test_the_demo_spans_two_uneven_years_with_near_misses_and_a_restricted_incident(ctx):
    docs = [doc for doc, _published in _demo_docs(ctx)]
    starts = [doc.moments.started for doc in docs]
    assert (max(starts) - min(starts)).days >= 700
    quarters = Counter(f"{s.year}-Q{(s.month - 1) // 3 + 1}" for s in starts)
    assert len(quarters) >= 8 and max(quarters.values()) >= 2 * min(quarters.values())
    near = [doc for doc in docs if doc.kind == "near miss"]
    assert len(near) >= 3
    assert all(doc.postmortem.status != "draft" and doc.postmortem.prose.get("summary") for doc in near)
    assert any(doc.visibility == "restricted" for doc in docs)


def test_the_demo_has_a_skewed_spread_of_durations_for_every_severity_and_gaps_in_the_moments(ctx):
    docs = [doc for doc, _published in _demo_docs(ctx) if doc.kind == "incident"]
    minutes = {}
    for doc in docs:
        if doc.moments.resolved:
            minutes.setdefault(doc.severity, []).append((doc.moments.resolved - doc.moments.started).total_seconds() / 60)
    assert set(minutes) >= {"SEV1", "SEV2", "SEV3", "SEV4"}
    for severity, values in minutes.items():
        values.sort()
        assert len(values) >= 5, severity
        assert values[-1] >= 2 * values[len(values) // 2], severity  # a long tail, not a bell
    assert max(minutes["SEV1"]) < max(v for values in minutes.values() for v in values)  # severity is not duration
    complete = [d for d in docs if all(getattr(d.moments, m) for m in ("started", "detected", "acknowledged", "mitigated", "resolved"))]
    assert len(complete) >= len(docs) * 0.7
    assert sum(1 for d in docs if d.moments.acknowledged is None) >= 3
    assert sum(1 for d in docs if d.moments.resolved and d.moments.mitigated is None) >= 2


def test_the_demo_has_recurring_factor_categories_and_repeated_action_items(ctx):
    docs = [doc for doc, _published in _demo_docs(ctx)]
    where = {}
    for doc in docs:
        quarter = f"{doc.moments.started.year}-Q{(doc.moments.started.month - 1) // 3 + 1}"
        for factor in doc.factors:
            where.setdefault(factor.category, []).append((doc.services[0], quarter))
    recurring = [c for c, seen in where.items() if len({s for s, _ in seen}) >= 3 and len({q for _, q in seen}) >= 4]
    assert len(recurring) >= 3
    titles = Counter(" ".join(item.title.casefold().split()) for doc in docs for item in doc.action_items)
    assert max(titles.values()) >= 3
    assert "set the gateway client pool size explicitly and alert on pool saturation" in {t for t, n in titles.items() if n >= 3}


def test_most_demo_postmortems_are_published_some_after_the_policy_due_date_and_some_still_in_progress(ctx):
    from cairn.domain.policy import Policy, requirement

    rows = _demo_docs(ctx)
    published = [(doc, at) for doc, at in rows if doc.postmortem.status == "published"]
    assert len(published) >= len(rows) * 0.6
    assert {doc.postmortem.status for doc, _at in rows} == {"draft", "in review", "approved", "published"}
    on_time = late = 0
    for doc, at in published:
        assert doc.moments.resolved < at < datetime.combine(ANCHOR, time(0), UTC), doc.key
        due = requirement(Policy(), doc).due
        if due is not None:
            on_time += at.astimezone(ZoneInfo(doc.timezone)).date() <= due
            late += at.astimezone(ZoneInfo(doc.timezone)).date() > due
    assert on_time >= 5 and late >= 5
    lags = sorted((at - doc.moments.resolved).days for doc, at in published)
    assert lags[-1] >= 4 * max(1, lags[len(lags) // 2])


def test_every_demo_text_passes_the_blameless_language_review(ctx):
    from cairn.services.lint import lint_incident

    load_demo(ctx, anchor=ANCHOR)
    for number in range(1, 61):
        assert lint_incident(ctx, f"INC-{number}").findings == [], f"INC-{number}"
