"""Everything the incident page shows, read in one transaction and one load."""

from __future__ import annotations

from dataclasses import dataclass, field

from cairn.domain.document import IncidentDoc
from cairn.services.audit import history
from cairn.services.context import Context
from cairn.services.convert import to_doc
from cairn.services.import_history import ImportRecord, imports_in
from cairn.services.incidents import require_incident
from cairn.services.lint import IncidentLint, review_loaded
from cairn.storage.models import AuditEvent


@dataclass(frozen=True)
class IncidentView:
    doc: IncidentDoc
    review: IncidentLint
    history: list[AuditEvent]
    imports: list[ImportRecord] = field(default_factory=list)


def incident_view(ctx: Context, key: str) -> IncidentView:
    with ctx.db.transaction() as session:
        incident = require_incident(session, ctx, key, full=True)
        doc = to_doc(incident, ctx.settings.key_prefix)
        return IncidentView(
            doc, review_loaded(session, ctx, incident, doc), history(session, incident), imports_in(session, incident, doc.key),
        )
