"""The columnar figures (numpy) are exactly those of the plain-Python rules they
replace on the metrics page: distributions.summarise under the group-of-three
rule, hidden_admitted, a date in a zone, and policy.add_business_days."""

from __future__ import annotations

from datetime import date, datetime, timedelta, timezone

import numpy as np
from hypothesis import given, settings
from hypothesis import strategies as st

from cairn.analysis.insights.columnar import codes_of, due_days, group_sizes, grouped_distributions, local_days, span_column
from cairn.analysis.insights.distributions import hidden_admitted, pooled, summarise
from cairn.domain.policy import add_business_days
from cairn.domain.times import require_zone

SPAN = st.one_of(st.none(), st.integers(min_value=-3_600_000_000, max_value=40 * 86_400_000_000))
ROW = st.tuples(st.integers(min_value=0, max_value=4), st.booleans(), SPAN)


@settings(max_examples=300, deadline=None)
@given(st.lists(ROW, max_size=60))
def test_grouped_distributions_equal_summarise_of_the_pooled_spans(rows) -> None:  # type: ignore[no-untyped-def]
    keys = [key for key, _seen, _span in rows]
    codes, names = codes_of(keys)
    seen = np.array([is_seen for _key, is_seen, _span in rows], dtype=bool)
    found = grouped_distributions(span_column([span for *_rest, span in rows]), codes, seen, len(names))
    sizes = group_sizes(codes, seen, len(names))
    for code, name in enumerate(names):
        visible = [span for key, is_seen, span in rows if key == name and is_seen]
        hidden = [span for key, is_seen, span in rows if key == name and not is_seen]
        expected = summarise(pooled(visible, hidden), per=1e6)
        got = found[code]
        assert (got.count, got.missing, got.inconsistent) == (expected.count, expected.missing, expected.inconsistent)
        for figure in ("min", "p25", "median", "p75", "p90", "max", "mean"):
            want, have = getattr(expected, figure), getattr(got, figure)
            assert (want is None) == (have is None), figure
            if want is not None:
                assert abs(want - have) <= 1e-6 * max(1.0, abs(want)), figure
        assert sizes[code] == len(visible) + (len(hidden) if hidden_admitted(hidden) else 0)


def test_one_hidden_incident_never_moves_a_group_of_visible_ones() -> None:
    spans = span_column([60e6, 120e6, 180e6, 99_999e6])
    seen = np.array([True, True, True, False])
    (alone,) = grouped_distributions(spans, np.zeros(4, dtype=np.int32), seen, 1)
    assert (alone.count, alone.max) == (3, 180.0)


ZONES = ["UTC", "Europe/Berlin", "America/New_York", "Asia/Kolkata", "Australia/Lord_Howe", "Pacific/Chatham", "America/Sao_Paulo"]
INSTANT = st.integers(min_value=int(datetime(2019, 1, 1, tzinfo=timezone.utc).timestamp()),
                      max_value=int(datetime(2031, 1, 1, tzinfo=timezone.utc).timestamp()))


@settings(max_examples=200, deadline=None)
@given(st.sampled_from(ZONES), st.lists(st.tuples(INSTANT, st.integers(min_value=0, max_value=999_999)), min_size=1, max_size=40))
def test_local_days_are_the_dates_in_the_zone(zone_name, instants) -> None:  # type: ignore[no-untyped-def]
    zone = require_zone(zone_name)
    micros = np.array([seconds * 1_000_000 + micro for seconds, micro in instants], dtype=np.int64)
    got = local_days(micros, zone)
    for (seconds, micro), day in zip(instants, got.tolist()):
        moment = datetime.fromtimestamp(seconds, timezone.utc).replace(microsecond=micro).astimezone(zone)
        assert date(1970, 1, 1) + timedelta(days=day) == moment.date()


def test_local_days_around_a_daylight_saving_switch() -> None:
    zone = require_zone("Europe/Berlin")  # 2026-03-29 01:00 UTC: 02:00 CET becomes 03:00 CEST
    moments = [datetime(2026, 3, 28, 22, 59, tzinfo=timezone.utc), datetime(2026, 3, 28, 23, 0, tzinfo=timezone.utc),
               datetime(2026, 10, 24, 21, 59, tzinfo=timezone.utc), datetime(2026, 10, 24, 22, 0, tzinfo=timezone.utc)]
    micros = np.array([int(m.timestamp()) * 1_000_000 for m in moments], dtype=np.int64)
    days = [date(1970, 1, 1) + timedelta(days=d) for d in local_days(micros, zone).tolist()]
    assert days == [date(2026, 3, 28), date(2026, 3, 29), date(2026, 10, 24), date(2026, 10, 25)]


@given(st.dates(min_value=date(2000, 1, 1), max_value=date(2040, 12, 31)), st.integers(min_value=0, max_value=30))
def test_due_days_count_business_days_as_the_policy_does(first, business_days) -> None:  # type: ignore[no-untyped-def]
    epoch = date(1970, 1, 1)
    got = due_days(np.array([(first - epoch).days], dtype=np.int64), np.array([business_days], dtype=np.int64))
    assert epoch + timedelta(days=int(got[0])) == add_business_days(first, business_days)
