"""`cairn search`: the knowledge base from the terminal, and rebuilding its index."""

from __future__ import annotations

import html
import json
import re
from typing import Any

import typer

MARK = re.compile(r"<mark>(.*?)</mark>", re.S)


def _fetch(query: str, limit: int) -> dict[str, Any]:
    from cairn.cli.state import context, remote

    if (server := remote()) is not None:
        from urllib.parse import urlencode

        from cairn.cli.remote import call

        return call(server, "GET", "/api/v1/search?" + urlencode({"q": query, "limit": limit}))
    from cairn.services.search import search as run

    return run(context(), query, limit=limit).to_data()


def _plain(snippet: str) -> str:
    """The snippet's HTML for a terminal: matches in **stars**, tags gone, entities read."""
    return html.unescape(re.sub(r"<[^>]+>", "", MARK.sub(r"**\1**", snippet))).replace("\n", " ")


def search(
    query: list[str] = typer.Argument(None, help='Words, "phrases", -excluded, prefix*, and service: team: severity: kind: status: category: after: before: filters.'),
    as_json: bool = typer.Option(False, "--json", help="Print the answer as JSON (the same as GET /api/v1/search)."),
    limit: int = typer.Option(20, "--limit", "-n", min=1, max=100, help="At most this many incidents."),
    reindex: bool = typer.Option(False, "--reindex", help="Build the whole search index again from the data (local database only), with a progress bar."),
) -> None:
    """Search every incident, postmortem, factor, action item, timeline and review comment you may see."""
    if reindex:
        _reindex()
        return
    text = " ".join(query or []).strip()
    if not text:
        raise typer.BadParameter("give words to search for, e.g. cairn search \"connection pool\" service:checkout", param_hint="QUERY")
    data = _fetch(text, limit)
    if as_json:
        typer.echo(json.dumps(data, indent=2, ensure_ascii=False))
        return
    shown = len(data["hits"])
    typer.echo(f"{data['total']} incident{'s' if data['total'] != 1 else ''} match" + (f" (showing {shown})" if shown < data["total"] else ""))
    for hit in data["hits"]:
        started = (hit["started_at"] or "")[:10] or "no start"
        typer.echo(f"\n{hit['key']}  {hit['severity']}  {hit['status']}  {started}  {hit['title']}")
        if hit["where"]:
            typer.echo(f"  in: {', '.join(hit['where'])}")
        if hit["snippet"]:
            typer.echo(f"  {_plain(hit['snippet'])}")
    facets = data["facets"]
    for name in ("severity", "service", "category", "year"):
        if facets.get(name):
            typer.echo(f"\nby {name}: " + ", ".join(f"{item['value']} {item['count']}" for item in facets[name]))


def _reindex() -> None:
    from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeRemainingColumn

    from cairn.cli.state import context, remote
    from cairn.services.search import reindex_all

    if remote() is not None:
        raise typer.BadParameter("the index is rebuilt on the server's own database: run it there, without --server", param_hint="--reindex")
    with Progress(TextColumn("indexing incidents"), BarColumn(), MofNCompleteColumn(), TimeRemainingColumn(), transient=True) as bar:
        task = bar.add_task("index", total=None)
        count = reindex_all(context(), lambda done, total: bar.update(task, completed=done, total=total))
    typer.echo(f"indexed {count} incident{'s' if count != 1 else ''}")
