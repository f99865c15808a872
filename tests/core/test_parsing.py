"""Reading amounts, dates and months as people type them on phones and spreadsheets store them."""

from __future__ import annotations

import datetime

import pytest

from core.parsing import MAX_ID, normalise_digits, parse_date, parse_id, parse_month, parse_rupiah

DAY = datetime.date(1985, 3, 14)


@pytest.mark.parametrize(
    ("written", "amount"),
    [
        (1500000, 1_500_000),
        (1500000.0, 1_500_000),
        ("1500000", 1_500_000),
        ("1.500.000", 1_500_000),
        ("Rp 1.500.000", 1_500_000),
        ("Rp. 1.500.000,-", 1_500_000),
        ("Rp1,500,000", 1_500_000),
        ("1.500.000,00", 1_500_000),
        (" 1 500 000 ", 1_500_000),
        ("1,5 juta", 1_500_000),
        ("2 jt", 2_000_000),
        ("sejuta", None),
        ("-5", None),
        (-5, None),
        ("", None),
        (None, None),
        (True, None),
    ],
)
def test_rupiah(written, amount):
    assert parse_rupiah(written) == amount


@pytest.mark.parametrize(
    ("written", "day"),
    [
        (datetime.datetime(1985, 3, 14, 0, 0), DAY),
        (DAY, DAY),
        ("14/03/1985", DAY),
        ("14-03-1985", DAY),
        ("14.03.1985", DAY),
        ("1985-03-14", DAY),
        ("14/03/1985 00:00:00", DAY),
        ("14 Maret 1985", DAY),
        ("14-mar-1985", DAY),
        ("Solok, 14-03-1985", DAY),
        ("14/03/85", DAY),
        ("02/01/25", datetime.date(2025, 1, 2)),
        (31120, DAY),
        ("31120", DAY),
        ("31/02/1985", None),
        ("03/14/1985", None),
        ("kemarin", None),
        (None, None),
    ],
)
def test_dates(written, day):
    assert parse_date(written) == day


@pytest.mark.parametrize(
    ("written", "month"),
    [
        ("03/2025", datetime.date(2025, 3, 1)),
        ("3-2025", datetime.date(2025, 3, 1)),
        ("2025-03", datetime.date(2025, 3, 1)),
        ("Maret 2025", datetime.date(2025, 3, 1)),
        (datetime.datetime(2025, 3, 17), datetime.date(2025, 3, 1)),
        ("17/03/2025", datetime.date(2025, 3, 1)),
        ("13/2025", None),
        ("bulan depan", None),
    ],
)
def test_months(written, month):
    assert parse_month(written) == month


@pytest.mark.parametrize(
    ("written", "ascii_text"),
    [
        ("１２３", "123"),  # full-width
        ("١٢٣", "123"),  # Arabic-Indic
        ("۱۲۳", "123"),  # extended Arabic-Indic (Persian, Urdu)
        ("१२३", "123"),  # Devanagari
        ("１４／０３／１９８５", "14/03/1985"),  # full-width slashes too
        ("Rp　１．５００．０００", "Rp 1.500.000"),  # ideographic space, full-width dots
        ("123", "123"),
        ("Siti", "Siti"),
    ],
)
def test_other_digits_become_ascii(written, ascii_text):
    assert normalise_digits(written) == ascii_text


def test_amounts_dates_and_months_in_other_digits():
    assert parse_rupiah("Rp １．５００．０００") == 1_500_000
    assert parse_rupiah("١٥٠٠٠٠٠") == 1_500_000
    assert parse_rupiah("۱٫۵ juta") is None  # the Arabic decimal separator is not a Rupiah separator
    assert parse_date("１４/０３/１９８５") == DAY
    assert parse_date("١٤-٠٣-١٩٨٥") == DAY
    assert parse_date("１４ Ｍａｒｅｔ １９８５") == DAY
    assert parse_month("０３／２０２５") == datetime.date(2025, 3, 1)
    assert parse_month("٠٣/٢٠٢٥") == datetime.date(2025, 3, 1)
    assert parse_month("１３／２０２５") is None


@pytest.mark.parametrize(
    ("written", "value"),
    # "²" is a 2 to Unicode's compatibility normalisation, as to normalise_digits everywhere (int() refuses it).
    [("12", 12), (" 12 ", 12), ("１２", 12), ("١٢", 12), ("²", 2), (str(MAX_ID), MAX_ID), (7, 7)],
)
def test_ids_in_any_digits(written, value):
    assert parse_id(written) == value


@pytest.mark.parametrize("written", ["", "0", "-1", "1.5", "12a", "9" * 40, str(MAX_ID + 1), "\x00", "1 2"])
def test_what_is_no_id(written):
    """Forty 9s pass str.isdigit() and int(), and overflow the database's integer (issue 10)."""
    assert parse_id(written) is None
