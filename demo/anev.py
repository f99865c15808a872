"""The demo's anev: the first cycle (2019–2022) opened with a draft evaluation per village."""

from __future__ import annotations

import datetime

from evaluations.models import EvaluationCycle, Rubric
from evaluations.services import cycle_open

CYCLE_NAME = "Anev 2019–2022"
DEFAULT_RUBRIC_NAME = "Rubrik Standar Desa Sadar"


def first_cycle_open() -> int:
    """The first anev cycle, 2019–2022, opened with one draft evaluation per village in the programme."""
    cycle, _created = EvaluationCycle.objects.get_or_create(
        name=CYCLE_NAME,
        defaults={
            "start_month": datetime.date(2019, 1, 1),
            "end_month": datetime.date(2022, 12, 1),
            "baseline_date": datetime.date(2019, 1, 1),
            # The default rubric of the data migration, or the first one if an administrator renamed it.
            "rubric": Rubric.objects.filter(name=DEFAULT_RUBRIC_NAME).first() or Rubric.objects.order_by("pk").first(),
        },
    )
    if cycle.status != EvaluationCycle.Status.OPEN:  # closed since the last run: leave it as it is
        return 0
    return cycle_open(cycle=cycle, user=None)
