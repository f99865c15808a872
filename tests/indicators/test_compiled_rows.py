"""The statistics' grouped query is compiled once per process for the same villages and periods (`compiled_rows`):
the SQL is reused, never the rows, so a later read sees the data written since, and equals a fresh compilation."""

from __future__ import annotations

import datetime

import pytest

from indicators import Period
from indicators import facts as facts_module
from indicators.facts import Facts
from participants.stats import stats_refresh
from tests.builders import enrol
from villages.models import Village

d = datetime.date
PERIOD = Period(start=d(2024, 1, 1), end=d(2024, 6, 1))


def _stats(villages) -> dict:
    return {pk: dict(numbers) for pk, numbers in Facts(villages=villages, period=PERIOD).stats.items()}


@pytest.mark.django_db
def test_compiled_statistics_read_the_current_rows(batang_barus, sikalang, django_assert_num_queries):
    enrol(batang_barus, d(2024, 1, 5), [(d(2024, 1, 1), d(2024, 6, 1))])
    stats_refresh(village_ids=[batang_barus.pk, sikalang.pk])
    villages = Village.objects.filter(pk__in=[batang_barus.pk, sikalang.pk])
    first = _stats(villages)
    assert first[batang_barus.pk]["active_end"] == 1
    assert sikalang.pk not in first

    enrol(batang_barus, d(2024, 2, 5), [(d(2024, 2, 1), d(2024, 6, 1))])
    enrol(sikalang, d(2024, 3, 5), [(d(2024, 3, 1), d(2024, 6, 1))])
    stats_refresh(village_ids=[batang_barus.pk, sikalang.pk])
    compiled = len(facts_module._COMPILED)
    with django_assert_num_queries(1):
        again = _stats(villages)
    assert len(facts_module._COMPILED) == compiled  # the SQL was reused
    assert again[batang_barus.pk]["active_end"] == 2
    assert again[sikalang.pk]["active_end"] == 1

    facts_module._COMPILED.clear()
    assert _stats(villages) == again


@pytest.mark.django_db
def test_no_villages_no_statistics(batang_barus, django_assert_num_queries):
    with django_assert_num_queries(0):
        assert _stats(Village.objects.none()) == {}


@pytest.mark.django_db
def test_the_least_recently_used_query_is_dropped_first(batang_barus, sikalang, monkeypatch):
    """A full cache drops its oldest entry, not the one just read (a village page visited again keeps its SQL)."""
    monkeypatch.setattr(facts_module, "_COMPILED", type(facts_module._COMPILED)())
    monkeypatch.setattr(facts_module, "_COMPILED_MAX", 2)
    third = Village.objects.exclude(pk__in=[batang_barus.pk, sikalang.pk]).first()
    scopes = [Village.objects.filter(pk=village.pk) for village in (batang_barus, sikalang, third)]
    _stats(scopes[0])
    _stats(scopes[1])
    kept = list(facts_module._COMPILED)
    _stats(scopes[0])  # read again: now the most recent
    _stats(scopes[2])
    assert list(facts_module._COMPILED) == [kept[0], *[key for key in facts_module._COMPILED if key not in kept]]
