"""Everything the incident page shows, read in one transaction and one load."""

from __future__ import annotations

from dataclasses import dataclass, field

from cairn.domain.document import IncidentDoc
from cairn.services.audit import history
from cairn.services.context import Context
from cairn.services.convert import event_docs, to_doc
from cairn.services.import_history import ImportRecord, imports_in
from cairn.services.incidents import require_incident
from cairn.services.lint import IncidentLint, review_loaded
from cairn.services.revisions import History, history_of
from cairn.storage.models import AuditEvent


@dataclass(frozen=True)
class IncidentView:
    doc: IncidentDoc
    review: IncidentLint
    history: list[AuditEvent]
    imports: list[ImportRecord] = field(default_factory=list)
    revisions: History | None = None  # None: no postmortem yet


def incident_view(ctx: Context, key: str) -> IncidentView:
    with ctx.db.transaction() as session:
        incident = require_incident(session, ctx, key, full=True, events=False)
        doc = to_doc(incident, ctx.settings.key_prefix, events=event_docs(session, incident.id))
        return IncidentView(
            doc, review_loaded(session, ctx, incident, doc), history(session, incident), imports_in(session, incident, doc.key),
            history_of(session, ctx, incident, doc) if incident.postmortem is not None else None,
        )
