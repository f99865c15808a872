"""Months as core-system extracts write them (core.parsing.parse_month), and NIKs a program stored as numbers."""

from __future__ import annotations

import datetime

import pytest

from core.parsing import parse_month
from reconciliation import services
from reconciliation.models import FindingKind
from tests.reconciliation.conftest import NOV, PAYMENT_HEADERS, person, xlsx

JUNE = datetime.date(2026, 6, 1)


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
