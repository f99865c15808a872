"""Month arithmetic. A month is always the date of its first day."""

from __future__ import annotations

import datetime
from collections.abc import Iterator


def month_start(day: datetime.date) -> datetime.date:
    return day.replace(day=1)


def add_months(month: datetime.date, count: int) -> datetime.date:
    index = month.year * 12 + (month.month - 1) + count
    return datetime.date(index // 12, index % 12 + 1, 1)


def months_between(start: datetime.date, end: datetime.date) -> int:
    """How many months `end` lies after `start` (negative when before)."""
    return (end.year - start.year) * 12 + (end.month - start.month)


def month_range(first: datetime.date, last: datetime.date) -> Iterator[datetime.date]:
    """Every month from `first` to `last`, both included."""
    month = month_start(first)
    while month <= last:
        yield month
        month = add_months(month, 1)


def month_end(month: datetime.date) -> datetime.date:
    return add_months(month, 1) - datetime.timedelta(days=1)
