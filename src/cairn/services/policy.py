"""The postmortem policy in force, and which postmortems are owed.

The policy comes from the TOML file named by CAIRN_POSTMORTEM_POLICY, or the
built-in default (see docs/postmortem-policy.md). A bad file is one clear
error naming the file and the key.
"""

from __future__ import annotations

from dataclasses import dataclass, fields
from datetime import date
from pathlib import Path
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import selectinload

from cairn.domain.document import FactorDoc, ImpactDoc, IncidentDoc, PostmortemDoc
from cairn.domain.policy import Policy, Requirement, requirement
from cairn.domain.times import now_utc
from cairn.errors import InvalidInput
from cairn.services.access import visible_clause
from cairn.services.context import Context
from cairn.services.convert import event_doc, moments_of
from cairn.storage.models import Incident, Postmortem
from cairn.tomlfile import read_toml

KEYS = {f.name for f in fields(Policy)}


def load_policy(path: Path | None) -> Policy:
    if path is None:
        return Policy()
    data = read_toml(path, "postmortem policy")
    section = data.get("postmortem", data)
    if not isinstance(section, dict):
        raise InvalidInput(f"postmortem policy {path}: [postmortem] must be a table")
    unknown = sorted(set(section) - KEYS)
    if unknown:
        raise InvalidInput(f"postmortem policy {path}: unknown key {unknown[0]!r} (known: {', '.join(sorted(KEYS))})")
    values: dict[str, Any] = {}
    for name, value in section.items():
        values[name] = _checked(path, name, value)
    return Policy(**values)


def _checked(path: Path, name: str, value: Any) -> Any:
    where = f"postmortem policy {path}: {name}"
    if name == "severities":
        if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
            raise InvalidInput(f"{where} must be a list of severities")
        return tuple(value)
    if name in ("user_visible", "data_loss", "on_call_intervention", "monitoring_failure"):
        if not isinstance(value, bool):
            raise InvalidInput(f"{where} must be true or false")
        return value
    if name == "manual_tag":
        if not isinstance(value, str):
            raise InvalidInput(f"{where} must be a tag")
        return value
    if name == "due_by_severity":
        if not isinstance(value, dict) or not all(isinstance(v, int) and not isinstance(v, bool) and 0 <= v <= 365 for v in value.values()):
            raise InvalidInput(f"{where} must map severities to 0..365 business days")
        return dict(value)
    if name == "resolve_minutes_over" and value is False:
        return None
    if not isinstance(value, int) or isinstance(value, bool) or not 0 <= value <= 100_000:
        raise InvalidInput(f"{where} must be a whole number")
    return value


@dataclass(frozen=True)
class Owed:
    key: str
    title: str
    severity: str
    status: str  # owed, overdue, done, not resolved yet
    reasons: list[str]
    due: date | None
    owner: str | None
    postmortem_status: str

    def to_data(self) -> dict[str, Any]:
        return {
            "key": self.key, "title": self.title, "severity": self.severity, "state": self.status,
            "reasons": self.reasons, "due": self.due.isoformat() if self.due else None, "owner": self.owner,
            "postmortem_status": self.postmortem_status,
        }


def _state(need: Requirement, postmortem_status: str, today: date) -> str:
    if postmortem_status == "published":
        return "done"
    if need.due is None:
        return "not resolved yet"
    return "overdue" if need.due < today else "owed"


def owed_postmortems(ctx: Context, *, today: date | None = None, include_done: bool = False) -> list[Owed]:
    """Incidents the policy says owe a postmortem, soonest due first."""
    rows = [row for row in _duties(ctx, None, today) if include_done or row.status != "done"]
    rows.sort(key=lambda r: (r.due or date.max, r.key))
    return rows


def duties_of(ctx: Context, keys: list[str], *, today: date | None = None) -> dict[str, Owed]:
    """The postmortem duty of each of these incidents that owes one, by key (for a page of the list)."""
    return {row.key: row for row in _duties(ctx, keys, today)} if keys else {}


def _duties(ctx: Context, keys: list[str] | None, today: date | None) -> list[Owed]:
    from cairn.domain.keys import format_key, parse_key

    policy = load_policy(ctx.settings.postmortem_policy)
    today = today or now_utc().date()
    # Only what the triggers read: a long timeline is loaded only when a trigger looks at it.
    options = [
        selectinload(Incident.tags),
        selectinload(Incident.participants),
        selectinload(Incident.postmortem).selectinload(Postmortem.factors),
    ]
    if policy.on_call_intervention:
        options.append(selectinload(Incident.events))
    query = select(Incident).where(visible_clause(ctx)).options(*options)
    if keys is not None:
        query = query.where(Incident.number.in_([parse_key(key, ctx.settings.key_prefix) for key in keys]))
    rows = []
    with ctx.db.transaction() as session:
        for incident in session.scalars(query):
            doc = _policy_facts(incident, with_events=policy.on_call_intervention)
            need = requirement(policy, doc)
            if not need.required:
                continue
            owner = _owner(incident)
            pm_status = incident.postmortem.status if incident.postmortem else "draft"
            key = format_key(ctx.settings.key_prefix, incident.number)
            rows.append(Owed(key, incident.title, incident.severity, _state(need, pm_status, today), need.reasons, need.due, owner, pm_status))
    return rows


def _policy_facts(incident: Incident, *, with_events: bool) -> IncidentDoc:
    """The parts of an incident the policy's triggers read, as a document."""
    pm = incident.postmortem
    impact = ImpactDoc()
    factors: list[FactorDoc] = []
    if pm is not None:
        impact = ImpactDoc(users_affected=pm.users_affected, users_share=pm.users_share, data_loss=pm.data_loss)
        factors = [FactorDoc(f.label, f.description, f.category, f.role) for f in pm.factors]
    return IncidentDoc(
        title=incident.title, severity=incident.severity, timezone=incident.timezone,
        tags=[tag.name for tag in incident.tags], moments=moments_of(incident), factors=factors,
        timeline=[event_doc(event) for event in incident.events] if with_events else [],
        postmortem=PostmortemDoc(impact=impact),
    )


# Who owns a required postmortem when nobody was named: the first match wins.
OWNER_ROLES = ("owner", "incident commander", "facilitator", "responder")


def _owner(incident: Incident) -> str | None:
    """The named owner, else the incident commander, the facilitator, then the first responder."""
    for role in OWNER_ROLES:
        for participant in incident.participants:
            if participant.role == role:
                return participant.user.username
    return None
