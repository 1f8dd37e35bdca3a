"""The review meeting kit: roles, ground rules, the timeline to walk through,
open questions, and the draft action items on an impact/effort matrix.

Built from the incident document and written as Markdown, so the CLI prints
it, the page renders it, and a facilitator can paste it anywhere.
"""

from __future__ import annotations

from collections.abc import Sequence

from cairn.domain.document import ActionItemDoc, IncidentDoc
from cairn.domain.executive import executive_summary
from cairn.domain.moments import durations
from cairn.domain.times import format_duration, format_local, require_zone

GROUND_RULES = (
    "We look for what allowed this to happen, not for who caused it: people did what made sense to them at the time.",
    "Everyone's account is welcome; the newest on the team often sees what the rest stopped noticing.",
    "Talk about the system, the process and the tools; avoid \"should have\" and \"just\" in hindsight.",
    "Questions are for understanding. If you knew then what you know now, it would not have been an incident.",
    "The notes are shared with everyone who may read the incident; say if something must stay out.",
)

QUESTIONS = (
    "What allowed this to happen?",
    "What made this hard to detect?",
    "What made it hard to understand what was going on?",
    "What helped, and would we want it again?",
    "Where did we get lucky, and what happens next time we are not?",
    "Which of our assumptions turned out to be wrong?",
)

# (impact, effort) quadrants of the matrix, in the order to discuss them.
QUADRANTS = (
    ("Quick wins: high impact, low effort", lambda i, e: i >= 2 and e <= 2 and not (i == 2 and e == 2)),
    ("Big bets: high impact, high effort", lambda i, e: i >= 2 and e == 3),
    ("Fill-ins: lower impact, low effort", lambda i, e: (i == 1 and e <= 2) or (i == 2 and e == 2)),
    ("Reconsider: low impact, high effort", lambda i, e: i == 1 and e == 3),
)

MEETING_ROLES = ("facilitator", "note taker", "scribe")


def _quadrant(item: ActionItemDoc) -> str:
    if item.impact is None or item.effort is None:
        return "Not rated yet: give impact and effort"
    for title, test in QUADRANTS:
        if test(item.impact, item.effort):
            return title
    return "Not rated yet: give impact and effort"


def agenda_markdown(doc: IncidentDoc, *, repeats: Sequence[str] = (), similar: Sequence[str] = ()) -> str:
    """`repeats`: sentences naming earlier fixes that may not have held; `similar`:
    one line per similar or related earlier incident (services/insights/similar.py)."""
    zone = require_zone(doc.timezone)
    lines = [f"# Postmortem review: {doc.key} {doc.title}", ""]
    lines.append(f"{doc.severity} · {doc.kind} · times in {doc.timezone}")
    glance = executive_summary(doc)
    lines += ["", "## At a glance", ""]
    lines += [f"- {label}: {text or '(not recorded yet)'}" for label, text in glance.rows()]
    lines += ["", "## Roles", ""]
    for role in MEETING_ROLES:
        people = [p.user for p in doc.participants if p.role == role]
        lines.append(f"- {role.capitalize()}: {', '.join(people) if people else '(to be named)'}")
    lines += ["", "## Ground rules", ""]
    lines += [f"- {rule}" for rule in GROUND_RULES]
    lines += ["", "## Key moments", ""]
    for moment, value in doc.moments.items():
        lines.append(f"- {moment.value.capitalize()}: {format_local(value, zone)}")
    for name, span in durations(doc.moments).items():
        if span is not None:
            lines.append(f"- {name.capitalize()}: {format_duration(span)}")
    lines += ["", "## Timeline to walk through", ""]
    if doc.timeline:
        for event in doc.timeline:
            who = f" ({event.actor})" if event.actor else ""
            lines.append(f"- {format_local(event.at, zone, seconds=True)} · {event.kind}{who}: {event.text}")
    else:
        lines.append("- No events recorded yet: rebuild the timeline together first.")
    lines += ["", "## Open questions", ""]
    lines += [f"- {question}" for question in QUESTIONS]
    if doc.factors:
        lines += ["", "## Contributing factors so far", ""]
        lines += [f"- {f.label}: {f.description} ({f.category}; {f.role})" for f in doc.factors]
    if repeats or similar:
        lines += ["", "## Seen before", ""]
        lines += [f"- Repeat: {sentence}. Did that fix work, and what let this happen again?" for sentence in repeats]
        lines += [f"- {line}" for line in similar]
    lines += ["", "## Draft action items to prioritise", ""]
    items = [item for item in doc.action_items if item.status in ("open", "in progress")]
    if not items:
        lines.append("- None yet: propose them in the meeting, each with an owner, a due date, impact and effort.")
    groups: dict[str, list[ActionItemDoc]] = {}
    for item in items:
        groups.setdefault(_quadrant(item), []).append(item)
    order = [title for title, _test in QUADRANTS] + ["Not rated yet: give impact and effort"]
    for title in order:
        if title in groups:
            lines += [f"### {title}", ""]
            for item in groups[title]:
                owner = item.owner or "no owner"
                due = item.due.isoformat() if item.due else "no due date"
                lines.append(f"- {item.label} {item.title} ({item.priority}; {owner}; {due})")
            lines.append("")
    return "\n".join(lines).rstrip() + "\n"
