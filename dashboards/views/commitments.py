"""Regulations and agreements that have lapsed or lapse soon, at /commitments/: what the branch must get renewed.

A lapsed Peraturan Nagari or cooperation agreement no longer counts in the commitment score,
so the list is where staff see which villages to visit before the score drops.
"""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone

from core.pagination import paginate
from dashboards import selectors
from dashboards.filters import CommitmentFilter
from villages.models import COMMITMENT_NOTICE_DAYS, Commitment

PAGE_SIZE = 50


@login_required
def commitment_list(request: HttpRequest) -> HttpResponse:
    today = timezone.localdate()
    scoped = Commitment.objects.for_user(request.user)
    filterset = CommitmentFilter(
        request.GET or None, queryset=selectors.commitments_to_renew(commitments=scoped, today=today)
    )
    commitments = filterset.qs if filterset.is_valid() else filterset.queryset
    page = paginate(request, commitments, per_page=PAGE_SIZE)
    return render(
        request,
        "dashboard/commitment_list.html",
        {
            "filterset": filterset,
            "page": page,
            "today": today,
            "notice_days": COMMITMENT_NOTICE_DAYS,
            "counts": selectors.renewal_counts(commitments=scoped, today=today),
        },
    )
