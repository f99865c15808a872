"""The villages list at /villages/ and each village's page at /villages/<code>/."""

from __future__ import annotations

import math
from collections import Counter

from django.contrib.auth.decorators import login_required
from django.core.paginator import Page, Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone

from core.pagination import paginate
from dashboards import selectors
from dashboards.filters import FollowUpSearchForm
from dashboards.follow_up import follow_up_list
from dashboards.views import charts
from dashboards.views.common import export_links, figures, page_scope, period_scope
from evaluations.standing import village_standing
from indicators.designation import programme_bar
from participants.months import add_months
from villages.access import get_for_user_or_404, is_branch_user
from villages.models import Village

LIST_PAGE_SIZE = 100
# The follow-up list a page at a time: a village of 23,000 participants has thousands to remind.
FOLLOW_UP_PAGE = 25
FOLLOW_UP_MAX_PAGE = 1_000_000
LIST_TABLES = {"peringkat": "Daftar desa dan indikatornya"}
VILLAGE_TABLES = {
    "indikator": "Indikator desa",
    "bulanan": "Statistik bulanan",
    "tindak-lanjut": "Daftar tindak lanjut (data pribadi)",
    "kegiatan": "Kegiatan terakhir",
}
RECENT_ACTIVITIES = 10
RECENT_CLAIMS = 10
VILLAGE_CHART_CARDS = [
    {
        "id": "chart-status",
        "title": "Peserta menurut status per bulan",
        "working": "Aktif: iuran bulan itu dibayar. Menunggak: belum dibayar, paling lama batas bulan "
        "tunggakan. Nonaktif: tunggakan lebih lama.",
    },
    {
        "id": "chart-flows",
        "title": "Pendaftaran baru dan peserta yang menjadi nonaktif",
        "working": "Pendaftaran baru menurut bulan tanggal daftar; menjadi nonaktif: bulan pertama "
        "tunggakan melewati batas.",
    },
    {
        "id": "chart-cohorts",
        "title": "Ketahanan kohort",
        "working": "Untuk tiap bulan daftar: bagian pendaftar yang aktif 3, 6 dan 12 bulan kemudian.",
    },
]
# The sparkline and the jorong heat map show the 12 months up to the end of the period.
HEAT_MONTHS = 12


def follow_up_page_of(*, village: Village, month, search: str, number) -> tuple[list, Page]:
    """One page of the follow-up list (?page=, leniently: beyond the last page, the last), and its page links.

    The list's query carries its total on each row, so a page costs one query; a page beyond the end costs two
    more (the total, then the last page)."""
    try:
        # Capped: an absurd page number is the last page, not an offset the database cannot hold.
        number = min(max(int(number), 1), FOLLOW_UP_MAX_PAGE)
    except (TypeError, ValueError):
        number = 1
    rows, total = follow_up_list(
        village=village, month=month, search=search, offset=(number - 1) * FOLLOW_UP_PAGE, limit=FOLLOW_UP_PAGE
    )
    if not rows and number > 1:
        _first, total = follow_up_list(village=village, month=month, search=search, limit=1)
        number = max(math.ceil(total / FOLLOW_UP_PAGE), 1)
        rows, total = follow_up_list(
            village=village, month=month, search=search, offset=(number - 1) * FOLLOW_UP_PAGE, limit=FOLLOW_UP_PAGE
        )
    # The paginator counts a range of the total's length: the page links without another query.
    page = Paginator(range(total), FOLLOW_UP_PAGE).get_page(number)
    page.numbers = list(page.paginator.get_elided_page_range(page.number, on_each_side=2, on_ends=1))
    return rows, page


def scoped_village(request: HttpRequest, code: str) -> Village:
    return get_for_user_or_404(Village, request.user, code=code, related=("district__regency", "resident_list"))


@login_required
def village_list(request: HttpRequest) -> HttpResponse:
    scope = page_scope(request)
    context = figures(scope, with_headlines=False)
    page = paginate(request, context["ranking"], per_page=LIST_PAGE_SIZE)
    # Sparklines only for the rows shown: one query for the page.
    first, last = add_months(scope.period.end, 1 - HEAT_MONTHS), scope.period.end
    series = selectors.active_series(
        village_ids=[row.village["pk"] for row in page.object_list], first=first, last=last
    )
    shown_ids = [row.village["pk"] for row in page.object_list]
    bars = programme_bar(villages=scope.villages.filter(pk__in=shown_ids), month=scope.period.end)
    for row in page.object_list:
        row.spark = charts.sparkline(series[row.village["pk"]])
        row.bar = bars.get(row.village["pk"], [])
    context.update(
        {
            "scope": scope,
            "page": page,
            "ranking_shown": page.object_list,
            "with_sparklines": True,
            "with_bar": True,
            "spark_months": (first, last),
            "first_position": page.start_index(),
            "export_tables": export_links(request, tables=LIST_TABLES, url_name="dashboard:export"),
        }
    )
    return render(request, "dashboard/village_list.html", context)


def village_figures(request: HttpRequest, village: Village) -> tuple:
    scope = period_scope(request, villages=Village.objects.for_user(request.user).filter(pk=village.pk))
    scope.extra = {"Desa": f"{village} ({village.code})"}
    return scope, figures(scope, with_ranking=False)


@login_required
def village_detail(request: HttpRequest, code: str) -> HttpResponse:
    village = scoped_village(request, code)
    scope, context = village_figures(request, village)
    month = selectors.reporting_month()
    search_form = FollowUpSearchForm(request.GET or None)
    follow_ups, follow_up_page = follow_up_page_of(
        village=village, month=month, search=search_form.search(), number=request.GET.get("page")
    )
    reported = selectors.reporting_completeness(villages=scope.villages, month=month).get(village.pk, {})
    today = timezone.localdate()
    claims, claim_totals = selectors.village_claims(village=village, limit=RECENT_CLAIMS)
    commitments = list(village.commitments.with_state(today=today))
    heat_months = [add_months(scope.period.end, offset) for offset in range(1 - HEAT_MONTHS, 1)]
    context.update(
        {
            "scope": scope,
            "village": village,
            # Branch staff come to a village for its figures; its officials for the list of whom to remind.
            "is_branch": is_branch_user(request.user),
            "standing": village_standing(village=village, today=today),
            "programme_bar": programme_bar(villages=scope.villages, month=scope.period.end).get(village.pk, []),
            "bar_month": scope.period.end,
            "renewal": Counter(commitment.state for commitment in commitments),
            "active_spark": charts.sparkline([row["active"] for row in context["series"][-HEAT_MONTHS:]]),
            "heat_months": heat_months,
            "heat_rows": selectors.jorong_paid_shares(village=village, months=heat_months),
            "commitments": commitments,
            "agents": list(village.agents.all()),
            "awards": list(village.awards.all()),
            "targets": list(village.targets.all()[:5]),
            "budgets": list(village.budgets.all()[:5]),
            "activities": list(village.activities.order_by("-date", "-id")[:RECENT_ACTIVITIES]),
            "claims": claims,
            "claim_totals": claim_totals,
            "commitment_score": context["headline"]["commitment"].current,
            "follow_ups": follow_ups,
            "follow_up_total": follow_up_page.paginator.count,
            "follow_up_page": follow_up_page,
            "follow_up_search": search_form,
            "reporting_month": month,
            "reported": reported,
            "today": today,
            "charts": {
                "chart-status": charts.status_chart(context["series"]),
                "chart-flows": charts.flows_chart(context["series"]),
                "chart-cohorts": charts.cohort_chart(context["cohorts"]),
            },
            "chart_cards": charts.with_notes(
                VILLAGE_CHART_CARDS, {"chart-cohorts": charts.cohort_note(context["cohorts"])}
            ),
            "export_tables": export_links(
                request, tables=VILLAGE_TABLES, url_name="dashboard:village_export", kwargs={"code": village.code}
            ),
        }
    )
    return render(request, "dashboard/village_detail.html", context)
