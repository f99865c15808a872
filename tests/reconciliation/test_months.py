"""Months as core-system extracts write them (core.parsing.parse_month), and NIKs a program stored as numbers."""

from __future__ import annotations

import datetime

import pytest

from core.parsing import parse_month
from reconciliation import services
from reconciliation.models import FindingKind, Shape
from tests.reconciliation.conftest import NOV, PAYMENT_HEADERS, SEP, kpj, person, xlsx

JUNE = datetime.date(2026, 6, 1)
EXTRACT_DAY = datetime.date(2026, 12, 10)


@pytest.mark.parametrize(
    "written",
    ["06-2026", "062026", "202606", "Jun 2026", "Juni 2026", "JUNI 2026", "Jun-26", "06/2026", "2026-06", 202606,
     62026, datetime.datetime(2026, 6, 1), datetime.date(2026, 6, 17), 46174, 46174.0],
)  # fmt: skip
def test_a_month_written_every_way(written):
    assert parse_month(written) == JUNE


@pytest.mark.parametrize("written", ["13/2026", "202613", "002026", "Juno 2026", "", None, "06/26/2026"])
def test_not_a_month(written):
    assert parse_month(written) is None


def test_a_nik_a_program_stored_as_a_number_is_read_exactly(branch, staff_user):
    """Ending in 0 or not: a core export's numbers are not Excel's 15-digit rounding."""
    worker = person(branch.missing.village, 10, kpj_number="12345678901", months=[])
    assert worker.nik.endswith("0")
    rows = [[12345678901, int(worker.nik), worker.name, 202611, 8400, None, None, None]]
    extract = services.extract_upload(
        user=staff_user, name="e.xlsx", content=xlsx(PAYMENT_HEADERS, rows), shape="",
        extract_date=datetime.date(2026, 12, 10),
    )  # fmt: skip
    assert extract.batch.summary["counts"]["error"] == 0
    matched = services.extract_confirm(extract=extract, user=staff_user)
    missing = matched.findings.filter(kind=FindingKind.MISSING_HERE)
    assert list(missing.values_list("participant", "month")) == [(worker.pk, NOV)]


def test_a_month_in_two_columns_is_combined(branch, staff_user):
    """BULAN 6 and TAHUN 2026 (or BLN and THN): one month; the preview's mapping shows both columns."""
    rows = [
        [kpj(2), branch.missing.nik, branch.missing.name, 11, 2026],
        [kpj(1), branch.agree.nik, "Ahmad Yani", "Nov", "2026"],
        [kpj(3), branch.extra.nik, branch.extra.name, "09", 2026.0],
    ]
    for headers in (["NO_KPJ", "NIK", "NAMA", "BULAN", "TAHUN"], ["KPJ", "NIK", "NAMA", "BLN", "THN"]):
        extract = services.extract_upload(
            user=staff_user, name="e.xlsx", content=xlsx(headers, rows), shape="", extract_date=EXTRACT_DAY
        )
        assert extract.shape == Shape.PAYMENTS
        assert (extract.mapping[headers[3]], extract.mapping[headers[4]]) == ("month", "year")
        assert extract.batch.summary["counts"]["error"] == 0
    matched = services.extract_confirm(extract=extract, user=staff_user)
    assert sorted(matched.rows.values_list("month", flat=True)) == [SEP, NOV, NOV]
    assert [(f.participant, f.month) for f in matched.findings.filter(kind=FindingKind.MISSING_HERE)] == [
        (branch.missing, NOV)
    ]


@pytest.mark.parametrize(
    ("month", "year", "column", "message"),
    [
        (13, 2026, "Bulan Iuran", "angka 1–12 atau nama bulan (tertulis: 13)"),
        ("Juno", 2026, "Bulan Iuran", "(tertulis: Juno)"),
        (None, 2026, "Bulan Iuran", "Bulan iuran wajib diisi"),
        (6, 26, "Tahun Iuran", "empat angka, misalnya 2026 (tertulis: 26)"),
        (6, None, "Tahun Iuran", "Tahun iuran wajib diisi"),
        (6, "dua ribu", "Tahun Iuran", "(tertulis: dua ribu)"),
        ("06/2025", 2026, "Tahun Iuran", "Tahun 2026 tidak sama dengan tahun bulan iuran 06/2025"),
        (1, 2027, "Bulan Iuran", "Bulan 01/2027 ada di masa depan"),
    ],
)
def test_a_month_or_year_column_that_cannot_be_read(branch, staff_user, month, year, column, message):
    rows = [[kpj(2), branch.missing.nik, branch.missing.name, month, year]]
    extract = services.extract_upload(
        user=staff_user, name="e.xlsx", content=xlsx(["NO_KPJ", "NIK", "NAMA", "BULAN", "TAHUN"], rows),
        shape=Shape.PAYMENTS, extract_date=EXTRACT_DAY,
    )  # fmt: skip
    [[row, header, text]] = extract.batch.summary["errors"]
    assert (row, header) == (3, column) and message in text


def test_a_whole_month_beside_a_year_that_agrees(branch, staff_user):
    rows = [[kpj(2), branch.missing.nik, branch.missing.name, "11/2026", 2026]]
    extract = services.extract_upload(
        user=staff_user, name="e.xlsx", content=xlsx(["NO_KPJ", "NIK", "NAMA", "PERIODE", "TAHUN"], rows),
        shape="", extract_date=EXTRACT_DAY,
    )  # fmt: skip
    assert extract.batch.summary["counts"] == {"new": 1, "updated": 0, "unchanged": 0, "error": 0}
