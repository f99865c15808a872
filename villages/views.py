"""Engagement activity pages (mounted at /activities/): reads in villages/selectors.py, writes in services.py."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required, permission_required
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_http_methods

from core.forms import form_add_service_error
from core.pagination import paginate
from villages import selectors, services
from villages.access import get_for_user_or_404
from villages.forms import ActivityForm
from villages.models import Activity

PAGE_SIZE = 25


def activity_for_user(request: HttpRequest, pk: int) -> Activity:
    return get_for_user_or_404(Activity, request.user, pk=pk, related=("village",))


@login_required
def activity_list(request: HttpRequest) -> HttpResponse:
    village = request.GET.get("village", "")
    kind = request.GET.get("kind", "")
    # Anything but an id of the user's villages or a known kind leaves that filter off: never a 500.
    activities = selectors.activity_list(
        user=request.user,
        village_id=int(village) if village.isdecimal() else None,
        kind=kind if kind in Activity.Kind.values else "",
    )
    return render(
        request,
        "villages/activity_list.html",
        {
            "page": paginate(request, activities, per_page=PAGE_SIZE),
            "villages": selectors.activity_filter_villages(user=request.user),
            "kinds": Activity.Kind.choices,
            "selected_village": village,
            "selected_kind": kind,
        },
    )


@login_required
@permission_required("villages.add_activity", raise_exception=True)
@require_http_methods(["GET", "POST"])
def activity_create(request: HttpRequest) -> HttpResponse:
    form = ActivityForm(request.POST or None, user=request.user)
    if request.method == "POST" and form.is_valid():
        fields = {name: value for name, value in form.cleaned_data.items() if name != "village"}
        try:
            activity = services.activity_record(user=request.user, village=form.chosen_village(), **fields)
        except ValidationError as error:
            form_add_service_error(form, error)
        else:
            messages.success(request, f"{activity} di {activity.village} dicatat.")
            return redirect("villages:activity_detail", pk=activity.pk)
    return render(request, "villages/activity_form.html", {"form": form, "title": "Catat kegiatan"})


@login_required
def activity_detail(request: HttpRequest, pk: int) -> HttpResponse:
    activity = activity_for_user(request, pk)
    history = selectors.activity_history(activity=activity)
    return render(
        request,
        "villages/activity_detail.html",
        {
            "activity": activity,
            "history": history,
            "can_change": request.user.has_perm("villages.change_activity"),
        },
    )


@login_required
@permission_required("villages.change_activity", raise_exception=True)
@require_http_methods(["GET", "POST"])
def activity_update(request: HttpRequest, pk: int) -> HttpResponse:
    activity = activity_for_user(request, pk)
    form = ActivityForm(request.POST or None, instance=activity, user=request.user)
    if request.method == "POST" and form.is_valid():
        changes = dict(form.cleaned_data)
        try:
            services.activity_update(user=request.user, activity=activity, **changes)
        except ValidationError as error:
            form_add_service_error(form, error)
        else:
            messages.success(request, "Kegiatan disimpan.")
            return redirect("villages:activity_detail", pk=activity.pk)
    return render(
        request, "villages/activity_form.html", {"form": form, "title": f"Ubah {activity}", "activity": activity}
    )
