"""Maintenance window definitions: times of day, zones, days and dates are checked with the field named."""

from __future__ import annotations

import pytest

from hotspare.maintenance import Window, check_span, validate_window


@pytest.mark.parametrize("start, end", [("01:00", "05:00"), ("22:00", "2:00"), ("00:00", "24:00"),
                                        ("5", "6")])
def test_maintenance_valid_times(start, end):
    validate_window(Window("w", "n", start=start, end=end))
    check_span(start, end)


@pytest.mark.parametrize("field, value, message", [
    ("start", "1am", "start: bad time of day '1am'"),
    ("end", "12:60", "end: bad time of day '12:60'"),
    ("end", "24:30", "end: bad time of day '24:30'"),
    ("start", "", "start: bad time of day ''"),
    ("timezone", "Nowhere/Land", "timezone: unknown time zone 'Nowhere/Land'"),
    ("days", ("mon", "funday"), "days: bad weekday 'funday'"),
    ("dates", ("2026-02-30",), "dates: bad date '2026-02-30'"),
])
def test_maintenance_bad_field_is_named(field, value, message):
    with pytest.raises(ValueError, match=message.replace("(", r"\(")):
        validate_window(Window("w", "n", **{field: value}))


def test_maintenance_equal_start_and_end_refused_unless_a_whole_day():
    with pytest.raises(ValueError, match="both 03:00: the window has no length"):
        check_span("03:00", "03:00")
    with pytest.raises(ValueError, match="both 00:00"):
        check_span("00:00", "00:00")
    check_span("00:00", "24:00")
    # stored windows keep their meaning: equal start and end is the whole day on the listed days
    assert Window("w", "sundays", days=("sun",)).active(1_767_484_800_000)  # 2026-01-04, a Sunday
