"""A period's facts and the previous period's read together (`Facts.with_previous`, the dashboards' headlines) equal
two separate reads, village by village and fact by fact, including facts that are zero or absent in one period."""

from __future__ import annotations

import datetime

import pytest

from indicators import REGISTRY, Period
from indicators.facts import Facts
from participants.models import FundingSource
from participants.stats import stats_refresh
from tests.builders import enrol
from tests.factories import ActivityFactory, AgentFactory, ClaimFactory, CommitmentFactory, TargetFactory
from villages.models import Activity, Commitment, Village

d = datetime.date
PERIODS = [
    Period(start=d(2024, 1, 1), end=d(2024, 6, 1)),  # previous 07–12/2023: Sikalang has no statistics yet
    Period(start=d(2024, 4, 1), end=d(2024, 4, 1)),
    Period(start=d(2024, 1, 1), end=d(2024, 3, 1)),
    Period(start=d(2024, 1, 1), end=d(2024, 12, 1)),  # previous in another year: other targets and budgets
    Period(start=d(2024, 1, 1), end=d(2024, 5, 1)),  # retention counted directly
    Period(start=d(2023, 1, 1), end=d(2024, 12, 1)),  # lapses counted directly
]


@pytest.fixture
def scattered(batang_barus, sikalang):
    """Participants, claims, activities, targets and commitments on both sides of the periods' boundaries."""
    batang_barus.working_age_population = 100
    batang_barus.save()
    TargetFactory(village=batang_barus, year=2024, active_participants=10)
    TargetFactory(village=batang_barus, year=2023, active_participants=4)
    a = enrol(batang_barus, d(2023, 5, 5), [(d(2023, 5, 1), d(2023, 9, 1)), (d(2024, 2, 1), d(2024, 6, 1))])
    enrol(batang_barus, d(2023, 11, 20), [(d(2023, 11, 1), d(2023, 12, 1))], funding=FundingSource.VILLAGE_BUDGET)
    enrol(batang_barus, d(2024, 2, 1), [(d(2024, 2, 1), d(2024, 3, 1))], exit_date=d(2024, 4, 10))
    enrol(batang_barus, d(2024, 5, 10), [])
    enrol(sikalang, d(2024, 1, 1), [(d(2024, 1, 1), d(2024, 12, 1))])
    ClaimFactory(participant=a, programme="JKK", event_date=d(2023, 8, 20), paid_on=d(2023, 9, 10), amount=700_000)
    ClaimFactory(participant=a, programme="JKK", event_date=d(2024, 2, 20), paid_on=d(2024, 3, 10), amount=5_000_000)
    ClaimFactory(participant=a, programme="JKK", event_date=d(2024, 6, 20), paid_on=None, amount=1_000_000)
    ActivityFactory(village=batang_barus, date=d(2023, 8, 14), kind=Activity.Kind.SOCIALISATION, attendees=12)
    ActivityFactory(village=batang_barus, date=d(2024, 2, 14), kind=Activity.Kind.SOCIALISATION, attendees=30)
    ActivityFactory(village=batang_barus, date=d(2024, 4, 2), kind=Activity.Kind.TRAINING, attendees=10)
    ActivityFactory(village=sikalang, date=d(2023, 12, 31), kind=Activity.Kind.SOCIALISATION, attendees=50)
    CommitmentFactory(village=batang_barus, kind=Commitment.Kind.REGULATION, signed_on=d(2023, 10, 5))
    CommitmentFactory(
        village=sikalang, kind=Commitment.Kind.AGREEMENT, signed_on=d(2022, 1, 5), valid_until=d(2023, 12, 31)
    )
    AgentFactory(village=batang_barus, name="Rina", active_since=d(2024, 3, 1))
    stats_refresh(village_ids=[batang_barus.pk, sikalang.pk])
    return batang_barus


def _plain(facts: Facts) -> dict:
    # Counters compare missing and zero as equal: compare plain dicts so that a fact present as 0 in one read and
    # absent in the other fails.
    return {pk: dict(numbers) for pk, numbers in facts.by_village().items()}


@pytest.mark.django_db
@pytest.mark.parametrize("period", PERIODS, ids=lambda period: period.label)
@pytest.mark.parametrize("one_village", [False, True])
def test_both_periods_read_together_equal_two_reads(scattered, period, one_village):
    villages = Village.objects.filter(pk=scattered.pk) if one_village else Village.objects.all()
    pair = Facts.with_previous(villages=villages, period=period)
    for facts, alone_period in zip(pair, (period, period.previous()), strict=True):
        alone = Facts(villages=villages, period=alone_period).need(*Facts.GROUPS)
        assert facts.period == alone_period
        assert facts.village_rows == alone.village_rows
        for group in Facts.GROUPS:
            assert {pk: dict(numbers) for pk, numbers in getattr(facts, group).items()} == {
                pk: dict(numbers) for pk, numbers in getattr(alone, group).items()
            }, group
        assert _plain(facts) == _plain(alone)
        now, before = facts.scope(), alone.scope()
        for key, indicator in REGISTRY.items():
            assert indicator.from_facts(now, alone_period) == indicator.from_facts(before, alone_period), key


@pytest.mark.django_db
def test_both_periods_cost_four_queries(scattered, django_assert_num_queries):
    with django_assert_num_queries(4):
        current, previous = Facts.with_previous(villages=Village.objects.all(), period=PERIODS[0])
    # Not a vacuous comparison above: each period has its own claims, activities and villages with statistics.
    assert (current.scope()["claims"], current.scope()["activities"], len(current.stats)) == (1, 2, 2)
    assert (previous.scope()["claims"], previous.scope()["activities"], len(previous.stats)) == (1, 2, 1)
