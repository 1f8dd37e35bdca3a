"""`cairn metrics`: Rich tables, --json (the API's answer) and --csv (the rows behind a chart)."""

from __future__ import annotations

import csv
import io
import json

from cairn.services.context import Context
from tests.insights.factory import incident


def _data(ctx: Context) -> None:
    for n, (severity, resolve) in enumerate((("SEV1", 30), ("SEV2", 90), ("SEV2", 150), ("SEV3", None))):
        incident(ctx, f"Queue backlog {n}", severity=severity, services=["queue"], minutes={"detected": 4, "resolved": resolve})


def test_the_tables_show_every_measure_and_the_groups(cli, ctx: Context) -> None:  # type: ignore[no-untyped-def]
    _data(ctx)
    result = cli("metrics", "--by", "severity")
    assert result.exit_code == 0, result.output
    assert "Durations of 4 incidents" in result.output
    for word in ("detect", "acknowledge", "mitigate", "resolve", "median", "90th", "missing", "SEV1", "SEV2", "1h 30m"):
        assert word in result.output, word
    assert "near misses among reviews" in result.output


def test_json_is_the_figures_in_seconds(cli, ctx: Context) -> None:  # type: ignore[no-untyped-def]
    _data(ctx)
    result = cli("metrics", "--json", "--by", "severity", "--since", "2026-01-01", "--service", "queue")
    assert result.exit_code == 0, result.output
    data = json.loads(result.output)
    resolve = data["overall"]["measures"]["resolve"]
    assert (resolve["count"], resolve["missing"], resolve["median"], resolve["max"]) == (3, 1, 5400.0, 9000.0)
    assert [g["key"] for g in data["groups"]] == ["SEV1", "SEV2", "SEV3"]


def test_csv_prints_the_rows_behind_a_chart(cli, ctx: Context) -> None:  # type: ignore[no-untyped-def]
    _data(ctx)
    rows = list(csv.DictReader(io.StringIO(cli("metrics", "--csv", "--chart", "scatter").output)))
    assert sorted(float(row["resolve_s"]) for row in rows) == [1800.0, 5400.0, 9000.0]
    distribution = cli("metrics", "--csv", "--by", "severity").output.splitlines()
    assert distribution[0].startswith("group,incidents,measure") and len(distribution) == 1 + 3 * 4


def test_bad_options_are_one_line_and_exit_2(cli, ctx: Context) -> None:  # type: ignore[no-untyped-def]
    for args in (("--by", "colour"), ("--severity", "SEV9"), ("--since", "2026-02-30"), ("--csv", "--chart", "pie"), ("--json", "--csv")):
        result = cli("metrics", *args)
        assert result.exit_code == 2, args
        assert "Traceback" not in result.output
