"""Coverage divided by a village's resident list: the informal workers when a list exists, named with its
source and date, stale after RESIDENT_LIST_STALE_MONTHS; totals say how many villages had a list."""

from __future__ import annotations

import datetime

import pytest

from indicators import Period, indicator_compute
from tests.builders import join, paying
from tests.factories import DenominatorFactory, ResidentListFactory
from villages.models import Village

pytestmark = pytest.mark.django_db

PERIOD = Period(start=datetime.date(2024, 1, 1), end=datetime.date(2024, 6, 1))


@pytest.fixture
def two_villages(batang_barus, sikalang):
    join(batang_barus, sikalang, working_age=100)
    paying(batang_barus, 4, first=datetime.date(2024, 1, 1), last=datetime.date(2024, 6, 1))
    paying(sikalang, 3, first=datetime.date(2024, 1, 1), last=datetime.date(2024, 6, 1), serial=10)
    return Village.objects.filter(pk__in=[batang_barus.pk, sikalang.pk])


def test_without_a_list_coverage_is_the_estimate(two_villages, batang_barus):
    result = indicator_compute(key="coverage", villages=two_villages.filter(pk=batang_barus.pk), period=PERIOD)
    assert (result.numerator, result.denominator, result.label) == (4, 100, "perkiraan")


def test_a_current_list_gives_the_informal_workers(two_villages, batang_barus, settings):
    as_of = datetime.date.today() - datetime.timedelta(days=30)
    ResidentListFactory(village=batang_barus)
    DenominatorFactory(village=batang_barus, hamlet="Koto", informal=15, as_of=as_of)
    DenominatorFactory(village=batang_barus, informal=40, as_of=as_of)
    one = indicator_compute(key="coverage", villages=two_villages.filter(pk=batang_barus.pk), period=PERIOD)
    assert (one.numerator, one.denominator) == (4, 40)
    assert one.label == f"sumber: data penduduk OpenSID {as_of:%d/%m/%Y}"
    both = indicator_compute(key="coverage", villages=two_villages, period=PERIOD)
    assert (both.numerator, both.denominator) == (7, 140)
    assert both.label == "sumber: data penduduk OpenSID di 1 desa, perkiraan di 1 desa"
    settings.RESIDENT_LIST_STALE_MONTHS = 1
    stale = indicator_compute(key="coverage", villages=two_villages.filter(pk=batang_barus.pk), period=PERIOD)
    assert stale.label.endswith("(data lama)")


def test_the_latest_import_counts_and_a_deleted_list_falls_back(two_villages, batang_barus):
    ResidentListFactory(village=batang_barus)
    DenominatorFactory(village=batang_barus, informal=40)
    DenominatorFactory(village=batang_barus, informal=50)
    village = two_villages.filter(pk=batang_barus.pk)
    assert indicator_compute(key="coverage", villages=village, period=PERIOD).denominator == 50
    batang_barus.resident_list.delete()
    assert indicator_compute(key="coverage", villages=village, period=PERIOD).label == "perkiraan"
