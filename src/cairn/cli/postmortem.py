"""`cairn postmortem ...`: write the postmortem."""

from __future__ import annotations

from typing import Optional

import typer

from cairn.domain.limits import INT_MAX

app = typer.Typer(help="Write and inspect postmortems.", no_args_is_help=True)


@app.command("edit")
def edit(key: str = typer.Argument(..., help="Incident key, e.g. INC-1.")) -> None:
    """Open the postmortem in $EDITOR as Markdown; saving applies it.

    If the edited document cannot be applied, the file is kept and its path
    printed, so nothing typed is lost: fix it and run `cairn import FILE`.
    """
    from cairn.cli.editor import edit_in_editor
    from cairn.cli.state import context
    from cairn.errors import CairnError
    from cairn.services.portable import export_incident, import_document

    ctx = context()
    before = export_incident(ctx, key, "markdown")
    after, path = edit_in_editor(before, prefix=key)
    if after == before:
        path.unlink(missing_ok=True)
        typer.echo("no changes")
        return
    try:
        result = import_document(ctx, after, source=str(path))
    except CairnError as error:
        raise CairnError(f"{error} (your edit is kept in {path})") from None
    path.unlink(missing_ok=True)
    typer.echo(f"saved {result.key}" if result.changed else "no changes")


@app.command("show")
def show(key: str = typer.Argument(..., help="Incident key, e.g. INC-1.")) -> None:
    """Print the postmortem document as Markdown."""
    from cairn.cli.state import context
    from cairn.services.portable import export_incident

    typer.echo(export_incident(context(), key, "markdown"), nl=False)


@app.command("check")
def check(key: str = typer.Argument(..., help="Incident key, e.g. INC-1.")) -> None:
    """Show the completeness checklist and score; exit 1 while items fail."""
    from cairn.cli.state import context
    from cairn.services.completeness import check_postmortem

    result = check_postmortem(context(), key)
    for item in result.checks:
        mark = "✓" if item.passed else "✗"
        typer.echo(f"{mark} {item.title}" + ("" if item.passed else f": {item.detail}"))
    typer.echo(f"completeness {result.score:.0%} ({sum(c.passed for c in result.checks)}/{len(result.checks)})")
    if not result.complete:
        raise typer.Exit(1)


@app.command("owed")
def owed(
    show_all: bool = typer.Option(False, "--all", help="Also list postmortems already published."),
    as_json: bool = typer.Option(False, "--json", help="Print JSON instead of lines."),
    today: Optional[str] = typer.Option(None, "--today", help="Judge as of this date (YYYY-MM-DD); default today."),
) -> None:
    """List the postmortems the policy says are owed: why, by whom, by when; exit 1 if any is overdue."""
    from cairn.cli.state import context
    from cairn.domain.times import parse_date
    from cairn.services.policy import owed_postmortems

    rows = owed_postmortems(context(), today=parse_date(today) if today else None, include_done=show_all)
    if as_json:
        import json

        typer.echo(json.dumps([row.to_data() for row in rows], ensure_ascii=False, indent=2))
    else:
        for row in rows:
            due = row.due.isoformat() if row.due else "-"
            typer.echo(f"{row.key}\t{row.status}\tdue {due}\towner {row.owner or '(none)'}\t{row.severity}\t{row.title}\t({'; '.join(row.reasons)})")
        if not rows:
            typer.echo("no postmortem is owed")
    if any(row.status == "overdue" for row in rows):
        raise typer.Exit(1)


def _print_review(state) -> None:  # type: ignore[no-untyped-def]
    typer.echo(f"{state.key} postmortem: {state.status}" + (f" (published revision {state.published_revision})" if state.published_revision else ""))
    for reviewer in state.reviewers:
        typer.echo(f"  reviewer {reviewer.user}: {reviewer.decision}" + (f" ({reviewer.note})" if reviewer.note else ""))
    for item in state.comments:
        typer.echo(f"  [{item.section}] {item.author or '?'}: {item.body}")
    if state.publish_override:
        typer.echo(f"  published despite open checklist items, by {state.published_by}: {state.publish_override}")


@app.command("review")
def review(
    key: str = typer.Argument(..., help="Incident key, e.g. INC-1."),
    reviewer: list[str] = typer.Option(..., "--reviewer", "-r", help="A reviewer's username (repeat for several)."),
    override: Optional[str] = typer.Option(None, "--override", help="Admins: let the author be the only reviewer, for this reason (audited)."),
) -> None:
    """Send a draft postmortem to review by the named reviewers (they become its
    "reviewer" participants). The author may not be the only reviewer."""
    from cairn.cli.state import context
    from cairn.services.review import request_review

    _print_review(request_review(context(), key, reviewer, override=override))


@app.command("approve")
def approve(
    key: str = typer.Argument(..., help="Incident key, e.g. INC-1."),
    note: Optional[str] = typer.Option(None, "--note", help="Optional remark with the approval."),
) -> None:
    """Approve as a named reviewer ($CAIRN_USER); approved once every reviewer has."""
    from cairn.cli.state import context
    from cairn.services.review import decide

    _print_review(decide(context(), key, approve=True, note=note))


@app.command("request-changes")
def request_changes(
    key: str = typer.Argument(..., help="Incident key, e.g. INC-1."),
    note: str = typer.Option(..., "--note", help="What should change, and why."),
) -> None:
    """Ask for changes as a named reviewer; the postmortem goes back to draft."""
    from cairn.cli.state import context
    from cairn.services.review import decide

    _print_review(decide(context(), key, approve=False, note=note))


@app.command("publish")
def publish(
    key: str = typer.Argument(..., help="Incident key, e.g. INC-1."),
    override: Optional[str] = typer.Option(None, "--override", help="Admin: publish although checklist items fail, for this reason (kept)."),
) -> None:
    """Publish an approved postmortem; refused while completeness checks fail."""
    from cairn.cli.state import context
    from cairn.services.review import publish as publish_postmortem

    _print_review(publish_postmortem(context(), key, override=override))


@app.command("comment")
def comment(
    key: str = typer.Argument(..., help="Incident key, e.g. INC-1."),
    section: str = typer.Argument(..., help="Section id (summary, impact, ..., section-0) or 'general'."),
    text: str = typer.Argument(..., help="The comment."),
) -> None:
    """Attach a review comment to a section."""
    from cairn.cli.state import context
    from cairn.services.review import comment as add_comment

    _print_review(add_comment(context(), key, section, text))


@app.command("review-status")
def review_status(key: str = typer.Argument(..., help="Incident key, e.g. INC-1.")) -> None:
    """Show the postmortem's status, reviewers' decisions and comments."""
    from cairn.cli.state import context
    from cairn.services.review import review_state

    _print_review(review_state(context(), key))


@app.command("revisions")
def revisions(
    key: str = typer.Argument(..., help="Incident key, e.g. INC-1."),
    show: Optional[int] = typer.Option(None, "--show", min=1, max=INT_MAX, help="Print this revision's text."),
    diff: Optional[int] = typer.Option(None, "--diff", min=1, max=INT_MAX, help="Print the changes from this revision (to the current draft, or --to)."),
    to: Optional[int] = typer.Option(None, "--to", min=1, max=INT_MAX, help="With --diff: compare with this revision instead of the draft."),
) -> None:
    """List the published revisions; print one, or the diff between two."""
    from cairn.cli.state import context
    from cairn.services.revisions import pick, revision_diff, revision_history

    history = revision_history(context(), key)
    if show is not None:
        typer.echo(pick(history, show).text, nl=False)
        return
    if diff is not None:
        lines = revision_diff(history, diff, to)
        typer.echo("\n".join(lines) if lines else "no changes")
        return
    if to is not None:
        raise typer.BadParameter("--to goes with --diff", param_hint="--to")
    if not history.revisions:
        typer.echo(f"{history.key}: not published yet ({history.status})")
    for revision in history.revisions:
        approved = f", approved by {', '.join(revision.approved_by)}" if revision.approved_by else ""
        typer.echo(f"revision {revision.number}: published {revision.published_at:%Y-%m-%d %H:%M} UTC by {revision.published_by or '?'}{approved}")
    if history.draft_differs:
        typer.echo(f"a newer draft exists ({history.status}); readers see revision {history.published.number}")


@app.command("agenda")
def agenda(key: str = typer.Argument(..., help="Incident key, e.g. INC-1.")) -> None:
    """Print the review meeting kit as Markdown: roles, ground rules, timeline, questions, action items."""
    from cairn.cli.state import context
    from cairn.domain.agenda import agenda_markdown
    from cairn.services.incidents import show_incident
    from cairn.services.insights.similar import agenda_lines, similar_incidents

    repeats, similar = agenda_lines(similar_incidents(context(), key))
    typer.echo(agenda_markdown(show_incident(context(), key), repeats=repeats, similar=similar), nl=False)


from cairn.cli import drafts as _drafts  # noqa: E402,F401  (registers draft, suggestions, accept, reject, drafts, allow-model)
