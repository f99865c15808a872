"""Reporting completeness per official at /officials/: who entered what in a month (dashboards.officials),
filtered by month and regency, exportable; an official sees only their own row."""

from __future__ import annotations

import datetime

from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.views.decorators.http import require_GET

from core.formatting import format_datetime, format_month
from dashboards.exports import FORMATS, export_response
from dashboards.filters import OfficialEntriesForm
from dashboards.officials import official_entries
from villages.access import is_branch_user
from villages.models import Village

TITLE = "Kelengkapan pencatatan per petugas"


def _entries(request: HttpRequest) -> tuple[OfficialEntriesForm, datetime.date, dict, list]:
    """The filter form, the chosen month, the filters in words (for exports) and the rows."""
    form = OfficialEntriesForm(request.GET or None)
    month, regency = form.chosen()
    villages = Village.objects.for_user(request.user)
    if regency is not None:
        villages = villages.filter(district__regency=regency)
    description = {"Bulan entri": format_month(month), "Kabupaten/kota": regency.name if regency else "Semua"}
    return form, month, description, official_entries(user=request.user, villages=villages, month=month)


@login_required
@require_GET
def official_entries_page(request: HttpRequest) -> HttpResponse:
    form, month, _description, rows = _entries(request)
    query = f"?{request.GET.urlencode()}" if request.GET else ""
    return render(
        request,
        "dashboard/official_entries.html",
        {
            "form": form,
            "month": month,
            "rows": rows,
            "is_branch": is_branch_user(request.user),
            "totals": {
                "registrations": sum(row.registrations for row in rows),
                "payments": sum(row.payments for row in rows),
                "activities": sum(row.activities for row in rows),
                "idle": sum(1 for row in rows if not row.total),
            },
            "export_tables": [
                {
                    "label": TITLE,
                    **{
                        fmt: reverse("dashboard:official_entries_export", kwargs={"fmt": fmt}) + query
                        for fmt in FORMATS
                    },
                }
            ],
        },
    )


@login_required
@require_GET
def official_entries_export(request: HttpRequest, fmt: str) -> HttpResponse:
    if fmt not in FORMATS:
        raise Http404("Format tidak dikenal.")
    _form, _month, description, rows = _entries(request)
    header = [
        "Petugas",
        "Nama pengguna",
        "Desa/nagari",
        "Peserta didaftarkan",
        "Bulan iuran dicatat",
        "Kegiatan",
        "Entri terakhir",
    ]
    table = [
        [
            row.name,
            row.user.get_username(),
            ", ".join(village.name for village in row.villages) or "cabang",
            row.registrations,
            row.payments,
            row.activities,
            format_datetime(row.last_entry) if row.last_entry else "",
        ]
        for row in rows
    ]
    return export_response(
        user=request.user, title=TITLE, description=description, header=header, rows=table, file_format=fmt
    )
