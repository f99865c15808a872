"""The anev workflow: every write, each checking permission and state first.

draft → (submit, staff) → submitted → (approve, branch head) → approved, locked
                                    ↘ (return with a comment) → returned → (submit) …
Indicator values are computed only on opening the cycle or on an explicit recomputation of a
draft/returned evaluation, and stored in the evaluation: nothing recorded later changes them.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass
from decimal import Decimal

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import QuerySet
from django.utils import timezone
from simple_history.utils import bulk_create_with_history

from core.dates import date_range_error, month_range_error
from evaluations.models import (
    ActionItem,
    Category,
    EvaluationCycle,
    EvaluationStep,
    Pillar,
    PillarScore,
    RubricItem,
    VillageEvaluation,
)
from evaluations.scoring import category_for, indicator_score, overall_score, weighted_mean
from indicators import Period, Result, indicators_by_village, indicators_compute
from participants.months import add_months, month_end, month_start
from villages.models import Village

PERM_OPEN = "evaluations.add_evaluationcycle"
PERM_CLOSE = "evaluations.change_evaluationcycle"
PERM_EVALUATE = "evaluations.change_villageevaluation"
PERM_APPROVE = "evaluations.approve_villageevaluation"
PERM_ADD_ACTION = "evaluations.add_actionitem"
PERM_CHANGE_ACTION = "evaluations.change_actionitem"
PERM_DELETE_ACTION = "evaluations.delete_actionitem"

PERIOD_MONTHS = 12
# How far ahead (core.dates) a cycle may end and an action plan be due: a cycle runs three years and
# may be set up to a year before it starts; a plan's actions fall within the next cycle (three years).
CYCLE_HORIZON_MONTHS = 48
ACTION_DUE_HORIZON_MONTHS = 36


def _require(user, perm: str, message: str) -> None:
    if user is None or not user.has_perm(perm):
        raise PermissionDenied(message)


def _require_editable(evaluation: VillageEvaluation) -> None:
    if evaluation.cycle.status != EvaluationCycle.Status.OPEN:
        raise ValidationError("Siklus anev ini sudah ditutup; evaluasinya tidak dapat diubah lagi.")
    if not evaluation.is_editable:
        raise ValidationError(
            f"Evaluasi berstatus {evaluation.get_status_display().lower()} dan tidak dapat diubah. "
            "Hanya evaluasi draf atau yang dikembalikan yang dapat diubah."
        )


def cycle_periods(cycle: EvaluationCycle) -> tuple[Period, Period]:
    """(end of the cycle, baseline): the cycle's last 12 months, and the 12 months ending with the baseline month."""
    end = Period(start=add_months(cycle.end_month, 1 - PERIOD_MONTHS), end=cycle.end_month)
    baseline_month = month_start(cycle.baseline_date)
    baseline = Period(start=add_months(baseline_month, 1 - PERIOD_MONTHS), end=baseline_month)
    return end, baseline


def _frozen(result: Result, item: RubricItem) -> dict:
    """One indicator result as stored in the evaluation, with its score and the rule that gave it."""
    return {
        **result.as_dict(),
        "score": indicator_score(
            value=result.value, thresholds=item.thresholds, higher_is_better=item.higher_is_better
        ),
        "pillar": item.pillar,
        "weight": str(item.weight),
        "higher_is_better": item.higher_is_better,
        "thresholds": [str(threshold) for threshold in item.thresholds],
    }


def _pillar_means(frozen: dict[str, dict]) -> dict[str, Decimal | None]:
    return {
        pillar: weighted_mean(
            scores=(
                (entry["score"], Decimal(entry["weight"])) for entry in frozen.values() if entry["pillar"] == pillar
            )
        )
        for pillar in Pillar.values
    }


@dataclass
class _Computed:
    values: dict[str, dict]
    baseline_values: dict[str, dict]
    pillars: dict[str, Decimal | None]
    baseline_pillars: dict[str, Decimal | None]


class _Rules:
    """The cycle's rubric, read once for however many villages are computed."""

    def __init__(self, cycle: EvaluationCycle) -> None:
        self.cycle = cycle
        self.items = list(RubricItem.objects.filter(rubric_id=cycle.rubric_id))
        self.categories = [
            (category.name, category.min_score) for category in Category.objects.filter(rubric_id=cycle.rubric_id)
        ]
        self.end, self.baseline = cycle_periods(cycle)
        self.keys = [item.indicator for item in self.items]

    def _computed(self, at_end: dict[str, Result], at_baseline: dict[str, Result]) -> _Computed:
        values = {item.indicator: _frozen(at_end[item.indicator], item) for item in self.items}
        baseline_values = {item.indicator: _frozen(at_baseline[item.indicator], item) for item in self.items}
        return _Computed(values, baseline_values, _pillar_means(values), _pillar_means(baseline_values))

    def compute(self, village: Village) -> _Computed:
        villages = Village.objects.filter(pk=village.pk)
        return self._computed(
            indicators_compute(villages=villages, period=self.end, keys=self.keys),
            indicators_compute(villages=villages, period=self.baseline, keys=self.keys),
        )

    def compute_many(self, villages: QuerySet[Village]) -> dict[int, _Computed]:
        """The same as `compute` for many villages at once, with a fixed number of queries."""
        at_end = indicators_by_village(villages=villages, period=self.end, keys=self.keys)
        at_baseline = indicators_by_village(villages=villages, period=self.baseline, keys=self.keys)
        return {pk: self._computed(at_end[pk], at_baseline[pk]) for pk in at_end}

    def category(self, score: Decimal | None) -> str:
        return category_for(score=score, categories=self.categories)


@transaction.atomic
def cycle_open(*, cycle: EvaluationCycle, user=None) -> int:
    """Create (and pre-fill) one draft evaluation per village in the programme; idempotent.

    `user` None is the seed or a management command. Returns how many evaluations were created.
    """
    if user is not None:
        _require(user, PERM_OPEN, "Anda tidak berhak membuka siklus anev.")
    if cycle.status != EvaluationCycle.Status.OPEN:
        raise ValidationError("Siklus anev ini sudah ditutup.")
    # A cycle ending 12/2099 would evaluate villages on months that do not exist yet: refused, naming the range.
    problems = {
        "start_month": month_range_error(cycle.start_month, horizon_months=CYCLE_HORIZON_MONTHS),
        "end_month": month_range_error(cycle.end_month, horizon_months=CYCLE_HORIZON_MONTHS),
        "baseline_date": date_range_error(cycle.baseline_date, horizon_months=CYCLE_HORIZON_MONTHS),
    }
    if any(problems.values()):
        raise ValidationError({field: message for field, message in problems.items() if message})
    villages = (
        Village.objects.in_programme()
        .filter(joined_on__lte=month_end(cycle.end_month))
        .exclude(evaluations__cycle=cycle)
        .order_by("code")
    )
    rules = _Rules(cycle)
    results = rules.compute_many(villages)
    now = timezone.now()
    evaluations: list[VillageEvaluation] = []
    computed: list[_Computed] = []
    for village in villages:
        result = results[village.pk]
        overall = overall_score(pillar_scores=result.pillars.values())
        evaluations.append(
            VillageEvaluation(
                cycle=cycle,
                village=village,
                values=result.values,
                baseline_values=result.baseline_values,
                overall_score=overall,
                category=rules.category(overall),
                computed_at=now,
            )
        )
        computed.append(result)
    if not evaluations:
        return 0
    created = bulk_create_with_history(evaluations, VillageEvaluation, default_user=user)
    if any(evaluation.pk is None for evaluation in created):
        by_village = dict(
            VillageEvaluation.objects.filter(cycle=cycle).values_list("village_id", "pk"),
        )
        for evaluation in created:
            evaluation.pk = by_village[evaluation.village_id]
    bulk_create_with_history(
        [
            PillarScore(
                evaluation=evaluation,
                pillar=pillar,
                computed_score=result.pillars[pillar],
                baseline_score=result.baseline_pillars[pillar],
            )
            for evaluation, result in zip(created, computed, strict=True)
            for pillar in Pillar.values
        ],
        PillarScore,
        default_user=user,
    )
    EvaluationStep.objects.bulk_create(
        EvaluationStep(evaluation=evaluation, action=EvaluationStep.Action.CREATED, user=user) for evaluation in created
    )
    return len(created)


def cycle_close(*, cycle: EvaluationCycle, user) -> None:
    _require(user, PERM_CLOSE, "Anda tidak berhak menutup siklus anev.")
    if cycle.status == EvaluationCycle.Status.CLOSED:
        raise ValidationError("Siklus anev ini sudah ditutup.")
    cycle.status = EvaluationCycle.Status.CLOSED
    cycle.save(update_fields=["status"])


def _rescore(evaluation: VillageEvaluation, categories: list[tuple[str, Decimal]] | None = None) -> None:
    """Overall score and category from the pillar scores as they stand (adjustments included)."""
    if categories is None:
        categories = list(
            Category.objects.filter(rubric_id=evaluation.cycle.rubric_id).values_list("name", "min_score")
        )
    scores = [pillar_score.score for pillar_score in PillarScore.objects.filter(evaluation=evaluation)]
    evaluation.overall_score = overall_score(pillar_scores=scores)
    evaluation.category = category_for(score=evaluation.overall_score, categories=categories)


@transaction.atomic
def evaluation_compute(*, evaluation: VillageEvaluation, user) -> VillageEvaluation:
    """Recompute ("Hitung ulang") the indicator values and scores of a draft or returned evaluation.

    Adjusted pillar scores and their justifications are kept.
    """
    _require(user, PERM_EVALUATE, "Anda tidak berhak menghitung evaluasi desa.")
    _require_editable(evaluation)
    rules = _Rules(evaluation.cycle)
    result = rules.compute(evaluation.village)
    for pillar in Pillar.values:
        PillarScore.objects.update_or_create(
            evaluation=evaluation,
            pillar=pillar,
            defaults={"computed_score": result.pillars[pillar], "baseline_score": result.baseline_pillars[pillar]},
        )
    evaluation.values = result.values
    evaluation.baseline_values = result.baseline_values
    evaluation.computed_at = timezone.now()
    _rescore(evaluation, rules.categories)
    evaluation.save()
    return evaluation


@transaction.atomic
def evaluation_notes_update(
    *, evaluation: VillageEvaluation, user, findings: str, recommendations: str
) -> VillageEvaluation:
    _require(user, PERM_EVALUATE, "Anda tidak berhak mengubah evaluasi desa.")
    _require_editable(evaluation)
    evaluation.findings = findings.strip()
    evaluation.recommendations = recommendations.strip()
    evaluation.save(update_fields=["findings", "recommendations"])
    return evaluation


@transaction.atomic
def pillar_score_adjust(*, pillar_score: PillarScore, user, score: Decimal | None, justification: str) -> PillarScore:
    """Set (or, with `score` None, remove) a staff adjustment of one pillar's score; it needs a written reason."""
    evaluation = pillar_score.evaluation
    _require(user, PERM_EVALUATE, "Anda tidak berhak menyesuaikan skor pilar.")
    _require_editable(evaluation)
    justification = justification.strip()
    if score is None:
        pillar_score.adjusted_score = None
        pillar_score.justification = ""
    else:
        if not Decimal(1) <= score <= Decimal(5):
            raise ValidationError({"score": "Skor pilar harus antara 1 dan 5."})
        if not justification:
            raise ValidationError({"justification": "Tuliskan alasan penyesuaian skor pilar."})
        pillar_score.adjusted_score = score
        pillar_score.justification = justification
    pillar_score.save(update_fields=["adjusted_score", "justification"])
    _rescore(evaluation)
    evaluation.save(update_fields=["overall_score", "category"])
    return pillar_score


def _step(evaluation: VillageEvaluation, action: str, user, comment: str = "") -> EvaluationStep:
    return EvaluationStep.objects.create(evaluation=evaluation, action=action, user=user, comment=comment)


@transaction.atomic
def evaluation_submit(*, evaluation: VillageEvaluation, user, comment: str = "") -> VillageEvaluation:
    _require(user, PERM_EVALUATE, "Anda tidak berhak mengajukan evaluasi desa.")
    _require_editable(evaluation)
    missing = []
    if evaluation.computed_at is None:
        missing.append("nilai indikator (tekan Hitung ulang)")
    if not evaluation.findings.strip():
        missing.append("temuan")
    if not evaluation.recommendations.strip():
        missing.append("rekomendasi")
    if missing:
        raise ValidationError(f"Lengkapi dulu sebelum diajukan: {', '.join(missing)}.")
    evaluation.status = VillageEvaluation.Status.SUBMITTED
    evaluation.save(update_fields=["status"])
    _step(evaluation, EvaluationStep.Action.SUBMITTED, user, comment.strip())
    return evaluation


def _require_submitted(evaluation: VillageEvaluation) -> None:
    if evaluation.status != VillageEvaluation.Status.SUBMITTED:
        raise ValidationError(
            f"Evaluasi berstatus {evaluation.get_status_display().lower()}; "
            "hanya evaluasi yang diajukan yang dapat disetujui atau dikembalikan."
        )


@transaction.atomic
def evaluation_return(*, evaluation: VillageEvaluation, user, comment: str) -> VillageEvaluation:
    _require(user, PERM_APPROVE, "Hanya kepala cabang yang dapat mengembalikan evaluasi.")
    _require_submitted(evaluation)
    if not comment.strip():
        raise ValidationError({"comment": "Tuliskan alasan pengembalian agar staf tahu apa yang harus diperbaiki."})
    evaluation.status = VillageEvaluation.Status.RETURNED
    evaluation.save(update_fields=["status"])
    _step(evaluation, EvaluationStep.Action.RETURNED, user, comment.strip())
    return evaluation


@transaction.atomic
def evaluation_approve(*, evaluation: VillageEvaluation, user, comment: str = "") -> VillageEvaluation:
    """Approve and lock: from now on the evaluation is read-only and its values frozen."""
    _require(user, PERM_APPROVE, "Hanya kepala cabang yang dapat menyetujui evaluasi.")
    _require_submitted(evaluation)
    evaluation.status = VillageEvaluation.Status.APPROVED
    evaluation.save(update_fields=["status"])
    _step(evaluation, EvaluationStep.Action.APPROVED, user, comment.strip())
    return evaluation


def _check_due_date(due_date: datetime.date) -> None:
    if date_range_error(due_date, horizon_months=ACTION_DUE_HORIZON_MONTHS):
        raise ValidationError({"due_date": date_range_error(due_date, horizon_months=ACTION_DUE_HORIZON_MONTHS)})


@transaction.atomic
def action_item_create(
    *, evaluation: VillageEvaluation, user, action: str, pillar: str, owner: str, due_date: datetime.date
) -> ActionItem:
    _require(user, PERM_ADD_ACTION, "Anda tidak berhak menambah rencana aksi.")
    _require_editable(evaluation)
    _check_due_date(due_date)
    item = ActionItem(
        evaluation=evaluation, action=action.strip(), pillar=pillar, owner=owner.strip(), due_date=due_date
    )
    item.full_clean()
    item.save()
    return item


@transaction.atomic
def action_item_update(
    *, item: ActionItem, user, action: str, pillar: str, owner: str, due_date: datetime.date, status: str
) -> ActionItem:
    _require(user, PERM_CHANGE_ACTION, "Anda tidak berhak mengubah rencana aksi.")
    if not user.has_perm(PERM_EVALUATE):
        raise PermissionDenied("Anda hanya dapat mengubah status rencana aksi.")
    _require_editable(item.evaluation)
    _check_due_date(due_date)
    item.action = action.strip()
    item.pillar = pillar
    item.owner = owner.strip()
    item.due_date = due_date
    item.status = status
    item.full_clean()
    item.save()
    return item


@transaction.atomic
def action_item_delete(*, item: ActionItem, user) -> None:
    _require(user, PERM_DELETE_ACTION, "Anda tidak berhak menghapus rencana aksi.")
    _require_editable(item.evaluation)
    item.delete()


@transaction.atomic
def action_item_status_set(*, item: ActionItem, user, status: str) -> ActionItem:
    """The one thing a village official may change: how an action of their village's plan is going.

    Allowed in every state of the evaluation, since the plan is carried out after approval.
    """
    _require(user, PERM_CHANGE_ACTION, "Anda tidak berhak mengubah status rencana aksi.")
    if not ActionItem.objects.for_user(user).filter(pk=item.pk).exists():
        raise PermissionDenied("Rencana aksi ini bukan milik desa Anda.")
    if status not in ActionItem.Status.values:
        raise ValidationError({"status": "Pilih status yang tersedia."})
    item.status = status
    item.save(update_fields=["status"])
    return item
