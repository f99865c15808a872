"""The anev's reads (evaluations/selectors.py): scope, the previous cycle's score, counts and means."""

from __future__ import annotations

import datetime
from decimal import Decimal

import pytest

from evaluations import selectors
from evaluations.models import ActionItem, Pillar, PillarScore, VillageEvaluation
from tests.factories import ActionItemFactory, EvaluationCycleFactory, VillageEvaluationFactory

D = datetime.date


@pytest.fixture
def cycles(db):
    first = EvaluationCycleFactory()
    second = EvaluationCycleFactory(
        name="Anev 2022–2025", start_month=D(2022, 1, 1), end_month=D(2025, 12, 1), previous=first
    )
    return first, second


@pytest.fixture
def evaluations(cycles, batang_barus, sikalang) -> dict:
    """Both villages in both cycles; Batang Barus rose from 2.50 to 3.25, Sikalang was not scored before."""
    first, second = cycles
    VillageEvaluationFactory(cycle=first, village=batang_barus, overall_score=Decimal("2.50"))
    VillageEvaluationFactory(cycle=first, village=sikalang)
    return {
        "ours": VillageEvaluationFactory(
            cycle=second, village=batang_barus, overall_score=Decimal("3.25"), category="Berkembang"
        ),
        "theirs": VillageEvaluationFactory(
            cycle=second, village=sikalang, status=VillageEvaluation.Status.SUBMITTED, overall_score=Decimal("4.00")
        ),
    }


def test_cycle_evaluations_keep_to_the_scope_and_carry_the_previous_score(cycles, evaluations, official, staff_user):
    _first, second = cycles
    rows = list(selectors.cycle_evaluations(cycle=second, user=official))
    assert rows == [evaluations["ours"]]
    assert (rows[0].previous_score, rows[0].change) == (Decimal("2.50"), Decimal("0.75"))
    both = {row.village.code: row for row in selectors.cycle_evaluations(cycle=second, user=staff_user)}
    assert len(both) == 2
    assert both[evaluations["theirs"].village.code].previous_score is None


def test_the_first_cycle_has_no_previous_score(cycles, evaluations, staff_user):
    first, _second = cycles
    assert {row.previous_score for row in selectors.cycle_evaluations(cycle=first, user=staff_user)} == {None}


def test_status_and_category_counts(cycles, evaluations, staff_user, official):
    _first, second = cycles
    rows = selectors.cycle_evaluations(cycle=second, user=staff_user)
    counts = dict(selectors.evaluation_status_counts(evaluations=rows))
    assert list(counts) == list(VillageEvaluation.Status.labels)
    assert (counts["Draf"], counts["Diajukan"], counts["Disetujui"]) == (1, 1, 0)
    assert selectors.category_counts(evaluations=rows) == {"Berkembang": 1, "": 1}
    own = selectors.cycle_evaluations(cycle=second, user=official)
    assert sum(count for _label, count in selectors.evaluation_status_counts(evaluations=own)) == 1


def test_pillar_means_are_the_user_s_villages_only(cycles, evaluations, staff_user, official):
    _first, second = cycles
    PillarScore.objects.create(
        evaluation=evaluations["ours"], pillar=Pillar.GROWTH, baseline_score=Decimal(2), computed_score=Decimal(3)
    )
    PillarScore.objects.create(
        evaluation=evaluations["theirs"],
        pillar=Pillar.GROWTH,
        baseline_score=Decimal(4),
        computed_score=Decimal(2),
        adjusted_score=Decimal(5),
        justification="Peraturan nagari baru disahkan.",
    )
    rows = selectors.cycle_evaluations(cycle=second, user=staff_user)
    means = selectors.pillar_means(evaluations=rows, user=staff_user)[Pillar.GROWTH]
    assert (means["before"], means["after"]) == (Decimal(3), Decimal(4))  # the adjusted score counts
    own = selectors.pillar_means(evaluations=selectors.cycle_evaluations(cycle=second, user=official), user=official)
    assert (own[Pillar.GROWTH]["before"], own[Pillar.GROWTH]["after"]) == (Decimal(2), Decimal(3))


def test_the_tracker_keeps_to_the_scope_and_counts_the_overdue(cycles, evaluations, official, staff_user):
    _first, second = cycles
    late = ActionItemFactory(evaluation=evaluations["ours"], due_date=D(2024, 1, 31))
    ActionItemFactory(evaluation=evaluations["ours"], due_date=D(2024, 1, 31), status=ActionItem.Status.DONE)
    ActionItemFactory(evaluation=evaluations["theirs"], due_date=D(2023, 1, 31))
    ours = selectors.cycle_action_items(cycle=second, user=official)
    assert len(ours) == 2 and late in ours
    assert selectors.overdue_count(items=ours, today=D(2024, 2, 1)) == 1
    every = selectors.cycle_action_items(cycle=second, user=staff_user)
    assert [item.due_date for item in every] == sorted(item.due_date for item in every)
    counts = dict(selectors.action_item_status_counts(items=every))
    assert (counts["Direncanakan"], counts["Selesai"]) == (2, 1)
    assert selectors.overdue_count(items=every, today=D(2024, 2, 1)) == 2


def test_a_village_official_lists_only_their_evaluations(cycles, evaluations, official):
    assert {evaluation.village for evaluation in selectors.user_evaluations(user=official)} == {
        evaluations["ours"].village
    }


def test_the_newest_cycle_is_offered_as_the_previous_one(cycles):
    assert selectors.latest_cycle() == cycles[1]
