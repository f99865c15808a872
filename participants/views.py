"""Participant pages: list, register, detail, edit, exit. Every query goes through `for_user`."""

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
from participants import services
from participants.coverage import grace_schedule, participant_status, with_coverage_status
from participants.filters import ParticipantFilter
from participants.forms import ParticipantExitForm, ParticipantForm
from participants.models import Claim, Contribution, Participant
from participants.months import add_months, month_range, month_start
from villages.access import get_for_user_or_404
from villages.history import history_entries

PAGE_SIZE = 25
COVERAGE_MONTHS = 24


def participant_for_user(request: HttpRequest, pk: int) -> Participant:
    """The participant if it is in the user's scope; 404 otherwise ("not yours" looks like "not found")."""
    return get_for_user_or_404(Participant, request.user, pk=pk, related=("village__district",))


@login_required
def participant_list(request: HttpRequest) -> HttpResponse:
    today = timezone.localdate()
    queryset = with_coverage_status(
        Participant.objects.for_user(request.user).select_related("village"), month=month_start(today)
    )
    filterset = ParticipantFilter(request.GET or None, queryset=queryset, request=request)
    page = paginate(request, filterset.qs, per_page=PAGE_SIZE)
    return render(request, "participants/list.html", {"filter": filterset, "page": page, "month": month_start(today)})


@login_required
@permission_required("participants.add_participant", raise_exception=True)
@require_http_methods(["GET", "POST"])
def participant_create(request: HttpRequest) -> HttpResponse:
    form = ParticipantForm(request.POST or None, user=request.user)
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
    participant = participant_for_user(request, pk)
    contributions = list(participant.contributions.select_related("recorded_by"))
    claims = list(participant.claims.all())
    paid = {contribution.month for contribution in contributions}
    this_month = month_start(timezone.localdate())
    first = max(month_start(participant.enrolled_on), add_months(this_month, 1 - COVERAGE_MONTHS))
    graces = grace_schedule()
    coverage = [
        (month, participant_status(participant, month, paid_months=paid, graces=graces))
        for month in month_range(first, this_month)
    ]
    can_change = request.user.has_perm("participants.change_participant")
    # The birth date would give away the masked middle of the NIK; the phone is not the reader's business.
    private = frozenset() if can_change else frozenset({"nik", "birth_date", "phone"})
    history = history_entries(
        participant.history.select_related("history_user"), subject=lambda record: "Data peserta", private=private
    )
    history += history_entries(
        Contribution.history.filter(participant_id=participant.pk).select_related("history_user"),
        subject=lambda record: f"Iuran {record.month:%m/%Y}",
    )
    history += history_entries(
        Claim.history.filter(participant_id=participant.pk).select_related("history_user"),
        subject=lambda record: f"Klaim {record.programme} {record.event_date:%d/%m/%Y}",
    )
    history.sort(key=lambda entry: entry.when, reverse=True)
    return render(
        request,
        "participants/detail.html",
        {
            "participant": participant,
            "contributions": contributions,
            "claims": claims,
            "coverage": list(reversed(coverage)),
            "status_now": participant_status(participant, this_month, paid_months=paid, graces=graces),
            "history": history,
            "can_change": can_change,
            "can_pay": request.user.has_perm("participants.add_contribution"),
            "can_claim": request.user.has_perm("participants.add_claim"),
        },
    )


@login_required
@permission_required("participants.change_participant", raise_exception=True)
@require_http_methods(["GET", "POST"])
def participant_update(request: HttpRequest, pk: int) -> HttpResponse:
    participant = participant_for_user(request, pk)
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
    participant = participant_for_user(request, pk)
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
