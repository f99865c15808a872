"""Numbers, money and dates as Indonesians write them, whatever language the browser asks for.

The one home of display formatting: template filters (`core/templatetags/formatting.py`), the
indicator registry, the admin, the history views and the exports all call these functions, so
"Rp 1.234.567", "12,5%", "14/03/1985" and "03/2025" are written the same way on every page. The
separators are fixed, not taken from the active locale: an English browser must not turn
Rp 1.234.567 into Rp 1,234,567 in one place and not in another.
"""

from __future__ import annotations

import datetime
from decimal import ROUND_HALF_UP, Decimal

from django.utils import numberformat, timezone

EMPTY = "—"
DATE_FORMAT = "%d/%m/%Y"
MONTH_FORMAT = "%m/%Y"
DATETIME_FORMAT = "%d/%m/%Y %H:%M"


# Python's "," thousands and "." decimal point swapped for ours.
_SEPARATORS = str.maketrans(",.", ".,")


def _grouped(number: int | Decimal, places: int | None = None) -> str:
    """As `numberformat.format(number, decimal_sep=",", decimal_pos=places, grouping=3, thousand_sep=".",
    force_grouping=True)` writes a whole number or a Decimal with at most `places` decimals, through Python's own
    formatting (a page formats a thousand numbers or more); Django's for what Python writes otherwise."""
    if isinstance(number, int):
        return f"{number:,}".replace(",", ".")
    if number.is_finite():
        _sign, digits, exponent = number.as_tuple()
        if abs(exponent) + len(digits) <= 200:
            if places is None:
                return f"{number:,f}".translate(_SEPARATORS)
            if -exponent <= places:
                # Too small to show (-0,0 included) is 0, as Django writes it.
                if abs(number) < Decimal(1).scaleb(-max(places, 1)):
                    number = Decimal(0)
                return f"{number:,.{places}f}".translate(_SEPARATORS)
    return numberformat.format(
        number, decimal_sep=",", decimal_pos=places, grouping=3, thousand_sep=".", force_grouping=True
    )


def format_thousands(number: int | Decimal | float | str | None) -> str:
    """A whole number with dots between the thousands: 1234567 → "1.234.567"; None → "—"."""
    if number is None or number == "":
        return EMPTY
    return _grouped(int(number))


def format_decimal(number: int | Decimal | float | str | None, places: int | None = 1) -> str:
    """A number with a decimal comma: rounded half up to `places` decimals (12.25 → "12,3"), or with
    `places=None` as many as it has, trailing zeros dropped ("2.50" → "2,5"); None → "—"."""
    if number is None or number == "":
        return EMPTY
    value = Decimal(str(number))
    if places is None:
        return _grouped(value.normalize())
    return _grouped(value.quantize(Decimal(1).scaleb(-places), rounding=ROUND_HALF_UP), places)


def format_percent(number: int | Decimal | float | str | None, places: int = 1) -> str:
    """A percentage: 12.5 → "12,5%"; None (an undefined ratio) → "—"."""
    if number is None or number == "":
        return EMPTY
    return f"{format_decimal(number, places)}%"


def format_rupiah(amount: int | Decimal | float | str | None) -> str:
    """Whole Rupiah: 1234567 → "Rp 1.234.567"; None → "—"."""
    if amount is None or amount == "":
        return EMPTY
    return f"Rp {format_thousands(amount)}"


def format_date(day: datetime.date | None) -> str:
    """dd/mm/yyyy; a datetime is shown as its local date."""
    if day is None:
        return EMPTY
    if isinstance(day, datetime.datetime):
        day = timezone.localtime(day) if timezone.is_aware(day) else day
    return f"{day:{DATE_FORMAT}}"


def format_month(month: datetime.date | None) -> str:
    """mm/yyyy."""
    return EMPTY if month is None else f"{month:{MONTH_FORMAT}}"


def format_datetime(moment: datetime.datetime | None) -> str:
    """dd/mm/yyyy HH:MM in the local time zone (WIB)."""
    if moment is None:
        return EMPTY
    return f"{timezone.localtime(moment) if timezone.is_aware(moment) else moment:{DATETIME_FORMAT}}"


def mask_nik(nik: str, *, kpj: str | None = None, birth_date: datetime.date | None = None) -> str:
    """A NIK where the full number is not needed (lists, exports, readers' pages): the one rule.

    The NIK's middle six digits are the birth date (DDMMYY, day + 40 for women): they are hidden,
    the region (6 digits) and the serial (4) stay. The serial restarts for every birth date, so many
    people of a kecamatan share region and serial ("130207******0001"), and two of one name would
    read alike. So a tail that tells them apart follows, never the hidden birth date itself: the
    KPJ's last four digits when there is a KPJ (the KPJ is not hidden anywhere), else the birth
    year: "130207******0001 · KPJ …6789", "130207******0001 · lahir 1985".
    """
    if not nik:
        return ""
    masked = f"{nik[:6]}******{nik[-4:]}"
    if kpj:
        return f"{masked} · KPJ …{kpj[-4:]}"
    if birth_date:
        return f"{masked} · lahir {birth_date:%Y}"
    return masked
