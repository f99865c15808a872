"""The branch dashboard at `/`: what branch staff open every morning."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse

from dashboards import selectors
from dashboards.views import charts
from dashboards.views.common import export_links, figures, page_scope
from indicators import Result
from villages.access import is_village_official
from villages.models import Village

# The dashboard shows the head of the ranking; /villages/ shows every village, sorted the same way.
RANKING_ROWS = 25
TABLES = {
    "indikator": "Indikator utama",
    "peringkat": "Peringkat desa",
    "bulanan": "Statistik bulanan",
    "kabupaten": "Indikator per kabupaten/kota",
    "kecamatan": "Indikator per kecamatan",
}
CHART_CARDS = [
    {
        "id": "chart-status",
        "title": "Peserta aktif per bulan",
        "working": "Jumlah peserta menurut status iuran tiap bulan: aktif (bulan itu dibayar), menunggak (belum "
        "dibayar, paling lama batas bulan tunggakan), nonaktif (tunggakan lebih lama).",
    },
    {
        "id": "chart-flows",
        "title": "Pendaftaran baru dan peserta yang menjadi nonaktif",
        "working": "Pendaftaran baru menurut bulan tanggal daftar; menjadi nonaktif: bulan pertama tunggakan "
        "melewati batas.",
    },
    {
        "id": "chart-coverage",
        "title": "Cakupan per kabupaten/kota",
        "working": "Peserta aktif pada bulan terakhir periode dibagi penduduk usia kerja desa-desa yang datanya ada.",
    },
    {
        "id": "chart-funding",
        "title": "Bauran pendanaan peserta aktif",
        "working": "Peserta aktif pada bulan terakhir periode menurut sumber dana peserta.",
    },
    {
        "id": "chart-cohorts",
        "title": "Ketahanan kohort",
        "working": "Untuk tiap bulan daftar: bagian pendaftar yang aktif 3, 6 dan 12 bulan kemudian (kosong bila "
        "bulan itu belum lewat).",
    },
]


def _reporting_summary(ranking: list) -> dict:
    """How many villages with participants have recorded this month's contributions."""
    with_participants = [row for row in ranking if row.reported.get("enrolled")]
    reported = sum(1 for row in with_participants if row.has_reported)
    total = len(with_participants)
    return {"reported": reported, "total": total, "percent": round(reported * 100 / total) if total else 0}


def _progress(result: Result) -> float:
    return 0.0 if result.value is None else float(min(result.value, 100))


@login_required
def home(request: HttpRequest) -> HttpResponse:
    """The branch dashboard; a village official with one village lands on that village's page."""
    if is_village_official(request.user):
        own = list(Village.objects.for_user(request.user).values_list("code", flat=True)[:2])
        if len(own) == 1:
            return redirect("dashboard:village_detail", code=own[0])
    scope = page_scope(request, default_sort="-coverage")
    context = figures(scope)
    facts = context["facts"]
    regency_of = {
        row["pk"]: (row["district__regency__code"], row["district__regency__name"]) for row in context["villages"]
    }
    by_regency = selectors.results_by_group(facts=facts, groups=regency_of, keys=("coverage", "active_participants"))
    regencies = [
        {"code": code, "name": name, "coverage": results["coverage"], "active": results["active_participants"]}
        for (code, name), results in sorted(by_regency.items())
    ]
    coverage_by_regency = [(regency["name"], regency["coverage"]) for regency in regencies]
    headline = context["headline"]
    context.update(
        {
            "scope": scope,
            "villages_count": len(context["villages"]),
            "regencies": regencies,
            "map_values": {
                row.village["code"]: {
                    "value": None if row.results["coverage"].value is None else float(row.results["coverage"].value),
                    "display": row.results["coverage"].display,
                    "name": row.village["name"],
                    "url": f"{context['village_base']}{row.village['code']}/",
                }
                for row in context["ranking"]
            },
            "charts": {
                "chart-status": charts.status_chart(context["series"]),
                "chart-flows": charts.flows_chart(context["series"]),
                "chart-coverage": charts.coverage_chart(coverage_by_regency),
                "chart-funding": charts.funding_chart(headline["funding_mix"].current),
                "chart-cohorts": charts.cohort_chart(context["cohorts"]),
            },
            "chart_cards": charts.with_notes(CHART_CARDS, {"chart-cohorts": charts.cohort_note(context["cohorts"])}),
            "reporting": _reporting_summary(context["ranking"]),
            "ranking_shown": context["ranking"][:RANKING_ROWS],
            "village_list_url": reverse("dashboard:village_list")
            + (f"?{request.GET.urlencode()}" if request.GET else ""),
            "progress_target": _progress(headline["target_attainment"].current),
            "progress_coverage": _progress(headline["coverage"].current),
            "export_tables": export_links(request, tables=TABLES, url_name="dashboard:export"),
        }
    )
    return render(request, "dashboard/home.html", context)
