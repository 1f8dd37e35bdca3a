from datetime import datetime, timedelta, timezone
from zoneinfo import ZoneInfo

import pytest

from cairn.domain.times import format_duration, format_local, parse_when, require_zone
from cairn.errors import InvalidInput

BERLIN = ZoneInfo("Europe/Berlin")
NOW = datetime(2026, 11, 24, 10, 0, tzinfo=timezone.utc)


def test_an_iso_time_with_offset_is_read_as_that_instant():
    assert parse_when("2026-11-23T15:02+01:00", BERLIN, now=NOW) == datetime(2026, 11, 23, 14, 2, tzinfo=timezone.utc)


def test_a_trailing_z_means_utc():
    assert parse_when("2026-11-23T15:02:30Z", BERLIN, now=NOW) == datetime(2026, 11, 23, 15, 2, 30, tzinfo=timezone.utc)


def test_a_bare_time_of_day_is_today_in_the_incidents_zone():
    assert parse_when("14:05", BERLIN, now=NOW) == datetime(2026, 11, 24, 13, 5, tzinfo=timezone.utc)


def test_today_is_judged_in_the_incidents_zone_not_in_utc():
    late_utc = datetime(2026, 11, 24, 23, 30, tzinfo=timezone.utc)  # already the 25th in Tokyo
    assert parse_when("09:00", ZoneInfo("Asia/Tokyo"), now=late_utc) == datetime(2026, 11, 25, 0, 0, tzinfo=timezone.utc)


def test_a_date_time_without_offset_is_read_in_the_incidents_zone():
    assert parse_when("2026-07-01 12:00", BERLIN, now=NOW) == datetime(2026, 7, 1, 10, 0, tzinfo=timezone.utc)


def test_now_is_accepted():
    assert parse_when("now", BERLIN, now=NOW) == NOW


@pytest.mark.parametrize("text", ["yesterday", "25:00", "14:61", "2026-13-01 10:00", "", "12", "2026-11-23"])
def test_malformed_times_are_refused_with_the_accepted_forms(text):
    with pytest.raises(InvalidInput) as error:
        parse_when(text, BERLIN, now=NOW)
    assert "time" in str(error.value)


def test_a_wall_time_skipped_by_daylight_saving_is_refused():
    with pytest.raises(InvalidInput, match="does not exist in Europe/Berlin"):
        parse_when("2026-03-29 02:30", BERLIN, now=NOW)


def test_an_ambiguous_wall_time_in_the_autumn_takes_the_first_occurrence():
    assert parse_when("2026-10-25 02:30", BERLIN, now=NOW) == datetime(2026, 10, 25, 0, 30, tzinfo=timezone.utc)


def test_unknown_time_zones_are_refused():
    with pytest.raises(InvalidInput, match="unknown time zone 'Mars/Olympus'"):
        require_zone("Mars/Olympus")


def test_local_times_show_the_zone_abbreviation():
    assert format_local(datetime(2026, 11, 23, 13, 5, tzinfo=timezone.utc), BERLIN) == "2026-11-23 14:05 CET"
    assert format_local(None, BERLIN) == "—"


@pytest.mark.parametrize(
    ("span", "text"),
    [
        (timedelta(seconds=45), "45s"),
        (timedelta(minutes=12), "12m"),
        (timedelta(minutes=12, seconds=5), "12m 05s"),
        (timedelta(hours=1, minutes=5), "1h 05m"),
        (timedelta(days=2, hours=3), "2d 3h"),
        (None, "—"),
    ],
)
def test_durations_are_compact(span, text):
    assert format_duration(span) == text
