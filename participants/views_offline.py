"""The pages an official's phone keeps for offline use (static/js/offline/page.js asks after each sync).

Only village officials get a list: their villages' pages, the participant list, each current
participant's page and payment form, the registration form, the monthly screen of this month and the
last, and the activity form. Branch roles see every village and keep nothing on their phones.
"""

from __future__ import annotations

import math

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, JsonResponse
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_GET

from participants import selectors
from participants.months import add_months, month_start
from participants.views import PAGE_SIZE
from villages.access import is_village_official


@login_required
@require_GET
def offline_pages(request: HttpRequest) -> JsonResponse:
    if not is_village_official(request.user):
        return JsonResponse({"pages": []})
    villages, participant_ids = selectors.offline_scope(user=request.user)
    this_month = month_start(timezone.localdate())
    pages = [reverse("home"), reverse("offline"), reverse("participants:list")]
    pages += [
        f"{reverse('participants:list')}?page={number}"
        for number in range(2, math.ceil(len(participant_ids) / PAGE_SIZE) + 1)
    ]
    pages += [reverse("participants:create"), reverse("villages:activity_create"), reverse("villages:activity_list")]
    pages += [reverse("dashboard:village_detail", kwargs={"code": village.code}) for village in villages]
    monthly = reverse("participants:monthly")
    for month in (this_month, add_months(this_month, -1)):
        if len(villages) == 1:  # the screen asks no village of an official with one
            pages.append(f"{monthly}?month={month:%m/%Y}")
        else:
            pages += [f"{monthly}?village={village.pk}&month={month:%m/%Y}" for village in villages]
    for pk in participant_ids:
        pages += [
            reverse("participants:detail", kwargs={"pk": pk}),
            reverse("participants:contribution_create", kwargs={"pk": pk}),
        ]
    return JsonResponse({"pages": pages})
