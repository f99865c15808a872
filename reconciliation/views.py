"""The reconciliation pages: the extracts and the upload, the preview of a file, the result (branch and per
village), the lists and their exports, and the application. Thin: reads in `selectors`, writes in `services`."""

from __future__ import annotations

import re

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_http_methods, require_POST

from core.jobs import job_next_url
from core.pagination import paginate
from core.parsing import parse_id
from core.spreadsheets import spreadsheet_response
from participants.imports import ImportFileError
from reconciliation import applying, exports, selectors, services
from reconciliation.forms import ExtractUploadForm
from reconciliation.imports import SHAPE_KINDS
from reconciliation.models import Extract, FindingKind, Shape
from reconciliation.readings import READINGS, reading_choice
from villages.access import is_branch_user
from villages.models import Village

PER_PAGE = 50
VILLAGE_CODE = re.compile(r"\d{2}(\.\d{2}){2}\.\d{4}")
REGISTER_SHOWN = 50  # each row carries a select of every village: more are registered with "register_known"


@login_required
@require_http_methods(["GET", "POST"])
def index(request: HttpRequest) -> HttpResponse:
    may = services.may_reconcile(request.user)
    if request.method == "POST" and not may:
        raise PermissionDenied
    form = ExtractUploadForm(request.POST or None, request.FILES or None) if may else None
    if request.method == "POST" and form.is_valid():
        upload = form.cleaned_data["file"]
        try:
            extract = services.extract_upload(
                user=request.user,
                name=upload.name,
                content=upload.read(),
                shape=form.cleaned_data["shape"],
                extract_date=form.cleaned_data["extract_date"],
                in_background=True,
            )
        except ImportFileError as error:
            form.add_error("file", str(error))
        else:
            job = services.extract_job(extract)
            if job is not None:
                return redirect(job_next_url(job))  # a large file: its preview's progress page
            return redirect("reconciliation:preview", pk=extract.pk)
    return render(
        request,
        "reconciliation/index.html",
        {
            "form": form,
            "extracts": selectors.extracts_recent(user=request.user),
            "is_branch": is_branch_user(request.user),
            "columns": {shape: kind.columns for shape, kind in SHAPE_KINDS.items()},
        },
    )


def _own_preview(request: HttpRequest, pk) -> Extract:
    if not services.may_reconcile(request.user):
        raise PermissionDenied
    extract = selectors.extract_get(user=request.user, pk=pk)
    if extract.uploaded_by_id != request.user.pk:
        raise Http404
    return extract


@login_required
@require_http_methods(["GET", "POST"])
def preview(request: HttpRequest, pk) -> HttpResponse:
    extract = _own_preview(request, pk)
    job = services.extract_job(extract)
    if (
        job is not None
        and extract.status == Extract.Status.PREVIEW
        and (not job.finished or "counts" not in extract.batch.summary)
    ):
        return redirect(job)  # still previewing or matching, or its matching failed: the job's page says so
    if request.method == "POST":
        try:
            if services.extract_runs_as_job(extract):
                return redirect(services.extract_confirm_start(extract=extract, user=request.user))
            services.extract_confirm(extract=extract, user=request.user)
        except ImportFileError as error:
            messages.error(request, str(error))
            return redirect("reconciliation:preview", pk=extract.pk)
        messages.success(request, "Ekstrak dicocokkan. Periksa hasilnya, lalu pilih apa yang diterapkan.")
        return redirect("reconciliation:result", pk=extract.pk)
    if extract.status != Extract.Status.PREVIEW:
        return redirect("reconciliation:result", pk=extract.pk)
    summary = extract.batch.summary
    kind = SHAPE_KINDS[extract.shape]
    return render(
        request,
        "reconciliation/preview.html",
        {
            "extract": extract,
            "batch": extract.batch,
            "counts": summary.get("counts", {}),
            "errors": summary.get("errors", []),
            "errors_total": summary.get("errors_total", 0),
            "mapping": extract.mapping_items,
            "column_choices": [(column.key, column.header) for column in kind.columns],
            "shapes": Shape.choices,
        },
    )


@login_required
@require_POST
def remap(request: HttpRequest, pk) -> HttpResponse:
    extract = _own_preview(request, pk)
    choices = {
        header: request.POST.get(f"col_{index}", "") for index, (header, _column) in enumerate(extract.mapping_items)
    }
    try:
        fresh = services.extract_remap(
            extract=extract, user=request.user, choices=choices, shape=request.POST.get("shape")
        )
    except ImportFileError as error:
        messages.error(request, str(error))
        return redirect("reconciliation:index")
    messages.success(request, "Pemetaan kolom disimpan dan dipakai lagi untuk unggahan berikutnya.")
    return redirect("reconciliation:preview", pk=fresh.pk)


@login_required
def result(request: HttpRequest, pk) -> HttpResponse:
    extract = selectors.extract_get(user=request.user, pk=pk)
    if extract.status == Extract.Status.PREVIEW:
        raise Http404
    return render(
        request,
        "reconciliation/result.html",
        {
            "extract": extract,
            "results": selectors.village_results(extract=extract, user=request.user),
            "is_branch": is_branch_user(request.user),
            "may_apply": services.may_reconcile(request.user),
            "branch_counts": [
                (key, label, extract.summary.get("counts", {}).get(key, 0)) for key, label in FindingKind.choices
            ],
            "reference": extract.reference,
            "reading": reading_choice(request.GET.get("bacaan")),
            "readings": READINGS,
        },
    )


def _list_filters(request: HttpRequest) -> tuple[str | None, str | None]:
    """The list's kind and village (a Kemendagri code or "belum"); anything else is no filter."""
    kind = request.GET.get("kind")
    village = request.GET.get("village") or ""
    if village != selectors.UNPLACED and not VILLAGE_CODE.fullmatch(village):
        village = ""
    return (kind if kind in FindingKind.values else None), (village or None)


@login_required
def findings(request: HttpRequest, pk) -> HttpResponse:
    extract = selectors.extract_get(user=request.user, pk=pk)
    kind, village_code = _list_filters(request)
    rows = selectors.findings_list(extract=extract, user=request.user, kind=kind, village=village_code)
    village = Village.objects.for_user(request.user).filter(code=village_code).first() if village_code else None
    return render(
        request,
        "reconciliation/findings.html",
        {
            "extract": extract,
            "page": paginate(request, rows, per_page=PER_PAGE),
            "kind": kind,
            "kind_label": FindingKind(kind).label if kind else "Semua temuan",
            "village": village,
            "village_code": village_code,
            "unplaced": village_code == selectors.UNPLACED,
        },
    )


@login_required
def findings_export(request: HttpRequest, pk) -> HttpResponse:
    extract = selectors.extract_get(user=request.user, pk=pk)
    kind, village_code = _list_filters(request)
    rows = selectors.findings_list(extract=extract, user=request.user, kind=kind, village=village_code)
    content = exports.findings_workbook(
        extract=extract, user=request.user, findings=rows, kind=kind, village=village_code
    )
    return spreadsheet_response(content, filename=f"rekonsiliasi-{extract.extract_date:%Y%m%d}-{kind or 'semua'}.xlsx")


def _apply_choices(request: HttpRequest, extract: Extract) -> tuple[bool, bool, dict]:
    villages = {str(v.pk): v for v in Village.objects.for_user(request.user).only("pk", "name", "code")}
    register = {}
    candidates = extract.findings.filter(kind=FindingKind.CORE_ONLY, applied_at=None)
    if request.POST.get("register_known") == "1":
        for finding in candidates.exclude(village=None).select_related("village"):
            register[finding.pk] = finding.village
    for name, value in request.POST.items():
        finding = parse_id(name.removeprefix("daftar_")) if name.startswith("daftar_") else None
        if finding is not None and value in villages:
            register[finding] = villages[value]
    wanted = set(candidates.filter(pk__in=list(register)).values_list("pk", flat=True))
    register = {pk: village for pk, village in register.items() if pk in wanted}
    return request.POST.get("add_months") == "1", request.POST.get("fill_kpj") == "1", register


@login_required
@require_http_methods(["GET", "POST"])
def apply(request: HttpRequest, pk) -> HttpResponse:
    if not services.may_reconcile(request.user):
        raise PermissionDenied
    extract = selectors.extract_get(user=request.user, pk=pk)
    if extract.status == Extract.Status.PREVIEW:
        raise Http404
    context = {
        "extract": extract,
        "unplaced_villages": Village.objects.for_user(request.user).select_related("district").order_by("name"),
        "core_only": list(
            extract.findings.filter(kind=FindingKind.CORE_ONLY, applied_at=None).select_related("village")[
                :REGISTER_SHOWN
            ]
        ),
        "core_only_total": extract.findings.filter(kind=FindingKind.CORE_ONLY, applied_at=None).count(),
        "register_shown": REGISTER_SHOWN,
    }
    if request.method == "POST":
        add_months, fill_kpj, register = _apply_choices(request, extract)
        choices = {"add_months": add_months, "fill_kpj": fill_kpj, "register": register}
        if request.POST.get("action") == "terapkan":
            try:
                written = applying.extract_apply(extract=extract, user=request.user, **choices)
            except ValidationError as error:
                messages.error(request, " ".join(error.messages))
                return redirect("reconciliation:apply", pk=extract.pk)
            messages.success(
                request,
                f"Diterapkan dari {extract.source_label}: {written['registered']} peserta didaftarkan, "
                f"{written['kpj']} nomor KPJ diisi, {written['months']} bulan iuran ditambahkan"
                + (f"; {len(written['refused'])} tidak dapat diterapkan." if written["refused"] else "."),
            )
            for refusal in written["refused"][:20]:
                messages.warning(request, refusal)
            return redirect("reconciliation:result", pk=extract.pk)
        context.update(
            {
                "plan": applying.extract_apply_plan(extract=extract, user=request.user, **choices),
                "choices": choices,
                "register_items": [(pk, village.pk) for pk, village in register.items()],
            }
        )
    return render(request, "reconciliation/apply.html", context)
