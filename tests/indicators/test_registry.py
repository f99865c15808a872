"""Every indicator against values computed by hand on a small built village.

Batang Barus, grace 3 months, period 01/2024–06/2024 (the month before: 12/2023):
  A enrolled 05/10/2023, pays 10/2023–06/2024, mandiri           aktif before and at the end
  B enrolled 20/11/2023, pays 11–12/2023, APB Nagari             aktif before; nonaktif from 04/2024 (lapse)
  C enrolled 15/03/2024 (mid-period), pays 03–06/2024, perangkat  new, aktif at the end
  D enrolled 01/02/2024, exits 10/04/2024, pays 02–03/2024, CSR  new, exit
  E enrolled 01/06/2023, pays 06/2023 only, perangkat            nonaktif since 10/2023
  F enrolled 10/05/2024, never pays, mandiri                     new, belum aktif at the end (waited 1 month)
Sikalang: G enrolled 01/01/2024, pays every month (outside Batang Barus' scope).
"""

from __future__ import annotations

import datetime
from decimal import Decimal

import pytest

from indicators import (
    REGISTRY,
    Period,
    format_value,
    indicator_compute,
    indicators_by_village,
    indicators_compute,
)
from participants.models import FundingSource, Occupation
from participants.stats import stats_refresh
from tests.builders import enrol
from tests.factories import (
    ActivityFactory,
    AgentFactory,
    ClaimFactory,
    CommitmentFactory,
    TargetFactory,
)
from villages.models import Activity, Agent, Commitment, Village

CONTRACT_KEYS = {
    "active_participants",
    "new_enrolments",
    "net_growth",
    "growth_rate",
    "coverage",
    "target_attainment",
    "retention",
    "collection_rate",
    "lapse_rate",
    "awaiting_first_payment",
    "awaiting_months",
    "funding_mix",
    "cohort_survival",
    "socialisation_reach",
    "claims_count",
    "claims_amount",
    "voluntary_share",
    "activities",
    "commitment",
    "apparatus_covered",
}
PERIOD = Period(start=datetime.date(2024, 1, 1), end=datetime.date(2024, 6, 1))


@pytest.fixture
def built(batang_barus, sikalang):
    d = datetime.date
    batang_barus.working_age_population = 100
    batang_barus.save()
    TargetFactory(village=batang_barus, year=2024, active_participants=10)
    a = enrol(batang_barus, d(2023, 10, 5), [(d(2023, 10, 1), d(2024, 6, 1))])
    enrol(batang_barus, d(2023, 11, 20), [(d(2023, 11, 1), d(2023, 12, 1))], funding=FundingSource.VILLAGE_BUDGET)
    enrol(batang_barus, d(2024, 3, 15), [(d(2024, 3, 1), d(2024, 6, 1))], occupation=Occupation.APPARATUS)
    enrol(
        batang_barus,
        d(2024, 2, 1),
        [(d(2024, 2, 1), d(2024, 3, 1))],
        funding=FundingSource.CSR,
        exit_date=d(2024, 4, 10),
    )
    enrol(batang_barus, d(2023, 6, 1), [(d(2023, 6, 1), d(2023, 6, 1))], occupation=Occupation.APPARATUS)
    enrol(batang_barus, d(2024, 5, 10), [])
    enrol(sikalang, d(2024, 1, 1), [(d(2024, 1, 1), d(2024, 12, 1))])
    ClaimFactory(participant=a, programme="JKK", event_date=d(2024, 2, 20), paid_on=d(2024, 3, 10), amount=5_000_000)
    ClaimFactory(participant=a, programme="JKK", event_date=d(2024, 6, 20), paid_on=d(2024, 7, 1), amount=1_000_000)
    ActivityFactory(village=batang_barus, date=d(2024, 2, 14), kind=Activity.Kind.SOCIALISATION, attendees=30)
    ActivityFactory(village=batang_barus, date=d(2024, 4, 2), kind=Activity.Kind.TRAINING, attendees=10)
    ActivityFactory(village=batang_barus, date=d(2024, 7, 2), kind=Activity.Kind.SOCIALISATION, attendees=99)
    ActivityFactory(village=sikalang, date=d(2024, 2, 2), kind=Activity.Kind.SOCIALISATION, attendees=50)
    CommitmentFactory(village=batang_barus, kind=Commitment.Kind.REGULATION, signed_on=d(2023, 1, 5))
    CommitmentFactory(
        village=batang_barus, kind=Commitment.Kind.AGREEMENT, signed_on=d(2022, 1, 5), valid_until=d(2023, 12, 31)
    )
    AgentFactory(village=batang_barus, name="Rina", role=Agent.Role.PERISAI, active_since=d(2023, 5, 1))
    stats_refresh(village_ids=[batang_barus.pk, sikalang.pk])
    return Village.objects.filter(pk=batang_barus.pk)


def test_registry_holds_every_contract_key():
    assert set(REGISTRY) == CONTRACT_KEYS
    for indicator in REGISTRY.values():
        assert indicator.label and indicator.definition
        assert indicator.unit in {"count", "percent", "rupiah", "score", "months"}


def test_every_indicator_by_hand(built):
    results = indicators_compute(villages=built, period=PERIOD)
    expected = {
        "active_participants": (2, 2, None),
        "new_enrolments": (3, 3, None),
        "net_growth": (0, 2, 2),
        "growth_rate": (Decimal("0.00"), 0, 2),
        "coverage": (Decimal("2.00"), 2, 100),
        "target_attainment": (Decimal("20.00"), 2, 10),
        "retention": (Decimal("50.00"), 1, 2),
        "collection_rate": (Decimal("44.44"), 12, 27),
        "lapse_rate": (Decimal("50.00"), 1, 2),
        "awaiting_first_payment": (1, 1, None),
        "awaiting_months": (Decimal("1.00"), 1, 1),
        "funding_mix": (Decimal("100.00"), 2, 2),
        "cohort_survival": (Decimal("0.00"), 0, 1),
        "socialisation_reach": (Decimal("30.00"), 30, 100),
        "claims_count": (1, 1, None),
        "claims_amount": (5_000_000, 5_000_000, None),
        "voluntary_share": (Decimal("66.67"), 2, 3),
        "activities": (2, 2, None),
        "commitment": (Decimal("2.00"), 2, 1),
        "apparatus_covered": (Decimal("50.00"), 1, 2),
    }
    actual = {key: (r.value, r.numerator, r.denominator) for key, r in results.items()}
    assert actual == expected
    assert all(result.period == PERIOD for result in results.values())
    survival = results["cohort_survival"].breakdown
    assert (survival["3"].numerator, survival["3"].denominator) == (2, 4)
    assert (survival["6"].numerator, survival["6"].denominator) == (1, 2)
    mix = results["funding_mix"].breakdown
    assert mix[FundingSource.CSR].value == Decimal("0.00")
    assert results["activities"].breakdown[Activity.Kind.TRAINING].value == 1
    assert results["collection_rate"].display == "44,4%"
    assert results["claims_amount"].display == "Rp 5.000.000"
    assert results["commitment"].display == "2,0 / 4"
    assert results["awaiting_months"].display == "1,0 bulan"


def test_single_indicator_matches_the_batch(built):
    for key in REGISTRY:
        single = indicator_compute(key=key, villages=built, period=PERIOD)
        assert single == indicators_compute(villages=built, period=PERIOD, keys=[key])[key]


def test_retention_of_a_period_length_outside_the_table(built):
    # 5 months, 02–06/2024: aktif in 01/2024 only A; A still aktif in 06/2024.
    result = indicator_compute(
        key="retention", villages=built, period=Period(start=datetime.date(2024, 2, 1), end=datetime.date(2024, 6, 1))
    )
    assert (result.value, result.numerator, result.denominator) == (Decimal("100.00"), 1, 1)
    # 2 months, 05–06/2024: aktif in 04/2024 A and C, both aktif in 06/2024 (stats table path).
    result = indicator_compute(
        key="retention", villages=built, period=Period(start=datetime.date(2024, 5, 1), end=datetime.date(2024, 6, 1))
    )
    assert (result.numerator, result.denominator) == (2, 2)


def test_branch_scope_adds_villages_and_skips_unknown_denominators(built, sikalang):
    villages = Village.objects.filter(pk__in=[built.get().pk, sikalang.pk])
    results = indicators_compute(villages=villages, period=PERIOD)
    assert results["active_participants"].value == 3
    # Sikalang has no working-age population: its participant is left out of coverage.
    assert (results["coverage"].numerator, results["coverage"].denominator) == (2, 100)
    assert results["socialisation_reach"].numerator == 30
    per_village = indicators_by_village(villages=villages, period=PERIOD)
    assert per_village[sikalang.pk]["active_participants"].value == 1
    assert per_village[sikalang.pk]["coverage"].display == "—"
    assert per_village[sikalang.pk]["commitment"].value == Decimal("0.00")
    assert sum(row["new_enrolments"].value for row in per_village.values()) == results["new_enrolments"].value


def test_empty_scope_and_empty_period_show_a_dash(built):
    empty = indicators_compute(villages=Village.objects.none(), period=PERIOD)
    assert empty["active_participants"].value == 0
    assert empty["coverage"].display == "—"
    assert empty["commitment"].display == "—"
    quiet = indicators_compute(villages=built, period=Period.year(2020))
    assert quiet["active_participants"].value == 0
    assert quiet["retention"].display == "—"
    assert quiet["voluntary_share"].value is None
    assert quiet["collection_rate"].display == "—"


def test_a_village_without_participants_counts_zero(sikalang):
    results = indicators_compute(villages=Village.objects.filter(pk=sikalang.pk), period=PERIOD)
    assert results["active_participants"].display == "0"
    assert results["lapse_rate"].display == "—"


def test_fixed_number_of_queries(built, django_assert_max_num_queries):
    with django_assert_max_num_queries(5):
        indicators_compute(villages=built, period=PERIOD)
    with django_assert_max_num_queries(5):
        indicators_by_village(villages=Village.objects.all(), period=PERIOD)


def test_period_arithmetic():
    period = Period.last_full_months(12, today=datetime.date(2025, 3, 15))
    assert (period.start, period.end, period.months) == (datetime.date(2024, 3, 1), datetime.date(2025, 2, 1), 12)
    assert period.label == "03/2024–02/2025"
    previous = period.previous()
    assert (previous.start, previous.end) == (datetime.date(2023, 3, 1), datetime.date(2024, 2, 1))
    with pytest.raises(ValueError):
        Period(start=datetime.date(2024, 2, 1), end=datetime.date(2024, 1, 1))


def test_format_value():
    assert format_value(None, "percent") == "—"
    assert format_value(Decimal("12.5"), "percent") == "12,5%"
    assert format_value(1234567, "rupiah") == "Rp 1.234.567"
    assert format_value(1234, "count") == "1.234"
    assert format_value(Decimal("2.5"), "score") == "2,5 / 4"
    assert format_value(Decimal("17.25"), "months") == "17,3 bulan"
