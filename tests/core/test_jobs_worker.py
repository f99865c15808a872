"""Background jobs through the real queue: sent to Redis, run by a Celery worker in another process,
followed on the progress page. `.ci/run` starts the worker (REQUIRE_WORKER=1: these never skip there);
locally: README, "Background jobs"."""

from __future__ import annotations

import datetime
import os
import time
import uuid

import pytest
from django.conf import settings
from django.urls import reverse
from django.utils import timezone

from core.dates import latest_month
from core.jobs import job_start
from core.models import Job, MonthlyRun
from core.tasks import sweep_jobs
from participants.models import ImportBatch, Participant, VillageMonthStat
from participants.stats import HORIZON_MONTHS, stats_refresh_all
from tests.core.test_jobs_imports import LIMIT, participants_xlsx, upload_file
from tests.core.test_monthly import table
from tests.factories import PayingParticipantFactory, UserFactory

pytestmark = [pytest.mark.worker, pytest.mark.django_db(transaction=True, serialized_rollback=True)]
WAIT_SECONDS = 120


@pytest.fixture(autouse=True)
def _shared_files(settings, job_worker):
    """The worker reads the uploaded files: both processes use the MEDIA_ROOT of the environment."""
    settings.MEDIA_ROOT = os.environ.get("MEDIA_ROOT") or settings.BASE_DIR / "media"
    settings.JOB_INLINE_MAX_ROWS = LIMIT


def follow(client, job: Job) -> tuple[str, list[str]]:
    """Poll the progress page as htmx does (every second here too) until it sends the user on; the
    progress texts seen on the way and where it sends to."""
    seen = []
    deadline = time.monotonic() + WAIT_SECONDS
    while time.monotonic() < deadline:
        answer = client.get(job.get_absolute_url(), headers={"HX-Request": "true"})
        assert answer.status_code == 200
        if "HX-Redirect" in answer.headers:
            return answer.headers["HX-Redirect"], seen
        seen.append(answer.text)
        job.refresh_from_db()
        if job.status == Job.Status.FAILED:
            return "", seen
        time.sleep(0.5)
    pytest.fail(f"the worker did not finish job {job.pk} in {WAIT_SECONDS} s (status {job.status})")


def test_a_job_is_sent_through_redis_and_finished_by_the_worker(client, superuser, batang_barus):
    job = job_start(kind="participants.stats_rebuild", owner=superuser, params={"since": None})
    # Not run here: queued for the worker.
    assert Job.objects.get(pk=job.pk).status in (Job.Status.QUEUED, Job.Status.RUNNING, Job.Status.DONE)
    client.force_login(superuser)
    first = client.get(job.get_absolute_url())
    assert first.status_code in (200, 302)
    went_to, _ = follow(client, job)
    job.refresh_from_db()
    assert job.status == Job.Status.DONE and job.done == job.total > 0
    assert went_to == reverse("admin:participants_villagemonthstat_changelist")
    assert job.started_at >= job.created_at and job.finished_at >= job.started_at


def test_a_failing_job_in_the_worker_is_marked_failed_with_its_message(client, official):
    job = job_start(kind="participants.import_preview", owner=official, params={"batch_id": str(uuid.uuid4())})
    client.force_login(official)
    follow(client, job)
    job.refresh_from_db()
    assert job.status == Job.Status.FAILED
    assert job.error == "Berkas impor ini sudah tidak ada; unggah lagi."
    page = client.get(job.get_absolute_url())
    assert "Berkas impor ini sudah tidak ada" in page.text and "every 1s" not in page.text
    client.force_login(UserFactory(username="orang.lain"))
    assert client.get(job.get_absolute_url()).status_code == 404


def test_a_large_import_through_the_worker_end_to_end(client, official, batang_barus):
    client.force_login(official)
    uploaded = client.post(reverse("participants:import"), {"file": upload_file(participants_xlsx(LIMIT + 1))})
    preview_job = Job.objects.get(kind="participants.import_preview")
    batch = ImportBatch.objects.get()
    preview_url = reverse("participants:import_preview", kwargs={"pk": batch.pk})
    # The preview waits for the worker: the user is sent to the progress page (or straight on if it was quick).
    assert uploaded["Location"] in (preview_job.get_absolute_url(), preview_url)
    went_to, _ = follow(client, preview_job)
    assert went_to == preview_url
    assert client.get(preview_url).context["counts"]["new"] == LIMIT + 1

    confirmed = client.post(preview_url)
    confirm_job = Job.objects.get(kind="participants.import_confirm")
    assert confirmed["Location"] in (confirm_job.get_absolute_url(), preview_url)
    went_to, _ = follow(client, confirm_job)
    assert went_to == preview_url
    confirm_job.refresh_from_db()
    assert (confirm_job.status, confirm_job.done, confirm_job.total) == (Job.Status.DONE, LIMIT + 1, LIMIT + 1)
    assert Participant.objects.filter(village=batang_barus).count() == LIMIT + 1
    assert VillageMonthStat.objects.filter(village=batang_barus).exists()
    assert "Sudah disimpan" in client.get(preview_url).text


def wait_for(condition, what: str) -> None:
    deadline = time.monotonic() + WAIT_SECONDS
    while time.monotonic() < deadline:
        if condition():
            return
        time.sleep(0.5)
    pytest.fail(f"the worker did not {what} in {WAIT_SECONDS} s")


def test_the_first_request_of_a_month_sends_the_catch_up_to_the_worker(client, settings, staff_user, batang_barus):
    """With a broker the request only queues the monthly routines (`core.tasks.run_monthly`, beat's task too); the
    worker writes the month entering the projection, and the table equals a full rebuild."""
    from core import monthly

    current = latest_month()
    horizon = latest_month(horizon_months=HORIZON_MONTHS)
    PayingParticipantFactory(village=batang_barus, enrolled_on=latest_month(horizon_months=-20), paid=30)
    PayingParticipantFactory(village=batang_barus, enrolled_on=latest_month(horizon_months=-3), paid=2)
    # As the table stands when a month has just begun: the new projected month missing, the routine due.
    VillageMonthStat.objects.filter(month=horizon).delete()
    MonthlyRun.objects.create(name="participants.stats_horizon", month=latest_month(horizon_months=-1))
    settings.JOB_MONTHLY_ON_REQUEST = True
    monthly._seen.update(done=None, next_check=None)
    client.force_login(staff_user)
    assert client.get(reverse("jobs:list")).status_code == 200
    wait_for(lambda: MonthlyRun.objects.get(name="participants.stats_horizon").month == current, "run the routine")
    assert VillageMonthStat.objects.filter(village=batang_barus, month=horizon).exists()
    by_worker = table()
    VillageMonthStat.objects.all().delete()
    stats_refresh_all()
    assert by_worker == table()


def test_the_beat_sweep_runs_in_the_worker(staff_user):
    dead = Job.objects.create(
        kind="participants.stats_rebuild",
        owner=staff_user,
        status=Job.Status.RUNNING,
        started_at=timezone.now() - datetime.timedelta(hours=3),
        heartbeat_at=timezone.now() - datetime.timedelta(hours=2),
    )
    with sweep_jobs.app.connection_for_write(settings.CELERY_BROKER_URL) as broker:
        sweep_jobs.apply_async(connection=broker)
    wait_for(lambda: Job.objects.get(pk=dead.pk).status == Job.Status.FAILED, "sweep the stale job")
    assert "tidak ada kabar darinya" in Job.objects.get(pk=dead.pk).error
