"""`cairn similar`: earlier incidents like this one, confirmed relations and repeats."""

from __future__ import annotations

import json
from typing import Any, Optional

import typer


def _fetch(key: str, limit: int, decide: tuple[str, str] | None) -> dict[str, Any]:
    from cairn.cli.state import context, remote

    if (server := remote()) is not None:
        from urllib.parse import quote

        from cairn.cli.remote import call

        path = f"/api/v1/incidents/{quote(key.strip(), safe='')}"
        if decide:
            return call(server, "POST", path + "/relations", {"other": decide[0], "state": decide[1]})
        return call(server, "GET", path + f"/similar?limit={limit}")
    from cairn.services.insights.similar import decide_relation, similar_incidents

    if decide:
        return decide_relation(context(), key, decide[0], decide[1]).to_data()
    return similar_incidents(context(), key, limit=limit).to_data()


def similar(
    key: str = typer.Argument(..., help="The incident, e.g. INC-42."),
    as_json: bool = typer.Option(False, "--json", help="Print the answer as JSON (the same as GET /api/v1/incidents/KEY/similar)."),
    limit: int = typer.Option(10, "--limit", "-n", min=1, max=50, help="At most this many suggestions."),
    relate: Optional[str] = typer.Option(None, "--relate", metavar="OTHER", help="Confirm OTHER as related (shown on both incidents)."),
    dismiss: Optional[str] = typer.Option(None, "--dismiss", metavar="OTHER", help="Dismiss the suggestion OTHER: it is not suggested again."),
    forget: Optional[str] = typer.Option(None, "--forget", metavar="OTHER", help="Take back a confirmation or dismissal of OTHER."),
) -> None:
    """Earlier incidents most like KEY, with the reasons; incidents confirmed as related; and
    repeats (an earlier fix for the same kind of factor on the same service that may not have held)."""
    chosen = [(other, state) for other, state in ((relate, "related"), (dismiss, "dismissed"), (forget, "none")) if other]
    if len(chosen) > 1:
        raise typer.BadParameter("give one of --relate, --dismiss and --forget", param_hint="--relate")
    data = _fetch(key, limit, chosen[0] if chosen else None)
    if as_json:
        typer.echo(json.dumps(data, indent=2, ensure_ascii=False))
        return
    if chosen:
        other, state = chosen[0]
        typer.echo({"related": f"{data['key']} and {other.upper()} are related", "dismissed": f"{other.upper()} is no longer suggested for {data['key']}",
                    "none": f"forgot the judgement on {data['key']} and {other.upper()}"}[state])
    for repeat in data["repeats"]:
        typer.echo(f"repeat: {repeat['message']} ({repeat['category']} on {', '.join(repeat['services'])}: {repeat['item_title']})")
    if data["related"]:
        typer.echo("related: " + ", ".join(f"{r['key']} {r['title']}" for r in data["related"]))
    if not data["similar"]:
        typer.echo(f"no earlier incident is like {data['key']}")
        return
    typer.echo(f"earlier incidents like {data['key']}:")
    for hit in data["similar"]:
        started = (hit["started_at"] or "")[:10] or "no start"
        typer.echo(f"\n{hit['key']}  {hit['severity']}  {started}  {hit['title']}  (likeness {hit['score']:.2f})")
        for reason in hit["reasons"]:
            typer.echo(f"  - {reason}")
