"""Recording contributions (one participant, or a whole village for one month) and benefit claims.

Reads come from `participants.selectors`, writes go through `participants.services`."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required, permission_required
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_http_methods

from core.forms import form_add_service_error
from participants import selectors, services
from participants.forms import ClaimForm, ContributionForm, MonthlyPaymentsForm
from participants.models import Contribution
from participants.months import month_start


def _proposal(form: ContributionForm, participant) -> int | None:
    """The monthly amount under the rates in force, for the month and programmes chosen on the form."""
    month = form["first_month"].value()
    month = form.fields["first_month"].clean(month) if month else None
    with_jht = form.fields["with_jht"].clean(form["with_jht"].value())
    return selectors.contribution_propose_amount(
        income=participant.monthly_income, with_jht=with_jht, month=month or month_start(timezone.localdate())
    )


@login_required
@permission_required("participants.add_contribution", raise_exception=True)
@require_http_methods(["GET", "POST"])
def contribution_create(request: HttpRequest, pk: int) -> HttpResponse:
    participant = selectors.participant_get(user=request.user, pk=pk)
    if request.htmx and request.GET.get("proposal"):
        # The amount block follows the chosen month, months and JHT without a reload.
        form = ContributionForm(request.GET)
        try:
            proposed = _proposal(form, participant)
        except ValidationError:
            proposed = None
        data = request.GET.copy()
        if proposed:
            data["monthly_amount"] = str(proposed)
        form = ContributionForm(data)
        return render(request, "participants/_amount.html", _amount_context(form, proposed))
    first_month = selectors.contribution_first_unpaid_month(participant=participant)
    proposed = selectors.contribution_propose_amount(
        income=participant.monthly_income, with_jht=participant.has_jht, month=first_month
    )
    initial = {
        "first_month": first_month,
        "months": 1,
        "with_jht": participant.has_jht,
        "monthly_amount": proposed,
        "funding_source": participant.funding_source,
    }
    form = ContributionForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            recorded = services.contribution_record(user=request.user, participant=participant, **form.cleaned_data)
        except ValidationError as error:
            form_add_service_error(form, error)
        else:
            months = ", ".join(f"{contribution.month:%m/%Y}" for contribution in recorded)
            messages.success(request, f"Iuran {participant.name} untuk {months} dicatat.")
            return redirect("participants:detail", pk=participant.pk)
    paid = selectors.recent_paid_months(participant=participant)
    context = {"form": form, "participant": participant, "paid_months": paid, **_amount_context(form, proposed)}
    return render(request, "participants/contribution_form.html", context)


def _amount_context(form: ContributionForm, proposed: int | None) -> dict:
    months = form["months"].value()
    try:
        count = int(months)
    except (TypeError, ValueError):
        count = 1
    return {"form": form, "proposed": proposed, "months_count": count, "total": proposed * count if proposed else None}


@login_required
@permission_required("participants.add_contribution", raise_exception=True)
@require_http_methods(["GET", "POST"])
def contributions_monthly(request: HttpRequest) -> HttpResponse:
    """Tick, for one month, who in the village paid; months already paid are shown and locked."""
    today = timezone.localdate()
    if request.method == "POST":
        data = request.POST
    elif request.GET.get("month"):
        data = request.GET.copy()
        data.setdefault("paid_on", f"{today:%d/%m/%Y}")
        data.setdefault("channel", Contribution.Channel.AGENT)
    else:
        data = None
    form = MonthlyPaymentsForm(data, initial={"month": month_start(today), "paid_on": today}, user=request.user)
    rows = []
    if data is not None and form.is_valid():
        village, month = form.chosen_village(), form.cleaned_data["month"]
        if request.method == "POST":
            if not form.cleaned_data.get("paid_on") or not form.cleaned_data.get("channel"):
                form.add_error(None, "Isi tanggal bayar dan saluran bayar.")
            else:
                try:
                    count = services.contributions_record_month(
                        user=request.user,
                        village=village,
                        month=month,
                        participant_ids=[pk for pk in request.POST.getlist("paid") if pk.isdigit()],
                        paid_on=form.cleaned_data["paid_on"],
                        channel=form.cleaned_data["channel"],
                    )
                except ValidationError as error:
                    form_add_service_error(form, error)
                else:
                    messages.success(request, f"{count} iuran bulan {month:%m/%Y} dicatat.")
                    return redirect(reverse("participants:monthly") + f"?village={village.pk}&month={month:%m/%Y}")
        rows = selectors.monthly_rows(village=village, month=month)
    return render(
        request,
        "participants/monthly.html",
        {"form": form, "rows": rows, "unpaid": sum(1 for participant, _ in rows if not participant.paid)},
    )


@login_required
@permission_required("participants.add_claim", raise_exception=True)
@require_http_methods(["GET", "POST"])
def claim_create(request: HttpRequest, pk: int) -> HttpResponse:
    participant = selectors.participant_get(user=request.user, pk=pk)
    form = ClaimForm(request.POST or None, user=request.user)
    if request.method == "POST" and form.is_valid():
        try:
            services.claim_record(user=request.user, participant=participant, **form.cleaned_data)
        except ValidationError as error:
            form_add_service_error(form, error)
        else:
            messages.success(request, f"Klaim {participant.name} dicatat.")
            return redirect("participants:detail", pk=participant.pk)
    return render(
        request,
        "participants/form.html",
        {"form": form, "title": f"Catat klaim: {participant.name}", "back": participant},
    )
