"""Reading values as people write them: in forms on phones and in village spreadsheets."""

from __future__ import annotations

import datetime

import pytest

from participants.forms import DateField, MonthField, RupiahField
from participants.parsing import (
    NikProblem,
    parse_date,
    parse_funding,
    parse_month,
    parse_nik,
    parse_occupation,
    parse_rupiah,
    parse_sex,
    parse_yes_no,
)

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


def test_nik_cells():
    nik = "1302075403850001"
    assert parse_nik(nik) == nik
    assert parse_nik(f" '{nik} ") == nik
    assert parse_nik("1302 0754 0385 0001") == nik
    assert parse_nik(int(nik)) == nik  # an exact number written by a program is fine
    assert parse_nik(f"{nik}.0") == nik
    with pytest.raises(NikProblem, match="15 digit"):
        parse_nik(1302075403850000)
    with pytest.raises(NikProblem, match="notasi ilmiah"):
        parse_nik("1,30208E+15")
    with pytest.raises(NikProblem, match="16 angka"):
        parse_nik("12345")
    with pytest.raises(NikProblem, match="wajib"):
        parse_nik("  ")


def test_choices_as_written():
    assert [parse_sex(value) for value in ("L", " l ", "Laki-laki", "P", "Perempuan", "wanita", "?")] == [
        "L",
        "L",
        "L",
        "P",
        "P",
        "P",
        None,
    ]
    assert [parse_yes_no(value) for value in ("Ya", "y", "Tidak", "", None, "mungkin")] == [
        True,
        True,
        False,
        False,
        False,
        None,
    ]
    assert parse_occupation("Buruh Harian Lepas") == "buruh_harian_lepas"
    assert parse_occupation("tani") == "petani"
    assert parse_occupation("Pengemudi/ojek") == "pengemudi_ojek"
    assert parse_occupation("Petani sawah") == "petani"
    assert parse_occupation("Wiraswasta") == "lainnya"
    assert parse_occupation("astronaut") is None
    assert parse_funding("APB Nagari/Desa") == "apbdes"
    assert parse_funding("Dana Desa") == "apbdes"
    assert parse_funding("apbd pemda") == "apbd"
    assert parse_funding("CSR") == "csr"


def test_form_fields_accept_phone_typing():
    assert DateField().clean("14031985") == DAY
    assert DateField().clean("14/03/1985") == DAY
    assert RupiahField().clean("Rp 16.800") == 16_800
    assert MonthField().clean("04/2025") == datetime.date(2025, 4, 1)
    with pytest.raises(Exception, match="dd/mm/yyyy"):
        DateField().clean("1985/03/14x")
