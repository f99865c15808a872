"""Participant pages: list, register, detail, edit, exit. Reads come from `participants.selectors`, writes go
through `participants.services`."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required, permission_required
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_http_methods

from core.forms import form_add_service_error
from core.pagination import paginate
from participants import selectors, services
from participants.filters import ParticipantFilter
from participants.forms import ParticipantExitForm, ParticipantForm
from participants.months import month_start
from participants.resident_prefill import registration_initial
from villages.access import is_branch_user

PAGE_SIZE = 25


@login_required
def participant_list(request: HttpRequest) -> HttpResponse:
    month = month_start(timezone.localdate())
    queryset = selectors.participant_list(user=request.user, month=month)
    filterset = ParticipantFilter(request.GET or None, queryset=queryset, request=request)
    # Unfiltered, a branch user's list may hold a million rows: an estimated count instead of COUNT(*).
    size = None if filterset.is_filtered else selectors.participant_list_count(user=request.user)
    count, approximate = size or (None, False)
    page = paginate(request, filterset.qs, per_page=PAGE_SIZE, count=count, approximate=approximate)
    return render(request, "participants/list.html", {"filter": filterset, "page": page, "month": month})


@login_required
@permission_required("participants.add_participant", raise_exception=True)
@require_http_methods(["GET", "POST"])
def participant_create(request: HttpRequest) -> HttpResponse:
    # From the prospect list: ?resident=<id> pre-fills the form (a resident outside the user's villages is a 404).
    resident = request.GET.get("resident", "")
    initial = registration_initial(user=request.user, resident_id=resident) if resident else None
    form = ParticipantForm(request.POST or None, user=request.user, initial=initial)
    if request.method == "POST" and form.is_valid():
        fields = {name: value for name, value in form.cleaned_data.items() if name != "village"}
        try:
            participant = services.participant_register(
                user=request.user, village=form.cleaned_data.get("village") or form.only_village, **fields
            )
        except ValidationError as error:
            form_add_service_error(form, error)
        else:
            messages.success(request, f"{participant.name} terdaftar sebagai peserta.")
            return redirect("participants:detail", pk=participant.pk)
    return render(request, "participants/form.html", {"form": form, "title": "Daftarkan peserta"})


@login_required
def participant_detail(request: HttpRequest, pk: int) -> HttpResponse:
    participant = selectors.participant_get(user=request.user, pk=pk)
    can_change = request.user.has_perm("participants.change_participant")
    # The birth date would give away the masked middle of the NIK; the phone is not the reader's business.
    private = frozenset() if can_change else frozenset({"nik", "birth_date", "phone"})
    page = selectors.participant_page(participant=participant, month=timezone.localdate(), private=private)
    due_now, due_problem = selectors.contribution_due_now(participant=participant, month=timezone.localdate())
    return render(
        request,
        "participants/detail.html",
        {
            "participant": participant,
            "contributions": page.contributions,
            "claims": page.claims,
            "coverage": page.coverage,
            "status_now": page.status_now,
            "history": page.history,
            "due_now": due_now,
            "due_problem": due_problem,
            "can_change": can_change,
            "can_pay": request.user.has_perm("participants.add_contribution"),
            # Old months outside the arrears limit: branch staff record them as corrections, with a reason.
            "can_correct": is_branch_user(request.user),
            "can_claim": request.user.has_perm("participants.add_claim"),
        },
    )


@login_required
@permission_required("participants.change_participant", raise_exception=True)
@require_http_methods(["GET", "POST"])
def participant_update(request: HttpRequest, pk: int) -> HttpResponse:
    participant = selectors.participant_get(user=request.user, pk=pk)
    form = ParticipantForm(request.POST or None, instance=participant, user=request.user)
    if request.method == "POST" and form.is_valid():
        changes = dict(form.cleaned_data)
        if "village" not in form.fields:
            changes.pop("village", None)
        try:
            services.participant_update(user=request.user, participant=participant, **changes)
        except ValidationError as error:
            form_add_service_error(form, error)
        else:
            messages.success(request, "Data peserta disimpan.")
            return redirect("participants:detail", pk=participant.pk)
    return render(
        request, "participants/form.html", {"form": form, "title": f"Ubah data {participant.name}", "back": participant}
    )


@login_required
@permission_required("participants.change_participant", raise_exception=True)
@require_http_methods(["GET", "POST"])
def participant_exit(request: HttpRequest, pk: int) -> HttpResponse:
    participant = selectors.participant_get(user=request.user, pk=pk)
    initial = (
        {"exit_date": participant.exit_date, "exit_reason": participant.exit_reason} if participant.exit_date else None
    )
    form = ParticipantExitForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            services.participant_exit(user=request.user, participant=participant, **form.cleaned_data)
        except ValidationError as error:
            form_add_service_error(form, error)
        else:
            messages.success(request, f"{participant.name} dicatat keluar.")
            return redirect("participants:detail", pk=participant.pk)
    return render(
        request,
        "participants/form.html",
        {"form": form, "title": f"Peserta keluar: {participant.name}", "back": participant, "danger": True},
    )
