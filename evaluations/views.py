"""Pages of the anev: cycles and their results, village evaluations, the action plan, reports.

Thin views: reads in evaluations/selectors.py, writes in evaluations/services.py, documents in
evaluations/reports.py.
Every evaluation and action item is fetched through `for_user`: outside the scope is a 404.
"""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.http import HttpRequest, HttpResponse, HttpResponseNotAllowed
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone, translation
from django.utils.text import slugify

from core.forms import form_add_service_error
from core.spreadsheets import spreadsheet_response
from evaluations import reports, selectors, services, standing
from evaluations.forms import (
    ActionItemForm,
    ActionItemStatusForm,
    CommentForm,
    CycleForm,
    EvaluationFilter,
    NotesForm,
    PillarAdjustForm,
    ReturnForm,
    TrackerFilter,
)
from evaluations.jobs import cycle_summary_pdf_start
from evaluations.models import ActionItem, EvaluationCycle, Pillar, VillageEvaluation
from villages.access import get_for_user_or_404, is_branch_user


def _branch_only(request: HttpRequest) -> None:
    if not is_branch_user(request.user):
        raise PermissionDenied("Halaman ini untuk staf cabang.")


def _cycle_for_branch(request: HttpRequest, pk: int) -> EvaluationCycle:
    _branch_only(request)
    return get_object_or_404(selectors.cycles(), pk=pk)


def _evaluation(request: HttpRequest, pk: int) -> VillageEvaluation:
    return get_for_user_or_404(
        VillageEvaluation,
        request.user,
        pk=pk,
        related=("cycle__rubric", "village__district__regency", "village__resident_list"),
    )


def _action_item(request: HttpRequest, pk: int) -> ActionItem:
    return get_for_user_or_404(ActionItem, request.user, pk=pk, related=("evaluation__cycle", "evaluation__village"))


def _post_only(request: HttpRequest, perm: str) -> HttpResponse | None:
    """403 without the permission (whatever the method), then 405 for anything but POST."""
    if not request.user.has_perm(perm):
        raise PermissionDenied
    if request.method != "POST":
        return HttpResponseNotAllowed(["POST"])
    return None


def _to_evaluation(evaluation: VillageEvaluation) -> HttpResponse:
    return redirect("evaluations:evaluation_detail", pk=evaluation.pk)


def _refused(request: HttpRequest, error: ValidationError) -> None:
    for message in error.messages:
        messages.error(request, message)


# --- cycles ----------------------------------------------------------------------------------------------------


@login_required
def cycle_list(request: HttpRequest) -> HttpResponse:
    context: dict = {"is_branch": is_branch_user(request.user)}
    if context["is_branch"]:
        today = timezone.localdate()
        standings = standing.cycle_standings(user=request.user, today=today)
        cycles = list(selectors.cycles())
        for cycle in cycles:
            cycle.standing = standings.get(cycle.pk)
        current = standing.current_cycle(today=today)
        context["cycles"] = cycles
        context["current"] = next((cycle for cycle in cycles if current and cycle.pk == current.pk), None)
        # Between two anevs the plan of the cycle before the current one is being carried out.
        context["plan_cycle"] = next((cycle for cycle in cycles if current and cycle.pk == current.previous_id), None)
    else:
        context["evaluations"] = selectors.user_evaluations(user=request.user)
    return render(request, "evaluations/cycle_list.html", context)


@login_required
def cycle_create(request: HttpRequest) -> HttpResponse:
    if not request.user.has_perm(services.PERM_OPEN):
        raise PermissionDenied
    form = CycleForm(request.POST or None, initial={"previous": selectors.latest_cycle()})
    if request.method == "POST" and form.is_valid():
        try:
            with transaction.atomic():  # a cycle exists only with its evaluations
                cycle = form.save()
                created = services.cycle_open(cycle=cycle, user=request.user)
        except ValidationError as error:  # months outside the plausible range (services.CYCLE_HORIZON_MONTHS)
            form.instance.pk = None
            form_add_service_error(form, error)
        else:
            messages.success(request, f"Siklus {cycle} dibuka: {created} evaluasi desa dibuat dan diisi dari data.")
            return redirect("evaluations:cycle_detail", pk=cycle.pk)
    return render(request, "evaluations/cycle_form.html", {"form": form})


@login_required
def cycle_detail(request: HttpRequest, pk: int) -> HttpResponse:
    """The cycle's results: every village with its category, score and change, filters and charts."""
    cycle = _cycle_for_branch(request, pk)
    categories = selectors.cycle_categories(cycle=cycle)
    evaluations = selectors.cycle_evaluations(cycle=cycle, user=request.user)
    filtered = EvaluationFilter(request.GET or None, queryset=evaluations, categories=categories)
    rows = filtered.qs
    return render(
        request,
        "evaluations/cycle_detail.html",
        {
            "cycle": cycle,
            "filter": filtered,
            "evaluations": rows,
            "charts": reports.cycle_charts(evaluations=rows, categories=categories, user=request.user),
            "status_counts": selectors.evaluation_status_counts(evaluations=rows),
            "can_close": request.user.has_perm(services.PERM_CLOSE) and cycle.status == EvaluationCycle.Status.OPEN,
        },
    )


@login_required
def cycle_close(request: HttpRequest, pk: int) -> HttpResponse:
    cycle = _cycle_for_branch(request, pk)
    if refused := _post_only(request, services.PERM_CLOSE):
        return refused
    try:
        services.cycle_close(cycle=cycle, user=request.user)
        messages.success(request, f"Siklus {cycle} ditutup.")
    except ValidationError as error:
        _refused(request, error)
    return redirect("evaluations:cycle_detail", pk=cycle.pk)


@login_required
def cycle_tracker(request: HttpRequest, pk: int) -> HttpResponse:
    """The revitalisation tracker: every action of the cycle by status and due date."""
    cycle = _cycle_for_branch(request, pk)
    items = selectors.cycle_action_items(cycle=cycle, user=request.user)
    today = timezone.localdate()
    filtered = TrackerFilter(request.GET or None, queryset=items)
    rows = list(filtered.qs)
    for item in rows:
        item.overdue = item.is_overdue(today=today)
    return render(
        request,
        "evaluations/tracker.html",
        {
            "cycle": cycle,
            "filter": filtered,
            "items": rows,
            "today": today,
            "status_counts": selectors.action_item_status_counts(items=items),
            "overdue_count": selectors.overdue_count(items=items, today=today),
        },
    )


@login_required
def cycle_summary_pdf(request: HttpRequest, pk: int) -> HttpResponse:
    """POST: the branch summary PDF is built by a background job; its progress page offers the download."""
    cycle = _cycle_for_branch(request, pk)
    if request.method != "POST":
        return HttpResponseNotAllowed(["POST"])
    job = cycle_summary_pdf_start(cycle=cycle, user=request.user, base_url=request.build_absolute_uri("/"))
    return redirect(job)


@login_required
def cycle_summary_xlsx(request: HttpRequest, pk: int) -> HttpResponse:
    cycle = _cycle_for_branch(request, pk)
    content = reports.cycle_summary_xlsx(cycle=cycle, user=request.user)
    return spreadsheet_response(content, filename=f"ringkasan-{slugify(cycle.name)}.xlsx")


# --- one village's evaluation ------------------------------------------------------------------------------------


@login_required
def evaluation_detail(request: HttpRequest, pk: int) -> HttpResponse:
    evaluation = _evaluation(request, pk)
    user = request.user
    can_edit = evaluation.is_editable and user.has_perm(services.PERM_EVALUATE)
    can_decide = evaluation.status == VillageEvaluation.Status.SUBMITTED and user.has_perm(services.PERM_APPROVE)
    context = reports.evaluation_context(evaluation)
    context.update(
        {
            "is_branch": is_branch_user(user),
            "can_edit": can_edit,
            "can_decide": can_decide,
            "can_set_status": user.has_perm(services.PERM_CHANGE_ACTION),
            "notes_form": NotesForm(instance=evaluation) if can_edit else None,
            "action_form": ActionItemForm() if can_edit and user.has_perm(services.PERM_ADD_ACTION) else None,
            "submit_form": CommentForm(prefix="submit") if can_edit else None,
            "approve_form": CommentForm(prefix="approve") if can_decide else None,
            "return_form": ReturnForm(prefix="return") if can_decide else None,
            "status_choices": ActionItem.Status.choices,
        }
    )
    if can_edit:
        for score in context["pillar_scores"]:
            score.adjust_form = PillarAdjustForm(
                initial={"score": score.adjusted_score, "justification": score.justification}, prefix=score.pillar
            )
    return render(request, "evaluations/evaluation_detail.html", context)


@login_required
def evaluation_compute(request: HttpRequest, pk: int) -> HttpResponse:
    evaluation = _evaluation(request, pk)
    if refused := _post_only(request, services.PERM_EVALUATE):
        return refused
    try:
        services.evaluation_compute(evaluation=evaluation, user=request.user)
        messages.success(request, "Nilai indikator dan skor dihitung ulang dari data terbaru.")
    except ValidationError as error:
        _refused(request, error)
    return _to_evaluation(evaluation)


@login_required
def evaluation_notes(request: HttpRequest, pk: int) -> HttpResponse:
    evaluation = _evaluation(request, pk)
    if refused := _post_only(request, services.PERM_EVALUATE):
        return refused
    form = NotesForm(request.POST, instance=evaluation)
    if form.is_valid():
        try:
            services.evaluation_notes_update(
                evaluation=evaluation,
                user=request.user,
                findings=form.cleaned_data["findings"],
                recommendations=form.cleaned_data["recommendations"],
            )
            messages.success(request, "Temuan dan rekomendasi disimpan.")
        except ValidationError as error:
            _refused(request, error)
    return _to_evaluation(evaluation)


@login_required
def pillar_adjust(request: HttpRequest, pk: int, pillar: str) -> HttpResponse:
    evaluation = _evaluation(request, pk)
    pillar_score = get_object_or_404(evaluation.pillar_scores, pillar=pillar)
    if refused := _post_only(request, services.PERM_EVALUATE):
        return refused
    form = PillarAdjustForm(request.POST, prefix=pillar)
    if form.is_valid():
        try:
            services.pillar_score_adjust(
                pillar_score=pillar_score,
                user=request.user,
                score=form.cleaned_data["score"],
                justification=form.cleaned_data["justification"],
            )
            messages.success(request, f"Skor pilar {Pillar(pillar).label} disimpan.")
            return _to_evaluation(evaluation)
        except ValidationError as error:
            form_add_service_error(form, error)
    for errors in form.errors.values():
        for message in errors:
            messages.error(request, f"Skor pilar {Pillar(pillar).label}: {message}")
    return _to_evaluation(evaluation)


def _step(request: HttpRequest, pk: int, *, perm: str, step, prefix: str, done: str) -> HttpResponse:
    """One approval step with an optional comment: submit or approve."""
    evaluation = _evaluation(request, pk)
    if refused := _post_only(request, perm):
        return refused
    form = CommentForm(request.POST, prefix=prefix)
    form.is_valid()
    try:
        step(evaluation=evaluation, user=request.user, comment=form.cleaned_data.get("comment", ""))
        messages.success(request, done)
    except ValidationError as error:
        _refused(request, error)
    return _to_evaluation(evaluation)


@login_required
def evaluation_submit(request: HttpRequest, pk: int) -> HttpResponse:
    return _step(
        request,
        pk,
        perm=services.PERM_EVALUATE,
        step=services.evaluation_submit,
        prefix="submit",
        done="Evaluasi diajukan kepada kepala cabang.",
    )


@login_required
def evaluation_approve(request: HttpRequest, pk: int) -> HttpResponse:
    return _step(
        request,
        pk,
        perm=services.PERM_APPROVE,
        step=services.evaluation_approve,
        prefix="approve",
        done="Evaluasi disetujui dan dikunci.",
    )


@login_required
def evaluation_return(request: HttpRequest, pk: int) -> HttpResponse:
    evaluation = _evaluation(request, pk)
    if refused := _post_only(request, services.PERM_APPROVE):
        return refused
    form = ReturnForm(request.POST, prefix="return")
    if not form.is_valid():
        messages.error(request, "Tuliskan alasan pengembalian agar staf tahu apa yang harus diperbaiki.")
        return _to_evaluation(evaluation)
    try:
        services.evaluation_return(evaluation=evaluation, user=request.user, comment=form.cleaned_data["comment"])
        messages.success(request, "Evaluasi dikembalikan kepada staf.")
    except ValidationError as error:
        _refused(request, error)
    return _to_evaluation(evaluation)


# --- the action plan ---------------------------------------------------------------------------------------------


@login_required
def action_item_add(request: HttpRequest, pk: int) -> HttpResponse:
    evaluation = _evaluation(request, pk)
    if refused := _post_only(request, services.PERM_ADD_ACTION):
        return refused
    form = ActionItemForm(request.POST)
    if form.is_valid():
        try:
            services.action_item_create(
                evaluation=evaluation,
                user=request.user,
                **{field: form.cleaned_data[field] for field in ("action", "pillar", "owner", "due_date")},
            )
            messages.success(request, "Rencana aksi ditambahkan.")
            return _to_evaluation(evaluation)
        except ValidationError as error:
            form_add_service_error(form, error)
    for field, errors in form.errors.items():
        label = form.fields[field].label if field in form.fields else "Rencana aksi"
        messages.error(request, f"{label}: {' '.join(errors)}")
    return _to_evaluation(evaluation)


@login_required
def action_item_edit(request: HttpRequest, pk: int) -> HttpResponse:
    item = _action_item(request, pk)
    if not (request.user.has_perm(services.PERM_CHANGE_ACTION) and request.user.has_perm(services.PERM_EVALUATE)):
        raise PermissionDenied
    form = ActionItemForm(request.POST or None, instance=item)
    if request.method == "POST" and form.is_valid():
        try:
            services.action_item_update(
                item=item,
                user=request.user,
                **{field: form.cleaned_data[field] for field in ("action", "pillar", "owner", "due_date", "status")},
            )
            messages.success(request, "Rencana aksi disimpan.")
            return _to_evaluation(item.evaluation)
        except ValidationError as error:
            form_add_service_error(form, error)
    return render(request, "evaluations/action_item_form.html", {"form": form, "item": item})


@login_required
def action_item_delete(request: HttpRequest, pk: int) -> HttpResponse:
    item = _action_item(request, pk)
    if refused := _post_only(request, services.PERM_DELETE_ACTION):
        return refused
    try:
        services.action_item_delete(item=item, user=request.user)
        messages.success(request, "Rencana aksi dihapus.")
    except ValidationError as error:
        _refused(request, error)
    return _to_evaluation(item.evaluation)


@login_required
def action_item_status(request: HttpRequest, pk: int) -> HttpResponse:
    item = _action_item(request, pk)
    if refused := _post_only(request, services.PERM_CHANGE_ACTION):
        return refused
    form = ActionItemStatusForm(request.POST)
    if form.is_valid():
        services.action_item_status_set(item=item, user=request.user, status=form.cleaned_data["status"])
        messages.success(request, f"Status “{item.action}” menjadi {item.get_status_display().lower()}.")
    else:
        messages.error(request, "Pilih status yang tersedia.")
    return _to_evaluation(item.evaluation)


# --- reports -----------------------------------------------------------------------------------------------------


@login_required
def evaluation_report_pdf(request: HttpRequest, pk: int) -> HttpResponse:
    evaluation = _evaluation(request, pk)
    content = reports.evaluation_pdf(evaluation=evaluation, base_url=request.build_absolute_uri("/"))
    response = HttpResponse(content, content_type="application/pdf")
    filename = slugify(f"anev {evaluation.village.code} {evaluation.village.name}")
    response["Content-Disposition"] = f'inline; filename="{filename}.pdf"'
    return response


@login_required
def evaluation_report_print(request: HttpRequest, pk: int) -> HttpResponse:
    evaluation = _evaluation(request, pk)
    with translation.override(reports.REPORT_LANGUAGE):
        return render(request, "evaluations/report.html", {**reports.evaluation_context(evaluation), "for_pdf": False})
