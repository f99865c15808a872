"""The statuses of 2026 recomputed by hand on a small branch: belum aktif, lapses once per person per period.

Batang Barus, grace 3 months (Perdir 22/2022), period 01/2025–12/2025 (the month before: 12/2024):
  P1 enrolled 15/02/2025, never pays                          belum aktif; not a lapse (was one in 05/2025)
  P2 enrolled 10/01/2024, pays 01–12/2024 and 06/2025        aktif before; lapses 04/2025 and 10/2025: once
  P3 enrolled 10/01/2024, pays 01/2024–12/2025               aktif throughout
  P4 enrolled 10/11/2024, pays 11/2024–01/2025               aktif before; lapses 05/2025
  P5 enrolled 05/05/2025, pays 05–12/2025                    new, aktif at the end
  P6 enrolled 20/12/2023, never pays                         belum aktif for 24 months at the end
  P7 enrolled 10/01/2024, pays 01–12/2024, exits 15/06/2025  aktif before; lapses 04/2025, then leaves
  P8 enrolled 10/01/2024, pays 01–08/2024 and 03/2025        lapses 12/2024 (before) and 07/2025 (counted)
  P9 enrolled 10/06/2024, pays 06/2024–12/2025               aktif throughout
"""

from __future__ import annotations

import datetime
from decimal import Decimal

import pytest

from dashboards.follow_up import follow_up_list
from indicators import Period, indicators_compute
from participants.coverage import CoverageStatus
from participants.months import month_range
from participants.stats import stats_refresh
from tests.factories import ContributionFactory, ParticipantFactory
from villages.models import Village

d = datetime.date
YEAR = Period.year(2025)


@pytest.fixture
def branch(batang_barus):
    def enrol(name, enrolled_on, *paid, exit_date=None):
        participant = ParticipantFactory(
            village=batang_barus,
            name=name,
            phone="0812 6600 1234",
            enrolled_on=enrolled_on,
            exit_date=exit_date,
            exit_reason="pindah" if exit_date else "",
        )
        for first, last in paid:
            for month in month_range(first, last):
                ContributionFactory(participant=participant, month=month)
        return participant

    people = {
        "P1": enrol("P1", d(2025, 2, 15)),
        "P2": enrol("P2", d(2024, 1, 10), (d(2024, 1, 1), d(2024, 12, 1)), (d(2025, 6, 1), d(2025, 6, 1))),
        "P3": enrol("P3", d(2024, 1, 10), (d(2024, 1, 1), d(2025, 12, 1))),
        "P4": enrol("P4", d(2024, 11, 10), (d(2024, 11, 1), d(2025, 1, 1))),
        "P5": enrol("P5", d(2025, 5, 5), (d(2025, 5, 1), d(2025, 12, 1))),
        "P6": enrol("P6", d(2023, 12, 20)),
        "P7": enrol("P7", d(2024, 1, 10), (d(2024, 1, 1), d(2024, 12, 1)), exit_date=d(2025, 6, 15)),
        "P8": enrol("P8", d(2024, 1, 10), (d(2024, 1, 1), d(2024, 8, 1)), (d(2025, 3, 1), d(2025, 3, 1))),
        "P9": enrol("P9", d(2024, 6, 10), (d(2024, 6, 1), d(2025, 12, 1))),
    }
    stats_refresh(village_ids=[batang_barus.pk])
    return people


def figures(results: dict, *keys: str) -> dict:
    return {key: (results[key].value, results[key].numerator, results[key].denominator) for key in keys}


def test_the_year_by_hand(branch, batang_barus):
    results = indicators_compute(villages=Village.objects.filter(pk=batang_barus.pk), period=YEAR)
    assert figures(
        results,
        "active_participants",
        "lapse_rate",
        "retention",
        "awaiting_first_payment",
        "awaiting_months",
        "new_enrolments",
    ) == {
        # 12/2025: P3, P5, P9.
        "active_participants": (3, 3, None),
        # P2, P4, P7, P8 lapse in 2025 (P2 twice, counted once); aktif in 12/2024: P2, P3, P4, P7, P9.
        "lapse_rate": (Decimal("80.00"), 4, 5),
        # Of those five, P3 and P9 are aktif in 12/2025.
        "retention": (Decimal("40.00"), 2, 5),
        # P1 (02/2025: 10 months) and P6 (12/2023: 24 months).
        "awaiting_first_payment": (2, 2, None),
        "awaiting_months": (Decimal("17.00"), 34, 2),
        "new_enrolments": (2, 2, None),
    }
    assert results["awaiting_months"].display == "17,0 bulan"


@pytest.mark.parametrize(
    ("period", "people"),
    [
        # The first half: P7 and P2 (04/2025), P4 (05/2025).
        (Period(start=d(2025, 1, 1), end=d(2025, 6, 1)), 3),
        # 07–10/2025: P8 (07) and P2 (10).
        (Period(start=d(2025, 7, 1), end=d(2025, 10, 1)), 2),
        # Two years (beyond the table's lapse gaps, counted directly): P8 twice, P2 twice, P4, P7: 4 people.
        (Period(start=d(2024, 1, 1), end=d(2025, 12, 1)), 4),
        # 13 months from 12/2024: P8 (12/2024 and 07/2025) once, P2, P4, P7.
        (Period(start=d(2024, 12, 1), end=d(2025, 12, 1)), 4),
    ],
)
def test_lapses_count_each_person_once_in_any_period(branch, batang_barus, period, people):
    villages = Village.objects.filter(pk=batang_barus.pk)
    results = indicators_compute(villages=villages, period=period, keys=["lapse_rate"])
    assert results["lapse_rate"].numerator == people


def test_the_follow_up_list_by_hand(branch, batang_barus):
    """09/2025: P2 menunggak for 3 months (about to lapse), then P6 and P1 awaiting their first payment."""
    rows, total = follow_up_list(village=batang_barus, month=d(2025, 9, 1))
    assert total == 3
    assert [
        (row.participant.name, row.status, row.last_paid, row.unpaid_months, row.about_to_lapse) for row in rows
    ] == [
        ("P2", CoverageStatus.ARREARS, d(2025, 6, 1), 3, True),
        ("P6", CoverageStatus.AWAITING, None, 21, False),
        ("P1", CoverageStatus.AWAITING, None, 7, False),
    ]
    assert "iuran%20pertama%20belum%20tercatat" in rows[1].whatsapp_url
    assert "akan%20menjadi%20nonaktif" in rows[0].whatsapp_url
