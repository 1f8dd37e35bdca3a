"""The reviewed text of a postmortem: what an approval is for and what a
revision keeps.

It is the document a reviewer reads (prose, custom sections, impact and risk,
contributing factors with their 5 Whys, action items by title, kind, owner,
due date and priority) written as Markdown. Follow-up that the review does
not judge is left out on purpose: an action item's status and closing time,
the timeline, incident labels. So closing an action item after publication
does not send the postmortem back to review, while rewording the summary does.
"""

from __future__ import annotations

import difflib
import hashlib

from cairn.domain.document import PROSE_SECTIONS, IncidentDoc


def revision_text(doc: IncidentDoc) -> str:
    pm = doc.postmortem
    out: list[str] = []
    for name, title in PROSE_SECTIONS:
        out += [f"## {title}", "", pm.prose.get(name, "").strip(), ""]
    for section in pm.sections:
        out += [f"## {section.title}", "", section.body.strip(), ""]
    impact = pm.impact
    figures = [
        ("users affected", impact.users_affected), ("share of users (%)", impact.users_share),
        ("duration (minutes)", impact.duration_minutes), ("data loss", impact.data_loss),
        ("cost", impact.cost), ("SLO budget", impact.slo_budget),
        ("risk likelihood", pm.risk_likelihood), ("risk severity", pm.risk_severity),
    ]
    out += ["## Impact figures", ""] + [f"- {label}: {value}" for label, value in figures if value is not None] + [""]
    out += ["## Contributing factors", ""]
    for factor in doc.factors:
        services = f"; {', '.join(factor.services)}" if factor.services else ""
        out.append(f"- {factor.label}: {factor.description.strip()} [{factor.category}; {factor.role}{services}]")
        out += [f"  - why: {why.question.strip()} / because: {why.answer.strip()}" for why in factor.whys]
    out += ["", "## Action items", ""]
    for item in doc.action_items:
        links = f"; for {', '.join(item.factors)}" if item.factors else ""
        out.append(f"- {item.label}: {item.title} [{item.kind}; {item.priority}; owner {item.owner or 'nobody'}; due {item.due or 'none'}{links}]")
    return "\n".join(out).rstrip() + "\n"


def section_of(text: str, title: str) -> str:
    """One section's body out of a revision text (for a card showing its summary)."""
    lines = text.splitlines()
    heading = f"## {title}"
    if heading not in lines:
        return ""
    body = []
    for line in lines[lines.index(heading) + 1:]:
        if line.startswith("## "):
            break
        body.append(line)
    return "\n".join(body).strip()


def digest(text: str) -> str:
    """Two texts with the same digest read the same to a reviewer."""
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def diff_lines(old: str, new: str, old_name: str, new_name: str) -> list[str]:
    """A unified diff, line by line, with three lines of context."""
    return [line.rstrip("\n") for line in difflib.unified_diff(old.splitlines(), new.splitlines(), old_name, new_name, lineterm="")]
