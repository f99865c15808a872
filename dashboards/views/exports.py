"""Downloads of the dashboard tables (.xlsx, CSV), limited to the user's scope and the page's filters."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse

from dashboards import selectors
from dashboards.exports import FORMATS, export_response
from dashboards.follow_up import follow_up_list
from dashboards.views import tables
from dashboards.views.common import figures, page_scope
from dashboards.views.villages import RECENT_ACTIVITIES, VILLAGE_TABLES, scoped_village, village_figures

SCOPE_TABLES = {
    "indikator": "Indikator utama",
    "peringkat": "Peringkat desa",
    "bulanan": "Statistik bulanan",
    "kabupaten": "Indikator per kabupaten/kota",
    "kecamatan": "Indikator per kecamatan",
}


@login_required
def scope_export(request: HttpRequest, table: str, fmt: str) -> HttpResponse:
    if table not in SCOPE_TABLES or fmt not in FORMATS:
        raise Http404("Tabel atau format tidak dikenal.")
    scope = page_scope(request)
    context = figures(scope, with_headlines=table in ("indikator", "bulanan"))
    if table == "indikator":
        header, rows = tables.indicator_table(context["headlines"])
    elif table == "peringkat":
        header, rows = tables.ranking_table(context["ranking"])
    elif table == "bulanan":
        header, rows = tables.monthly_table(context["series"], context["cohorts"])
    else:
        if table == "kabupaten":
            groups = {row["pk"]: row["district__regency__name"] for row in context["villages"]}
            unit = "Kabupaten/kota"
        else:
            groups = {row["pk"]: row["district__name"] for row in context["villages"]}
            unit = "Kecamatan"
        grouped = selectors.results_by_group(facts=context["facts"], groups=groups)
        header, rows = tables.group_table(sorted(grouped.items()), unit_label=unit)
    return export_response(
        user=request.user,
        title=SCOPE_TABLES[table],
        description=scope.description(),
        header=header,
        rows=rows,
        file_format=fmt,
    )


@login_required
def village_export(request: HttpRequest, code: str, table: str, fmt: str) -> HttpResponse:
    if table not in VILLAGE_TABLES or fmt not in FORMATS:
        raise Http404("Tabel atau format tidak dikenal.")
    village = scoped_village(request, code)
    scope, context = village_figures(request, village)
    personal = False
    if table == "indikator":
        header, rows = tables.indicator_table(context["headlines"])
    elif table == "bulanan":
        header, rows = tables.monthly_table(context["series"], context["cohorts"])
    elif table == "kegiatan":
        header, rows = tables.activity_table(village.activities.order_by("-date", "-id")[:RECENT_ACTIVITIES])
    else:
        follow_ups, _total = follow_up_list(village=village)
        header, rows = tables.follow_up_table(follow_ups)
        personal = True
    return export_response(
        user=request.user,
        title=f"{VILLAGE_TABLES[table]} {village.name}",
        description=scope.description(),
        header=header,
        rows=rows,
        file_format=fmt,
        personal_data=personal,
    )
