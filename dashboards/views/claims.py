"""Benefit claims at /claims/: scoped, filtered by programme, region and period, and exportable.

Paid claims are the strongest proof of benefit the branch can show a village, so the list
uses the same period as the dashboards: a claim counts in the period it was paid, exactly as
the "Klaim dibayar" figures count it; claims not yet paid are listed by their event date.
"""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import reverse

from core.formatting import format_date
from core.pagination import paginate
from dashboards import selectors
from dashboards.exports import FORMATS, export_response
from dashboards.filters import ClaimFilter
from dashboards.views.common import Scope, page_scope
from participants.models import Claim

PAGE_SIZE = 50
TITLE = "Daftar klaim"


def _claims(request: HttpRequest) -> tuple[Scope, ClaimFilter, object]:
    """The page scope (villages, period), the claim filters and the claims they select."""
    scope = page_scope(request)
    in_scope = selectors.claims_of(
        claims=Claim.objects.for_user(request.user), villages=scope.villages, period=scope.period
    )
    filterset = ClaimFilter(request.GET or None, queryset=in_scope)
    claims = filterset.qs if filterset.is_valid() else in_scope
    scope.extra = filterset.description()
    return scope, filterset, claims


@login_required
def claim_list(request: HttpRequest) -> HttpResponse:
    scope, filterset, claims = _claims(request)
    return render(
        request,
        "dashboard/claim_list.html",
        {
            "scope": scope,
            "period": scope.period,
            "more_filters": filterset,
            "page": paginate(request, claims, per_page=PAGE_SIZE),
            "totals": selectors.claim_totals(claims=claims),
            # One reverse per page, not two per row.
            "participant_base": reverse("participants:detail", kwargs={"pk": 0})[:-2],
            "village_base": reverse("dashboard:village_list"),
            "export_tables": [
                {
                    "label": TITLE,
                    **{
                        fmt: reverse("dashboard:claim_export", kwargs={"fmt": fmt})
                        + (f"?{request.GET.urlencode()}" if request.GET else "")
                        for fmt in FORMATS
                    },
                }
            ],
        },
    )


@login_required
def claim_export(request: HttpRequest, fmt: str) -> HttpResponse:
    if fmt not in FORMATS:
        raise Http404("Format tidak dikenal.")
    scope, _filterset, claims = _claims(request)
    header = [
        "Tanggal kejadian",
        "Tanggal dibayar",
        "Program",
        "Peserta",
        "NIK (disamarkan)",
        "KPJ",
        "Kode desa",
        "Desa/nagari",
        "Kecamatan",
        "Kabupaten/kota",
        "Jumlah manfaat (Rp)",
    ]
    rows = [
        [
            format_date(claim.event_date),
            format_date(claim.paid_on) if claim.paid_on else "",
            claim.programme,
            claim.participant.name,
            claim.participant.masked_nik,
            claim.participant.kpj or "",
            claim.participant.village.code,
            str(claim.participant.village),
            claim.participant.village.district.name,
            claim.participant.village.district.regency.name,
            claim.amount,
        ]
        for claim in claims
    ]
    return export_response(
        user=request.user,
        title=TITLE,
        description=scope.description(),
        header=header,
        rows=rows,
        file_format=fmt,
        personal_data=True,
    )
