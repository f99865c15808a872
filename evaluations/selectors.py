"""Reads of the anev: cycles, a cycle's results and tracker, an evaluation's parts, the forms' choices.

The views, forms and reports call these, so every query of the anev pages is here and goes through
the user's scope (`for_user`) where the rows belong to villages. Cycles, rubrics and regions belong
to no village: they are the branch's reference data. An evaluation's own rows (steps, pillar
scores, action items) are read through the evaluation, which was fetched in scope.
"""

from __future__ import annotations

import datetime

from django.db.models import Avg, Count, DecimalField, F, OuterRef, QuerySet, Subquery, Value
from django.db.models.functions import Coalesce

from evaluations.models import (
    ActionItem,
    EvaluationCycle,
    EvaluationStep,
    PillarScore,
    Rubric,
    VillageEvaluation,
)
from villages.models import Regency

# --- cycles ------------------------------------------------------------------------------------------------------


def cycles() -> QuerySet[EvaluationCycle]:
    """Every cycle, newest first (the model's order), with its rubric and previous cycle."""
    return EvaluationCycle.objects.select_related("rubric", "previous")


def latest_cycle() -> EvaluationCycle | None:
    """The newest cycle: the one a new cycle is compared with by default."""
    return EvaluationCycle.objects.first()


def cycle_categories(*, cycle: EvaluationCycle) -> list[str]:
    """The names of the categories of the cycle's rubric, lowest score first."""
    return list(cycle.rubric.categories.values_list("name", flat=True))


def user_evaluations(*, user) -> QuerySet[VillageEvaluation]:
    """The evaluations of the user's villages, of every cycle: what a village official's anev page lists."""
    return VillageEvaluation.objects.for_user(user).select_related("cycle", "village")


def cycle_evaluations(*, cycle: EvaluationCycle, user) -> QuerySet[VillageEvaluation]:
    """The cycle's evaluations in the user's scope, with the overall score of the previous cycle."""
    evaluations = (
        VillageEvaluation.objects.for_user(user)
        .filter(cycle=cycle)
        .select_related("village__district__regency")
        .order_by("village__code")
    )
    if cycle.previous_id is None:
        return evaluations.annotate(
            previous_score=Value(None, output_field=DecimalField()), change=Value(None, output_field=DecimalField())
        )
    previous = VillageEvaluation.objects.filter(cycle_id=cycle.previous_id, village_id=OuterRef("village_id"))
    return evaluations.annotate(previous_score=Subquery(previous.values("overall_score")[:1])).annotate(
        change=F("overall_score") - F("previous_score")
    )


def evaluation_status_counts(*, evaluations: QuerySet[VillageEvaluation]) -> list[tuple[str, int]]:
    """(status label, how many) for every status, in the order of the approval flow (one query)."""
    counts = dict(evaluations.order_by().values_list("status").annotate(total=Count("id")))
    return [(label, counts.get(value, 0)) for value, label in VillageEvaluation.Status.choices]


def category_counts(*, evaluations: QuerySet[VillageEvaluation]) -> dict[str, int]:
    """Villages per category name ("" for not yet scored), one query."""
    return dict(evaluations.order_by().values_list("category").annotate(total=Count("id")))


def pillar_means(*, evaluations: QuerySet[VillageEvaluation], user) -> dict[str, dict]:
    """Per pillar: the mean score at baseline (`before`) and at the end (`after`) over `evaluations`."""
    return {
        row["pillar"]: row
        for row in PillarScore.objects.for_user(user)
        .filter(evaluation__in=evaluations.values("pk"))
        .values("pillar")
        .annotate(before=Avg("baseline_score"), after=Avg(Coalesce("adjusted_score", "computed_score")))
    }


# --- the revitalisation tracker ----------------------------------------------------------------------------------


def cycle_action_items(*, cycle: EvaluationCycle, user) -> QuerySet[ActionItem]:
    """The action plan of the cycle's evaluations in the user's scope, by due date."""
    return (
        ActionItem.objects.for_user(user)
        .filter(evaluation__cycle=cycle)
        .select_related("evaluation__village")
        .order_by("due_date", "id")
    )


def action_item_status_counts(*, items: QuerySet[ActionItem]) -> list[tuple[str, int]]:
    """(status label, how many) for every status of an action (one query)."""
    counts = dict(items.order_by().values_list("status").annotate(total=Count("id")))
    return [(label, counts.get(value, 0)) for value, label in ActionItem.Status.choices]


def overdue_count(*, items: QuerySet[ActionItem], today: datetime.date) -> int:
    return items.overdue(today=today).count()


# --- one evaluation ----------------------------------------------------------------------------------------------


def evaluation_steps(*, evaluation: VillageEvaluation) -> list[EvaluationStep]:
    """The approval trail, oldest first, with who took each step."""
    return list(evaluation.steps.select_related("user"))


def evaluation_pillar_scores(*, evaluation: VillageEvaluation) -> list[PillarScore]:
    return list(evaluation.pillar_scores.all())


def evaluation_action_items(*, evaluation: VillageEvaluation) -> list[ActionItem]:
    return list(evaluation.action_items.all())


# --- choices of the anev forms -----------------------------------------------------------------------------------


def rubric_choices() -> QuerySet[Rubric]:
    return Rubric.objects.all()


def cycle_choices() -> QuerySet[EvaluationCycle]:
    return EvaluationCycle.objects.all()


def regency_choices() -> QuerySet[Regency]:
    return Regency.objects.all()
