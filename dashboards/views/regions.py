"""Regency and kecamatan pages at /regions/<code>/ (13.02 or 13.02.07), limited to the user's villages."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import reverse

from dashboards import selectors
from dashboards.views import charts
from dashboards.views.common import figures, period_scope
from villages.models import District, Regency, Village


def region_of(code: str) -> Regency | District:
    region = Regency.objects.filter(code=code).first() or District.objects.filter(code=code).first()
    if region is None:
        raise Http404("Wilayah tidak ditemukan.")
    return region


def region_villages(request: HttpRequest, region: Regency | District):
    villages = Village.objects.for_user(request.user)
    if isinstance(region, Regency):
        villages = villages.filter(district__regency=region)
    else:
        villages = villages.filter(district=region)
    return villages


@login_required
def region_detail(request: HttpRequest, code: str) -> HttpResponse:
    region = region_of(code)
    villages = region_villages(request, region)
    scope = period_scope(request, villages=villages)
    context = figures(scope)
    if not context["villages"]:
        raise Http404("Tidak ada desa dalam cakupan Anda di wilayah ini.")
    is_regency = isinstance(region, Regency)
    subunits = []
    if is_regency:
        district_of = {row["pk"]: (row["district__code"], row["district__name"]) for row in context["villages"]}
        by_district = selectors.results_by_group(facts=context["facts"], groups=district_of)
        # Cells worked out here: the template's loop of every column over every indicator was most of the page.
        subunits = [
            (district, selectors.ranking_cells(results), results["coverage"].label)
            for district, results in sorted(by_district.items())
        ]
    query = request.GET.copy()
    query[("regency" if is_regency else "district")] = region.pk
    query_string = query.urlencode()
    tables = {"indikator": "Indikator wilayah", "peringkat": "Peringkat desa", "bulanan": "Statistik bulanan"}
    if is_regency:
        tables["kecamatan"] = "Indikator per kecamatan"
    context.update(
        {
            "scope": scope,
            "region": region,
            "is_regency": is_regency,
            "regency": region if is_regency else region.regency,
            "subunits": subunits,
            "subunit_columns": selectors.ranking_columns(),
            "export_tables": [
                {
                    "label": label,
                    **{fmt: f"{_export_url(table, fmt)}?{query_string}" for fmt in ("xlsx", "csv")},
                }
                for table, label in tables.items()
            ],
            "charts": {
                "chart-status": charts.status_chart(context["series"]),
                "chart-flows": charts.flows_chart(context["series"]),
            },
            "chart_cards": [
                {
                    "id": "chart-status",
                    "title": "Peserta menurut status per bulan",
                    "working": "Jumlah peserta desa-desa wilayah ini menurut status iuran tiap bulan.",
                },
                {
                    "id": "chart-flows",
                    "title": "Pendaftaran baru dan peserta yang menjadi nonaktif",
                    "working": "Pendaftaran baru menurut bulan daftar; menjadi nonaktif: bulan pertama tunggakan "
                    "melewati batas.",
                },
            ],
        }
    )
    return render(request, "dashboard/region_detail.html", context)


def _export_url(table: str, fmt: str) -> str:
    return reverse("dashboard:export", kwargs={"table": table, "fmt": fmt})
