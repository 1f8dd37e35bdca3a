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

from cairn.domain.policy import Policy, Requirement, requirement
from cairn.domain.times import now_utc
from cairn.errors import InvalidInput
from cairn.services.access import visible_clause
from cairn.services.context import Context
from cairn.services.convert import to_doc
from cairn.storage.models import Incident
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
    from cairn.services.incidents import _full

    policy = load_policy(ctx.settings.postmortem_policy)
    today = today or now_utc().date()
    rows = []
    with ctx.db.transaction() as session:
        for incident in session.scalars(select(Incident).where(visible_clause(ctx)).options(*_full())):
            doc = to_doc(incident, ctx.settings.key_prefix)
            need = requirement(policy, doc)
            if not need.required:
                continue
            state = _state(need, doc.postmortem.status, today)
            if state == "done" and not include_done:
                continue
            owner = next((p.user for p in doc.participants if p.role == "owner"), None)
            rows.append(Owed(doc.key or "", doc.title, doc.severity, state, need.reasons, need.due, owner, doc.postmortem.status))
    rows.sort(key=lambda r: (r.due or date.max, r.key))
    return rows
