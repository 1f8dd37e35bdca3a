"""`cairn demo`: load the demo data set."""

from __future__ import annotations

from typing import Optional

import typer


def demo(
    today: Optional[str] = typer.Option(None, "--today", help="Anchor date (YYYY-MM-DD); same date, same data."),
    seed: int = typer.Option(7, "--seed", help="Random seed of the generator."),
    if_empty: bool = typer.Option(False, "--if-empty", help="Do nothing (and succeed) when incidents exist."),
) -> None:
    """Load a realistic, deterministic demo data set into an empty database."""
    from datetime import date

    from cairn.cli.state import context
    from cairn.domain.times import parse_date
    from cairn.services.demo import load_demo

    anchor = parse_date(today) if today else date.today()
    count = load_demo(context(), anchor=anchor, seed=seed, if_empty=if_empty)
    typer.echo(f"loaded {count} demo incidents" if count else "the database already has incidents; demo not loaded")
