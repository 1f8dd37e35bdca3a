"""IncidentDoc <-> plain data (dicts and lists), shared by YAML and JSON.

Times are written as ISO 8601 strings in the incident's zone, dates as
YYYY-MM-DD, empty optional values are left out, so the text stays short and
the same document always gives the same text.
"""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

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
from cairn.domain.enums import KeyMoment
from cairn.domain.moments import KeyMoments
from cairn.domain.names import check_storable
from cairn.domain.times import check_day_range, ensure_utc, require_zone
from cairn.errors import InvalidInput
from cairn.formats.fielderror import FieldError, Path

FORMAT_VERSION = 1
MAX_INTEGER = 2_000_000_000  # fits a 32-bit INTEGER column on every database


def _compact(mapping: dict[str, Any]) -> dict[str, Any]:
    return {k: v for k, v in mapping.items() if v is not None and v != [] and v != {}}


def incident_to_data(doc: IncidentDoc, *, with_prose: bool) -> dict[str, Any]:
    zone = require_zone(doc.timezone)

    def when(moment: datetime | None) -> str | None:
        return None if moment is None else moment.astimezone(zone).isoformat()

    pm = doc.postmortem
    impact = _compact(
        {
            "users_affected": pm.impact.users_affected,
            "users_share": pm.impact.users_share,
            "duration_minutes": pm.impact.duration_minutes,
            "data_loss": pm.impact.data_loss,
            "cost": pm.impact.cost,
            "slo_budget": pm.impact.slo_budget,
        }
    )
    risk = _compact({"likelihood": pm.risk_likelihood, "severity": pm.risk_severity})
    postmortem: dict[str, Any] = {"status": pm.status, "template": pm.template}
    postmortem.update(_compact({"impact": impact, "risk": risk}))
    if with_prose:
        postmortem["sections"] = {name: pm.prose.get(name, "") for name, _ in PROSE_SECTIONS}
        postmortem["extra_sections"] = [{"title": s.title, "body": s.body} for s in pm.sections]
    data: dict[str, Any] = {
        "cairn": FORMAT_VERSION,
        "key": doc.key,
        "version": doc.version,
        "title": doc.title,
        "kind": doc.kind,
        "severity": doc.severity,
        "status": doc.status,
        "visibility": doc.visibility,
        "timezone": doc.timezone,
        "services": list(doc.services),
        "teams": list(doc.teams),
        "tags": list(doc.tags),
        "moments": _compact({m.value: when(v) for m, v in doc.moments.items()}),
        "participants": [{"user": p.user, "role": p.role} for p in doc.participants],
        "postmortem": postmortem,
        "factors": [
            _compact(
                {
                    "id": f.label,
                    "description": f.description,
                    "category": f.category,
                    "role": f.role,
                    "services": list(f.services),
                    "whys": [{"why": w.question, "because": w.answer} for w in f.whys],
                }
            )
            for f in doc.factors
        ],
        "action_items": [
            _compact(
                {
                    "id": a.label,
                    "title": a.title,
                    "owner": a.owner,
                    "due": a.due.isoformat() if a.due else None,
                    "impact": a.impact,
                    "effort": a.effort,
                    "priority": a.priority,
                    "kind": a.kind,
                    "status": a.status,
                    "closed_at": when(a.closed_at),
                    "url": a.url,
                    "note": a.note,
                    "factors": list(a.factors),
                }
            )
            for a in doc.action_items
        ],
        "timeline": [
            _compact(
                {
                    "at": when(e.at),
                    "kind": e.kind,
                    "actor": e.actor,
                    "text": e.text,
                    "source": e.source,
                    "ref": e.ref,
                }
            )
            for e in doc.timeline
        ],
    }
    return {k: v for k, v in data.items() if v is not None}


# ---------------------------------------------------------------- reading


class _Reader:
    """Typed access to untrusted nested data, with paths in every error."""

    def mapping(self, value: Any, path: Path) -> dict[str, Any]:
        if value is None:
            return {}
        if not isinstance(value, dict):
            raise FieldError(path, "expected a mapping of keys to values")
        return value

    def sequence(self, value: Any, path: Path) -> list[Any]:
        if value is None:
            return []
        if not isinstance(value, list):
            raise FieldError(path, "expected a list")
        return value

    def text(self, data: dict[str, Any], key: str, path: Path, *, required: bool = False) -> str | None:
        value = data.get(key)
        if value is None or value == "":
            if required:
                raise FieldError(path + (key,), "is required")
            return None
        return self._string(value, path + (key,))

    def _string(self, value: Any, path: Path) -> str:
        """Only real strings: YAML turns unquoted 12:30 into 750 and 010 into 8."""
        if isinstance(value, (dict, list)):
            raise FieldError(path, "expected text")
        if not isinstance(value, str):
            raise FieldError(path, f"expected text: put {value!r} in quotes so it is kept as written")
        try:
            return check_storable(value, "text")
        except InvalidInput as error:
            raise FieldError(path, str(error)) from None

    def required_text(self, data: dict[str, Any], key: str, path: Path) -> str:
        value = self.text(data, key, path, required=True)
        assert value is not None
        return value

    def integer(self, data: dict[str, Any], key: str, path: Path) -> int | None:
        value = data.get(key)
        if value is None:
            return None
        if isinstance(value, bool) or not isinstance(value, int):
            if isinstance(value, str) and value.strip().lstrip("-").isdigit() and len(value.strip()) < 20:
                value = int(value)
            else:
                raise FieldError(path + (key,), f"expected a whole number, got {value!r}")
        if not -MAX_INTEGER <= value <= MAX_INTEGER:
            raise FieldError(path + (key,), f"{value} is out of range (at most {MAX_INTEGER})")
        return value

    def number(self, data: dict[str, Any], key: str, path: Path) -> float | None:
        value = data.get(key)
        if value is None:
            return None
        if isinstance(value, bool):
            raise FieldError(path + (key,), f"expected a number, got {value!r}")
        try:
            number = float(value)
        except (TypeError, ValueError, OverflowError):
            raise FieldError(path + (key,), f"expected a number, got {value!r}") from None
        if number != number or number in (float("inf"), float("-inf")):
            raise FieldError(path + (key,), f"expected a finite number, got {value!r}")
        return number

    def strings(self, data: dict[str, Any], key: str, path: Path) -> list[str]:
        items = self.sequence(data.get(key), path + (key,))
        out = []
        for index, item in enumerate(items):
            if item is None:
                raise FieldError(path + (key, index), "expected text")
            out.append(self._string(item, path + (key, index)))
        return out

    def moment(self, data: dict[str, Any], key: str, path: Path) -> datetime | None:
        value = data.get(key)
        if value is None:
            return None
        if isinstance(value, datetime):
            parsed = value
        else:
            text = str(value).strip()
            if text.endswith(("Z", "z")):
                text = text[:-1] + "+00:00"
            try:
                parsed = datetime.fromisoformat(text)
            except ValueError:
                raise FieldError(path + (key,), f"malformed time {value!r}: use ISO 8601 with an offset") from None
        if parsed.tzinfo is None:
            raise FieldError(path + (key,), f"time {value!r} needs an offset such as +01:00 or Z")
        try:
            return ensure_utc(parsed)
        except InvalidInput as error:
            raise FieldError(path + (key,), str(error)) from None

    def day(self, data: dict[str, Any], key: str, path: Path) -> date | None:
        value = data.get(key)
        if value is None:
            return None
        if isinstance(value, datetime):
            raise FieldError(path + (key,), "expected a date (YYYY-MM-DD), not a time")
        try:
            day = value if isinstance(value, date) else date.fromisoformat(str(value).strip())
            return check_day_range(day)
        except ValueError:
            raise FieldError(path + (key,), f"malformed date {value!r}: use YYYY-MM-DD") from None
        except InvalidInput as error:
            raise FieldError(path + (key,), str(error)) from None


def incident_from_data(data: Any) -> IncidentDoc:
    """Build an IncidentDoc from parsed YAML/JSON; FieldError names the path."""
    r = _Reader()
    top = r.mapping(data, ())
    version = top.get("cairn", FORMAT_VERSION)
    if version != FORMAT_VERSION:
        raise FieldError(("cairn",), f"unsupported format version {version!r} (this Cairn reads {FORMAT_VERSION})")
    known = {
        "cairn", "key", "version", "title", "kind", "severity", "status", "visibility", "timezone", "services",
        "teams", "tags", "moments", "participants", "postmortem", "factors", "action_items", "timeline",
        "durations_seconds",  # written by the JSON export; derived, so ignored on reading
    }
    for key in top:
        if key not in known:
            raise FieldError((str(key),), "unknown field")
    timezone_name = r.text(top, "timezone", ()) or "UTC"
    try:
        require_zone(timezone_name)
    except InvalidInput as error:
        raise FieldError(("timezone",), str(error)) from None

    moments_data = r.mapping(top.get("moments"), ("moments",))
    for key in moments_data:
        if key not in {m.value for m in KeyMoment}:
            raise FieldError(("moments", str(key)), "unknown key moment: use started, detected, acknowledged, mitigated, resolved")
    moments = KeyMoments(**{m.value: r.moment(moments_data, m.value, ("moments",)) for m in KeyMoment})

    participants = []
    for index, item in enumerate(r.sequence(top.get("participants"), ("participants",))):
        path: Path = ("participants", index)
        entry = r.mapping(item, path)
        participants.append(ParticipantDoc(user=r.required_text(entry, "user", path), role=r.required_text(entry, "role", path)))

    pm_data = r.mapping(top.get("postmortem"), ("postmortem",))
    impact_data = r.mapping(pm_data.get("impact"), ("postmortem", "impact"))
    ip: Path = ("postmortem", "impact")
    impact = ImpactDoc(
        users_affected=r.integer(impact_data, "users_affected", ip),
        users_share=r.number(impact_data, "users_share", ip),
        duration_minutes=r.integer(impact_data, "duration_minutes", ip),
        data_loss=r.text(impact_data, "data_loss", ip),
        cost=r.text(impact_data, "cost", ip),
        slo_budget=r.text(impact_data, "slo_budget", ip),
    )
    risk_data = r.mapping(pm_data.get("risk"), ("postmortem", "risk"))
    prose_data = r.mapping(pm_data.get("sections"), ("postmortem", "sections"))
    prose_names = {name for name, _ in PROSE_SECTIONS}
    for key in prose_data:
        if key not in prose_names:
            raise FieldError(("postmortem", "sections", str(key)), "unknown section")
    prose = {name: r.text(prose_data, name, ("postmortem", "sections")) or "" for name in prose_names}
    extra = []
    for index, item in enumerate(r.sequence(pm_data.get("extra_sections"), ("postmortem", "extra_sections"))):
        path = ("postmortem", "extra_sections", index)
        entry = r.mapping(item, path)
        extra.append(SectionDoc(title=r.required_text(entry, "title", path), body=r.text(entry, "body", path) or ""))
    postmortem = PostmortemDoc(
        status=r.text(pm_data, "status", ("postmortem",)) or "draft",
        template=r.text(pm_data, "template", ("postmortem",)) or "default",
        impact=impact,
        risk_likelihood=r.integer(risk_data, "likelihood", ("postmortem", "risk")),
        risk_severity=r.integer(risk_data, "severity", ("postmortem", "risk")),
        prose=prose,
        sections=extra,
    )

    factors = []
    for index, item in enumerate(r.sequence(top.get("factors"), ("factors",))):
        path = ("factors", index)
        entry = r.mapping(item, path)
        whys = []
        for windex, witem in enumerate(r.sequence(entry.get("whys"), path + ("whys",))):
            wpath = path + ("whys", windex)
            wentry = r.mapping(witem, wpath)
            whys.append(WhyDoc(question=r.required_text(wentry, "why", wpath), answer=r.text(wentry, "because", wpath) or ""))
        factors.append(
            FactorDoc(
                label=r.text(entry, "id", path),
                description=r.required_text(entry, "description", path),
                category=r.required_text(entry, "category", path),
                role=r.text(entry, "role", path) or "latent condition",
                services=r.strings(entry, "services", path),
                whys=whys,
            )
        )

    items = []
    for index, item in enumerate(r.sequence(top.get("action_items"), ("action_items",))):
        path = ("action_items", index)
        entry = r.mapping(item, path)
        items.append(
            ActionItemDoc(
                label=r.text(entry, "id", path),
                title=r.required_text(entry, "title", path),
                owner=r.text(entry, "owner", path),
                due=r.day(entry, "due", path),
                impact=r.integer(entry, "impact", path),
                effort=r.integer(entry, "effort", path),
                priority=r.text(entry, "priority", path) or "",
                kind=r.text(entry, "kind", path) or "prevent",
                status=r.text(entry, "status", path) or "open",
                closed_at=r.moment(entry, "closed_at", path),
                url=r.text(entry, "url", path),
                note=r.text(entry, "note", path),
                factors=r.strings(entry, "factors", path),
            )
        )

    timeline = []
    for index, item in enumerate(r.sequence(top.get("timeline"), ("timeline",))):
        path = ("timeline", index)
        entry = r.mapping(item, path)
        at = r.moment(entry, "at", path)
        if at is None:
            raise FieldError(path + ("at",), "is required")
        timeline.append(
            EventDoc(
                at=at,
                kind=r.text(entry, "kind", path) or "note",
                text=r.required_text(entry, "text", path),
                actor=r.text(entry, "actor", path),
                source=r.text(entry, "source", path) or "manual",
                ref=r.text(entry, "ref", path),
            )
        )

    return IncidentDoc(
        key=str(top["key"]) if isinstance(top.get("key"), int) and not isinstance(top.get("key"), bool) else r.text(top, "key", ()),
        version=r.integer(top, "version", ()),
        title=r.text(top, "title", ()) or "",
        kind=r.text(top, "kind", ()) or "incident",
        severity=r.text(top, "severity", ()) or "",
        status=r.text(top, "status", ()) or "open",
        visibility=r.text(top, "visibility", ()) or "internal",
        timezone=timezone_name,
        services=r.strings(top, "services", ()),
        teams=r.strings(top, "teams", ()),
        tags=r.strings(top, "tags", ()),
        moments=moments,
        participants=participants,
        timeline=timeline,
        factors=factors,
        action_items=items,
        postmortem=postmortem,
    )
