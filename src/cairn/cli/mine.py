"""`cairn mine`: what waits on me — the terminal's My work page.

Local mode reads the database as the CAIRN_USER account; remote mode
(`--server`/CAIRN_SERVER) asks the team's Cairn for the token's user. Both
give the same JSON answer, read here once.
"""

from __future__ import annotations

import json
from typing import Any

import typer


def _fetch() -> dict[str, Any]:
    from cairn.cli.state import context, remote

    if (server := remote()) is not None:
        from cairn.cli.remote import call

        return call(server, "GET", "/api/v1/mine")
    from cairn.services.mywork import my_work

    return my_work(context()).to_data()


def mine(as_json: bool = typer.Option(False, "--json", help="Print the answer as JSON (the same as GET /api/v1/mine).")) -> None:
    """Reviews waiting for me, postmortems I owe with due dates, my open action items, open incidents I am in."""
    data = _fetch()
    if as_json:
        typer.echo(json.dumps(data, indent=2))
        return
    typer.echo(f"My work ({data['user']})")
    sections = (
        ("Reviews waiting for me", data["reviews"], lambda r: f"{r['key']}  {r['severity']}  {r['title']}"),
        ("Postmortems I owe", data["postmortems_owed"],
         lambda o: f"{o['key']}  {o['title']}  due {o['due'] or 'after resolution'}  [{o['state']}]"),
        ("My open action items", data["action_items"],
         lambda a: f"{a['incident']} {a['id']}  {a['title']}  due {a['due'] or '-'}  {a['priority']}"
                   + ("  [overdue]" if a["overdue"] else "")),
        ("Open incidents I am in", data["incidents"],
         lambda i: f"{i['key']}  {i['severity']}  {i['status']}  {i['title']}  ({', '.join(i['roles'])})"),
    )
    for title, rows, line in sections:
        typer.echo(f"\n{title} ({len(rows)})")
        for row in rows:
            typer.echo(f"  {line(row)}")
        if not rows:
            typer.echo("  none")
