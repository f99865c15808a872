"""Periods of whole months: the time axis of every indicator."""

from __future__ import annotations

import datetime
from dataclasses import dataclass
from functools import cached_property

from django.utils import timezone

from participants.months import add_months, month_end, month_start, months_between


@dataclass(frozen=True)
class Period:
    """Whole months, both ends included; months are first-of-month dates."""

    start: datetime.date
    end: datetime.date

    def __post_init__(self) -> None:
        if self.start.day != 1 or self.end.day != 1:
            raise ValueError("Period months must be first-of-month dates.")
        if self.start > self.end:
            raise ValueError("A period cannot end before it starts.")

    @classmethod
    def last_full_months(cls, count: int = 12, *, today: datetime.date | None = None) -> Period:
        today = today or timezone.localdate()
        end = add_months(month_start(today), -1)
        return cls(start=add_months(end, 1 - count), end=end)

    @classmethod
    def year(cls, year: int) -> Period:
        return cls(start=datetime.date(year, 1, 1), end=datetime.date(year, 12, 1))

    def previous(self) -> Period:
        return Period(start=add_months(self.start, -self.months), end=add_months(self.start, -1))

    @property
    def months(self) -> int:
        return months_between(self.start, self.end) + 1

    @property
    def before(self) -> datetime.date:
        """The month just before the period: the baseline of growth, retention and lapses."""
        return add_months(self.start, -1)

    @cached_property
    def label(self) -> str:
        if self.start == self.end:
            return f"{self.start:%m/%Y}"
        return f"{self.start:%m/%Y}–{self.end:%m/%Y}"

    @property
    def last_day(self) -> datetime.date:
        return month_end(self.end)
