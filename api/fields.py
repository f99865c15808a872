"""Months and dates as the API reads and writes them: ISO 8601 (`2025-03`, `2025-03-14`) within plausible years.

JSON clients (phones, OpenSID portals, spreadsheets) speak ISO 8601 whatever their
language; the pages keep dd/mm/yyyy for people. The year bounds keep month
arithmetic away from year 1 and 9999 (no 500); the rules about which dates make
sense for a participant, a payment or a claim are the services'.
"""

from __future__ import annotations

import datetime
import re

from django import forms
from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from core.parsing import normalise_digits

# The largest id a database row can have (a 64-bit key): larger numbers are never looked up.
MAX_ID = 2**63 - 1
# The largest value of a PositiveIntegerField on every supported database.
MAX_INT = 2**31 - 1
FIRST_YEAR = 1900
LAST_YEAR = 2100
MONTH_PATTERN = r"^\d{4}-\d{2}$"
MONTH_SCHEMA = {"type": "string", "pattern": MONTH_PATTERN, "example": "2025-03"}
MONTH_INVALID = _("Tulis bulan sebagai YYYY-MM, misalnya 2025-03.")
DATE_OUT_OF_RANGE = _("Tahun harus antara %(first)s dan %(last)s.") % {"first": FIRST_YEAR, "last": LAST_YEAR}


def parse_month(value) -> datetime.date | None:
    """The first day of the month written `YYYY-MM`, or None."""
    if not isinstance(value, str):
        return None
    match = re.fullmatch(r"(\d{4})-(\d{2})", value)
    if not match:
        return None
    year, month = int(match.group(1)), int(match.group(2))
    if not (FIRST_YEAR <= year <= LAST_YEAR and 1 <= month <= 12):
        return None
    return datetime.date(year, month, 1)


@extend_schema_field(MONTH_SCHEMA)
class MonthField(serializers.Field):
    default_error_messages = {"invalid": MONTH_INVALID}

    def to_internal_value(self, data) -> datetime.date:
        month = parse_month(data)
        if month is None:
            self.fail("invalid")
        return month

    def to_representation(self, value: datetime.date) -> str:
        return f"{value:%Y-%m}"


class DateField(serializers.DateField):
    """An ISO date within FIRST_YEAR–LAST_YEAR."""

    default_error_messages = {"out_of_range": DATE_OUT_OF_RANGE}

    def to_internal_value(self, value) -> datetime.date:
        day = super().to_internal_value(value)
        if not FIRST_YEAR <= day.year <= LAST_YEAR:
            self.fail("out_of_range")
        return day


class DigitsField(serializers.CharField):
    """A number written as text (NIK, KPJ, phone), read with ASCII digits as the forms read it: "１２３" is "123"
    (`core.parsing.normalise_digits`); `spaces=False` drops the spaces too (a NIK or KPJ copied in groups)."""

    def __init__(self, *, spaces: bool = True, **kwargs):
        self.spaces = spaces
        super().__init__(**kwargs)

    def to_internal_value(self, data) -> str:
        value = normalise_digits(super().to_internal_value(data))
        return value if self.spaces else "".join(value.split())


class MonthFormField(forms.Field):
    """The form field behind the `start` and `end` filters of the lists."""

    default_error_messages = {"invalid": MONTH_INVALID}

    def to_python(self, value) -> datetime.date | None:
        if value in self.empty_values:
            return None
        month = parse_month(value)
        if month is None:
            raise forms.ValidationError(self.error_messages["invalid"], code="invalid")
        return month
