"""The review meeting kit."""

from __future__ import annotations

from cairn.domain.agenda import GROUND_RULES, agenda_markdown
from cairn.services.incidents import show_incident
from cairn.services.portable import import_document
from tests.web.personas import signed_in_client
from tests.web.webdata import CHECKOUT_OUTAGE

ITEMS = """action_items:
- {title: Canary config pushes, owner: amara, due: 2099-01-01, impact: 3, effort: 1, kind: prevent, status: open}
- {title: Rewrite the pool manager, owner: jonas, due: 2099-02-01, impact: 3, effort: 3, kind: prevent, status: open}
- {title: Rename a dashboard, owner: li, due: 2099-03-01, impact: 1, effort: 1, kind: process, status: open}
- {title: Unrated idea, owner: li, due: 2099-03-01, priority: P3, kind: learn, status: open}
- {title: Already done, owner: li, due: 2099-03-01, impact: 3, effort: 1, kind: learn, status: done, closed_at: 2026-03-05T10:00:00Z}
"""


def test_the_meeting_kit_has_roles_rules_timeline_questions_and_an_impact_effort_matrix(ctx) -> None:
    text = CHECKOUT_OUTAGE.replace("participants:\n", "participants:\n- {user: li, role: scribe}\n")
    start = text.index("action_items:")
    end = text.index("timeline:") if "timeline:" in text[start:] else None
    text = text[:start] + ITEMS + (text[end:] if end else text[text.index("---", start):])
    key = import_document(ctx, text).key
    agenda = agenda_markdown(show_incident(ctx, key))
    assert agenda.startswith(f"# Postmortem review: {key} Checkout payments failed")
    assert "- Scribe: li" in agenda and "- Facilitator: (to be named)" in agenda
    assert all(rule in agenda for rule in GROUND_RULES)
    assert "- What made this hard to detect?" in agenda and "- What allowed this to happen?" in agenda
    assert "payments-api config v142 rolled out" in agenda
    quick = agenda.index("### Quick wins")
    assert quick < agenda.index("Canary config pushes") < agenda.index("### Big bets") < agenda.index("Rewrite the pool manager")
    assert agenda.index("### Fill-ins") < agenda.index("Rename a dashboard") < agenda.index("### Not rated yet") < agenda.index("Unrated idea")
    assert "Already done" not in agenda


def test_the_agenda_command_and_page_show_the_same_kit(cli, ctx, settings) -> None:
    key = import_document(ctx, CHECKOUT_OUTAGE).key
    printed = cli("postmortem", "agenda", key)
    assert printed.exit_code == 0 and printed.output == agenda_markdown(show_incident(ctx, key))
    page = signed_in_client(settings, ctx, "reader").get(f"/incidents/{key}/agenda")
    assert page.status_code == 200 and "<h2>Ground rules</h2>" in page.text and "<h2>Open questions</h2>" in page.text
