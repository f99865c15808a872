"""The demo's anev calendar: the programme's three-year rhythm, as it stands on the day of the run.

Each cycle opens on its first month with a draft evaluation per village in the programme. In the
quarter after its last month the branch evaluates: the account officer writes the findings, the
recommendations and a revitalisation plan and submits, the branch head approves, and the cycle is
closed. The plan is carried out during the next cycle: its actions start as their due dates come
near and are done by them (a few late). On a day of December 2026 that gives 2019–2022 closed with
a finished plan, 2022–2025 approved with its plan in progress, and 2025–2028 open.

All through the services, as staff and the head would do it; choices come from streams seeded
with --seed and the dates from the calendar. Each step is taken only where the evaluation has not
reached it yet, so a second run changes nothing and a run on a later day moves the calendar on.
"""

from __future__ import annotations

import datetime
import random
from dataclasses import dataclass

from django.contrib.auth.models import User
from django.utils import timezone

from evaluations import services
from evaluations.models import ActionItem, EvaluationCycle, EvaluationStep, Pillar, Rubric, VillageEvaluation
from participants.months import add_months, month_end

DEFAULT_RUBRIC_NAME = "Rubrik Standar Desa Sadar"
STAFF_USERNAME = "staf"
HEAD_USERNAME = "kepala"
# The evaluation is written in the second month after the cycle's end and approved in the third.
SUBMITTED_AFTER_MONTHS = 2
APPROVED_AFTER_MONTHS = 3
# An action is under way this many months before its due date; a late one is done this many months after.
STARTED_BEFORE_MONTHS = 6
LATE_BY_MONTHS = 5
LATE_SHARE = 0.2


@dataclass(frozen=True)
class CycleDates:
    name: str
    start: datetime.date
    end: datetime.date
    baseline: datetime.date

    @property
    def approved_on(self) -> datetime.date:
        return add_months(self.end, APPROVED_AFTER_MONTHS).replace(day=20)


# The first anev came after the first years of the programme (2019–2022); the next ones every three years,
# their baseline the last month of the cycle before.
CYCLES = (
    CycleDates("Anev 2019–2022", datetime.date(2019, 1, 1), datetime.date(2022, 12, 1), datetime.date(2019, 1, 1)),
    CycleDates("Anev 2022–2025", datetime.date(2023, 1, 1), datetime.date(2025, 12, 1), datetime.date(2022, 12, 1)),
    CycleDates("Anev 2025–2028", datetime.date(2026, 1, 1), datetime.date(2028, 12, 1), datetime.date(2025, 12, 1)),
)

# What a revitalisation plan holds for a weak pillar: (action, who carries it out).
ACTIONS = {
    Pillar.GROWTH: [
        ("Pendataan pekerja informal per jorong dan pendaftaran di tempat", "Agen PERISAI"),
        ("Pendaftaran perangkat nagari/desa dan kader yang belum terdaftar", "Wali nagari"),
    ],
    Pillar.SUSTAINABILITY: [
        ("Pengingat iuran bulanan lewat WhatsApp untuk peserta menunggak", "Agen PERISAI"),
        ("Pembayaran iuran kolektif melalui bendahara nagari", "Bendahara nagari"),
    ],
    Pillar.AWARENESS: [
        ("Sosialisasi manfaat JKK dan JKM di setiap jorong", "Staf cabang (AO)"),
        ("Penyerahan santunan di musyawarah nagari sebagai contoh manfaat", "Kepala cabang"),
    ],
    Pillar.ENGAGEMENT: [
        ("Perpanjangan perjanjian kerja sama dan Peraturan Nagari tentang jaminan sosial", "Wali nagari"),
        ("Anggaran iuran perangkat dan pekerja rentan dalam APB Nagari", "Wali nagari"),
    ],
}


def anev_calendar_build(*, seed: int, today: datetime.date) -> int:
    """Open, evaluate, approve and close the cycles `today` has reached; returns the evaluations created."""
    staff = User.objects.get(username=STAFF_USERNAME)
    head = User.objects.get(username=HEAD_USERNAME)
    rubric = Rubric.objects.filter(name=DEFAULT_RUBRIC_NAME).first() or Rubric.objects.order_by("pk").first()
    created = 0
    previous = None
    for dates in CYCLES:
        if today < dates.start:
            break
        cycle, _new = EvaluationCycle.objects.get_or_create(
            name=dates.name,
            defaults={
                "start_month": dates.start,
                "end_month": dates.end,
                "baseline_date": dates.baseline,
                "rubric": rubric,
                "previous": previous,
            },
        )
        previous = cycle
        if cycle.status != EvaluationCycle.Status.OPEN:  # closed: its evaluations are final
            _plan_carry_out(cycle=cycle, seed=seed, today=today, staff=staff)
            continue
        created += services.cycle_open(cycle=cycle, user=None)
        _moment_set(cycle.evaluations.all(), EvaluationStep.Action.CREATED, dates.start)
        if today >= dates.approved_on:
            _cycle_evaluate(cycle=cycle, dates=dates, seed=seed, staff=staff, head=head)
            services.cycle_close(cycle=cycle, user=staff)
        _plan_carry_out(cycle=cycle, seed=seed, today=today, staff=staff)
    return created


def _stream(seed: int, cycle: EvaluationCycle, village_code: str) -> random.Random:
    return random.Random(f"{seed}:anev:{cycle.name}:{village_code}")


def _cycle_evaluate(*, cycle: EvaluationCycle, dates: CycleDates, seed: int, staff: User, head: User) -> None:
    """Findings, recommendations and a plan written, submitted and approved for every evaluation not yet approved."""
    evaluations = (
        cycle.evaluations.exclude(status=VillageEvaluation.Status.APPROVED)
        .select_related("village")
        .prefetch_related("pillar_scores")
        .order_by("village__code")
    )
    for evaluation in evaluations:
        rng = _stream(seed, cycle, evaluation.village.code)
        weak = _weakest_pillars(evaluation)
        if evaluation.status != VillageEvaluation.Status.SUBMITTED:
            services.evaluation_notes_update(
                evaluation=evaluation,
                user=staff,
                findings=_findings(evaluation, weak),
                recommendations=_recommendations(weak),
            )
            if not evaluation.action_items.exists():
                _plan_write(evaluation=evaluation, weak=weak, dates=dates, rng=rng, staff=staff)
            services.evaluation_submit(evaluation=evaluation, user=staff)
        services.evaluation_approve(evaluation=evaluation, user=head, comment="Disetujui dalam rapat anev cabang.")
        _steps_date(evaluation=evaluation, dates=dates, rng=rng)


def _weakest_pillars(evaluation: VillageEvaluation) -> list[str]:
    """The two pillars with the lowest scores (unscored last), in the pillars' own order on ties."""
    scores = {score.pillar: score.score for score in evaluation.pillar_scores.all()}
    order = sorted(Pillar.values, key=lambda pillar: (scores.get(pillar) is None, scores.get(pillar) or 0))
    return order[:2]


def _findings(evaluation: VillageEvaluation, weak: list[str]) -> str:
    labels = dict(Pillar.choices)
    score = f"{evaluation.overall_score}".replace(".", ",") if evaluation.overall_score is not None else "—"
    return (
        f"Skor total {score}, kategori {evaluation.category or 'belum dinilai'}. "
        f"Pilar yang paling perlu diperkuat: {labels[weak[0]].lower()} dan {labels[weak[1]].lower()}."
    )


def _recommendations(weak: list[str]) -> str:
    return " ".join(f"{ACTIONS[pillar][0][0]}." for pillar in weak)


def _plan_write(
    *, evaluation: VillageEvaluation, weak: list[str], dates: CycleDates, rng: random.Random, staff
) -> None:
    """Two to four actions on the weakest pillars, due every six months over the next cycle."""
    choices = [(pillar, action) for pillar in weak for action in ACTIONS[pillar]]
    for index, (pillar, (action, owner)) in enumerate(rng.sample(choices, k=rng.randint(2, len(choices)))):
        due = month_end(add_months(dates.approved_on, 6 * (index + 1)))
        services.action_item_create(
            evaluation=evaluation, user=staff, action=action, pillar=pillar, owner=owner, due_date=due
        )


def _steps_date(*, evaluation: VillageEvaluation, dates: CycleDates, rng: random.Random) -> None:
    """The approval trail dated as it happened: submitted and approved in the months after the cycle's end."""
    submitted_on = add_months(dates.end, SUBMITTED_AFTER_MONTHS).replace(day=rng.randint(1, 18))
    _moment_set([evaluation], EvaluationStep.Action.SUBMITTED, submitted_on)
    _moment_set([evaluation], EvaluationStep.Action.APPROVED, dates.approved_on)


def _moment_set(evaluations, action: str, day: datetime.date) -> None:
    """Date the `action` steps of `evaluations` at 09:00 of `day` (the services stamp them with the run's time)."""
    at = timezone.make_aware(datetime.datetime.combine(day, datetime.time(9, 0)))
    EvaluationStep.objects.filter(evaluation__in=evaluations, action=action).exclude(at=at).update(at=at)


def _plan_carry_out(*, cycle: EvaluationCycle, seed: int, today: datetime.date, staff: User) -> None:
    """Move each action of the cycle's approved plans to where it stands on `today` (never backwards)."""
    rank = {ActionItem.Status.PLANNED: 0, ActionItem.Status.IN_PROGRESS: 1, ActionItem.Status.DONE: 2}
    items = (
        ActionItem.objects.filter(evaluation__cycle=cycle, evaluation__status=VillageEvaluation.Status.APPROVED)
        .exclude(status__in=[ActionItem.Status.DONE, ActionItem.Status.CANCELLED])
        .select_related("evaluation__village")
        .order_by("pk")
    )
    for item in items:
        late = random.Random(f"{seed}:anev-action:{cycle.name}:{item.evaluation.village.code}:{item.action}")
        done_by = add_months(item.due_date, LATE_BY_MONTHS) if late.random() < LATE_SHARE else item.due_date
        if today >= done_by:
            target = ActionItem.Status.DONE
        elif today >= add_months(item.due_date, -STARTED_BEFORE_MONTHS):
            target = ActionItem.Status.IN_PROGRESS
        else:
            target = ActionItem.Status.PLANNED
        if rank[target] > rank[item.status]:
            services.action_item_status_set(item=item, user=staff, status=target)
