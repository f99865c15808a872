"""Background jobs of the anev (`core.jobs`): the branch summary PDF, which reads every village's
evaluation and renders many pages. Imported by `EvaluationsConfig.ready`, so the worker knows it."""

from __future__ import annotations

from django.urls import reverse
from django.utils.text import slugify

from core.jobs import JobFailed, job_kind, job_start
from core.models import Job
from evaluations import reports, selectors
from evaluations.models import EvaluationCycle


@job_kind("evaluations.cycle_summary_pdf", title="Ringkasan PDF anev")
def cycle_summary_pdf_job(job: Job, *, cycle_id: int, base_url: str) -> None:
    cycle = selectors.cycles().filter(pk=cycle_id).first()
    if cycle is None:
        raise JobFailed("Siklus anev ini sudah tidak ada.")
    job.result = {"url": reverse("evaluations:cycle_detail", kwargs={"pk": cycle.pk})}
    job.report(done=0, total=1, message=f"Menyusun ringkasan PDF {cycle.name}…")
    content = reports.cycle_summary_pdf(cycle=cycle, user=job.owner, base_url=base_url)
    job.attach(name=f"ringkasan-{slugify(cycle.name)}.pdf", content=content)
    job.report(done=1, message=f"Ringkasan PDF {cycle.name} siap diunduh.")


def cycle_summary_pdf_start(*, cycle: EvaluationCycle, user, base_url: str) -> Job:
    """The branch summary of `cycle` as a background job; its page offers the PDF once it is done."""
    return job_start(
        kind="evaluations.cycle_summary_pdf",
        owner=user,
        params={"cycle_id": cycle.pk, "base_url": base_url},
        title=f"Ringkasan PDF {cycle.name}",
    )
