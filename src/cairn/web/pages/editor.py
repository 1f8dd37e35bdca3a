"""The postmortem editor: sections in Markdown with preview, impact, contributing
factors with 5-Whys chains, and action items.

Every form works without JavaScript (Preview is a submit button); with it the
preview follows the typing. A save that would overwrite someone else's newer
text of the same section shows both versions instead.
"""

from __future__ import annotations

from typing import Annotated, Any

from urllib.parse import quote

from fastapi import APIRouter, Form, Path, Query, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from fastapi.templating import Jinja2Templates

from cairn.domain.document import ImpactDoc
from cairn.domain.enums import ActionKind, ActionStatus, FactorRole
from cairn.errors import CairnError
from cairn.services.completeness import checklist_for
from cairn.services.access import require_write
from cairn.services.actions import add_action_item, update_action_item
from cairn.services.context import Context
from cairn.services.editing import (
    MAX_WHYS,
    EditConflict,
    add_factor,
    factor_text,
    fingerprint,
    remove_factor,
    save_impact,
    save_section,
    section_names,
    update_factor,
)
from cairn.services.drafts import accept_suggestion, draft_postmortem, reject_suggestion, suggestions_by_section
from cairn.services.incidents import show_incident
from cairn.services.people import list_users
from cairn.services.portable import redactions
from cairn.services.lint import count_open_findings
from cairn.services.review import review_state
from cairn.services.templates import template_set
from cairn.services.trackers import configured_trackers, open_ticket
from markupsafe import Markup

from cairn.web.pages.similar import similar_html
from cairn.web.auth import PageContextDep
from cairn.web.deps import TemplatesDep
from cairn.web.errors import for_the_web
from cairn.web.citations import CitationTitles
from cairn.web.markdown import render_markdown

router = APIRouter(default_response_class=HTMLResponse, include_in_schema=False)

WHY_ROWS = 5
SECTION_HELP = {
    "summary": "What broke, when, for how long, and who was affected: two or three sentences for someone in a hurry.",
    "impact": "Who noticed what, in numbers where you have them (fill the figures below as well).",
    "resolution": "What brought the service back, step by step.",
    "did_not_work": "What was tried and did not help: it saves the next responder time.",
    "went_well": "Practices and tools worth keeping.",
    "went_wrong": "Where the system, the process or the tooling made the work hard.",
    "got_lucky": "What helped by chance and would not next time.",
    "surprises": "What nobody expected; surprises mark gaps in the shared picture.",
}


def render_editor(
    request: Request, ctx: Context, templates: Jinja2Templates, key: str, *,
    error: str | None = None, notice: str | None = None, status: int = 200,
    drafts: dict[str, str] | None = None, previews: dict[str, Any] | None = None,
    conflict: dict[str, Any] | None = None, focus: str | None = None, saved: str | None = None,
    values: dict[str, Any] | None = None, drafted: Any = None, editing_suggestion: int | None = None,
) -> HTMLResponse:
    """The editor page; after a refused form, `values` holds what was typed in it
    (under the form's name) and `focus` names the part where the error shows."""
    doc = show_incident(ctx, key)
    error = for_the_web(error) if error else None
    drafts = drafts or {}
    template = template_set(ctx.settings).choose(doc.severity, doc.teams)

    def guidance(name: str) -> tuple[str, tuple[str, ...], bool]:
        spec = template.section(name)
        if spec is None:
            return SECTION_HELP.get(name, ""), (), False
        return spec.help or SECTION_HELP.get(name, ""), spec.prompts, spec.required

    waiting = suggestions_by_section(ctx, doc)
    incident_path = str(request.url_for("incident_page", key=doc.key).path)
    cites = CitationTitles(doc, incident_path)
    if editing_suggestion is not None:
        for name, rows in waiting.items():
            for row in rows:
                if row.id == editing_suggestion:
                    drafts = {**drafts, name: row.text}
    sections = []
    for name, title, text in section_names(doc):
        help_text, prompts, required = guidance(name)
        sections.append({
            "name": name, "title": title, "text": drafts.get(name, text), "base": fingerprint(text),
            "help": help_text, "prompts": prompts, "required": required, "preview": (previews or {}).get(name),
            "pending": name in drafts and drafts[name] != text,
            "suggestions": [(row, cites.link(render_markdown(row.text))) for row in waiting.get(name, [])],
            "editing_suggestion": next((row.id for row in waiting.get(name, []) if row.id == editing_suggestion), None),
            "html": cites.link(render_markdown(drafts.get(name, text))) if drafts.get(name, text).strip() else None,
        })
    if conflict is not None:
        for section in sections:
            if section["name"] == conflict["part"]:
                section["base"] = conflict["base"]  # saving again, after merging, is deliberate
    context = {
        "doc": doc,
        "sections": sections,
        "factors": [(f, fingerprint(factor_text(f)), f.whys + [None] * max(0, WHY_ROWS - len(f.whys))) for f in doc.factors],
        "why_rows": WHY_ROWS,
        "max_whys": MAX_WHYS,
        "categories": ctx.settings.factor_categories,
        "factor_roles": [role.value for role in FactorRole],
        "action_kinds": [kind.value for kind in ActionKind],
        "action_statuses": [value.value for value in ActionStatus],
        "users": [user.username for user in list_users(ctx)],
        "error": error,
        "notice": notice,
        "conflict": conflict,
        "focus": focus,
        "saved": saved,
        "values": values or {},
        "trackers": configured_trackers(ctx.settings),
        "template": template,
        "review": review_state(ctx, key),
        "checklist": checklist_for(ctx, doc, count_open_findings(ctx, key)),
        "redactions": redactions(ctx, key),
        "me_name": ctx.principal.username if ctx.principal else None,
        "is_admin": ctx.principal is None or ctx.principal.is_admin,
        "drafted": drafted,
        "model_configured": bool(ctx.settings.llm_url),
        "similar": Markup(similar_html(request, ctx, templates, key, csrf=request.state.cairn_session.csrf_token, back="editor")),
    }
    return templates.TemplateResponse(request, "editor.html", context, status_code=status)


def back(request: Request, key: str, anchor: str) -> RedirectResponse:
    return RedirectResponse(request.url_for("postmortem_editor", key=key).path + anchor, status_code=303)


@router.get("/incidents/{key}/postmortem", name="postmortem_editor")
def editor(
    request: Request, key: str, ctx: PageContextDep, templates: TemplatesDep,
    saved: Annotated[str | None, Query(max_length=100, description="the section just saved, to say so beside it")] = None,
    use: Annotated[int | None, Query(ge=1, le=2**31 - 1, description="a draft suggestion to load into its section's editor")] = None,
) -> Response:
    show_incident(ctx, key)  # an incident one may not see is 404 before a viewer hears 403
    require_write(ctx)
    return render_editor(request, ctx, templates, key, saved=saved, editing_suggestion=use)


@router.post("/incidents/{key}/postmortem/sections/{name}", name="section_save")
def section_save(
    request: Request, key: str, name: str, ctx: PageContextDep, templates: TemplatesDep,
    text: Annotated[str, Form(max_length=200_000)] = "",
    base: Annotated[str, Form(max_length=64)] = "",
    preview: Annotated[str, Form(max_length=10)] = "",
    suggestion: Annotated[str, Form(max_length=12, pattern=r"^\d{0,10}$")] = "",
) -> Response:
    if preview:
        return render_editor(request, ctx, templates, key, drafts={name: text}, previews={name: render_markdown(text)}, focus=name)
    try:
        if suggestion:  # the author's edit of a drafted suggestion: saved and the suggestion settled at once
            accept_suggestion(ctx, key, int(suggestion), edited_text=text, base=base or None)
        else:
            save_section(ctx, key, name, text, base=base or None)
    except EditConflict as conflict:
        return render_editor(
            request, ctx, templates, key, error=conflict.message, status=409, drafts={name: text},
            conflict={**conflict.data, "theirs_html": render_markdown(conflict.data["theirs"])}, focus=name,
        )
    except CairnError as error:
        return render_editor(request, ctx, templates, key, error=error.message, status=error.status_code, drafts={name: text}, focus=name)
    return RedirectResponse(
        request.url_for("postmortem_editor", key=key).path + f"?saved={quote(name)}#section-{quote(name)}", status_code=303
    )


def _optional_int(value: str, what: str) -> int | None:
    from cairn.errors import InvalidInput

    value = value.strip().replace(",", "")
    if not value:
        return None
    try:
        return int(value)
    except ValueError:
        raise InvalidInput(f"{what}: '{value}' is not a whole number") from None


def _optional_float(value: str, what: str) -> float | None:
    from cairn.errors import InvalidInput

    value = value.strip().rstrip("%").strip()
    if not value:
        return None
    try:
        return float(value)
    except ValueError:
        raise InvalidInput(f"{what}: '{value}' is not a number") from None


@router.post("/incidents/{key}/postmortem/impact", name="impact_save")
def impact_save(
    request: Request, key: str, ctx: PageContextDep, templates: TemplatesDep,
    users_affected: Annotated[str, Form(max_length=30)] = "",
    users_share: Annotated[str, Form(max_length=30)] = "",
    duration_minutes: Annotated[str, Form(max_length=30)] = "",
    data_loss: Annotated[str, Form(max_length=5000)] = "",
    cost: Annotated[str, Form(max_length=5000)] = "",
    slo_budget: Annotated[str, Form(max_length=5000)] = "",
    risk_likelihood: Annotated[str, Form(max_length=5)] = "",
    risk_severity: Annotated[str, Form(max_length=5)] = "",
) -> Response:
    try:
        impact = ImpactDoc(
            _optional_int(users_affected, "users affected"), _optional_float(users_share, "share of users"),
            _optional_int(duration_minutes, "impact duration"), data_loss.strip() or None, cost.strip() or None,
            slo_budget.strip() or None,
        )
        save_impact(
            ctx, key, impact, risk_likelihood=_optional_int(risk_likelihood, "likelihood"),
            risk_severity=_optional_int(risk_severity, "severity"),
        )
    except CairnError as error:
        return render_editor(request, ctx, templates, key, error=f"Impact not saved: {error.message}", status=error.status_code, focus="impact")
    return back(request, key, "#impact")


async def _whys(request: Request) -> list[tuple[str, str]]:
    form = await request.form()
    questions = [str(v) for v in form.getlist("why")]
    answers = [str(v) for v in form.getlist("because")]
    answers += [""] * (len(questions) - len(answers))
    return list(zip(questions, answers, strict=False))


def _services(text: str) -> list[str]:
    return [part.strip() for part in text.split(",") if part.strip()]


@router.post("/incidents/{key}/postmortem/factors", name="factor_add")
async def factor_add(
    request: Request, key: str, ctx: PageContextDep, templates: TemplatesDep,
    description: Annotated[str, Form(max_length=20_000)],
    category: Annotated[str, Form(max_length=100)],
    role: Annotated[str, Form(max_length=30)],
    services: Annotated[str, Form(max_length=2000)] = "",
) -> Response:
    whys = await _whys(request)
    try:
        add_factor(ctx, key, description=description, category=category, role=role, services=_services(services), whys=whys)
    except CairnError as error:
        rows = [{"question": q, "answer": a} for q, a in whys if q.strip() or a.strip()]
        typed = {"description": description, "category": category, "role": role, "services": services,
                 "whys": rows + [None] * max(0, WHY_ROWS - len(rows))}
        return render_editor(
            request, ctx, templates, key, error=f"Factor not added: {error.message}", status=error.status_code,
            focus="factors", values={"factor": typed},
        )
    return back(request, key, "#factors")


@router.post("/incidents/{key}/postmortem/factors/{label}", name="factor_update")
async def factor_update(
    request: Request, key: str, label: str, ctx: PageContextDep, templates: TemplatesDep,
    description: Annotated[str, Form(max_length=20_000)],
    category: Annotated[str, Form(max_length=100)],
    role: Annotated[str, Form(max_length=30)],
    services: Annotated[str, Form(max_length=2000)] = "",
    base: Annotated[str, Form(max_length=64)] = "",
) -> Response:
    try:
        update_factor(
            ctx, key, label, description=description, category=category, role=role, services=_services(services),
            whys=await _whys(request), base=base or None,
        )
    except EditConflict as conflict:
        return render_editor(
            request, ctx, templates, key, error=conflict.message, status=409,
            conflict={**conflict.data, "theirs_html": None}, focus="factors",
        )
    except CairnError as error:
        return render_editor(request, ctx, templates, key, error=f"{label} not saved: {error.message}", status=error.status_code, focus="factors")
    return back(request, key, f"#factor-{label.upper()}")


@router.post("/incidents/{key}/postmortem/factors/{label}/delete", name="factor_remove")
def factor_remove(request: Request, key: str, label: str, ctx: PageContextDep, templates: TemplatesDep) -> Response:
    try:
        remove_factor(ctx, key, label)
    except CairnError as error:
        return render_editor(request, ctx, templates, key, error=error.message, status=error.status_code, focus="factors")
    return back(request, key, "#factors")


@router.post("/incidents/{key}/postmortem/action-items", name="action_add")
def action_add(
    request: Request, key: str, ctx: PageContextDep, templates: TemplatesDep,
    title: Annotated[str, Form(max_length=500)],
    owner: Annotated[str, Form(max_length=100)],
    due: Annotated[str, Form(max_length=30)],
    priority: Annotated[str, Form(max_length=5)] = "",
    kind: Annotated[str, Form(max_length=20)] = "prevent",
    impact: Annotated[str, Form(max_length=2)] = "",
    effort: Annotated[str, Form(max_length=2)] = "",
    factors: Annotated[list[str] | None, Form(max_length=100)] = None,
) -> Response:
    try:
        add_action_item(
            ctx, key, title, owner=owner, due=due, kind=kind, priority=priority or None,
            impact=_optional_int(impact, "impact"), effort=_optional_int(effort, "effort"), factors=factors or [],
        )
    except CairnError as error:
        typed = {"title": title, "owner": owner, "due": due, "priority": priority, "kind": kind, "impact": impact,
                 "effort": effort, "factors": factors or []}
        return render_editor(
            request, ctx, templates, key, error=f"Action item not added: {error.message}", status=error.status_code,
            focus="action-items", values={"action": typed},
        )
    return back(request, key, "#action-items")


@router.post("/incidents/{key}/postmortem/action-items/{label}", name="action_update")
def action_update(
    request: Request, key: str, label: str, ctx: PageContextDep, templates: TemplatesDep,
    title: Annotated[str, Form(max_length=500)] = "",
    kind: Annotated[str, Form(max_length=20)] = "",
    status: Annotated[str, Form(max_length=20)] = "",
    owner: Annotated[str, Form(max_length=100)] = "",
    due: Annotated[str, Form(max_length=30)] = "",
    priority: Annotated[str, Form(max_length=5)] = "",
    note: Annotated[str, Form(max_length=5000)] = "",
    factors: Annotated[list[str] | None, Form(max_length=100)] = None,
    factors_shown: Annotated[str, Form(max_length=5)] = "",
) -> Response:
    """Save one row of the action items table: only what differs from the item is
    sent to the service, so an unchanged row saves nothing. The factor boxes
    come with `factors_shown`, so unticking every box unlinks them all."""
    doc = show_incident(ctx, key)
    item = next((a for a in doc.action_items if a.label == label.strip().upper()), None)

    def changed(value: str, current: object) -> str | None:
        return value if value.strip() and value != (current or "") else None

    linked = sorted({f.strip().upper() for f in factors or [] if f.strip()})
    changes: dict[str, Any] = {
        "title": changed(title, item.title if item else None),
        "kind": changed(kind, item.kind if item else None),
        "status": changed(status, item.status if item else None),
        "owner": changed(owner, item.owner if item else None),
        "due": changed(due, item.due.isoformat() if item and item.due else None),
        "priority": changed(priority, item.priority if item else None),
        "note": changed(note, item.note if item else None),
        "factors": linked if factors_shown and (item is None or linked != sorted(item.factors)) else None,
    }
    if item is not None and not any(value is not None for value in changes.values()):
        return back(request, key, f"#action-{item.label}")
    try:
        update_action_item(ctx, key, label, **changes)
    except CairnError as error:
        return render_editor(
            request, ctx, templates, key, error=f"{label.upper()} not saved: {error.message}", status=error.status_code,
            focus="action-items",
        )
    return back(request, key, f"#action-{label.strip().upper()}")


@router.post("/incidents/{key}/postmortem/action-items/{label}/ticket", name="action_ticket")
def action_ticket(
    request: Request, key: str, label: str, ctx: PageContextDep, templates: TemplatesDep,
    tracker: Annotated[str, Form(max_length=20)],
) -> Response:
    """Open the item's Jira or GitHub issue (what `cairn actions ticket` does) and keep its link."""
    try:
        open_ticket(ctx, key, label, tracker)
    except CairnError as error:
        return render_editor(
            request, ctx, templates, key, error=f"No ticket opened for {label.upper()}: {error.message}",
            status=error.status_code, focus="action-items",
        )
    return back(request, key, f"#action-{label.strip().upper()}")


@router.post("/incidents/{key}/postmortem/draft", name="postmortem_draft")
def draft_from_record(
    request: Request, key: str, ctx: PageContextDep, templates: TemplatesDep,
    model: Annotated[str, Form(max_length=10)] = "",
    redact: Annotated[str, Form(max_length=10)] = "",
) -> Response:
    """Fill the empty sections from the record; suggest beside the written ones."""
    try:
        result = draft_postmortem(ctx, key, use_model=bool(model), redact=bool(redact))
    except CairnError as error:
        return render_editor(request, ctx, templates, key, error=error.message, status=error.status_code, focus="drafting")
    totals = result.summary
    notice = (
        f"Drafted {'by the model' if result.source == 'model' else 'from the record'}: {totals['filled']} empty "
        f"section{'' if totals['filled'] == 1 else 's'} filled, {totals['suggested']} suggestion{'' if totals['suggested'] == 1 else 's'} "
        f"beside written text; {totals['kept']} sentences verified against the record, {totals['dropped']} dropped."
    )
    return render_editor(request, ctx, templates, key, notice=notice, drafted=result)


@router.post("/incidents/{key}/postmortem/suggestions/{number}", name="suggestion_decide")
def suggestion_decide(
    request: Request, key: str, number: Annotated[int, Path(ge=1, le=2**31 - 1)], ctx: PageContextDep, templates: TemplatesDep,
    decision: Annotated[str, Form(pattern="^(accept|reject)$")],
) -> Response:
    try:
        if decision == "accept":
            row = accept_suggestion(ctx, key, number)
        else:
            row = reject_suggestion(ctx, key, number)
    except EditConflict as conflict:
        return render_editor(
            request, ctx, templates, key, error=conflict.message, status=409,
            conflict={**conflict.data, "theirs_html": render_markdown(conflict.data["theirs"])}, focus=conflict.data["part"],
        )
    except CairnError as error:
        return render_editor(request, ctx, templates, key, error=error.message, status=error.status_code)
    return render_editor(request, ctx, templates, key, notice=f"{row.title}: the drafted text was {'accepted' if decision == 'accept' else 'set aside'}.")
