"""The Celery tasks: run a background job (`core.jobs`) by its id, and the periodic ones of the beat schedule
(`CELERY_BEAT_SCHEDULE`): the monthly routines (`core.monthly`) and the sweep of stale jobs and old job files."""

from celery import shared_task

from core.jobs import job_run, jobs_sweep
from core.monthly import monthly_run_due


@shared_task(name="core.tasks.run_job", ignore_result=True)
def run_job(job_id: str) -> None:
    job_run(job_id=job_id)


@shared_task(name="core.tasks.run_monthly", ignore_result=True)
def run_monthly() -> None:
    """Each monthly routine once per month: harmless however often it runs."""
    monthly_run_due()


@shared_task(name="core.tasks.sweep_jobs", ignore_result=True)
def sweep_jobs() -> None:
    jobs_sweep()
