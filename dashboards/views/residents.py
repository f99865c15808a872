"""A village's resident list at /villages/<code>/residents/: upload (through the one import pipeline),
its denominators per jorong, the prospect list and its export, and deleting the list.

For branch staff and the village's own officials; another village is a 404. NIKs are shown masked
everywhere here (the prospect list's registration link passes the resident's id, not the NIK).
"""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseNotAllowed
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_http_methods

from core.pagination import paginate
from dashboards import resident_selectors
from dashboards.exports import FORMATS, export_response
from dashboards.views.villages import scoped_village
from participants.forms import ImportUploadForm
from participants.imports import ImportFileError, import_submit
from participants.models import ImportBatch
from villages.access import is_branch_user
from villages.resident_services import resident_list_delete

PROSPECTS_PAGE_SIZE = 100
KIND = ImportBatch.Kind.RESIDENTS.value


def _age(birth_date, today) -> int:
    return today.year - birth_date.year - ((today.month, today.day) < (birth_date.month, birth_date.day))


@login_required
@require_http_methods(["GET", "POST"])
def resident_page(request: HttpRequest, code: str) -> HttpResponse:
    village = scoped_village(request, code)
    can_import = request.user.has_perm("villages.add_resident")
    form = ImportUploadForm(request.POST or None, request.FILES or None, user=request.user, kind=KIND)
    form.fields.pop("village", None)
    if request.method == "POST":
        if not can_import:
            raise PermissionDenied
        if form.is_valid():
            upload = form.cleaned_data["file"]
            try:
                # A large list is previewed by a background job: the preview page sends to its progress.
                batch = import_submit(
                    user=request.user, kind=KIND, name=upload.name, content=upload.read(), village=village
                )
            except ImportFileError as error:
                form.add_error("file", str(error))
            else:
                return redirect("participants:import_preview", pk=batch.pk)
    today = timezone.localdate()
    branch = is_branch_user(request.user)
    figures = resident_selectors.resident_figures(user=request.user, village=village, today=today)
    context = {
        "village": village,
        "form": form if can_import else None,
        "figures": figures,
        "prospects": resident_selectors.prospect_list(user=request.user, village=village, today=today).count()
        if figures.resident_list
        else None,
        "elsewhere": list(resident_selectors.residents_elsewhere(user=request.user, village=village))
        if figures.resident_list
        else None,
        "is_branch": branch,
    }
    return render(request, "villages/residents.html", context)


@login_required
def resident_delete(request: HttpRequest, code: str) -> HttpResponse:
    """POST only; outside the village a 404, without the permission a 403, before the method is looked at."""
    village = scoped_village(request, code)
    if not request.user.has_perm("villages.delete_resident"):
        raise PermissionDenied
    if request.method != "POST":
        return HttpResponseNotAllowed(["POST"])
    deleted = resident_list_delete(user=request.user, village=village)
    messages.success(request, f"Data penduduk {village.name} dihapus ({deleted} penduduk).")
    return redirect("dashboard:village_residents", code=village.code)


@login_required
def prospect_list(request: HttpRequest, code: str) -> HttpResponse:
    village = scoped_village(request, code)
    today = timezone.localdate()
    page = paginate(
        request,
        resident_selectors.prospect_list(user=request.user, village=village, today=today),
        per_page=PROSPECTS_PAGE_SIZE,
    )
    for resident in page:
        resident.age = _age(resident.birth_date, today)
    return render(
        request,
        "villages/prospects.html",
        {"village": village, "page": page, "can_register": request.user.has_perm("participants.add_participant")},
    )


@login_required
def prospect_export(request: HttpRequest, code: str, fmt: str) -> HttpResponse:
    if fmt not in FORMATS:
        raise Http404("Format tidak dikenal.")
    village = scoped_village(request, code)
    today = timezone.localdate()
    prospects = resident_selectors.prospect_list(user=request.user, village=village, today=today)
    rows = [
        (
            resident.hamlet,
            resident.name,
            resident.masked_nik,
            resident.sex,
            _age(resident.birth_date, today),
            f"{resident.occupation_id} {resident.occupation.name}",
        )
        for resident in prospects.iterator(chunk_size=2000)
    ]
    return export_response(
        user=request.user,
        title=f"Calon peserta {village.name}",
        description={"Desa": str(village), "Isi": "Pekerja informal hidup usia 15+ yang belum menjadi peserta"},
        header=("Jorong/dusun", "Nama", "NIK", "Jenis kelamin", "Umur", "Pekerjaan"),
        rows=rows,
        file_format=fmt,
        personal_data=True,
    )
