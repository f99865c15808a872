"""The jobs' housekeeping (`core.jobs.jobs_sweep`, `manage.py sweep_jobs`, beat's `core.tasks.sweep_jobs`): a job
whose process died is marked failed with what to do, and the files of old jobs are deleted; their pages say so,
never a 500. Through a real worker in `test_jobs_worker.py`."""

from __future__ import annotations

import datetime
from pathlib import Path

import pytest
import time_machine
from django.core.management import call_command
from django.urls import reverse
from django.utils import timezone

from core.jobs import job_kind, job_start, jobs_sweep
from core.models import Job
from participants.models import ImportBatch
from tests.core.test_jobs_imports import LIMIT, participants_xlsx, upload_file

pytestmark = pytest.mark.django_db

NOW = datetime.datetime(2026, 6, 10, 9, 0, tzinfo=datetime.UTC)


@job_kind("tests.slow_report", title="Laporan lambat uji")
def slow_report(job: Job, *, steps: int) -> None:
    job.report(total=steps, message="Menyusun…")
    for step in range(1, steps + 1):
        job.report(done=step)
    job.attach(name="hasil.txt", content=b"isi")
    job.result = {"url": reverse("jobs:list")}


HEARTBEATS: list = []


@job_kind("tests.heartbeat", title="Kabar uji", atomic=False)
def heartbeat(job: Job, *, steps: int) -> None:
    """Reports each step at once (no REPORT_EVERY wait) and notes the heartbeat the database holds."""
    for step in range(steps):
        job._last_report = 0.0
        job.report(done=step + 1, total=steps)
        HEARTBEATS.append(Job.objects.values_list("heartbeat_at", flat=True).get(pk=job.pk))


def running(owner, *, heartbeat: datetime.datetime | None, started: datetime.datetime) -> Job:
    return Job.objects.create(
        kind="tests.slow_report",
        owner=owner,
        status=Job.Status.RUNNING,
        started_at=started,
        heartbeat_at=heartbeat,
        message="Sedang dikerjakan…",
    )


def test_a_job_silent_too_long_is_marked_failed_and_its_page_says_what_to_do(client, settings, staff_user):
    settings.JOB_STALE_MINUTES = 30
    dead = running(
        staff_user, heartbeat=NOW - datetime.timedelta(minutes=31), started=NOW - datetime.timedelta(hours=2)
    )
    alive = running(
        staff_user, heartbeat=NOW - datetime.timedelta(minutes=29), started=NOW - datetime.timedelta(hours=2)
    )
    never_reported = running(staff_user, heartbeat=None, started=NOW - datetime.timedelta(minutes=45))
    done = Job.objects.create(kind="tests.slow_report", owner=staff_user, status=Job.Status.DONE, finished_at=NOW)
    Job.objects.filter(pk=done.pk).update(created_at=NOW - datetime.timedelta(days=3))
    with time_machine.travel(NOW, tick=False):
        assert jobs_sweep() == (2, 0)
    statuses = dict(Job.objects.values_list("pk", "status"))
    assert statuses[dead.pk] == statuses[never_reported.pk] == Job.Status.FAILED
    assert statuses[alive.pk] == Job.Status.RUNNING and statuses[done.pk] == Job.Status.DONE
    dead.refresh_from_db()
    assert dead.finished_at == NOW
    client.force_login(staff_user)
    page = client.get(dead.get_absolute_url())
    assert page.status_code == 200
    text = page.content.decode()
    assert "tidak ada kabar darinya selama lebih dari 30 menit" in text and "jalankan lagi" in text
    assert "every 1s" not in text  # the page stops polling


def test_a_job_queued_for_a_day_is_marked_failed(settings, staff_user):
    settings.JOB_QUEUED_MAX_HOURS = 24
    lost = Job.objects.create(kind="tests.slow_report", owner=staff_user)
    waiting = Job.objects.create(kind="tests.slow_report", owner=staff_user)
    Job.objects.filter(pk=lost.pk).update(created_at=NOW - datetime.timedelta(hours=25))
    Job.objects.filter(pk=waiting.pk).update(created_at=NOW - datetime.timedelta(hours=23))
    with time_machine.travel(NOW, tick=False):
        call_command("sweep_jobs")
    lost.refresh_from_db()
    assert lost.status == Job.Status.FAILED and "tidak pernah dimulai dalam 24 jam" in lost.error
    assert Job.objects.get(pk=waiting.pk).status == Job.Status.QUEUED


def test_progress_keeps_a_job_alive(settings, staff_user):
    settings.JOB_STALE_MINUTES = 1
    job = job_start(kind="tests.slow_report", owner=staff_user, params={"steps": 3})
    assert job.status == Job.Status.DONE and job.heartbeat_at >= job.started_at
    jobs_sweep(now=job.finished_at + datetime.timedelta(minutes=5))
    assert Job.objects.get(pk=job.pk).status == Job.Status.DONE  # a finished job is never "stale"


# Outside a test transaction, as a job of a worker runs (its progress is saved as it goes).
@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_each_saved_progress_is_a_heartbeat(staff_user):
    """The database holds a later heartbeat after each saved progress than when the job started."""
    HEARTBEATS.clear()
    job = job_start(kind="tests.heartbeat", owner=staff_user, params={"steps": 2})
    assert len(HEARTBEATS) == 2
    assert job.started_at < HEARTBEATS[0] < HEARTBEATS[1] <= job.heartbeat_at


def test_old_job_files_are_deleted_and_the_page_says_so(client, settings, staff_user):
    settings.JOB_FILES_KEEP_DAYS = 7
    old = job_start(kind="tests.slow_report", owner=staff_user, params={"steps": 1})
    recent = job_start(kind="tests.slow_report", owner=staff_user, params={"steps": 1})
    Job.objects.filter(pk=old.pk).update(finished_at=timezone.now() - datetime.timedelta(days=8))
    old_path = Path(old.file.path)
    assert old_path.exists()
    assert jobs_sweep() == (0, 1)
    old.refresh_from_db()
    assert not old.file and old.file_removed_at is not None and not old_path.exists()
    assert Path(Job.objects.get(pk=recent.pk).file.path).exists()
    client.force_login(staff_user)
    # The page does not send the user on to the result: it says the file is gone and where to make it again.
    page = client.get(old.get_absolute_url())
    assert page.status_code == 200
    text = page.content.decode()
    assert "Berkas pekerjaan ini sudah dihapus" in text and "hanya disimpan 7 hari" in text
    assert f'href="{reverse("jobs:list")}">halaman asalnya' in text
    # An old link to the file leads to that page.
    assert client.get(reverse("jobs:file", kwargs={"pk": old.pk})).url == old.get_absolute_url()
    assert jobs_sweep() == (0, 0)  # done once


def test_a_file_lost_from_the_storage_is_answered_on_the_job_page(client, staff_user):
    job = job_start(kind="tests.slow_report", owner=staff_user, params={"steps": 1})
    Path(job.file.path).unlink()
    client.force_login(staff_user)
    answer = client.get(reverse("jobs:file", kwargs={"pk": job.pk}))
    assert answer.status_code == 302 and answer.url == job.get_absolute_url()
    job.refresh_from_db()
    assert job.file_removed_at is not None
    assert "Berkas pekerjaan ini sudah dihapus" in client.get(job.get_absolute_url()).content.decode()


def test_a_file_asked_for_before_the_job_is_done_leads_to_its_page(client, staff_user):
    job = running(staff_user, heartbeat=timezone.now(), started=timezone.now())
    client.force_login(staff_user)
    assert client.get(reverse("jobs:file", kwargs={"pk": job.pk})).url == job.get_absolute_url()


def test_an_upload_never_confirmed_is_deleted_and_its_job_page_sends_to_the_upload(client, settings, official):
    """A preview left for more than JOB_FILES_KEEP_DAYS: its file (names, NIKs) and batch are deleted; a confirmed
    one stays."""
    settings.JOB_INLINE_MAX_ROWS = LIMIT
    client.force_login(official)
    for name in ("ditinggal.xlsx", "disimpan.xlsx"):
        client.post(reverse("participants:import"), {"file": upload_file(participants_xlsx(LIMIT + 1), name=name)})
    left, saved = (ImportBatch.objects.get(original_name=name) for name in ("ditinggal.xlsx", "disimpan.xlsx"))
    client.post(reverse("participants:import_preview", kwargs={"pk": saved.pk}))
    assert ImportBatch.objects.get(pk=saved.pk).status == ImportBatch.Status.CONFIRMED
    preview_job = Job.objects.get(kind="participants.import_preview", params__batch_id=str(left.pk))
    left_path = Path(left.file.path)
    ImportBatch.objects.update(created_at=timezone.now() - datetime.timedelta(days=settings.JOB_FILES_KEEP_DAYS + 1))
    assert jobs_sweep() == (0, 1)
    assert list(ImportBatch.objects.values_list("pk", flat=True)) == [saved.pk]
    assert not left_path.exists() and Path(saved.file.path).exists()
    page = client.get(preview_job.get_absolute_url())
    assert page.status_code == 200
    text = page.content.decode()
    assert "Berkas pekerjaan ini sudah dihapus" in text
    assert f'href="{reverse("participants:import")}">halaman asalnya' in text
    assert client.get(reverse("participants:import_preview", kwargs={"pk": left.pk})).status_code == 404
