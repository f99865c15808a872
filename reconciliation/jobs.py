"""Background jobs of the reconciliation (`core.jobs`): matching an extract of more than JOB_INLINE_MAX_ROWS
rows. Imported by `ReconciliationConfig.ready`, so the worker knows it."""

from __future__ import annotations

from django.urls import reverse

from core.jobs import JobFailed, job_kind
from core.models import Job
from participants.imports.reading import ImportFileError
from reconciliation.models import Extract


@job_kind("reconciliation.extract_confirm", title="Cocokkan ekstrak sistem inti")
def extract_confirm_job(job: Job, *, extract_id: str) -> None:
    from reconciliation.services import extract_confirm

    extract = Extract.objects.select_related("batch").filter(pk=extract_id).first()
    if extract is None:
        raise JobFailed("Ekstrak ini sudah tidak ada; unggah lagi.")
    job.result = {"url": reverse("reconciliation:result", kwargs={"pk": extract.pk})}
    try:
        extract_confirm(extract=extract, user=job.owner, job=job)
    except ImportFileError as error:
        job.result = {"url": reverse("reconciliation:index")}
        raise JobFailed(str(error)) from error
    job.report(done=job.total, message="Ekstrak dicocokkan.")
