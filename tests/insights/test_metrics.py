"""Honest metrics: figures equal to ones computed here from the raw moments,
filters, gaps in the data, and the group-of-three privacy rule."""

from __future__ import annotations

import statistics
from dataclasses import replace
from datetime import date, datetime, timedelta, timezone

import pytest

from cairn.errors import InvalidFilter
from cairn.services.context import Context
from cairn.services.insights.metrics import MetricsFilter, metrics, metrics_csv
from tests.insights.factory import START, incident
from tests.web.personas import create_personas
from tests.web.test_access import acting

RESOLVE = [12, 45, 30, 200, 75, 9, 600]  # minutes: skewed, as incidents are


def expected(minutes: list[float]) -> dict[str, float]:
    """The summary, computed independently with the standard library (seconds)."""
    seconds = sorted(m * 60 for m in minutes)
    cuts = statistics.quantiles(seconds, n=100, method="inclusive")  # linear between closest ranks
    return {"count": len(seconds), "median": statistics.median(seconds), "p75": cuts[74], "p90": cuts[89], "max": max(seconds)}


def figures(d) -> dict[str, float]:  # type: ignore[no-untyped-def]
    return {"count": d.count, "median": d.median, "p75": d.p75, "p90": d.p90, "max": d.max}


@pytest.fixture
def spread(ctx: Context) -> list[str]:
    keys = []
    for index, resolve in enumerate(RESOLVE):
        keys.append(incident(
            ctx, f"Incident {index}", severity="SEV2" if index % 2 else "SEV3", services=["checkout" if index < 4 else "search"],
            teams=["payments"] if index < 3 else [], started=START + timedelta(days=40 * index),
            minutes={"detected": 2 + index, "acknowledged": 4 + 2 * index, "mitigated": resolve / 2, "resolved": resolve},
        ))
    return keys


def test_the_distributions_equal_the_figures_computed_from_the_raw_moments(ctx: Context, spread: list[str]) -> None:
    result = metrics(ctx)
    overall = result.overall.measures
    assert figures(overall["resolve"]) == pytest.approx(expected(RESOLVE))
    assert figures(overall["mitigate"]) == pytest.approx(expected([r / 2 for r in RESOLVE]))
    assert figures(overall["detect"]) == pytest.approx(expected([2 + i for i in range(7)]))
    assert figures(overall["acknowledge"]) == pytest.approx(expected([(4 + 2 * i) - (2 + i) for i in range(7)]))
    assert overall["resolve"].mean == pytest.approx(statistics.mean(RESOLVE) * 60)
    assert result.overall.incidents == 7 and overall["resolve"].missing == 0


def test_groups_by_severity_service_team_month_and_quarter(ctx: Context, spread: list[str]) -> None:
    by_severity = {g.key: g for g in metrics(ctx, by="severity").groups}
    assert list(by_severity) == ["SEV2", "SEV3"]  # the configured order
    assert figures(by_severity["SEV2"].measures["resolve"]) == pytest.approx(expected(RESOLVE[1::2]))
    by_service = {g.key: g.incidents for g in metrics(ctx, by="service").groups}
    assert by_service == {"checkout": 4, "search": 3}
    by_team = {g.key: g.incidents for g in metrics(ctx, by="team").groups}
    assert by_team == {"payments": 3, "(no team)": 4}
    months = metrics(ctx, by="month")
    assert [g.key for g in months.groups][:2] == ["2026-03", "2026-04"] and sum(g.incidents for g in months.groups) == 7
    quarters = metrics(ctx, by="quarter")
    assert quarters.period == "quarter" and [g.key for g in quarters.trend] == ["2026-Q1", "2026-Q2", "2026-Q3", "2026-Q4"]
    assert [g.incidents for g in quarters.trend] == [1, 3, 2, 1]


def test_the_trend_fills_empty_months_so_its_time_axis_is_true(ctx: Context) -> None:
    incident(ctx, "January", started=datetime(2026, 1, 5, tzinfo=timezone.utc), minutes={"resolved": 10})
    incident(ctx, "April", started=datetime(2026, 4, 5, tzinfo=timezone.utc), minutes={"resolved": 20})
    trend = metrics(ctx).trend
    assert [(g.key, g.incidents) for g in trend] == [("2026-01", 1), ("2026-02", 0), ("2026-03", 0), ("2026-04", 1)]


def test_filters_narrow_the_incidents(ctx: Context, spread: list[str]) -> None:
    def count(**typed) -> int:  # type: ignore[no-untyped-def]
        return metrics(ctx, MetricsFilter.parse(ctx, **typed)).overall.incidents

    assert count(severity="sev2") == 3
    assert count(service="search") == 3
    assert count(team="payments") == 3
    assert count(kind="near miss") == 0
    first, second = START.date(), (START + timedelta(days=40)).date()
    assert count(since=first.isoformat(), until=first.isoformat()) == 1  # both days included
    assert count(since=second.isoformat()) == 6
    assert count(until=second.isoformat()) == 2


@pytest.mark.parametrize("typed, message", [
    ({"severity": "SEV9"}, "severity"),
    ({"since": "2026-13-01"}, "date"),
    ({"since": "2026-05-01", "until": "2026-04-01"}, "before since"),
    ({"kind": "outage"}, "kind"),
])
def test_a_bad_filter_is_one_clear_error(ctx: Context, typed: dict, message: str) -> None:
    with pytest.raises(InvalidFilter, match=message) as refused:
        MetricsFilter.parse(ctx, **typed)
    assert refused.value.status_code == 400 and "\n" not in str(refused.value)


def test_grouping_by_something_unknown_is_refused(ctx: Context) -> None:
    with pytest.raises(InvalidFilter, match="cannot group by"):
        metrics(ctx, by="colour")


def test_missing_and_inconsistent_moments_are_counted_apart_and_not_used(ctx: Context) -> None:
    incident(ctx, "Fine", minutes={"detected": 5, "resolved": 60})
    incident(ctx, "Never detected", minutes={"resolved": 30})
    incident(ctx, "Resolved before it started", minutes={"detected": 5, "resolved": -10})
    overall = metrics(ctx).overall.measures
    assert (overall["resolve"].count, overall["resolve"].missing, overall["resolve"].inconsistent) == (2, 0, 1)
    assert overall["resolve"].median == pytest.approx(45 * 60)
    assert (overall["detect"].count, overall["detect"].missing) == (2, 1)
    assert (overall["acknowledge"].count, overall["acknowledge"].missing) == (0, 3)
    assert overall["acknowledge"].median is None


def test_an_exact_span_is_kept_to_the_microsecond(ctx: Context) -> None:
    incident(ctx, "Quick", minutes={"detected": 0.25, "resolved": 1.5 + 1 / 60_000_000})
    overall = metrics(ctx).overall.measures
    assert overall["detect"].median == 15.0
    assert overall["resolve"].median == pytest.approx(90.000001, abs=1e-7)


# ---- Privacy: the group-of-three rule ----

def _hidden(ctx: Context, count: int, severity: str = "SEV1", resolve: float = 500) -> list[str]:
    """Restricted incidents that only their opener (member) and admins may see."""
    member = acting(ctx, "member")
    return [
        incident(member, f"Payroll export leaked {n}", severity=severity, visibility="restricted",
                 minutes={"detected": 1, "resolved": resolve + n})
        for n in range(count)
    ]


@pytest.fixture
def visible(ctx: Context) -> list[str]:
    create_personas(ctx)
    return [incident(ctx, f"Search slow {n}", severity="SEV1", minutes={"detected": 2, "resolved": 20 + n}) for n in range(4)]


@pytest.mark.parametrize("hidden_count", [1, 2])
def test_one_or_two_hidden_incidents_are_left_out_of_the_group_entirely(ctx: Context, visible: list[str], hidden_count: int) -> None:
    secret = _hidden(ctx, hidden_count)
    outsider = metrics(acting(ctx, "outsider"), by="severity")
    assert outsider.overall.incidents == 4
    resolve = outsider.overall.measures["resolve"]
    assert figures(resolve) == pytest.approx(expected([20, 21, 22, 23]))
    assert (resolve.missing, resolve.inconsistent) == (0, 0)
    assert [(g.key, g.incidents) for g in outsider.groups] == [("SEV1", 4)]
    assert not {p.key for p in outsider.scatter} & set(secret)
    admin = metrics(acting(ctx, "admin")).overall
    assert admin.incidents == 4 + hidden_count
    member = metrics(acting(ctx, "member"))  # a participant sees them: nothing is hidden from them
    assert member.overall.incidents == 4 + hidden_count and set(secret) <= {p.key for p in member.scatter}


def test_three_hidden_incidents_enter_the_aggregates_but_never_the_points(ctx: Context, visible: list[str]) -> None:
    secret = _hidden(ctx, 3)
    outsider = metrics(acting(ctx, "outsider"))
    assert outsider.overall.incidents == 7
    assert figures(outsider.overall.measures["resolve"]) == pytest.approx(expected([20, 21, 22, 23, 500, 501, 502]))
    assert {p.key for p in outsider.scatter} == set(visible)
    assert not any(key in metrics_csv(outsider, "scatter") for key in secret)


def test_the_rule_holds_in_each_group_on_its_own(ctx: Context, visible: list[str]) -> None:
    _hidden(ctx, 3, severity="SEV1")
    _hidden(ctx, 2, severity="SEV3", resolve=900)
    outsider = metrics(acting(ctx, "outsider"), by="severity")
    assert [(g.key, g.incidents) for g in outsider.groups] == [("SEV1", 7)]  # SEV3's two are left out: no group at all
    assert outsider.overall.incidents == 9  # five hidden in all: they enter the whole
    admin = metrics(acting(ctx, "admin"), by="severity")
    assert [(g.key, g.incidents) for g in admin.groups] == [("SEV1", 7), ("SEV3", 2)]


def test_the_setting_off_leaves_restricted_incidents_out_for_everyone(ctx: Context, visible: list[str]) -> None:
    _hidden(ctx, 3)
    closed = replace(ctx, settings=ctx.settings.model_copy(update={"metrics_include_restricted": False}))
    for name in ("admin", "member", "outsider"):
        result = metrics(acting(closed, name))
        assert result.overall.incidents == 4, name
        assert result.restricted == "excluded"


def test_near_misses_among_reviews_and_postmortem_lag(ctx: Context, visible: list[str]) -> None:
    from sqlalchemy import update

    from cairn.services.editing import save_section
    from cairn.storage.models import Postmortem

    near = incident(ctx, "Almost lost the queue", kind="near miss", minutes={"detected": 1, "resolved": 30})
    save_section(ctx, near, "summary", "What happened.", base=None)
    resolved = START + timedelta(minutes=20)  # visible[0] resolved 20 minutes after the start
    with ctx.db.transaction() as session:
        session.execute(update(Postmortem).where(Postmortem.incident_id == 1).values(
            status="published", published_at=resolved + timedelta(days=2)))  # Monday 09:20 + 2 days: within 5 business days
        session.execute(update(Postmortem).where(Postmortem.incident_id == 2).values(
            status="published", published_at=resolved + timedelta(days=30)))
        session.execute(update(Postmortem).where(Postmortem.incident_id == 5).values(status="in review"))  # the near miss
    result = metrics(ctx)
    assert (result.near_misses.part, result.near_misses.whole) == (1, 3)
    lag = result.postmortem_lag
    assert lag.count == 2 and lag.median == pytest.approx((2 * 86400 + (30 * 86400 - 60)) / 2)
    assert (result.published_on_time.part, result.published_on_time.whole) == (1, 2)


def test_the_csv_of_every_chart_has_a_header_and_its_rows(ctx: Context, spread: list[str]) -> None:
    result = metrics(ctx, by="severity")
    distribution = metrics_csv(result, "distribution").splitlines()
    assert distribution[0].startswith("group,incidents,measure,count,missing,inconsistent,median_s")
    assert len(distribution) == 1 + 2 * 4
    assert metrics_csv(result, "scatter").splitlines()[0] == "incident,severity,resolve_s"
    assert len(metrics_csv(result, "scatter").splitlines()) == 8
    assert metrics_csv(result, "trend").splitlines()[0].startswith("month,incidents,measure")
    assert "near misses among reviews" in metrics_csv(result, "postmortems")
    assert metrics_csv(result, "actions").splitlines()[0] == "month_due,on_time,judged,rate"
    with pytest.raises(InvalidFilter):
        metrics_csv(result, "pie")


def test_to_data_is_json_ready(ctx: Context, spread: list[str]) -> None:
    import json

    data = json.loads(json.dumps(metrics(ctx, MetricsFilter(since=date(2026, 1, 1)), by="team").to_data()))
    assert data["unit"] == "seconds" and data["filter"]["since"] == "2026-01-01"
    assert data["overall"]["measures"]["resolve"]["count"] == 7


def test_action_items_on_schedule_per_month_reuse_the_existing_figure(ctx: Context, visible: list[str]) -> None:
    from cairn.services.actions import action_stats, add_action_item, update_action_item

    add_action_item(ctx, visible[0], "Pin the pool size", owner="member", due="2099-01-15", priority="P2")
    update_action_item(ctx, visible[0], "A1", status="done")
    result = metrics(ctx)
    expected_months = {month: (v.on_time, v.judged) for month, v in action_stats(ctx).by_month.items()}
    assert {month: (s.part, s.whole) for month, s in result.action_schedule} == expected_months == {"2099-01": (1, 1)}
    assert metrics(ctx, MetricsFilter(until=date(2098, 12, 31))).action_schedule == []
    assert "2099-01,1,1,1" in metrics_csv(result, "actions")


def test_the_page_asks_for_every_nth_point_and_the_api_for_all(ctx: Context, spread: list[str]) -> None:
    whole = metrics(ctx)
    assert (whole.scatter_total, whole.scatter_step, len(whole.scatter)) == (7, 1, 7)
    sampled = metrics(ctx, points=3)  # 7 points, at most 3: every 3rd
    assert (sampled.scatter_total, sampled.scatter_step) == (7, 3)
    assert [p.key for p in sampled.scatter] == [p.key for p in whole.scatter][::3]
    assert sampled.to_data()["scatter"]["incidents"] == 7 and sampled.to_data()["scatter"]["every"] == 3
    assert sampled.overall == whole.overall  # only the points are sampled, never the figures
