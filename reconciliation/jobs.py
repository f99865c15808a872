"""Background jobs of the reconciliation (`core.jobs`): the preview and the matching of an extract of more than
JOB_INLINE_MAX_ROWS rows. Imported by `ReconciliationConfig.ready`, so the worker knows them."""

from __future__ import annotations

from django.urls import reverse

from core.jobs import JobFailed, job_kind
from core.models import Job
from participants.imports.reading import ImportFileError
from reconciliation.models import Extract


# Outside one job transaction, as the participant import's preview: it reads the file, then writes once.
@job_kind("reconciliation.extract_preview", title="Pratinjau ekstrak sistem inti", atomic=False)
def extract_preview_job(job: Job, *, extract_id: str, force_shape: bool) -> None:
    from reconciliation.services import extract_discard, extract_read

    extract = Extract.objects.select_related("batch", "batch__uploaded_by").filter(pk=extract_id).first()
    if extract is None:
        raise JobFailed("Ekstrak ini sudah tidak ada; unggah lagi.")
    job.result = {"url": reverse("reconciliation:preview", kwargs={"pk": extract.pk})}
    try:
        extract_read(extract=extract, force_shape=force_shape, job=job)
    except ImportFileError as error:
        extract_discard(extract)  # a file unreadable further down is not kept, as in the request
        job.result = {"url": reverse("reconciliation:index")}
        raise JobFailed(f"{error} Perbaiki berkasnya lalu unggah lagi.") from error
    counts = extract.batch.summary["counts"]
    job.report(done=sum(counts.values()), total=sum(counts.values()), message="Pratinjau ekstrak siap.")


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
