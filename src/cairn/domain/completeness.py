"""The completeness checklist of a postmortem, computed from its data.

Each check says what is missing in words a writer can act on. Publishing is
gated on all checks passing (the workflow lets an admin override, with a
reason); the score is the share of checks that pass.
"""

from __future__ import annotations

from dataclasses import dataclass

from cairn.domain.document import IncidentDoc

HIGH_SEVERITY_COUNT = 2  # the first N configured severities (SEV1, SEV2) need deeper analysis


@dataclass(frozen=True)
class Check:
    id: str
    title: str
    passed: bool
    detail: str


@dataclass(frozen=True)
class Checklist:
    checks: list[Check]

    @property
    def score(self) -> float:
        return sum(c.passed for c in self.checks) / len(self.checks) if self.checks else 1.0

    @property
    def complete(self) -> bool:
        return all(c.passed for c in self.checks)

    @property
    def failing(self) -> list[Check]:
        return [c for c in self.checks if not c.passed]


# Fixed sections the checks above already require.
COVERED = {"summary", "impact", "resolution", "went_well", "went_wrong"}


def checklist(
    doc: IncidentDoc, *, severities: list[str], open_lint_findings: int = 0,
    required_sections: list[tuple[str, str]] | None = None, event_kinds: set[str] | None = None,
) -> Checklist:
    """The checks; `required_sections` are the template's (id, title) pairs marked required;
    `event_kinds` the kinds on the timeline when `doc.timeline` was not loaded."""
    pm = doc.postmortem
    prose = pm.prose
    kinds = {event.kind for event in doc.timeline} if event_kinds is None else event_kinds
    impact = pm.impact
    high = doc.severity in severities[:HIGH_SEVERITY_COUNT]
    items = doc.action_items
    incomplete_items = [a.label or a.title for a in items if not (a.owner and a.due and a.priority)]
    has_whys = any(f.whys for f in doc.factors)
    checks = [
        Check("summary", "Summary written", bool(prose.get("summary")), "write the summary: what broke, when, for how long, who was affected"),
        Check("impact", "Impact quantified",
              any(v is not None for v in (impact.users_affected, impact.users_share, impact.duration_minutes)) and bool(prose.get("impact")),
              "give users affected or their share, the duration, and describe the impact"),
        Check("detection", "Timeline shows detection",
              bool(kinds & {"alert", "detection"}) or doc.moments.detected is not None,
              "add the alert or the moment someone noticed"),
        Check("resolution", "Timeline shows resolution",
              bool(kinds & {"resolution", "mitigation"}) and doc.moments.resolved is not None,
              "add the resolution to the timeline and record the resolved moment"),
        Check("factors", "Contributing factors",
              (len(doc.factors) >= 2 or has_whys) if high else len(doc.factors) >= 1,
              "for SEV1/SEV2 give several contributing factors or a 5-Whys chain" if high else "add at least one contributing factor"),
        Check("resolution-text", "Resolution described", bool(prose.get("resolution")), "say how it was resolved, including what did not work"),
        Check("lessons", "Lessons recorded", bool(prose.get("went_well") and prose.get("went_wrong")),
              "write what went well and what went wrong"),
        Check("action-items", "Action items complete", bool(items) and not incomplete_items,
              "add action items" if not items else f"give owner, due date and priority to {', '.join(incomplete_items)}"),
        Check("language", "Blameless language", open_lint_findings == 0,
              f"{open_lint_findings} wording finding{'s' if open_lint_findings != 1 else ''} to fix or dismiss in the language review"),
    ]
    extra = [(sid, title) for sid, title in required_sections or [] if sid not in COVERED]
    if extra:
        written = {s.title.casefold() for s in pm.sections if s.body.strip()}
        missing = [title for sid, title in extra if not (prose.get(sid) or title.casefold() in written)]
        checks.append(Check("template", "Template's required sections written", not missing,
                            f"write {', '.join(missing)}" if missing else ""))
    return Checklist(checks)
