"""Numbers, money and dates written the Indonesian way, the same whatever the active language."""

from __future__ import annotations

import datetime
from decimal import Decimal

import pytest
from django.template import Context, Template
from django.utils import timezone, translation

from core.formatting import (
    format_date,
    format_datetime,
    format_decimal,
    format_month,
    format_percent,
    format_rupiah,
    format_thousands,
)


@pytest.mark.parametrize("language", ["id", "en"])
def test_numbers_do_not_follow_the_language(language):
    with translation.override(language):
        assert format_rupiah(1_234_567) == "Rp 1.234.567"
        assert format_rupiah("16800") == "Rp 16.800"
        assert format_rupiah(0) == "Rp 0"
        assert format_thousands(1234) == "1.234"
        assert format_thousands(999) == "999"
        assert format_thousands(-1_500_000) == "-1.500.000"
        assert format_percent(Decimal("12.5")) == "12,5%"
        assert format_percent(Decimal("1234.56")) == "1.234,6%"
        assert format_decimal(Decimal("2.25")) == "2,3"  # half up, not to even
        assert format_decimal(Decimal("2.35"), places=2) == "2,35"
        assert format_decimal("2.50", places=None) == "2,5"
        assert format_decimal("0.25", places=None) == "0,25"
        assert format_decimal("100", places=None) == "100"


@pytest.mark.parametrize("empty", [None, ""])
def test_empty_values_are_a_dash(empty):
    assert format_rupiah(empty) == "—"
    assert format_thousands(empty) == "—"
    assert format_percent(empty) == "—"
    assert format_decimal(empty) == "—"


def test_dates_and_months():
    assert format_date(datetime.date(1985, 3, 14)) == "14/03/1985"
    assert format_month(datetime.date(2025, 3, 1)) == "03/2025"
    assert format_date(None) == format_month(None) == format_datetime(None) == "—"
    # 20:30 UTC is already the next day in Jakarta (WIB, UTC+7).
    late = datetime.datetime(2025, 3, 14, 20, 30, tzinfo=datetime.UTC)
    assert format_datetime(late) == "15/03/2025 03:30"
    assert format_date(late) == "15/03/2025"
    assert format_datetime(timezone.make_aware(datetime.datetime(2025, 3, 14, 9, 5))) == "14/03/2025 09:05"


@pytest.mark.parametrize("language", ["id", "en"])
def test_template_filters_delegate(language):
    template = Template("{% load formatting %}{{ amount|rupiah }} · {{ people|thousands }} · {{ nothing|rupiah }}")
    with translation.override(language):
        rendered = template.render(Context({"amount": 1_234_567, "people": 12_345, "nothing": None}))
    assert rendered == "Rp 1.234.567 · 12.345 · —"


NUMBERS = [0, 7, -7, 999, 1000, -1000, 1_234_567, -1_500_000, 10**30, -(10**30)]
DECIMALS = [
    "0",
    "-0",
    "0.0",
    "-0.0",
    "-0.00",
    "0.04",
    "-0.04",
    "12.5",
    "-12.5",
    "1234.56",
    "-1234.56",
    "1000000.25",
    "2.50",
    "1E+3",
    "-1E+5",
    "0.001",
    "-0.049",
    "99999.99",
    "1E-7",
    "12345678901234567890.5",
]


@pytest.mark.parametrize("places", [None, 0, 1, 2, 3])
def test_grouping_writes_what_django_writes(places):
    """`_grouped` formats through Python for speed: byte for byte what Django's numberformat writes."""
    from django.utils import numberformat

    from core.formatting import _grouped

    def django(number, places):
        return numberformat.format(
            number, decimal_sep=",", decimal_pos=places, grouping=3, thousand_sep=".", force_grouping=True
        )

    for number in NUMBERS:
        assert _grouped(number) == django(number, None), number
    for text in DECIMALS:
        for number in (Decimal(text), Decimal(text).normalize()):
            if places is not None:
                number = number.quantize(Decimal(1).scaleb(-places))
            assert _grouped(number, places) == django(number, places), (text, places)
        # More decimals than shown: Django cuts them.
        assert _grouped(Decimal(text), places) == django(Decimal(text), places), (text, places)
    assert format_decimal(Decimal("-0.04")) == "0,0"
    assert format_decimal("1234567.891", places=2) == "1.234.567,89"
    assert format_thousands(10**12) == "1.000.000.000.000"
