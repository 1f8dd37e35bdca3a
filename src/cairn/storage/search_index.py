"""The knowledge-base index: one row in `search_entries` per searchable text.

Each entry names its incident and its place ("section:summary", "factor:2",
"event:314", ...). Timeline events are indexed by triggers on their own table
(migration 0014), so every write of an event, ORM or plain SQL, is indexed in
its transaction. The other texts (title, services, teams, tags, sections,
impact, factors and their 5 Whys, action items, review comments) are written
again for every incident a transaction changed, just before it commits
(`Database.transaction` calls `sync_changed`): the index is never stale.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from typing import Any

from sqlalchemy import Connection, String, cast, delete, event, func, insert, inspect, literal, select
from sqlalchemy.orm import Session

from cairn.domain.citations import strip_citations
from cairn.domain.document import PROSE_SECTIONS
from cairn.storage.models import (
    ActionItem, ContributingFactor, FactorWhy, Incident, IncidentService, IncidentTag, IncidentTeam, Postmortem,
    PostmortemSection, ReviewComment, SearchEntry, Team, TimelineEvent,
)

ENTRIES = SearchEntry.__table__
EVENT_PLACE = "event:"
BATCH = 500  # incidents rebuilt per round: memory stays flat however many there are
CHANGED = "cairn_search_changed"  # session.info key: ids of incidents to index again

# Objects whose change alters an incident's texts, and how to find that incident.
_BY_INCIDENT = (Incident, IncidentService, IncidentTag, IncidentTeam, Postmortem)
_BY_POSTMORTEM = (PostmortemSection, ContributingFactor, ActionItem, ReviewComment)
# The columns of the two parent rows that entries are made of: an incident or
# postmortem changed in nothing else (a version bump when an event is logged,
# a status change) leaves its entries as they are.
_INDEXED = {
    Incident: ("title",),
    Postmortem: (*(name for name, _title in PROSE_SECTIONS), "data_loss", "cost", "slo_budget"),
}


def _changes_entries(obj: Any) -> bool:
    """Whether a changed (dirty) object alters text the index holds."""
    columns = _INDEXED.get(type(obj))
    if columns is None:
        return True
    attrs = inspect(obj).attrs
    return any(attrs[name].history.has_changes() for name in columns)


def _collect(session: Session, _context: Any) -> None:
    """After each flush, remember which incidents the flushed objects belong to."""
    changed: dict[str, set[int]] = session.info.setdefault(CHANGED, {"incidents": set(), "postmortems": set(), "factors": set()})
    dirty = [obj for obj in session.dirty if _changes_entries(obj)]
    for obj in (*session.new, *dirty, *session.deleted):
        if isinstance(obj, Incident):
            if obj.id is not None:
                changed["incidents"].add(obj.id)
        elif isinstance(obj, _BY_INCIDENT):
            if obj.incident_id is not None:
                changed["incidents"].add(obj.incident_id)
        elif isinstance(obj, _BY_POSTMORTEM):
            if obj.postmortem_id is not None:
                changed["postmortems"].add(obj.postmortem_id)
        elif isinstance(obj, FactorWhy) and obj.factor_id is not None:
            changed["factors"].add(obj.factor_id)


event.listen(Session, "after_flush", _collect)


def sync_changed(session: Session) -> None:
    """Write the index entries again for the incidents this transaction changed."""
    session.flush()  # changes not flushed yet are collected too
    changed = session.info.pop(CHANGED, None)
    if not changed:
        return
    incidents, postmortems, factors = set(changed["incidents"]), set(changed["postmortems"]), set(changed["factors"])
    connection = session.connection()
    if factors:
        postmortems |= set(connection.scalars(select(ContributingFactor.postmortem_id).where(ContributingFactor.id.in_(factors))))
    if postmortems:
        incidents |= set(connection.scalars(select(Postmortem.incident_id).where(Postmortem.id.in_(postmortems))))
    if incidents:
        reindex(connection, sorted(incidents))


def reindex(connection: Connection, incident_ids: list[int]) -> None:
    """Replace the entries (all but the timeline's) of these incidents."""
    for start in range(0, len(incident_ids), BATCH):
        ids = incident_ids[start:start + BATCH]
        connection.execute(delete(ENTRIES).where(ENTRIES.c.incident_id.in_(ids), ~ENTRIES.c.place.startswith(EVENT_PLACE)))
        rows = list(_entries(connection, ids))
        if rows:
            connection.execute(insert(ENTRIES), rows)


def rebuild_all(connection: Connection, progress: Callable[[int, int], None] | None = None) -> int:
    """Build the whole index again from the data; returns the number of incidents.
    `progress(done, total)` is called after each batch."""
    connection.execute(delete(ENTRIES))
    events = TimelineEvent.__table__.c
    connection.execute(
        insert(ENTRIES).from_select(
            ["incident_id", "place", "label", "body"],
            select(
                events.incident_id, (literal(EVENT_PLACE) + cast(events.id, String)).label("place"),
                literal("timeline").label("label"), events.text,
            ),
        )
    )
    total = connection.scalar(select(func.count()).select_from(Incident.__table__)) or 0
    done, last = 0, 0
    while True:  # a page of ids at a time: memory stays flat however many incidents there are
        ids = list(connection.scalars(select(Incident.id).where(Incident.id > last).order_by(Incident.id).limit(BATCH)))
        if not ids:
            return done
        reindex(connection, ids)
        done, last = done + len(ids), ids[-1]
        if progress is not None:
            progress(done, max(total, done))


def _entries(connection: Connection, ids: list[int]) -> Iterable[dict[str, Any]]:
    def entry(incident_id: int, place: str, label: str, *texts: str | None) -> dict[str, Any] | None:
        # Citations ([#12], [moment: started]) say where a claim comes from, not what it is about:
        # indexed, every drafted postmortem would share "moment", "impact" and "incident" with every other.
        body = "\n".join(strip_citations(text) if "[" in text else text for text in texts if text and text.strip())
        return {"incident_id": incident_id, "place": place, "label": label, "body": body} if body else None

    names: dict[int, list[str]] = {}
    for incident_id, name in connection.execute(select(IncidentService.incident_id, IncidentService.name).where(IncidentService.incident_id.in_(ids))):
        names.setdefault(incident_id, []).append(name)
    for incident_id, name in connection.execute(select(IncidentTag.incident_id, IncidentTag.name).where(IncidentTag.incident_id.in_(ids))):
        names.setdefault(incident_id, []).append(name)
    for incident_id, name in connection.execute(
        select(IncidentTeam.incident_id, Team.name).join(Team, Team.id == IncidentTeam.team_id).where(IncidentTeam.incident_id.in_(ids))
    ):
        names.setdefault(incident_id, []).append(name)
    found: list[dict[str, Any] | None] = []
    for incident_id, title in connection.execute(select(Incident.id, Incident.title).where(Incident.id.in_(ids))):
        found.append(entry(incident_id, "title", "title", title))
        found.append(entry(incident_id, "names", "services, teams and tags", " ".join(names.get(incident_id, []))))
    pm = Postmortem.__table__.c
    prose = [getattr(pm, name) for name, _title in PROSE_SECTIONS]
    incident_of: dict[int, int] = {}
    for row in connection.execute(select(pm.id, pm.incident_id, pm.data_loss, pm.cost, pm.slo_budget, *prose).where(pm.incident_id.in_(ids))):
        postmortem_id, incident_id, data_loss, cost, slo = row[:5]
        incident_of[postmortem_id] = incident_id
        for (name, title), text in zip(PROSE_SECTIONS, row[5:]):
            found.append(entry(incident_id, f"section:{name}", title.lower(), text))
        found.append(entry(incident_id, "impact", "impact figures", data_loss, cost, slo))
    postmortems = list(incident_of)
    if postmortems:
        for section_id, postmortem_id, title, body in connection.execute(
            select(PostmortemSection.id, PostmortemSection.postmortem_id, PostmortemSection.title, PostmortemSection.body)
            .where(PostmortemSection.postmortem_id.in_(postmortems))
        ):
            found.append(entry(incident_of[postmortem_id], f"extra:{section_id}", f"section '{title}'"[:200], title, body))
        whys: dict[int, list[str]] = {}
        factor_rows = connection.execute(
            select(ContributingFactor.id, ContributingFactor.postmortem_id, ContributingFactor.number, ContributingFactor.description,
                   ContributingFactor.category).where(ContributingFactor.postmortem_id.in_(postmortems))
        ).all()
        factor_ids = [row[0] for row in factor_rows]
        if factor_ids:
            for factor_id, question, answer in connection.execute(
                select(FactorWhy.factor_id, FactorWhy.question, FactorWhy.answer).where(FactorWhy.factor_id.in_(factor_ids)).order_by(FactorWhy.position)
            ):
                whys.setdefault(factor_id, []).extend([question, answer])
        for factor_id, postmortem_id, number, description, category in factor_rows:
            found.append(entry(incident_of[postmortem_id], f"factor:{number}", f"factor F{number}", description, category, *whys.get(factor_id, [])))
        for postmortem_id, number, title, note in connection.execute(
            select(ActionItem.postmortem_id, ActionItem.number, ActionItem.title, ActionItem.note).where(ActionItem.postmortem_id.in_(postmortems))
        ):
            found.append(entry(incident_of[postmortem_id], f"action:{number}", f"action A{number}", title, note))
        for comment_id, postmortem_id, section, body in connection.execute(
            select(ReviewComment.id, ReviewComment.postmortem_id, ReviewComment.section, ReviewComment.body).where(ReviewComment.postmortem_id.in_(postmortems))
        ):
            found.append(entry(incident_of[postmortem_id], f"comment:{comment_id}", f"review comment on {section}"[:200], body))
    return [row for row in found if row is not None]


def outside_the_models(_object: Any, name: str | None, type_: str, reflected: bool, _compare_to: Any) -> bool:
    """For Alembic's model comparison (include_object): False for the full-text
    parts migration 0014 makes outside the ORM (FTS5's tables, the tsvector
    column and its index), which the models deliberately do not describe."""
    if type_ == "table" and name and name.startswith("search_fts"):
        return False
    if type_ == "column" and name == "tsv" and getattr(getattr(_object, "table", None), "name", "") == "search_entries":
        return False
    if type_ == "index" and name == "ix_search_entries_tsv":
        return False
    return True
