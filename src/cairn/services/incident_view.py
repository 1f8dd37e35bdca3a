"""Everything the incident page shows, read in one transaction.

The page never loads the whole timeline: an incident with tens of thousands
of imported log lines renders about as fast as one with a hundred events
(`bench/big_incident.py`). The timeline comes as one page of events plus what
the database counts (filters, chart, key moments on rows, the review of what
people typed); `doc.timeline` is left empty so nothing reads it by mistake.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime, timedelta
from math import ceil

from cairn.domain.document import IncidentDoc
from cairn.domain.keys import format_key
from cairn.domain.moments import KeyMoments
from cairn.domain.times import require_zone
from cairn.formats.timeline_svg import ChartEvents
from cairn.errors import NotFound
from cairn.services.audit import history
from cairn.services.context import Context
from cairn.services.convert import to_doc
from cairn.services.import_history import ImportRecord, imports_in
from cairn.services.incidents import require_incident
from cairn.services.lint import IncidentLint, review_loaded
from cairn.services.revisions import History, history_of
from cairn.services.timeline_reads import (
    TimelineFilter, TimelineWindow, chart_events_in, first_event_at, latest_logged, position_of, times_of, timeline_window,
    typed_texts,
)
from cairn.storage.models import AuditEvent

PAGE_SIZE = 100
IMPORT_MARGIN = timedelta(hours=1)  # the import form's window reaches this far beyond the incident's moments
# The status a move to which proposes the time of the latest event of this kind.
PROPOSED_FROM = {"mitigated": "mitigation", "resolved": "resolution"}


@dataclass(frozen=True)
class IncidentView:
    doc: IncidentDoc  # without its timeline: see `timeline`
    review: IncidentLint
    history: list[AuditEvent]
    imports: list[ImportRecord] = field(default_factory=list)
    revisions: History | None = None  # None: no postmortem yet
    timeline: TimelineWindow | None = None
    chart: ChartEvents | None = None
    carries: dict[int, list[str]] = field(default_factory=dict)  # event id -> key moments it marks
    proposed: dict[str, datetime] = field(default_factory=dict)  # status -> time the form proposes


def incident_view(
    ctx: Context, key: str, wanted: TimelineFilter = TimelineFilter(), page: int | None = None, size: int = PAGE_SIZE,
) -> IncidentView:
    """The page's data; `wanted` and `page` choose the page of the timeline shown (None: the latest)."""
    with ctx.db.transaction() as session:
        incident = require_incident(session, ctx, key, full=True, events=False)
        doc = to_doc(incident, ctx.settings.key_prefix, events=[])
        window = timeline_window(session, incident.id, wanted, page, size)
        typed = (typed_texts(session, incident.id), lambda ids: times_of(session, ids))
        marked = [(moment.value, at) for moment, at in doc.moments.items() if at is not None]
        first_at = first_event_at(session, incident.id, [at for _moment, at in marked])
        carries: dict[int, list[str]] = {}
        for moment, at in marked:
            if at in first_at:
                carries.setdefault(first_at[at], []).append(moment)
        latest = latest_logged(session, incident.id, list(PROPOSED_FROM.values()))
        return IncidentView(
            doc,
            review_loaded(session, ctx, incident, doc, typed=typed),
            history(session, incident),
            imports_in(session, incident, doc.key),
            history_of(session, ctx, incident, doc) if incident.postmortem is not None else None,
            window,
            chart_events_in(session, incident.id, doc),
            carries,
            {status: latest[kind] for status, kind in PROPOSED_FROM.items() if kind in latest},
        )


def page_of_event(ctx: Context, key: str, event_id: int, size: int = PAGE_SIZE) -> int | None:
    """The page of the unfiltered timeline that shows this event (None: the latest,
    which follows new events live): where a citation or a marked moment sends the
    reader on an incident of thousands of events."""
    with ctx.db.transaction() as session:
        incident = require_incident(session, ctx, key, events=False)
        found = position_of(session, incident.id, event_id)
        if found is None:
            raise NotFound(f"{format_key(ctx.settings.key_prefix, incident.number)} has no timeline event #{event_id}")
        before, total = found
        page = before // size + 1
        return None if page == max(1, ceil(total / size)) else page


def import_window(moments: KeyMoments, zone_name: str) -> tuple[str, str]:
    """(since, until) the import form proposes, as `--at` reads them in the
    incident's zone: from an hour before its first moment to an hour after it
    was resolved, or to "now" while it is not; ("", "") without any moment."""
    known = [at for _moment, at in moments.items() if at is not None]
    if not known:
        return "", ""
    zone = require_zone(zone_name)
    since = (min(known) - IMPORT_MARGIN).astimezone(zone).strftime("%Y-%m-%d %H:%M")
    if moments.resolved is None:
        return since, "now"
    until = max(known) + IMPORT_MARGIN + timedelta(seconds=59, microseconds=999_999)  # rounded up to the minute
    return since, until.astimezone(zone).strftime("%Y-%m-%d %H:%M")
