"""The progress pages of background jobs (`core.jobs`): one job (polled by htmx), its file, the user's list."""

from __future__ import annotations

from django.conf import settings
from django.contrib.auth.decorators import login_required
from django.http import FileResponse, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django_htmx.http import HttpResponseClientRedirect

from core.jobs import job_file_gone, job_get_for_user_or_404, job_next_url, jobs_recent


@login_required
def job_detail(request: HttpRequest, pk) -> HttpResponse:
    """The progress page; htmx polls it every second for its progress partial until the job is finished,
    then the user is sent on to the job's result (or shown its file to download)."""
    job = job_get_for_user_or_404(user=request.user, pk=pk)
    next_url = job_next_url(job)
    if next_url != job.get_absolute_url():
        return HttpResponseClientRedirect(next_url) if request.htmx else redirect(next_url)
    context = {"job": job, "keep_days": settings.JOB_FILES_KEEP_DAYS}
    if request.htmx:
        return render(request, "core/_job_progress.html", context)
    return render(request, "core/job_detail.html", context)


@login_required
def job_file(request: HttpRequest, pk) -> HttpResponse:
    """What a finished job produced (a report), for its owner only."""
    job = job_get_for_user_or_404(user=request.user, pk=pk)
    if job.status != job.Status.DONE or not job.file:
        # Not ready, failed, or deleted after JOB_FILES_KEEP_DAYS: the job's page says which.
        return redirect(job)
    try:
        opened = job.file.open("rb")
    except FileNotFoundError:
        job_file_gone(job)  # lost from the storage: its page says so from now on
        return redirect(job)
    return FileResponse(opened, as_attachment=True, filename=job.file.name.rsplit("/", 1)[-1])


@login_required
def job_list(request: HttpRequest) -> HttpResponse:
    return render(request, "core/job_list.html", {"jobs": jobs_recent(user=request.user)})
