"""Spreadsheet import pages: upload, preview, confirm, template and rejected rows, for every kind in
`participants.imports.KINDS` (the URL slug is the kind's key)."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.db import IntegrityError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_http_methods

from core.jobs import job_next_url
from core.parsing import parse_id
from core.spreadsheets import spreadsheet_response
from participants import selectors
from participants.coverage import CORRECTION_REASON_MAX
from participants.forms import ImportUploadForm
from participants.imports import (
    KINDS,
    ImportFileError,
    import_confirm,
    import_confirm_start,
    import_job,
    import_rejected_workbook,
    import_runs_as_job,
    import_submit,
    template_workbook,
)


def _kind(slug: str):
    """The import kind of a URL slug (an ImportBatch.Kind value); 404 for any other."""
    if slug not in KINDS:
        raise Http404
    return KINDS[slug]


@login_required
@require_http_methods(["GET", "POST"])
def import_start(request: HttpRequest, kind: str = "peserta") -> HttpResponse:
    import_kind = _kind(kind)
    if not request.user.has_perm(import_kind.permission):
        raise PermissionDenied
    form = ImportUploadForm(request.POST or None, request.FILES or None, user=request.user, kind=import_kind.key)
    if request.method == "POST" and form.is_valid():
        upload = form.cleaned_data["file"]
        try:
            batch = import_submit(
                user=request.user,
                kind=import_kind.key,
                name=upload.name,
                content=upload.read(),
                village=form.cleaned_data.get("village"),
            )
        except ImportFileError as error:
            form.add_error("file", str(error))
        else:
            return import_next(batch)
    columns = import_kind.columns
    return render(
        request,
        "participants/import_start.html",
        {
            "form": form,
            "kind": kind,
            "required": [column.header for column in columns if column.required],
            "optional": [column.header for column in columns if not column.required],
            "recent": selectors.import_batches_recent(user=request.user),
        },
    )


def import_next(batch) -> HttpResponse:
    """After an upload: the preview, or the progress page of the job still previewing a large file."""
    job = import_job(batch)
    if job is None:
        return redirect("participants:import_preview", pk=batch.pk)
    return redirect(job_next_url(job))


@login_required
def import_template(request: HttpRequest, kind: str) -> HttpResponse:
    return spreadsheet_response(template_workbook(kind=_kind(kind).key), filename=f"templat-{kind}.xlsx")


@login_required
@require_http_methods(["GET", "POST"])
def import_preview(request: HttpRequest, pk) -> HttpResponse:
    batch = selectors.import_batch_get(user=request.user, pk=pk)
    job = import_job(batch)
    if job is not None and (not job.finished or "counts" not in batch.summary):
        return redirect(job)  # still previewing or saving, or its preview failed: the job's page says so
    if request.method == "POST":
        if not request.user.has_perm(KINDS[batch.kind].permission):
            raise PermissionDenied
        if import_runs_as_job(batch):
            return _confirm_as_job(request, batch)
        try:
            written = import_confirm(
                batch=batch,
                user=request.user,
                correction_reason=request.POST.get("correction_reason", ""),
                update_rows=[row for row in map(parse_id, request.POST.getlist("update")) if row],
                update_all=request.POST.get("update_all") == "1",
            )
        except ImportFileError as error:
            messages.error(request, str(error))
        except IntegrityError:
            messages.error(
                request,
                "Data berubah saat impor berjalan (ada NIK atau bulan yang baru saja dicatat orang lain). "
                "Tidak ada yang disimpan; unggah ulang berkasnya.",
            )
        else:
            messages.success(
                request,
                f"Impor selesai: {written['new']} baru, {written['updated']} diubah, "
                f"{written['skipped']} perubahan tidak dipilih (dilewati), "
                f"{written['unchanged']} tetap, {written['error']} baris ditolak.",
            )
        return redirect("participants:import_preview", pk=batch.pk)
    summary = batch.summary
    return render(
        request,
        "participants/import_preview.html",
        {
            "batch": batch,
            "counts": summary.get("counts", {}),
            "errors": summary.get("errors", []),
            "errors_total": summary.get("errors_total", 0),
            "rows": summary.get("rows", []),
            "rows_shown_all": len(summary.get("rows", [])) == sum(summary.get("counts", {}).values()),
            "ignored": summary.get("ignored", []),
            "written": summary.get("written"),
            "differences": summary.get("differences", []),
            "corrections": summary.get("corrections", 0),
            "correction_reason_max": CORRECTION_REASON_MAX,
            "kind": batch.kind,
        },
    )


def _confirm_as_job(request: HttpRequest, batch) -> HttpResponse:
    """A large file is saved by a background job; the user follows it on its progress page."""
    try:
        job = import_confirm_start(
            batch=batch,
            user=request.user,
            correction_reason=request.POST.get("correction_reason", ""),
            update_rows=[row for row in request.POST.getlist("update") if row.isdecimal()],  # not "²"
            update_all=request.POST.get("update_all") == "1",
        )
    except ImportFileError as error:
        messages.error(request, str(error))
        return redirect("participants:import_preview", pk=batch.pk)
    return redirect(job_next_url(job))


@login_required
def import_rejected(request: HttpRequest, pk) -> HttpResponse:
    batch = selectors.import_batch_get(user=request.user, pk=pk)
    try:
        content = import_rejected_workbook(batch=batch, user=request.user)
    except ImportFileError as error:
        messages.error(request, str(error))
        return redirect("participants:import_preview", pk=batch.pk)
    return spreadsheet_response(content, filename=f"ditolak-{batch.pk}.xlsx")
