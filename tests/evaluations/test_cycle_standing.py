"""The cycle list says where the villages stand: evaluations by status in each cycle, the current cycle named,
and the revitalisation plan being carried out (done, under way, overdue), in a fixed number of queries."""

from __future__ import annotations

import datetime

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from evaluations import services
from evaluations.models import ActionItem, EvaluationCycle, Rubric
from evaluations.standing import current_cycle, cycle_standings
from participants.months import add_months, month_start

D = datetime.date
THIS_MONTH = month_start(timezone.localdate())


def cycle(name: str, *, start, end, previous=None) -> EvaluationCycle:
    return EvaluationCycle.objects.create(
        name=name,
        start_month=start,
        end_month=end,
        baseline_date=start,
        rubric=Rubric.objects.get(name="Rubrik Standar Desa Sadar"),
        previous=previous,
    )


@pytest.fixture
def calendar(batang_barus, sikalang, staff_user, head_user):
    for village in (batang_barus, sikalang):
        village.joined_on = D(2019, 3, 1)
        village.save()
    earlier = cycle("Anev lalu", start=D(2019, 1, 1), end=D(2022, 12, 1))
    services.cycle_open(cycle=earlier, user=staff_user)
    evaluation = earlier.evaluations.get(village=batang_barus)
    services.evaluation_notes_update(
        evaluation=evaluation, user=staff_user, findings="Cukup.", recommendations="Lanjut."
    )
    past = timezone.localdate() - datetime.timedelta(days=30)
    for status, due in [("selesai", past), ("berjalan", past), ("rencana", add_months(THIS_MONTH, 6)), ("batal", past)]:
        ActionItem.objects.create(
            evaluation=evaluation,
            action=f"Aksi {status}",
            pillar="pemahaman",
            owner="Wali",
            due_date=due,
            status=status,
        )
    services.evaluation_submit(evaluation=evaluation, user=staff_user)
    services.evaluation_approve(evaluation=evaluation, user=head_user)
    current = cycle("Anev sekarang", start=add_months(THIS_MONTH, -3), end=add_months(THIS_MONTH, 30), previous=earlier)
    services.cycle_open(cycle=current, user=staff_user)
    return earlier, current


def test_standings_count_statuses_and_the_plan(calendar, staff_user, official):
    earlier, current = calendar
    assert current_cycle(today=timezone.localdate()) == current
    standings = cycle_standings(user=staff_user, today=timezone.localdate())
    assert standings[current.pk].statuses == {"draf": 2}
    assert standings[earlier.pk].statuses == {"disetujui": 1, "draf": 1}
    plan = standings[earlier.pk].plan
    assert (plan.total, plan.done, plan.in_progress, plan.planned, plan.overdue) == (3, 1, 1, 1, 1)
    # An official counts only their own village's evaluations.
    assert cycle_standings(user=official, today=timezone.localdate())[current.pk].statuses == {"draf": 1}


def test_cycle_list_shows_the_current_cycle_and_the_plan_under_way(client, calendar, staff_user):
    client.force_login(staff_user)
    url = reverse("evaluations:cycle_list")
    client.get(url)
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url)
    text = response.text
    assert 'data-testid="current-cycle"' in text and "Siklus berjalan:" in text and "Anev sekarang" in text
    assert "2 desa: 2 draf, 0 diajukan, 0 dikembalikan, 0 disetujui." in text
    assert (
        "Rencana revitalisasi Anev lalu yang sedang dijalankan: 1 dari 3 aksi selesai, 1 berjalan, 1 lewat tenggat."
        in text
    )
    assert "1 dari 3 aksi selesai" in text and "?overdue=on" in text
    # A third cycle does not add a query.
    cycle("Anev lama", start=D(2016, 1, 1), end=D(2018, 12, 1))
    with CaptureQueriesContext(connection) as more:
        client.get(url)
    assert len(more) == len(queries)
