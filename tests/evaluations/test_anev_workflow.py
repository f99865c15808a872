"""The anev workflow in its services: opening a cycle, scoring, permissions, locking and frozen values."""

from __future__ import annotations

import datetime
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, connection, transaction
from django.test.utils import CaptureQueriesContext

from evaluations import services
from evaluations.models import ActionItem, EvaluationCycle, EvaluationStep, PillarScore, VillageEvaluation
from tests.builders import join, paying
from tests.factories import ActionItemFactory, EvaluationCycleFactory, village
from villages.models import Village

D = datetime.date


@pytest.fixture
def programme(batang_barus, sikalang):
    """Batang Barus (4 of 100 working-age people paying through 2021–2022) and Sikalang in the programme."""
    join(batang_barus, sikalang)
    paying(batang_barus, 4, first=D(2021, 1, 1), last=D(2022, 12, 1))
    return batang_barus


@pytest.fixture
def cycle(programme, staff_user) -> EvaluationCycle:
    cycle = EvaluationCycleFactory()
    services.cycle_open(cycle=cycle, user=staff_user)
    return cycle


@pytest.fixture
def evaluation(cycle, programme) -> VillageEvaluation:
    return VillageEvaluation.objects.get(cycle=cycle, village=programme)


def written(evaluation: VillageEvaluation, user) -> VillageEvaluation:
    return services.evaluation_notes_update(
        evaluation=evaluation,
        user=user,
        findings="Kepesertaan tumbuh tetapi sosialisasi jarang.",
        recommendations="Sosialisasi ulang tiap jorong.",
    )


def test_opening_a_cycle_creates_one_prefilled_draft_per_programme_village(cycle, programme, staff_user):
    evaluations = VillageEvaluation.objects.filter(cycle=cycle)
    assert sorted(evaluations.values_list("village__code", flat=True)) == ["13.02.07.2006", "13.73.04.2010"]
    assert set(evaluations.values_list("status", flat=True)) == {VillageEvaluation.Status.DRAFT}
    ours = evaluations.get(village=programme)
    coverage = ours.values["coverage"]
    assert (coverage["numerator"], coverage["denominator"], coverage["display"]) == (4, 100, "4,0%")
    assert coverage["period"] == "01/2022–12/2022"
    assert coverage["score"] == 3  # 4% reaches the 2,5% threshold of score 3, not the 5% of score 4
    assert ours.baseline_values["coverage"]["numerator"] == 0
    assert ours.baseline_values["coverage"]["period"] == "02/2018–01/2019"
    assert ours.pillar_scores.count() == 4
    assert ours.overall_score is not None and ours.category
    assert ours.steps.get().action == EvaluationStep.Action.CREATED
    assert services.cycle_open(cycle=cycle, user=staff_user) == 0  # idempotent


def test_villages_not_in_the_programme_or_joined_after_the_cycle_get_no_evaluation(programme, staff_user):
    late = village("13.02.07.2001")
    late.joined_on = D(2023, 2, 1)
    late.save()
    cycle = EvaluationCycleFactory()
    services.cycle_open(cycle=cycle, user=staff_user)
    codes = set(cycle.evaluations.values_list("village__code", flat=True))
    assert late.code not in codes
    assert codes == {"13.02.07.2006", "13.73.04.2010"}


def test_cycle_open_reads_a_fixed_number_of_queries_whatever_the_number_of_villages(
    programme, staff_user, django_assert_max_num_queries
):
    small = EvaluationCycleFactory(name="Anev kecil")
    with CaptureQueriesContext(connection) as captured:
        services.cycle_open(cycle=small, user=staff_user)
    two_villages = len(captured)
    Village.objects.filter(district__regency__code="13.72").update(joined_on=D(2019, 5, 1))
    large = EvaluationCycleFactory(name="Anev besar")
    with django_assert_max_num_queries(two_villages):
        created = services.cycle_open(cycle=large, user=staff_user)
    assert created > 10


def test_batched_prefill_equals_a_single_recomputation(evaluation, staff_user):
    opened = dict(evaluation.values), dict(evaluation.baseline_values), evaluation.overall_score
    services.evaluation_compute(evaluation=evaluation, user=staff_user)
    evaluation.refresh_from_db()
    assert (evaluation.values, evaluation.baseline_values, evaluation.overall_score) == opened


def test_staff_submit_and_the_head_approves_each_step_recorded(evaluation, staff_user, head_user):
    written(evaluation, staff_user)
    services.evaluation_submit(evaluation=evaluation, user=staff_user, comment="Mohon diperiksa")
    services.evaluation_approve(evaluation=evaluation, user=head_user)
    evaluation.refresh_from_db()
    assert evaluation.status == VillageEvaluation.Status.APPROVED and evaluation.is_locked
    steps = list(evaluation.steps.values_list("action", "user__username", "comment"))
    assert steps == [
        ("dibuat", "staf.test", ""),
        ("diajukan", "staf.test", "Mohon diperiksa"),
        ("disetujui", "kepala.test", ""),
    ]
    assert all(step.at is not None for step in evaluation.steps.all())


def test_submitting_needs_findings_and_recommendations(evaluation, staff_user):
    with pytest.raises(ValidationError, match="temuan, rekomendasi"):
        services.evaluation_submit(evaluation=evaluation, user=staff_user)
    evaluation.refresh_from_db()
    assert evaluation.status == VillageEvaluation.Status.DRAFT


def test_staff_cannot_approve_and_an_official_cannot_submit(evaluation, staff_user, official):
    written(evaluation, staff_user)
    with pytest.raises(PermissionDenied):
        services.evaluation_submit(evaluation=evaluation, user=official)
    services.evaluation_submit(evaluation=evaluation, user=staff_user)
    with pytest.raises(PermissionDenied):
        services.evaluation_approve(evaluation=evaluation, user=staff_user)
    with pytest.raises(PermissionDenied):
        services.evaluation_return(evaluation=evaluation, user=staff_user, comment="tidak boleh")
    evaluation.refresh_from_db()
    assert evaluation.status == VillageEvaluation.Status.SUBMITTED


def test_the_head_cannot_approve_a_draft_nor_edit(evaluation, head_user):
    with pytest.raises(ValidationError, match="hanya evaluasi yang diajukan"):
        services.evaluation_approve(evaluation=evaluation, user=head_user)
    with pytest.raises(PermissionDenied):
        services.evaluation_compute(evaluation=evaluation, user=head_user)


def test_returning_needs_a_comment_and_reopens_the_evaluation(evaluation, staff_user, head_user):
    written(evaluation, staff_user)
    services.evaluation_submit(evaluation=evaluation, user=staff_user)
    with pytest.raises(ValidationError, match="alasan pengembalian"):
        services.evaluation_return(evaluation=evaluation, user=head_user, comment="  ")
    services.evaluation_return(evaluation=evaluation, user=head_user, comment="Rencana aksi belum ada.")
    evaluation.refresh_from_db()
    assert evaluation.status == VillageEvaluation.Status.RETURNED and evaluation.is_editable
    assert evaluation.steps.last().comment == "Rencana aksi belum ada."
    services.action_item_create(
        evaluation=evaluation,
        user=staff_user,
        action="Rapat koordinasi dengan wali nagari",
        pillar="keterikatan",
        owner="Staf cabang",
        due_date=D(2023, 3, 31),
    )
    services.evaluation_submit(evaluation=evaluation, user=staff_user)
    assert evaluation.status == VillageEvaluation.Status.SUBMITTED


def test_an_approved_evaluation_is_locked(evaluation, staff_user, head_user):
    written(evaluation, staff_user)
    item = services.action_item_create(
        evaluation=evaluation,
        user=staff_user,
        action="Sosialisasi",
        pillar="pemahaman",
        owner="Kader",
        due_date=D(2023, 5, 1),
    )
    services.evaluation_submit(evaluation=evaluation, user=staff_user)
    services.evaluation_approve(evaluation=evaluation, user=head_user)
    pillar = evaluation.pillar_scores.get(pillar="pertumbuhan")
    attempts = [
        lambda: services.evaluation_compute(evaluation=evaluation, user=staff_user),
        lambda: written(evaluation, staff_user),
        lambda: services.pillar_score_adjust(pillar_score=pillar, user=staff_user, score=Decimal(5), justification="x"),
        lambda: services.evaluation_submit(evaluation=evaluation, user=staff_user),
        lambda: services.evaluation_approve(evaluation=evaluation, user=head_user),
        lambda: services.action_item_create(
            evaluation=evaluation, user=staff_user, action="Baru", pillar="pemahaman", owner="x", due_date=D(2023, 1, 1)
        ),
        lambda: services.action_item_delete(item=item, user=staff_user),
    ]
    for attempt in attempts:
        with pytest.raises(ValidationError):
            attempt()
    # Carrying out the plan goes on after approval.
    services.action_item_status_set(item=item, user=staff_user, status=ActionItem.Status.DONE)
    assert ActionItem.objects.get(pk=item.pk).status == ActionItem.Status.DONE


def test_data_recorded_after_approval_never_changes_the_evaluation(evaluation, programme, staff_user, head_user):
    written(evaluation, staff_user)
    services.evaluation_submit(evaluation=evaluation, user=staff_user)
    services.evaluation_approve(evaluation=evaluation, user=head_user)
    frozen = VillageEvaluation.objects.get(pk=evaluation.pk)
    scores = list(PillarScore.objects.filter(evaluation=evaluation).values_list("pillar", "computed_score"))

    paying(programme, 6, first=D(2022, 1, 1), last=D(2022, 12, 1), serial=100)

    after = VillageEvaluation.objects.get(pk=evaluation.pk)
    assert after.values == frozen.values
    assert after.values["coverage"]["numerator"] == 4
    assert (after.overall_score, after.category) == (frozen.overall_score, frozen.category)
    assert list(PillarScore.objects.filter(evaluation=evaluation).values_list("pillar", "computed_score")) == scores
    # The same data does reach a draft that is recomputed: the freeze is what kept the approved one still.
    draft = EvaluationCycleFactory(name="Anev ulang")
    services.cycle_open(cycle=draft, user=staff_user)
    assert draft.evaluations.get(village=programme).values["coverage"]["numerator"] == 10


def test_recomputing_a_draft_takes_new_data_and_keeps_adjustments(evaluation, programme, staff_user):
    pillar = evaluation.pillar_scores.get(pillar="keterikatan")
    services.pillar_score_adjust(
        pillar_score=pillar, user=staff_user, score=Decimal(4), justification="Perna sudah disahkan, belum tercatat."
    )
    paying(programme, 6, first=D(2022, 1, 1), last=D(2022, 12, 1), serial=100)
    services.evaluation_compute(evaluation=evaluation, user=staff_user)
    evaluation.refresh_from_db()
    assert evaluation.values["coverage"]["numerator"] == 10
    pillar.refresh_from_db()
    assert pillar.adjusted_score == Decimal(4) and pillar.justification


def test_adjusting_a_pillar_needs_a_justification_and_rescores(evaluation, staff_user):
    pillar = evaluation.pillar_scores.get(pillar="pemahaman")
    with pytest.raises(ValidationError, match="alasan penyesuaian"):
        services.pillar_score_adjust(pillar_score=pillar, user=staff_user, score=Decimal(5), justification=" ")
    with pytest.raises(ValidationError, match="antara 1 dan 5"):
        services.pillar_score_adjust(pillar_score=pillar, user=staff_user, score=Decimal(6), justification="x")
    scores = {score.pillar: score.score for score in evaluation.pillar_scores.all()}
    services.pillar_score_adjust(
        pillar_score=pillar, user=staff_user, score=Decimal(5), justification="Klaim JKM dibayar di luar periode."
    )
    scores["pemahaman"] = Decimal(5)
    evaluation.refresh_from_db()
    expected = (sum(scores.values()) / 4).quantize(Decimal("0.01"))
    assert evaluation.overall_score == expected
    services.pillar_score_adjust(pillar_score=pillar, user=staff_user, score=None, justification="")
    pillar.refresh_from_db()
    assert pillar.adjusted_score is None and pillar.justification == ""


def test_the_database_refuses_an_adjustment_without_justification(evaluation):
    pillar = evaluation.pillar_scores.get(pillar="pemahaman")
    pillar.adjusted_score = Decimal(5)
    pillar.justification = ""
    with pytest.raises(ValidationError, match="Tuliskan alasan penyesuaian"):
        pillar.full_clean()  # what a form (the admin's too) shows
    with pytest.raises(IntegrityError), transaction.atomic():
        pillar.save()


def test_an_official_only_sets_the_status_of_their_own_villages_actions(
    cycle, evaluation, staff_user, official, other_official
):
    item = services.action_item_create(
        evaluation=evaluation,
        user=staff_user,
        action="Sosialisasi",
        pillar="pemahaman",
        owner="Kader",
        due_date=D(2023, 5, 1),
    )
    with pytest.raises(PermissionDenied):
        services.action_item_status_set(item=item, user=other_official, status=ActionItem.Status.DONE)
    with pytest.raises(PermissionDenied):
        services.action_item_update(
            item=item,
            user=official,
            action="Lain",
            pillar="pemahaman",
            owner="x",
            due_date=D(2023, 1, 1),
            status="selesai",
        )
    with pytest.raises(PermissionDenied):
        services.action_item_create(
            evaluation=evaluation, user=official, action="Baru", pillar="pemahaman", owner="x", due_date=D(2023, 1, 1)
        )
    pillar = evaluation.pillar_scores.get(pillar="pemahaman")
    with pytest.raises(PermissionDenied):
        services.pillar_score_adjust(pillar_score=pillar, user=official, score=Decimal(5), justification="x")
    services.action_item_status_set(item=item, user=official, status=ActionItem.Status.IN_PROGRESS)
    item.refresh_from_db()
    assert item.status == ActionItem.Status.IN_PROGRESS and item.action == "Sosialisasi"


def test_a_closed_cycle_refuses_changes(cycle, evaluation, staff_user, head_user):
    with pytest.raises(PermissionDenied):
        services.cycle_close(cycle=cycle, user=head_user)
    services.cycle_close(cycle=cycle, user=staff_user)
    evaluation.refresh_from_db()
    with pytest.raises(ValidationError, match="sudah ditutup"):
        services.evaluation_compute(evaluation=evaluation, user=staff_user)
    with pytest.raises(ValidationError, match="sudah ditutup"):
        services.cycle_open(cycle=cycle, user=staff_user)


def test_overdue_actions(evaluation, staff_user):
    late = ActionItemFactory(evaluation=evaluation, due_date=D(2023, 1, 1))
    ActionItemFactory(evaluation=evaluation, due_date=D(2023, 1, 1), status="selesai")
    ActionItemFactory(evaluation=evaluation, due_date=D(2023, 6, 1))
    today = D(2023, 3, 1)
    assert list(ActionItem.objects.overdue(today=today)) == [late]
    assert late.is_overdue(today=today) and not late.is_overdue(today=D(2023, 1, 1))
