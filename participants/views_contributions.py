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
from core.parsing import parse_id
from participants import claims, selectors, services
from participants.forms import ClaimForm, ContributionForm, MonthlyPaymentsForm
from participants.models import Contribution
from participants.months import month_start
from participants.rules import dues_breakdown
from villages.access import is_branch_user


def _proposal(form: ContributionForm, participant) -> dict:
    """The payment priced by the contribution rules for what the form says now (first month, months,
    JHT, funding source), month by month; or why it cannot be priced (a month not written yet, or
    one the rules do not cover)."""
    try:
        dues = selectors.contribution_dues(
            participant=participant,
            first_month=form.fields["first_month"].clean(form["first_month"].value()),
            months=form.fields["months"].clean(form["months"].value()),
            with_jht=form.fields["with_jht"].clean(form["with_jht"].value()),
            funding_source=form.fields["funding_source"].clean(
                form["funding_source"].value() or participant.funding_source
            ),
        )
    except ValidationError as error:
        return {"total": None, "breakdown": [], "problem": " ".join(error.messages)}
    return {"total": sum(due.total for due in dues), "breakdown": dues_breakdown(dues), "problem": ""}


@login_required
@permission_required("participants.add_contribution", raise_exception=True)
@require_http_methods(["GET", "POST"])
def contribution_create(request: HttpRequest, pk: int) -> HttpResponse:
    participant = selectors.participant_get(user=request.user, pk=pk)
    # Only branch staff may record an amount the rules do not give (with a reason, kept in the history).
    allow_override = is_branch_user(request.user)
    if request.htmx and request.GET.get("proposal"):
        # The amount block follows the chosen month, months, JHT and funding source without a reload.
        proposal = _proposal(ContributionForm(request.GET, allow_override=allow_override), participant)
        data = request.GET.copy()
        if proposal["total"] is not None:
            data["amount"] = str(proposal["total"])
        form = ContributionForm(data, allow_override=allow_override)
        return render(request, "participants/_amount.html", {"form": form, **proposal})
    if request.POST:
        form = ContributionForm(request.POST, allow_override=allow_override)
        if form.is_valid():
            try:
                recorded = services.contribution_record(user=request.user, participant=participant, **form.cleaned_data)
            except ValidationError as error:
                form_add_service_error(form, error)
            else:
                months = ", ".join(f"{contribution.month:%m/%Y}" for contribution in recorded)
                messages.success(request, f"Iuran {participant.name} untuk {months} dicatat.")
                return redirect("participants:detail", pk=participant.pk)
    else:  # what the form proposes is read only for a form shown, not for a payment saved
        initial = {
            "first_month": selectors.contribution_first_unpaid_month(participant=participant),
            "months": 1,
            "with_jht": participant.has_jht,
            "funding_source": participant.funding_source,
        }
        form = ContributionForm(initial=initial, allow_override=allow_override)
    proposal = _proposal(form, participant)
    if not form.is_bound:
        form.initial["amount"] = proposal["total"]
    paid = selectors.recent_paid_months(participant=participant)
    context = {"form": form, "participant": participant, "paid_months": paid, **proposal}
    return render(request, "participants/contribution_form.html", context)


@login_required
@permission_required("participants.add_contribution", raise_exception=True)
@require_http_methods(["GET", "POST"])
def contributions_monthly(request: HttpRequest) -> HttpResponse:
    """Tick, for one month, who in the village paid; months already paid are shown and locked.

    Every row of the village is on the page, grouped by jorong; the search box and the jorong filter
    only hide rows (static/js/monthly.js), so what is ticked stays ticked through them and is exactly
    what is posted."""
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
                        participant_ids=[pk for pk in map(parse_id, request.POST.getlist("paid")) if pk],
                        paid_on=form.cleaned_data["paid_on"],
                        channel=form.cleaned_data["channel"],
                    )
                except ValidationError as error:
                    form_add_service_error(form, error)
                else:
                    messages.success(request, f"{count} iuran bulan {month:%m/%Y} dicatat.")
                    return redirect(reverse("participants:monthly") + f"?village={village.pk}&month={month:%m/%Y}")
        try:
            rows = selectors.monthly_rows(village=village, month=month)
        except ValidationError as error:  # the rules do not cover the month: said, never priced at zero
            form.add_error("month", error.messages)
    return render(
        request,
        "participants/monthly.html",
        {
            "form": form,
            "rows": rows,
            "unpaid": sum(1 for participant, _ in rows if not participant.paid),
            "jorongs": _jorongs(rows),
            # A refused save shows the list again with the same boxes ticked.
            "ticked": set(request.POST.getlist("paid")) if request.method == "POST" else set(),
        },
    )


def _jorongs(rows: list) -> list[dict]:
    """The jorong filter of the monthly screen: each jorong of the rows (already in jorong order),
    with how many are listed and how many can still be ticked."""
    jorongs: dict[str, dict] = {}
    for participant, _due in rows:
        jorong = jorongs.setdefault(participant.hamlet, {"name": participant.hamlet, "listed": 0, "open": 0})
        jorong["listed"] += 1
        jorong["open"] += not participant.paid and participant.payable
    return list(jorongs.values())


@login_required
@permission_required("participants.add_claim", raise_exception=True)
@require_http_methods(["GET", "POST"])
def claim_create(request: HttpRequest, pk: int) -> HttpResponse:
    participant = selectors.participant_get(user=request.user, pk=pk)
    form = ClaimForm(request.POST or None, user=request.user)
    if request.method == "POST" and form.is_valid():
        try:
            claims.claim_record(user=request.user, participant=participant, **form.cleaned_data)
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
