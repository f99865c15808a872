"""Where a village stands in the anev calendar: the cycle under way, its evaluation there, and the plan in progress.

The programme runs in three-year cycles. Between two anevs the branch carries out the
revitalisation plan of the village's last approved evaluation, so a village's standing is
both: how far its evaluation in the current cycle has come, and how far that plan has come.
The village page and the cycle list read it from here, in a fixed number of queries.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass

from django.db.models import Count, Q

from evaluations.models import ActionItem, EvaluationCycle, VillageEvaluation
from participants.months import month_start
from villages.models import Village


@dataclass(frozen=True)
class PlanProgress:
    """The actions of a revitalisation plan by status; cancelled ones do not count towards the total."""

    total: int
    done: int
    in_progress: int
    planned: int
    overdue: int

    @property
    def percent_done(self) -> int | None:
        return round(self.done * 100 / self.total) if self.total else None

    @property
    def finished(self) -> bool:
        return self.total > 0 and self.done == self.total


@dataclass(frozen=True)
class Standing:
    cycle: EvaluationCycle | None
    evaluation: VillageEvaluation | None
    approved: VillageEvaluation | None
    plan: PlanProgress | None

    @property
    def label(self) -> str:
        """The evaluation's stage in the current cycle, in words."""
        if self.cycle is None:
            return "Belum ada siklus anev"
        if self.evaluation is None:
            return "Belum dievaluasi"
        return str(self.evaluation.get_status_display())


def current_cycle(*, today: datetime.date) -> EvaluationCycle | None:
    """The cycle under way: the latest one whose first month has come (one query)."""
    return EvaluationCycle.objects.filter(start_month__lte=month_start(today)).order_by("-start_month").first()


def _plan_counts(actions, *, today: datetime.date) -> dict:
    """The aggregates of PlanProgress over a queryset of action items (cancelled ones excluded by the caller)."""
    return {
        "total": Count("pk"),
        "done": Count("pk", filter=Q(status=ActionItem.Status.DONE)),
        "in_progress": Count("pk", filter=Q(status=ActionItem.Status.IN_PROGRESS)),
        "planned": Count("pk", filter=Q(status=ActionItem.Status.PLANNED)),
        # The one definition of overdue: ActionItemQuerySet.overdue.
        "overdue": Count("pk", filter=Q(pk__in=actions.overdue(today=today).values("pk"))),
    }


def plan_progress(actions, *, today: datetime.date) -> PlanProgress:
    """Counts of a queryset of action items; overdue: open and past the due date (one query)."""
    actions = actions.exclude(status=ActionItem.Status.CANCELLED)
    return PlanProgress(**actions.aggregate(**_plan_counts(actions, today=today)))


def village_standing(*, village: Village, today: datetime.date) -> Standing:
    """The village's evaluation in the current cycle and the plan of its latest approved evaluation (3 queries)."""
    cycle = current_cycle(today=today)
    evaluations = list(village.evaluations.select_related("cycle").order_by("-cycle__start_month"))
    evaluation = next((item for item in evaluations if cycle is not None and item.cycle_id == cycle.pk), None)
    approved = next((item for item in evaluations if item.status == VillageEvaluation.Status.APPROVED), None)
    plan = plan_progress(approved.action_items.all(), today=today) if approved is not None else None
    return Standing(cycle=cycle, evaluation=evaluation, approved=approved, plan=plan)


@dataclass(frozen=True)
class CycleStanding:
    """Where the villages (of the user's scope) stand in one cycle: evaluations by status, and the plan."""

    statuses: dict[str, int]
    plan: PlanProgress

    @property
    def total(self) -> int:
        return sum(self.statuses.values())

    def by_status(self) -> list[tuple[str, int]]:
        return [(label, self.statuses.get(value, 0)) for value, label in VillageEvaluation.Status.choices]


def cycle_standings(*, user, today: datetime.date) -> dict[int, CycleStanding]:
    """Per cycle: the user's villages' evaluations by status and their plans' progress (two grouped queries)."""
    statuses: dict[int, dict[str, int]] = {}
    rows = VillageEvaluation.objects.for_user(user).order_by().values_list("cycle_id", "status").annotate(n=Count("pk"))
    for cycle_id, status, count in rows:
        statuses.setdefault(cycle_id, {})[status] = count
    actions = ActionItem.objects.for_user(user).exclude(status=ActionItem.Status.CANCELLED)
    plans = {
        row.pop("evaluation__cycle_id"): PlanProgress(**row)
        for row in actions.order_by().values("evaluation__cycle_id").annotate(**_plan_counts(actions, today=today))
    }
    empty = PlanProgress(total=0, done=0, in_progress=0, planned=0, overdue=0)
    return {
        cycle_id: CycleStanding(statuses=statuses.get(cycle_id, {}), plan=plans.get(cycle_id, empty))
        for cycle_id in {*statuses, *plans}
    }
