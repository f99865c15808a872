"""The demo's anev calendar holds the programme's rhythm: on a day of December 2026, 2019–2022 closed with
approved evaluations and a finished plan, 2022–2025 approved with its plan in progress, 2025–2028 open; a
second run changes nothing and a later day moves the calendar on."""

from __future__ import annotations

import datetime
from collections import Counter

import pytest
import time_machine
from django.db import transaction

from demo.branch import demo_branch_build
from evaluations.models import ActionItem, EvaluationCycle, EvaluationStep, VillageEvaluation
from evaluations.standing import village_standing
from villages.models import Village

pytestmark = [pytest.mark.django_db(transaction=False), pytest.mark.slow]

SCALE = 0.03
DECEMBER_2026 = datetime.date(2026, 12, 15)


def build(today: datetime.date = DECEMBER_2026, seed: int = 2019) -> dict[str, int]:
    return demo_branch_build(seed=seed, scale=SCALE, today=today)


def calendar() -> list[tuple]:
    """Every cycle, evaluation, step and action as the calendar left them."""
    return [
        *EvaluationCycle.objects.order_by("start_month").values_list(
            "name", "status", "baseline_date", "previous__name"
        ),
        *VillageEvaluation.objects.order_by("cycle__start_month", "village__code").values_list(
            "cycle__name", "village__code", "status", "findings", "recommendations"
        ),
        *EvaluationStep.objects.order_by(
            "evaluation__cycle__start_month", "evaluation__village__code", "action"
        ).values_list("evaluation__village__code", "action", "at"),
        *ActionItem.objects.order_by(
            "evaluation__cycle__start_month", "evaluation__village__code", "due_date"
        ).values_list("evaluation__village__code", "action", "owner", "due_date", "status"),
    ]


@pytest.fixture
def december():
    build()
    return {cycle.name: cycle for cycle in EvaluationCycle.objects.all()}


def statuses(cycle: EvaluationCycle) -> Counter:
    return Counter(cycle.evaluations.values_list("status", flat=True))


def plan(cycle: EvaluationCycle) -> Counter:
    return Counter(ActionItem.objects.filter(evaluation__cycle=cycle).values_list("status", flat=True))


def test_the_rhythm_in_december_2026(december):
    first, second, third = december["Anev 2019–2022"], december["Anev 2022–2025"], december["Anev 2025–2028"]
    assert [cycle.status for cycle in (first, second, third)] == ["ditutup", "ditutup", "dibuka"]
    assert (second.previous, third.previous) == (first, second)
    assert (second.baseline_date, third.baseline_date) == (datetime.date(2022, 12, 1), datetime.date(2025, 12, 1))
    # 2019–2022: every evaluation approved, its plan finished.
    assert set(statuses(first)) == {"disetujui"} and statuses(first)["disetujui"] > 0
    assert set(plan(first)) == {"selesai"}
    assert all(2 <= evaluation.action_items.count() <= 4 for evaluation in first.evaluations.all())
    # 2022–2025: approved in 03/2026, its plan under way.
    assert set(statuses(second)) == {"disetujui"}
    assert plan(second)["berjalan"] > 0 and plan(second)["rencana"] > 0
    approved_at = EvaluationStep.objects.filter(evaluation__cycle=second, action="disetujui").values_list(
        "at", flat=True
    )
    assert {moment.date() for moment in approved_at} == {datetime.date(2026, 3, 20)}
    # 2025–2028: open, a draft for every village in the programme, no plan yet.
    assert set(statuses(third)) == {"draf"}
    assert third.evaluations.count() == Village.objects.filter(joined_on__lte=DECEMBER_2026).count()
    assert not ActionItem.objects.filter(evaluation__cycle=third).exists()


def test_a_village_page_shows_where_the_village_stands(december):
    standing = village_standing(village=Village.objects.get(code="13.02.07.2006"), today=DECEMBER_2026)
    assert standing.cycle.name == "Anev 2025–2028" and standing.label == "Draf"
    assert standing.approved.cycle.name == "Anev 2022–2025"
    assert standing.plan.total > 0 and standing.plan.done < standing.plan.total


def test_a_second_run_changes_nothing(december):
    before = calendar()
    assert build()["evaluasi desa"] == 0
    assert calendar() == before


def test_the_same_seed_gives_the_same_calendar():
    with transaction.atomic():
        build()
        first = calendar()
        transaction.set_rollback(True)
    with transaction.atomic():
        build()
        assert calendar() == first
        transaction.set_rollback(True)


def test_a_later_day_moves_the_calendar_on(december):
    # The services bound dates by the real today, so the later day is the clock's too.
    with time_machine.travel(datetime.datetime(2029, 6, 1, 9, tzinfo=datetime.UTC), tick=False):
        build(today=datetime.date(2029, 6, 1))
    cycles = {cycle.name: cycle for cycle in EvaluationCycle.objects.all()}
    assert set(cycles) == {"Anev 2019–2022", "Anev 2022–2025", "Anev 2025–2028"}  # no fourth cycle is invented
    assert cycles["Anev 2025–2028"].status == "ditutup"
    assert set(statuses(cycles["Anev 2025–2028"])) == {"disetujui"}
    assert set(plan(cycles["Anev 2022–2025"])) == {"selesai"}
