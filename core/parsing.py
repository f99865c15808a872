"""Reading numbers, amounts, dates and months the way people type them and spreadsheets store them.

Shared by the form fields (`core.forms`) and the spreadsheet imports (`participants.parsing` adds
the domain's own cells: NIK, sex, occupation...). Each parser returns None for a value it cannot
read; the caller says in Indonesian what to fix. Days are dd/mm/yyyy and months mm/yyyy whatever
the browser's language: nothing here looks at the active locale.
"""

from __future__ import annotations

import datetime
import math
import re
import unicodedata
from decimal import Decimal

from django.utils import timezone
from openpyxl.utils.datetime import from_excel

from core.formats import DATE_INPUT_FORMATS

# Cells also come as 1985/03/14 from programs that write ISO dates with slashes.
DATE_FORMATS = (*DATE_INPUT_FORMATS, "%Y/%m/%d")
MONTH_NAMES = {
    "januari": 1,
    "jan": 1,
    "februari": 2,
    "feb": 2,
    "pebruari": 2,
    "maret": 3,
    "mar": 3,
    "april": 4,
    "apr": 4,
    "mei": 5,
    "juni": 6,
    "jun": 6,
    "juli": 7,
    "jul": 7,
    "agustus": 8,
    "agu": 8,
    "agt": 8,
    "ags": 8,
    "aug": 8,
    "september": 9,
    "sep": 9,
    "sept": 9,
    "oktober": 10,
    "okt": 10,
    "oct": 10,
    "november": 11,
    "nov": 11,
    "desember": 12,
    "des": 12,
    "dec": 12,
}
# Excel serial day numbers from 1900 to 2100.
EXCEL_SERIAL_RANGE = (1, 73415)
# Control characters (NUL included, which PostgreSQL refuses) and non-breaking spaces become spaces.
CONTROL = re.compile(r"[\x00-\x1f\x7f\xa0]")


def normalise_digits(value: str) -> str:
    """The text with every digit written as an ASCII digit: "１２３" and "١٢٣" become "123".

    Decision (issue 10, item 9): non-ASCII digits are normalised, never refused, and this is the
    one place that does it. A phone keyboard in a Japanese, Chinese or Arabic input mode, or a
    list copied from a PDF, writes full-width (１２３) or Arabic-Indic (١٢٣) digits that mean
    exactly the same number, and Python's `int()` and regular expressions (`\\d`) already accept
    them, so refusing them here would only make the forms disagree with Django's own integer
    fields. Normalising also means a NIK, KPJ, amount, date or month is stored and compared in
    ASCII only: the same NIK typed in two scripts is one NIK.

    How: Unicode NFKC first (full-width digits, slashes, dots and spaces become their ASCII
    forms), then every remaining decimal digit (Arabic-Indic, Devanagari...) becomes its ASCII
    digit. Only for values that are numbers; names and other text are left as written.
    """
    if value.isascii():
        return value
    value = unicodedata.normalize("NFKC", value)
    return "".join(str(unicodedata.decimal(char)) if char.isdecimal() else char for char in value)


# The largest id a database row can have (a 64-bit key).
MAX_ID = 2**63 - 1


def parse_id(value) -> int | None:
    """A row id ticked or chosen in a form ("12", "１２"), or None: not whole digits, zero, or beyond any key.

    `str.isdigit()` is no test for this: "²" passes it and `int()` refuses it, and forty 9s pass both and
    overflow the database's integer.
    """
    digits = normalise_digits(str(value)).strip()
    if not (digits.isascii() and digits.isdigit()) or len(digits) > len(str(MAX_ID)):
        return None
    number = int(digits)
    return number if 0 < number <= MAX_ID else None


def text(value) -> str:
    """A cell as trimmed text, with non-breaking spaces and runs of spaces collapsed."""
    if value is None:
        return ""
    if isinstance(value, float) and math.isfinite(value) and value.is_integer():
        value = int(value)
    return " ".join(CONTROL.sub(" ", str(value)).split())


def number_text(value) -> str:
    """A cell holding a number, date or identifier, as trimmed text with ASCII digits."""
    return text(normalise_digits(value) if isinstance(value, str) else value)


def parse_rupiah(value) -> int | None:
    """Whole Rupiah from `1500000`, `1.500.000`, `Rp 1.500.000`, `1,500,000`, `1.500.000,00` or a number."""
    if isinstance(value, bool) or value is None:
        return None
    if isinstance(value, int):
        return value if value >= 0 else None
    if isinstance(value, float | Decimal):
        return (
            int(value.to_integral_value() if isinstance(value, Decimal) else round(value))
            if math.isfinite(value) and value >= 0
            else None
        )
    cleaned = re.sub(r"\s", "", number_text(value).lower().replace("rp", "")).lstrip(".:")
    millions = re.fullmatch(r"(\d+)(?:[.,](\d{1,3}))?(?:juta|jt)", cleaned)
    if millions:  # "1,5 juta", "2 jt"
        return int(millions.group(1)) * 1_000_000 + int((millions.group(2) or "0").ljust(6, "0"))
    cleaned = re.sub(r"[.,]-$", "", cleaned)
    cleaned = re.sub(r"[.,]\d{1,2}$", "", cleaned) if re.search(r"[.,]\d{1,2}$", cleaned) else cleaned
    if not re.fullmatch(r"\d+(?:[.,]\d{3})*", cleaned):
        return None
    return int(re.sub(r"[.,]", "", cleaned))


def _from_serial(value: float) -> datetime.date | None:
    if math.isfinite(value) and EXCEL_SERIAL_RANGE[0] <= value <= EXCEL_SERIAL_RANGE[1]:
        return from_excel(value).date()
    return None


def parse_date(value) -> datetime.date | None:
    """A date from an Excel date, an Excel serial number, `dd/mm/yyyy`, `dd-mm-yyyy`, `14 Maret 1985`..."""
    if isinstance(value, datetime.datetime):
        return value.date()
    if isinstance(value, datetime.date):
        return value
    if isinstance(value, bool) or value is None:
        return None
    if isinstance(value, int | float):
        return _from_serial(value)
    raw = number_text(value)
    raw = re.sub(r"[ T]\d{1,2}:\d{2}(:\d{2})?(\.\d+)?$", "", raw)
    if "," in raw:  # "Solok, 14-03-1985" from a combined place/date of birth column
        raw = raw.rsplit(",", 1)[1].strip()
    if re.fullmatch(r"\d{5}(\.0+)?", raw):
        return _from_serial(float(raw))
    for date_format in DATE_FORMATS:
        try:
            return datetime.datetime.strptime(raw, date_format).date()
        except ValueError:
            continue
    short = re.fullmatch(r"(\d{1,2})[/\-.](\d{1,2})[/\-.](\d{2})", raw)
    if short:  # a two-digit year is in this century unless that would be in the future
        year = 2000 + int(short.group(3))
        year = year - 100 if year > timezone.localdate().year else year
        try:
            return datetime.date(year, int(short.group(2)), int(short.group(1)))
        except ValueError:
            return None
    named = re.fullmatch(r"(\d{1,2})[ \-/]([a-zA-Z]+)[ \-/](\d{4})", raw)
    if named and named.group(2).lower() in MONTH_NAMES:
        try:
            return datetime.date(int(named.group(3)), MONTH_NAMES[named.group(2).lower()], int(named.group(1)))
        except ValueError:
            return None
    return None


def _packed_month(raw: str) -> tuple[int, int] | None:
    """(month, year) of a month written without a separator, as core-system extracts do: `202606` (yyyymm),
    `062026` (mmyyyy), or `62026` (an mmyyyy number that lost its leading zero in a number-formatted cell).
    The year must lie in 1900-2100 and the month in 1-12; a string that reads both ways is yyyymm."""
    if len(raw) == 6:
        year, month = int(raw[:4]), int(raw[4:])
        if 1900 <= year <= 2100 and 1 <= month <= 12:
            return month, year
    if len(raw) in (5, 6):
        month, year = int(raw[:-4]), int(raw[-4:])
        if 1900 <= year <= 2100 and 1 <= month <= 12:
            return month, year
    return None


def parse_month(value) -> datetime.date | None:
    """The first day of a month written `03/2025`, `3-2025`, `2025-03`, `Maret 2025`, `Jun 2026`, `202606`,
    `062026` or as any date (an Excel date or serial number).

    A five-digit number is an Excel serial day unless it reads as m + yyyy (62026: 06/2026) and is not the
    serial of a month's first day; a six-digit number is yyyymm or mmyyyy (`_packed_month`)."""
    if isinstance(value, float) and math.isfinite(value) and value.is_integer():
        value = int(value)
    if isinstance(value, int) and not isinstance(value, bool) and 10_000 <= value <= 999_999:
        packed = _packed_month(str(value))
        serial = _from_serial(value) if value <= EXCEL_SERIAL_RANGE[1] else None
        if packed and not (serial and serial.day == 1):
            return datetime.date(packed[1], packed[0], 1)
    if isinstance(value, datetime.date | int | float) and not isinstance(value, bool):
        day = parse_date(value)
        return day.replace(day=1) if day else None
    raw = number_text(value)
    if re.fullmatch(r"\d{6}", raw):
        packed = _packed_month(raw)
        return datetime.date(packed[1], packed[0], 1) if packed else None
    numeric = re.fullmatch(r"(\d{1,2})[/\-.](\d{4})", raw)
    if numeric:
        month, year = int(numeric.group(1)), int(numeric.group(2))
    else:
        iso = re.fullmatch(r"(\d{4})[/\-.](\d{1,2})", raw)
        named = re.fullmatch(r"([a-zA-Z]+)[ \-/](\d{4}|\d{2})", raw)
        if iso:
            year, month = int(iso.group(1)), int(iso.group(2))
        elif named and named.group(1).lower() in MONTH_NAMES:
            # "Jun-26", as Excel shows a month, is in this century.
            year = int(named.group(2)) + (2000 if len(named.group(2)) == 2 else 0)
            month = MONTH_NAMES[named.group(1).lower()]
        else:
            day = parse_date(raw)
            return day.replace(day=1) if day else None
    if not 1 <= month <= 12 or not 1900 <= year <= 2100:
        return None
    return datetime.date(year, month, 1)
