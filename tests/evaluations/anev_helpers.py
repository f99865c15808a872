"""Shared builders of the anev tests: a programme of villages with paying participants and a cycle."""

from __future__ import annotations

import datetime

from evaluations.models import EvaluationCycle, Rubric
from participants.months import month_range
from participants.stats import stats_refresh
from tests.factories import ContributionFactory, ParticipantFactory

DEFAULT_RUBRIC = "Rubrik Standar Desa Sadar"


def join(*villages, working_age: int = 100) -> None:
    for village in villages:
        village.joined_on = datetime.date(2019, 3, 1)
        village.working_age_population = working_age
        village.save()


def paying(village, count: int, *, first: datetime.date, last: datetime.date, serial: int = 0) -> None:
    """`count` participants of `village` enrolled at `first`, paying every month up to `last`."""
    for index in range(count):
        participant = ParticipantFactory(
            village=village, enrolled_on=first, name=f"Warga {village.name} {serial + index}"
        )
        for month in month_range(first, last):
            ContributionFactory(participant=participant, month=month)
    stats_refresh(village_ids=[village.pk])


def make_cycle(name: str = "Anev 2019–2022", *, previous: EvaluationCycle | None = None, **dates) -> EvaluationCycle:
    return EvaluationCycle.objects.create(
        name=name,
        start_month=dates.get("start_month", datetime.date(2019, 1, 1)),
        end_month=dates.get("end_month", datetime.date(2022, 12, 1)),
        baseline_date=dates.get("baseline_date", datetime.date(2019, 1, 1)),
        rubric=Rubric.objects.get(name=DEFAULT_RUBRIC),
        previous=previous,
    )
