"""The plausible range of months and dates: from the programme's start to today plus a small horizon.

One definition for every layer. The services refuse a month or date outside it, the forms and the
query-string filters say so in Indonesian, and the dashboards' period filter accepts only months
inside it. Nothing of the programme is older than its start (the Solok branch began Desa Sadar in
2019), and nothing it records lies far in the future: a year outside the range is a typing mistake
(2099 for 2029, 0001 for 2021). Refusing it at the edge also keeps the month arithmetic that walks
back from a period (the previous period, the baseline year) away from year 0, which does not exist.

Whoever may look ahead says how far with `horizon_months`: a contribution paid in advance, an
action plan's due date or an anev cycle's end. The default, 0, ends with the current month.
"""

from __future__ import annotations

import datetime

from django.utils import timezone

PROGRAMME_START_YEAR = 2019


def _month(year: int, month: int, count: int) -> datetime.date:
    index = year * 12 + (month - 1) + count
    return datetime.date(index // 12, index % 12 + 1, 1)


def earliest_month() -> datetime.date:
    """The first month any record of the programme can be about: January of the start year."""
    return datetime.date(PROGRAMME_START_YEAR, 1, 1)


def latest_month(*, horizon_months: int = 0, today: datetime.date | None = None) -> datetime.date:
    """The last plausible month (its first day): the current month plus `horizon_months`."""
    today = today or timezone.localdate()
    return _month(today.year, today.month, horizon_months)


def latest_date(*, horizon_months: int = 0, today: datetime.date | None = None) -> datetime.date:
    """The last plausible day: the end of `latest_month`."""
    last = latest_month(horizon_months=horizon_months, today=today)
    return _month(last.year, last.month, 1) - datetime.timedelta(days=1)


def _month_text(month: datetime.date) -> str:
    # strftime("%Y") drops the zeros of year 1 on Linux; the message must show what was typed.
    return f"{month.month:02d}/{month.year:04d}"


def month_range_error(
    month: datetime.date, *, horizon_months: int = 0, today: datetime.date | None = None
) -> str | None:
    """None when `month` lies in the plausible range; otherwise the Indonesian message naming the range."""
    first, last = earliest_month(), latest_month(horizon_months=horizon_months, today=today)
    if first <= month.replace(day=1) <= last:
        return None
    return f"Bulan {_month_text(month)} di luar rentang yang mungkin: {_month_text(first)} sampai {_month_text(last)}."


def date_range_error(day: datetime.date, *, horizon_months: int = 0, today: datetime.date | None = None) -> str | None:
    """None when `day` lies in the plausible range; otherwise the Indonesian message naming the range."""
    first, last = earliest_month(), latest_date(horizon_months=horizon_months, today=today)
    if first <= day <= last:
        return None
    return (
        f"Tanggal {day.day:02d}/{_month_text(day)} di luar rentang yang mungkin: "
        f"{first:%d/%m/%Y} sampai {last:%d/%m/%Y}."
    )
