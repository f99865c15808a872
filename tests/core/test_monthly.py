"""The month rollover (`core.monthly`, `participants.stats.stats_extend_horizon`): when a month begins, the month
entering the statistics' 12-month projection is written once, by beat's task, `manage.py run_monthly` or the first
request of the month without any scheduler; afterwards the table equals a full rebuild. Runs on the suite's
database (SQLite, or PostgreSQL with DATABASE_URL); through a real worker in `test_jobs_worker.py`."""

from __future__ import annotations

import datetime
import threading
import zoneinfo

import pytest
import time_machine
from django.core.management import call_command
from django.db import connection, transaction
from django.urls import reverse

from core import monthly
from core.models import MonthlyRun
from core.monthly import monthly_catch_up, monthly_pending, monthly_run_due
from participants.models import Participant, VillageMonthStat
from participants.stats import STAT_COLUMNS, stats_refresh_all
from tests.factories import ContributionFactory, PayingParticipantFactory

pytestmark = pytest.mark.django_db

JAKARTA = zoneinfo.ZoneInfo("Asia/Jakarta")
MAY = datetime.date(2026, 5, 1)
JUNE = datetime.date(2026, 6, 1)
ROUTINE = "participants.stats_horizon"


def at(year: int, month: int, day: int, hour: int = 10, minute: int = 0) -> datetime.datetime:
    return datetime.datetime(year, month, day, hour, minute, tzinfo=JAKARTA)


def table() -> dict:
    rows = VillageMonthStat.objects.values_list("village_id", "month", *STAT_COLUMNS)
    return {(village, month): tuple(values) for village, month, *values in rows}


def rebuilt() -> dict:
    """What a full rebuild of every village writes now (rolled back: the table stays as it was)."""
    with transaction.atomic():
        VillageMonthStat.objects.all().delete()
        stats_refresh_all()
        rows = table()
        transaction.set_rollback(True)
    return rows


@pytest.fixture(autouse=True)
def _fresh_process():
    """Each test as a process that has not yet looked at this month."""
    monthly._seen.update(done=None, next_check=None)
    yield
    monthly._seen.update(done=None, next_check=None)


@pytest.fixture
def branch(batang_barus, sikalang):
    """Payers in two villages, built in May 2026 with the statistics by difference, the routine done for May."""
    with time_machine.travel(at(2026, 5, 20), tick=False):
        PayingParticipantFactory(village=batang_barus, enrolled_on=datetime.date(2025, 3, 4), paid=14)
        PayingParticipantFactory(village=batang_barus, enrolled_on=datetime.date(2025, 11, 20), paid=[(MAY, JUNE)])
        # Paid a year ahead: reaches the month entering the projection in June (June 2027).
        PayingParticipantFactory(
            village=sikalang,
            enrolled_on=datetime.date(2026, 5, 2),
            paid=[(datetime.date(2027, 5, 1), JUNE.replace(year=2027))],
        )
        PayingParticipantFactory(village=sikalang, enrolled_on=datetime.date(2024, 7, 1), paid=3)
        MonthlyRun.objects.create(name=ROUTINE, month=MAY)
        assert table() == rebuilt()
    return batang_barus, sikalang


def test_the_first_request_of_a_month_brings_in_the_new_projected_month(client, settings, branch, staff_user):
    batang_barus, _ = branch
    settings.JOB_MONTHLY_ON_REQUEST = True
    client.force_login(staff_user)
    with time_machine.travel(at(2026, 6, 1, 0, 10), tick=False):
        # A payment before anyone opens a page: its difference lands on a partial row of June 2027.
        ContributionFactory(participant=Participant.objects.filter(village=batang_barus).order_by("pk")[0], month=JUNE)
        assert monthly_pending() == [ROUTINE]
        assert table() != rebuilt()
        assert client.get(reverse("jobs:list")).status_code == 200
        assert monthly_pending() == []
        assert table() == rebuilt()
        assert VillageMonthStat.objects.filter(month=datetime.date(2027, 6, 1)).count() == 2
        run = MonthlyRun.objects.get(name=ROUTINE)
        assert (run.month, run.claimed_at) == (JUNE, None)


def test_once_done_a_request_costs_no_query_and_a_second_run_changes_nothing(
    settings, branch, django_assert_num_queries
):
    settings.JOB_MONTHLY_ON_REQUEST = True
    with time_machine.travel(at(2026, 6, 2), tick=False):
        assert monthly_run_due() == [ROUTINE]
        after = table()
        with django_assert_num_queries(1):  # the routines not yet run this month: none
            assert monthly_run_due() == []
        with django_assert_num_queries(1):  # this process looks once…
            monthly_catch_up()
        with django_assert_num_queries(0):  # …and never again this month
            monthly_catch_up()
        assert table() == after == rebuilt()


def test_months_without_any_run_are_all_brought_in(branch):
    with time_machine.travel(at(2026, 9, 3), tick=False):
        call_command("run_monthly")
        assert MonthlyRun.objects.get(name=ROUTINE).month == datetime.date(2026, 9, 1)
        assert table() == rebuilt()
        assert VillageMonthStat.objects.filter(month__gt=datetime.date(2027, 5, 1)).exists()


def test_a_routine_claimed_by_a_live_process_is_left_to_it_until_its_lease_ends(settings, branch):
    with time_machine.travel(at(2026, 6, 1, 1, 0), tick=False):
        before = table()
        MonthlyRun.objects.filter(name=ROUTINE).update(claimed_at=at(2026, 6, 1, 0, 30))
        assert monthly_run_due() == []
        assert table() == before and monthly_pending() == [ROUTINE]
    # The claiming process died: after JOB_STALE_MINUTES another takes over.
    with time_machine.travel(
        at(2026, 6, 1, 0, 31) + datetime.timedelta(minutes=settings.JOB_STALE_MINUTES), tick=False
    ):
        assert monthly_run_due() == [ROUTINE]
        assert table() == rebuilt()


def test_a_routine_that_never_ran_is_due_for_the_current_month_only(branch):
    MonthlyRun.objects.all().delete()
    with time_machine.travel(at(2026, 6, 15), tick=False):
        assert monthly_run_due() == [ROUTINE]
        assert MonthlyRun.objects.get(name=ROUTINE).month == JUNE
        assert table() == rebuilt()


def test_an_unreachable_broker_leaves_the_request_alone(client, settings, branch, staff_user, caplog):
    settings.JOB_MONTHLY_ON_REQUEST = True
    settings.CELERY_BROKER_URL = "redis://127.0.0.1:1/0"  # nothing listens on port 1
    client.force_login(staff_user)
    with time_machine.travel(at(2026, 6, 1, 8, 0), tick=False):
        assert client.get(reverse("jobs:list")).status_code == 200
        assert monthly_pending() == [ROUTINE]  # left for the next request after RECHECK_SECONDS, or beat
        assert "could not be caught up" in caplog.text


def test_the_beat_schedule_runs_the_routines_on_the_first_and_the_sweep_often():
    from desa_sadar.celery import app

    schedule = app.conf.beat_schedule
    monthly_entry = schedule["run-monthly"]
    assert monthly_entry["task"] == "core.tasks.run_monthly"
    assert monthly_entry["schedule"].day_of_month == {1} and monthly_entry["schedule"].hour == {0}
    assert schedule["sweep-jobs"]["task"] == "core.tasks.sweep_jobs"
    assert {"core.tasks.run_monthly", "core.tasks.sweep_jobs", "core.tasks.run_job"} <= set(app.tasks)


# serialized_rollback: the flush afterwards must not leave the next tests without the migrated regions and roles.
@pytest.mark.django_db(transaction=True, serialized_rollback=True)
@pytest.mark.skipif(
    connection.vendor != "postgresql", reason="SQLite runs one writer at a time; concurrent claims are PostgreSQL's"
)
def test_concurrent_processes_run_the_routine_once(branch):
    """Four processes find the month due at once (four requests, or beat and a request): one claims and runs it,
    the others go on without waiting for it."""
    ran, errors = [], []
    start = threading.Barrier(4)

    def process():
        try:
            start.wait()
            ran.append(monthly_run_due())
        except Exception as error:  # collected and asserted below
            errors.append(error)
        finally:
            connection.close()

    with time_machine.travel(at(2026, 6, 1, 0, 20), tick=False):  # for every thread: the clock is the process's
        threads = [threading.Thread(target=process) for _ in range(4)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
        assert errors == []
        assert sorted(ran) == [[], [], [], [ROUTINE]]
        assert MonthlyRun.objects.get(name=ROUTINE).month == JUNE
        assert table() == rebuilt()


def test_a_full_rebuild_leaves_nothing_due_this_month(branch):
    """`seed_demo`, the benchmark generator and `refresh_stats` rebuild everything: the first request of the
    month after them has nothing to bring in."""
    MonthlyRun.objects.all().delete()
    with time_machine.travel(at(2026, 6, 15), tick=False):
        assert monthly_pending() == [ROUTINE]
        stats_refresh_all(since=datetime.date(2026, 1, 1))  # a partial one does not count
        assert monthly_pending() == [ROUTINE]
        stats_refresh_all()
        assert monthly_pending() == []
        assert MonthlyRun.objects.get(name=ROUTINE).month == JUNE
        assert monthly_run_due() == []
