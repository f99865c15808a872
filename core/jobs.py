"""Background jobs: heavy work (large imports, statistics rebuilds, reports) off the request.

An app registers a kind in its own `jobs.py`, imported by its `AppConfig.ready` so the worker and the
inline mode both know it::

    @job_kind("participants.import_confirm")
    def import_confirm_job(job: Job, *, batch_id: str) -> None:
        ...
        job.report(done=n, total=rows, message="Menyimpan baris …")
        job.result = {"url": reverse(...)}      # where the progress page sends the user when done

and a view starts it, then sends the user to its progress page::

    job = job_start(kind="participants.import_confirm", owner=request.user, params={"batch_id": str(pk)})
    return redirect(job)

With a broker (`settings.CELERY_BROKER_URL`), `job_start` sends one Celery task `core.tasks.run_job` when
the transaction commits and a worker runs it; without one it runs the job inline at once. Either way the
job's work runs in one transaction: a job that raises leaves nothing half-written and is marked failed
with an Indonesian message for the user (`JobFailed` carries a specific one; any other error a general
one, its traceback in the log).
"""

from __future__ import annotations

import datetime
import logging
import time
from collections.abc import Callable
from contextlib import nullcontext
from pathlib import Path
from typing import Any

from django.conf import settings
from django.core.files.base import ContentFile
from django.db import DEFAULT_DB_ALIAS, connection, connections, transaction
from django.db.models import Q
from django.http import Http404
from django.utils import timezone

from core.models import Job

logger = logging.getLogger(__name__)

# Progress is saved at most this often (seconds), and always when the job is finished.
REPORT_EVERY = 0.5
RECENT_JOBS = 30
GENERIC_FAILURE = (
    "Pekerjaan gagal karena kesalahan sistem; tidak ada yang disimpan. "
    "Coba sekali lagi; bila terulang, hubungi admin cabang."
)

RUNNING = "Sedang dikerjakan…"
QUEUE_DOWN = "Antrean pekerjaan latar tidak dapat dihubungi; tidak ada yang dikerjakan. Coba lagi sebentar lagi."
SEND_RETRY = {"max_retries": 2, "interval_start": 0, "interval_step": 0.5}
STALE = (
    "Pekerjaan ini terhenti: tidak ada kabar darinya selama lebih dari {minutes} menit (proses latarnya mati, "
    "misalnya server dimulai ulang). Yang belum selesai tidak disimpan; jalankan lagi dari halaman asalnya."
)
NEVER_STARTED = (
    "Pekerjaan ini tidak pernah dimulai dalam {hours} jam (antreannya hilang atau tidak ada pekerja latar). "
    "Tidak ada yang dikerjakan; jalankan lagi dari halaman asalnya, dan bila terulang hubungi admin cabang."
)

# name -> (function, its title for the user, whether its work runs in one transaction)
_KINDS: dict[str, tuple[Callable[..., Any], str, bool]] = {}
# Functions deleting an app's own job files older than a moment (its uploads), each answering how many.
_FILE_SWEEPS: list[Callable[..., int]] = []


class JobFailed(Exception):
    """Raised by a job with the Indonesian message the user sees (what went wrong, what to do)."""


def job_kind(name: str, *, title: str = "", atomic: bool = True) -> Callable[[Callable[..., Any]], Callable[..., Any]]:
    """Register `fn(job, **params)` as the job kind `name`, shown to the user as `title` ("Impor peserta").
    Its work runs in one transaction; a kind that only reads and then writes once (a preview) may say
    `atomic=False`, so its progress is saved as it goes on every database."""

    def register(fn: Callable[..., Any]) -> Callable[..., Any]:
        if name in _KINDS and _KINDS[name][0] is not fn:
            raise ValueError(f"job kind {name!r} is registered twice")
        _KINDS[name] = (fn, title or name, atomic)
        return fn

    return register


def job_files_sweep(fn: Callable[..., int]) -> Callable[..., int]:
    """Register `fn(older_than=moment)`: deletes the app's files of jobs (an import's upload) kept since before
    `moment`, and answers how many; `jobs_sweep` calls it with JOB_FILES_KEEP_DAYS ago."""
    if fn not in _FILE_SWEEPS:
        _FILE_SWEEPS.append(fn)
    return fn


def queue_configured() -> bool:
    """True when jobs go to a worker through the broker; False: they run inline."""
    return bool(settings.CELERY_BROKER_URL)


def job_start(*, kind: str, owner, params: dict, total: int | None = None, title: str = "") -> Job:
    """Create the job and run it: through the broker once the transaction commits, or inline at once.
    `title` names this run for the user ("Impor peserta.xlsx"); the kind's title by default."""
    if kind not in _KINDS:
        raise ValueError(f"unknown job kind {kind!r}")
    job = Job.objects.create(
        kind=kind,
        title=(title or _KINDS[kind][1])[:200],
        owner=owner,
        params=params,
        total=total or 0,
        message="Menunggu giliran…",
    )
    if queue_configured():
        transaction.on_commit(lambda: _send(job.pk))
    else:
        job_run(job_id=job.pk)
        job.refresh_from_db()
    return job


def _send(job_id) -> None:
    """Queue the job for a worker, through the broker of the settings; a broker that cannot be reached fails
    the job with a message (the page that started it shows it) rather than the request."""
    from core.tasks import run_job

    try:
        with run_job.app.connection_for_write(settings.CELERY_BROKER_URL) as broker:
            run_job.apply_async(args=[str(job_id)], connection=broker, retry_policy=SEND_RETRY)
    except Exception:
        logger.exception("job %s could not be sent to the broker", job_id)
        Job.objects.filter(pk=job_id).update(
            status=Job.Status.FAILED, error=QUEUE_DOWN, message=QUEUE_DOWN, finished_at=timezone.now()
        )


def job_run(*, job_id) -> Job | None:
    """Run a queued job (the worker's task, or inline): its work in one transaction, its outcome saved."""
    job = Job.objects.filter(pk=job_id).first()
    if job is None:
        logger.warning("job %s not found", job_id)
        return None
    if job.status != Job.Status.QUEUED:
        return job  # delivered twice: it ran, or is running, elsewhere
    job.status = Job.Status.RUNNING
    job.started_at = job.heartbeat_at = timezone.now()
    job.message = RUNNING
    job.save(update_fields=["status", "started_at", "heartbeat_at", "message"])
    job._last_report = time.monotonic()
    job._in_worker = queue_configured()
    try:
        fn, _, atomic = _KINDS[job.kind]
        with transaction.atomic() if atomic else nullcontext():
            fn(job, **job.params)
    except JobFailed as failure:
        _finish_failed(job, str(failure))
    except Exception:
        logger.exception("job %s (%s) failed", job.pk, job.kind)
        _finish_failed(job, GENERIC_FAILURE)
    else:
        job.status = Job.Status.DONE
        job.done = max(job.done, job.total)
        job.message = "Selesai." if job.message == RUNNING else job.message
        job.finished_at = timezone.now()
        job.save()
    finally:
        side = getattr(job, "_report_connection", None)
        if side is not None:
            side.close()
    return job


def _finish_failed(job: Job, message: str) -> None:
    job.status = Job.Status.FAILED
    job.error = message
    job.message = message[:300]
    job.finished_at = timezone.now()
    job.file = ""
    job.save()


def job_report(*, job: Job, done: int | None = None, total: int | None = None, message: str | None = None) -> None:
    """Keep a job's progress; saved for its progress page at most every REPORT_EVERY seconds.

    The job's work runs in a transaction, so the progress is written through a connection of its own
    (committed at once, seen by the progress page) when the job runs in a worker on a database that
    allows it; inline, or on SQLite (one writer), it is kept and saved with the outcome."""
    if done is not None:
        job.done = done
    if total is not None:
        job.total = total
    if message is not None:
        job.message = message[:300]
    now = time.monotonic()
    if now - getattr(job, "_last_report", 0.0) < REPORT_EVERY:
        return
    job._last_report = now
    job.heartbeat_at = timezone.now()
    fields = {"done": job.done, "total": job.total, "message": job.message, "heartbeat_at": job.heartbeat_at}
    if not connection.in_atomic_block:
        Job.objects.filter(pk=job.pk).update(**fields)
    elif getattr(job, "_in_worker", False) and connection.vendor != "sqlite":
        _report_outside_transaction(job, fields)


def _report_outside_transaction(job: Job, fields: dict) -> None:
    side = getattr(job, "_report_connection", None)
    if side is None:
        side = job._report_connection = connections.create_connection(DEFAULT_DB_ALIAS)
    table = side.ops.quote_name(Job._meta.db_table)
    columns = ", ".join(f"{side.ops.quote_name(name)} = %s" for name in fields)
    pk = Job._meta.pk.get_db_prep_value(job.pk, side)
    with side.cursor() as cursor:
        cursor.execute(f"UPDATE {table} SET {columns} WHERE id = %s", [*fields.values(), pk])  # noqa: S608


def job_attach(*, job: Job, name: str, content: bytes) -> None:
    """Keep `content` as the job's file; the progress page offers it for download once the job is done."""
    job.file.save(Path(name).name, ContentFile(content), save=False)


def job_next_url(job: Job) -> str:
    """Where to send the user after starting or polling a job: its result once it is done (unless it has a
    file to download), else its progress page."""
    if job.status == Job.Status.DONE and not job.file and not job.file_removed_at and job.result.get("url"):
        return job.result["url"]
    return job.get_absolute_url()


def job_file_gone(job: Job) -> None:
    """Record that the job's file is no longer there (deleted by `jobs_sweep`, or lost): its page says so."""
    if job.file:
        job.file.delete(save=False)
    job.file_removed_at = timezone.now()
    job.save(update_fields=["file", "file_removed_at"])


def jobs_sweep(*, now: datetime.datetime | None = None) -> tuple[int, int]:
    """Housekeeping of the jobs (beat's `core.tasks.sweep_jobs`, `manage.py sweep_jobs`): a running job silent for
    more than JOB_STALE_MINUTES, or a queued one never started after JOB_QUEUED_MAX_HOURS, has lost its process
    (a worker killed, a server restarted, the queue emptied) and is marked failed with what to do; the files of
    jobs finished more than JOB_FILES_KEEP_DAYS ago are deleted, and those of the apps' `job_files_sweep`s (an
    upload never confirmed). How many jobs, and how many files."""
    now = now or timezone.now()
    stale_minutes = settings.JOB_STALE_MINUTES
    silent = Q(heartbeat_at__lt=now - datetime.timedelta(minutes=stale_minutes)) | Q(
        heartbeat_at__isnull=True, started_at__lt=now - datetime.timedelta(minutes=stale_minutes)
    )
    stale_text = STALE.format(minutes=stale_minutes)
    stale = Job.objects.filter(silent, status=Job.Status.RUNNING).update(
        status=Job.Status.FAILED, error=stale_text, message=stale_text[:300], finished_at=now
    )
    queued_hours = settings.JOB_QUEUED_MAX_HOURS
    never_text = NEVER_STARTED.format(hours=queued_hours)
    never_started = Job.objects.filter(
        status=Job.Status.QUEUED, created_at__lt=now - datetime.timedelta(hours=queued_hours)
    )
    stale += never_started.update(status=Job.Status.FAILED, error=never_text, message=never_text[:300], finished_at=now)
    keep_since = now - datetime.timedelta(days=settings.JOB_FILES_KEEP_DAYS)
    removed = 0
    for job in Job.objects.filter(finished_at__lt=keep_since).exclude(file="").order_by("finished_at").iterator():
        job_file_gone(job)
        removed += 1
    for sweep in _FILE_SWEEPS:
        removed += sweep(older_than=keep_since)
    if stale or removed:
        logger.info("jobs sweep: %s stale jobs marked failed, %s files deleted", stale, removed)
    return stale, removed


def job_get_for_user_or_404(*, user, pk) -> Job:
    """A job its owner (or a superuser) may follow; anyone else gets a 404, as for an unknown job."""
    jobs = Job.objects.select_related("owner")
    if not user.is_superuser:
        jobs = jobs.filter(owner=user)
    job = jobs.filter(pk=pk).first()
    if job is None:
        raise Http404("Pekerjaan tidak ditemukan.")
    return job


def jobs_recent(*, user):
    """The user's recent jobs, newest first ("Pekerjaan saya")."""
    return Job.objects.filter(owner=user).order_by("-created_at")[:RECENT_JOBS]
