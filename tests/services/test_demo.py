from datetime import date

import pytest
from sqlalchemy import func, select

from cairn.errors import Conflict
from cairn.services.demo import load_demo
from cairn.services.portable import export_incident
from cairn.storage.models import ActionItem, Incident, Postmortem

ANCHOR = date(2026, 11, 24)


def test_the_demo_is_realistic_enough_to_exercise_every_screen(ctx):
    assert load_demo(ctx, anchor=ANCHOR) == 30
    with ctx.db.transaction() as session:
        assert session.scalar(select(func.count(Incident.id))) >= 25
        assert len(set(session.scalars(select(Incident.severity)))) >= 3
        assert len(set(session.scalars(select(Postmortem.status)))) == 4  # every postmortem status
        assert set(session.scalars(select(Incident.kind))) == {"incident", "near miss"}
        items = list(session.scalars(select(ActionItem)))
        months = {i.started_at.strftime("%Y-%m") for i in session.scalars(select(Incident))}
    assert len(months) >= 5
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

