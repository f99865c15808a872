"""The anev pages, used as staff, head and village officials would: the checker's path and its refusals."""

from __future__ import annotations

import datetime

import pytest
from django.urls import reverse

from evaluations import services
from evaluations.models import EvaluationCycle, Rubric, VillageEvaluation
from tests.builders import join, paying
from tests.factories import DEFAULT_RUBRIC, ActionItemFactory, EvaluationCycleFactory

D = datetime.date


@pytest.fixture
def programme(batang_barus, sikalang):
    join(batang_barus, sikalang)
    paying(batang_barus, 4, first=D(2021, 1, 1), last=D(2022, 12, 1))
    return batang_barus


@pytest.fixture
def cycle(programme) -> EvaluationCycle:
    cycle = EvaluationCycleFactory()
    services.cycle_open(cycle=cycle, user=None)
    return cycle


@pytest.fixture
def evaluation(cycle, programme) -> VillageEvaluation:
    return cycle.evaluations.get(village=programme)


@pytest.fixture
def other_evaluation(cycle, sikalang) -> VillageEvaluation:
    return cycle.evaluations.get(village=sikalang)


def main_of(html: str) -> str:
    """The page's own content, without the per-request CSRF token of the layout."""
    return html[html.index("<main") : html.index("</main>")]


def url(name: str, **kwargs) -> str:
    return reverse(f"evaluations:{name}", kwargs=kwargs)


def test_staff_opens_a_cycle_from_the_form(client, programme, staff_user):
    client.force_login(staff_user)
    response = client.post(
        url("cycle_create"),
        {
            "name": "Anev 2019–2022",
            "start_month": "01/2019",
            "end_month": "12/2022",
            "baseline_date": "01/01/2019",
            "rubric": Rubric.objects.get(name=DEFAULT_RUBRIC).pk,
        },
    )
    cycle = EvaluationCycle.objects.get(name="Anev 2019–2022")
    assert response.status_code == 302 and response["Location"] == url("cycle_detail", pk=cycle.pk)
    assert (cycle.start_month, cycle.end_month) == (D(2019, 1, 1), D(2022, 12, 1))
    assert cycle.evaluations.count() == 2


def test_the_cycle_form_says_what_to_fix(client, staff_user):
    client.force_login(staff_user)
    response = client.post(
        url("cycle_create"),
        {"name": "Anev", "start_month": "12/2022", "end_month": "01/2019", "baseline_date": "31/02/2019"},
    )
    assert response.status_code == 200
    assert "Bulan akhir harus sesudah bulan awal." in response.text
    assert not EvaluationCycle.objects.exists()


def test_evaluate_submit_approve_then_new_data_leaves_the_page_unchanged(
    client, cycle, evaluation, programme, staff_user, head_user
):
    """The checker's path: staff evaluates and submits, the head approves, contributions come in later."""
    client.force_login(staff_user)
    page = client.get(url("evaluation_detail", pk=evaluation.pk))
    assert page.status_code == 200
    assert "Hitung ulang" in page.text and "4,0%" in page.text
    client.post(
        url("evaluation_notes", pk=evaluation.pk),
        {"findings": "Cakupan 4% dari penduduk usia kerja.", "recommendations": "Sosialisasi ulang."},
    )
    client.post(url("pillar_adjust", pk=evaluation.pk, pillar="keterikatan"), {"keterikatan-score": "3"})
    assert evaluation.pillar_scores.get(pillar="keterikatan").adjusted_score is None  # no justification, no change
    client.post(
        url("pillar_adjust", pk=evaluation.pk, pillar="keterikatan"),
        {"keterikatan-score": "3", "keterikatan-justification": "Agen PERISAI aktif sejak 2022."},
    )
    client.post(
        url("action_item_add", pk=evaluation.pk),
        {
            "action": "Sosialisasi di tiap jorong",
            "pillar": "pemahaman",
            "owner": "Kader",
            "due_date": "30/06/2023",
            "status": "rencana",
        },
    )
    response = client.post(url("evaluation_submit", pk=evaluation.pk), {"submit-comment": "Siap diperiksa"})
    assert response.status_code == 302
    evaluation.refresh_from_db()
    assert evaluation.status == VillageEvaluation.Status.SUBMITTED
    assert evaluation.action_items.get().due_date == D(2023, 6, 30)

    # Staff cannot approve, even by posting directly.
    assert client.post(url("evaluation_approve", pk=evaluation.pk)).status_code == 403

    client.force_login(head_user)
    page = client.get(url("evaluation_detail", pk=evaluation.pk))
    assert "Setujui dan kunci" in page.text
    client.post(url("evaluation_approve", pk=evaluation.pk), {"approve-comment": "Setuju"})
    evaluation.refresh_from_db()
    assert evaluation.status == VillageEvaluation.Status.APPROVED
    client.get(url("evaluation_detail", pk=evaluation.pk))  # shows and consumes the success message
    before = main_of(client.get(url("evaluation_detail", pk=evaluation.pk)).text)

    paying(programme, 6, first=D(2022, 1, 1), last=D(2022, 12, 1), serial=100)

    client.force_login(staff_user)
    page = client.get(url("evaluation_detail", pk=evaluation.pk))
    assert "Hitung ulang" not in page.text and "terkunci" in page.text
    assert "4,0%" in page.text and "10,0%" not in page.text
    client.force_login(head_user)
    assert main_of(client.get(url("evaluation_detail", pk=evaluation.pk)).text) == before
    client.force_login(staff_user)
    response = client.post(url("evaluation_compute", pk=evaluation.pk), follow=True)
    assert "tidak dapat diubah" in response.text
    evaluation.refresh_from_db()
    assert evaluation.values["coverage"]["numerator"] == 4


def test_an_official_reads_their_own_evaluation_only(client, evaluation, other_evaluation, official):
    client.force_login(official)
    assert client.get(url("evaluation_detail", pk=evaluation.pk)).status_code == 200
    assert client.get(url("evaluation_detail", pk=other_evaluation.pk)).status_code == 404
    assert client.get(url("evaluation_report_pdf", pk=other_evaluation.pk)).status_code == 404
    assert client.get(url("evaluation_report_print", pk=other_evaluation.pk)).status_code == 404
    listing = client.get(url("cycle_list"))
    assert "Batang Barus" in listing.text and "Sikalang" not in listing.text
    assert client.get(url("cycle_detail", pk=evaluation.cycle_id)).status_code == 403


def test_an_official_cannot_edit_scores_or_notes(client, evaluation, official):
    client.force_login(official)
    page = client.get(url("evaluation_detail", pk=evaluation.pk))
    assert "Sesuaikan skor" not in page.text and "Hitung ulang" not in page.text
    response = client.post(
        url("pillar_adjust", pk=evaluation.pk, pillar="pertumbuhan"),
        {"pertumbuhan-score": "5", "pertumbuhan-justification": "Naikkan"},
    )
    assert response.status_code == 403
    assert client.post(url("evaluation_notes", pk=evaluation.pk), {"findings": "x"}).status_code == 403
    assert client.post(url("evaluation_submit", pk=evaluation.pk)).status_code == 403
    evaluation.refresh_from_db()
    assert evaluation.pillar_scores.get(pillar="pertumbuhan").adjusted_score is None
    assert evaluation.findings == ""


def test_an_official_updates_the_status_of_their_villages_actions_only(client, evaluation, other_evaluation, official):
    ours = ActionItemFactory(evaluation=evaluation)
    theirs = ActionItemFactory(evaluation=other_evaluation)
    client.force_login(official)
    response = client.post(url("action_item_status", pk=ours.pk), {"status": "selesai"})
    assert response.status_code == 302
    assert client.post(url("action_item_status", pk=theirs.pk), {"status": "selesai"}).status_code == 404
    assert client.get(url("action_item_edit", pk=ours.pk)).status_code == 403
    ours.refresh_from_db()
    theirs.refresh_from_db()
    assert (ours.status, theirs.status) == ("selesai", "rencana")


def test_the_head_returns_with_a_comment(client, evaluation, staff_user, head_user):
    services.evaluation_notes_update(evaluation=evaluation, user=staff_user, findings="a", recommendations="b")
    services.evaluation_submit(evaluation=evaluation, user=staff_user)
    client.force_login(head_user)
    response = client.post(url("evaluation_return", pk=evaluation.pk), {"return-comment": ""}, follow=True)
    assert "Tuliskan alasan pengembalian" in response.text
    client.post(url("evaluation_return", pk=evaluation.pk), {"return-comment": "Lengkapi rencana aksi."})
    evaluation.refresh_from_db()
    assert evaluation.status == VillageEvaluation.Status.RETURNED
    client.force_login(staff_user)
    page = client.get(url("evaluation_detail", pk=evaluation.pk))
    assert "Lengkapi rencana aksi." in page.text and "Hitung ulang" in page.text


def test_cycle_results_filters_change_since_previous_and_fixed_queries(
    client, cycle, evaluation, programme, staff_user, django_assert_max_num_queries
):
    later = EvaluationCycleFactory(
        name="Anev 2023–2025",
        previous=cycle,
        start_month=D(2023, 1, 1),
        end_month=D(2025, 12, 1),
        baseline_date=D(2022, 12, 1),
    )
    services.cycle_open(cycle=later, user=None)
    ours = later.evaluations.get(village=programme)
    expected = ours.overall_score - evaluation.overall_score
    client.force_login(staff_user)
    with django_assert_max_num_queries(15):
        page = client.get(url("cycle_detail", pk=later.pk))
    assert page.status_code == 200
    row = next(e for e in page.context["evaluations"] if e.pk == ours.pk)
    assert row.previous_score == evaluation.overall_score and row.change == expected
    assert 'id="anev-charts"' in page.text
    assert "draf 2 · diajukan 0 · dikembalikan 0 · disetujui 0" in page.text
    charts = page.context["charts"]
    assert sum(charts["categories"]["counts"]) == 2
    filtered = client.get(url("cycle_detail", pk=later.pk), {"name": "batang"})
    assert [e.village.name for e in filtered.context["evaluations"]] == ["Batang Barus"]
    by_category = client.get(url("cycle_detail", pk=later.pk), {"category": ours.category})
    assert ours in list(by_category.context["evaluations"])


def test_tracker_marks_overdue_actions(client, evaluation, staff_user):
    ActionItemFactory(evaluation=evaluation, action="Lewat", due_date=D(2020, 1, 1))
    ActionItemFactory(evaluation=evaluation, action="Selesai lama", due_date=D(2020, 1, 1), status="selesai")
    ActionItemFactory(evaluation=evaluation, action="Nanti", due_date=D(2099, 1, 1))
    client.force_login(staff_user)
    page = client.get(url("cycle_tracker", pk=evaluation.cycle_id))
    assert page.status_code == 200
    overdue = [item.action for item in page.context["items"] if item.overdue]
    assert overdue == ["Lewat"]
    assert page.context["overdue_count"] == 1
    only_overdue = client.get(url("cycle_tracker", pk=evaluation.cycle_id), {"overdue": "on"})
    assert [item.action for item in only_overdue.context["items"]] == ["Lewat"]


@pytest.mark.parametrize("role", ["staff_user", "head_user", "official"])
def test_evaluation_page_issues_a_fixed_number_of_queries(
    client, request, evaluation, staff_user, role, django_assert_max_num_queries
):
    for index in range(5):
        services.action_item_create(
            evaluation=evaluation,
            user=staff_user,
            action=f"Aksi {index}",
            pillar="pemahaman",
            owner="Kader",
            due_date=D(2023, 1 + index, 1),
        )
    client.force_login(request.getfixturevalue(role))
    # 12, and the village's last reconciliation with the core system (its data quality as evidence).
    with django_assert_max_num_queries(13):
        response = client.get(url("evaluation_detail", pk=evaluation.pk))
    assert response.status_code == 200 and "Aksi 4" in response.text


def test_staff_recompute_a_draft_and_close_the_cycle_the_head_cannot(
    client, cycle, evaluation, programme, staff_user, head_user
):
    paying(programme, 6, first=D(2022, 1, 1), last=D(2022, 12, 1), serial=100)
    client.force_login(head_user)
    assert client.post(url("evaluation_compute", pk=evaluation.pk)).status_code == 403
    assert client.post(url("cycle_close", pk=cycle.pk)).status_code == 403
    client.force_login(staff_user)
    response = client.post(url("evaluation_compute", pk=evaluation.pk), follow=True)
    assert "dihitung ulang" in response.text and "10,0%" in response.text
    client.post(url("cycle_close", pk=cycle.pk))
    cycle.refresh_from_db()
    assert cycle.status == EvaluationCycle.Status.CLOSED
    page = client.get(url("evaluation_detail", pk=evaluation.pk))
    assert "Hitung ulang" not in page.text and "Tutup siklus" not in client.get(url("cycle_detail", pk=cycle.pk)).text
