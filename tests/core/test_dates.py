"""The plausible range of months and dates (core/dates.py)."""

from __future__ import annotations

import datetime

from core.dates import (
    PROGRAMME_START_YEAR,
    date_range_error,
    earliest_month,
    latest_date,
    latest_month,
    month_range_error,
)

TODAY = datetime.date(2026, 12, 1)


def test_the_range_starts_with_the_programme():
    assert earliest_month() == datetime.date(PROGRAMME_START_YEAR, 1, 1) == datetime.date(2019, 1, 1)


def test_the_range_ends_with_the_current_month_plus_the_horizon():
    assert latest_month(today=TODAY) == datetime.date(2026, 12, 1)
    assert latest_month(horizon_months=1, today=TODAY) == datetime.date(2027, 1, 1)
    assert latest_month(horizon_months=36, today=datetime.date(2026, 3, 31)) == datetime.date(2029, 3, 1)
    assert latest_date(today=TODAY) == datetime.date(2026, 12, 31)
    assert latest_date(horizon_months=2, today=TODAY) == datetime.date(2027, 2, 28)


def test_months_inside_the_range_pass():
    for month in (datetime.date(2019, 1, 1), datetime.date(2024, 6, 1), datetime.date(2026, 12, 1)):
        assert month_range_error(month, today=TODAY) is None
    assert month_range_error(datetime.date(2027, 3, 1), horizon_months=3, today=TODAY) is None


def test_months_outside_the_range_get_a_message_naming_it():
    assert month_range_error(datetime.date(1, 1, 1), today=TODAY) == (
        "Bulan 01/0001 di luar rentang yang mungkin: 01/2019 sampai 12/2026."
    )
    assert month_range_error(datetime.date(2018, 12, 1), today=TODAY) is not None
    assert month_range_error(datetime.date(2027, 1, 1), today=TODAY) is not None
    assert month_range_error(datetime.date(9999, 12, 1), horizon_months=12, today=TODAY) == (
        "Bulan 12/9999 di luar rentang yang mungkin: 01/2019 sampai 12/2027."
    )


def test_dates_are_bounded_by_day():
    assert date_range_error(datetime.date(2019, 1, 1), today=TODAY) is None
    assert date_range_error(datetime.date(2026, 12, 31), today=TODAY) is None
    assert date_range_error(datetime.date(2018, 12, 31), today=TODAY) is not None
    assert date_range_error(datetime.date(1900, 1, 1), today=TODAY) == (
        "Tanggal 01/01/1900 di luar rentang yang mungkin: 01/01/2019 sampai 31/12/2026."
    )
    assert date_range_error(datetime.date(2027, 1, 1), today=TODAY) is not None
    assert date_range_error(datetime.date(2027, 1, 1), horizon_months=1, today=TODAY) is None
