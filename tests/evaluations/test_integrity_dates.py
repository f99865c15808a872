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


@pytest.mark.parametrize(("field", "value"), [("end_month", "12/2099"), ("start_month", "01/1999")])
def test_the_cycle_form_says_which_month_is_out_of_range_and_creates_nothing(
    client, staff_user, batang_barus, field, value
):
    """The form posted with a month the service refuses was a 500 (the service's ValidationError escaped)."""
    from django.urls import reverse

    from evaluations.models import EvaluationCycle
    from tests.factories import default_rubric

    join(batang_barus)
    body = {"name": "Anev 2025–2027", "start_month": "01/2025", "end_month": "12/2027", "baseline_date": "31/12/2024"}
    client.force_login(staff_user)
    response = client.post(reverse("evaluations:cycle_create"), {**body, field: value, "rubric": default_rubric().pk})
    assert response.status_code == 200
    assert "di luar rentang yang mungkin" in response.context["form"].errors[field][0]
    assert not EvaluationCycle.objects.exists() and not VillageEvaluation.objects.exists()
