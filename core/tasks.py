"""The one Celery task: run a background job (`core.jobs`) by its id."""

from celery import shared_task

from core.jobs import job_run


@shared_task(name="core.tasks.run_job", ignore_result=True)
def run_job(job_id: str) -> None:
    job_run(job_id=job_id)
