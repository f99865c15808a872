"""Plausible dates in the anev services (core.dates): a cycle ending far ahead opens no evaluations, an
action plan is due within two years."""

from __future__ import annotations

import datetime

import pytest
import time_machine
from django.core.exceptions import ValidationError

from evaluations import services
from evaluations.models import ActionItem, VillageEvaluation
from tests.builders import join
from tests.factories import EvaluationCycleFactory

D = datetime.date


@pytest.fixture(autouse=True)
def _today():
    with time_machine.travel(datetime.datetime(2025, 6, 15, 10, tzinfo=datetime.UTC), tick=False):
        yield


@pytest.mark.parametrize(
    ("months", "field"),
    [
        ({"end_month": D(2099, 12, 1)}, "end_month"),
        ({"start_month": D(1900, 1, 1)}, "start_month"),
        ({"baseline_date": D(2099, 1, 1)}, "baseline_date"),
    ],
)
def test_a_cycle_outside_the_plausible_months_opens_nothing(batang_barus, staff_user, months, field):
    join(batang_barus)
    cycle = EvaluationCycleFactory(**months)
    with pytest.raises(ValidationError) as error:
        services.cycle_open(cycle=cycle, user=staff_user)
    assert "di luar rentang" in error.value.message_dict[field][0]
    assert not VillageEvaluation.objects.exists()


def test_an_action_due_far_ahead_is_refused_and_one_within_two_years_kept(batang_barus, staff_user):
    join(batang_barus)
    cycle = EvaluationCycleFactory()
    services.cycle_open(cycle=cycle, user=staff_user)
    evaluation = VillageEvaluation.objects.get()
    item = {"evaluation": evaluation, "user": staff_user, "action": "Sosialisasi", "pillar": "pemahaman"}
    with pytest.raises(ValidationError) as error:
        services.action_item_create(**item, owner="Kader", due_date=D(2099, 12, 31))
    assert "di luar rentang" in error.value.message_dict["due_date"][0]
    assert not ActionItem.objects.exists()
    assert services.action_item_create(**item, owner="Kader", due_date=D(2027, 6, 30)).due_date == D(2027, 6, 30)
