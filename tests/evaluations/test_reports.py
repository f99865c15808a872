"""The anev documents: the village report (PDF and print view) and the branch summary (PDF and .xlsx)."""

from __future__ import annotations

import datetime
import io
import re

import pytest
from django.urls import reverse
from openpyxl import load_workbook
from pypdf import PdfReader

from core.models import Job
from evaluations import services
from evaluations.models import VillageEvaluation
from tests.builders import join, paying
from tests.factories import ActionItemFactory, EvaluationCycleFactory

D = datetime.date


@pytest.fixture
def approved(batang_barus, sikalang, staff_user, head_user) -> VillageEvaluation:
    join(batang_barus, sikalang)
    batang_barus.head_name = "Datuak Rajo Mudo"
    batang_barus.save()
    paying(batang_barus, 4, first=D(2021, 1, 1), last=D(2022, 12, 1))
    cycle = EvaluationCycleFactory()
    services.cycle_open(cycle=cycle, user=staff_user)
    evaluation = cycle.evaluations.get(village=batang_barus)
    services.evaluation_notes_update(
        evaluation=evaluation,
        user=staff_user,
        findings="Iuran terbayar lancar oleh empat peserta.",
        recommendations="Perluas kepesertaan ke pekebun.",
    )
    services.action_item_create(
        evaluation=evaluation,
        user=staff_user,
        action="Sosialisasi di jorong Koto Tuo",
        pillar="pemahaman",
        owner="Kader PERISAI",
        due_date=D(2023, 6, 30),
    )
    services.evaluation_submit(evaluation=evaluation, user=staff_user)
    services.evaluation_approve(evaluation=evaluation, user=head_user)
    evaluation.refresh_from_db()
    return evaluation


def pdf_text(content: bytes) -> str:
    reader = PdfReader(io.BytesIO(content))
    return re.sub(r"\s+", " ", " ".join(page.extract_text() for page in reader.pages))


def test_village_pdf_holds_the_villages_name_and_figures(client, approved, staff_user):
    client.force_login(staff_user)
    response = client.get(
        reverse("evaluations:evaluation_report_pdf", kwargs={"pk": approved.pk}), HTTP_ACCEPT_LANGUAGE="en"
    )
    assert response.status_code == 200 and response["Content-Type"] == "application/pdf"
    content = b"".join(response.streaming_content) if response.streaming else response.content
    assert content.startswith(b"%PDF")
    text = pdf_text(content)
    assert "Batang Barus" in text and "13.02.07.2006" in text
    assert "Anev 2019–2022" in text
    overall = f"{approved.overall_score}".replace(".", ",")
    assert overall in text
    assert approved.category in text
    assert "4,0%" in text and "4 / 100" in text  # coverage and its working
    assert "Cakupan" in text or "cakupan" in text
    assert "Iuran terbayar lancar oleh empat peserta." in text
    assert "Sosialisasi di jorong Koto Tuo" in text and "30/06/2023" in text
    assert "Disetujui oleh" in text and "kepala.test" in text and "Datuak Rajo Mudo" in text


def test_print_view_is_the_same_report_as_a_page_without_inline_styles(client, approved, official):
    client.force_login(official)
    response = client.get(reverse("evaluations:evaluation_report_print", kwargs={"pk": approved.pk}))
    assert response.status_code == 200
    assert "Batang Barus" in response.text and "css/print.css" in response.text
    assert "<style" not in response.text and "style=" not in response.text


def test_the_pdf_of_an_approved_evaluation_keeps_its_figures_after_new_data(client, approved, batang_barus, staff_user):
    paying(batang_barus, 6, first=D(2022, 1, 1), last=D(2022, 12, 1), serial=100)
    client.force_login(staff_user)
    response = client.get(reverse("evaluations:evaluation_report_pdf", kwargs={"pk": approved.pk}))
    text = pdf_text(response.content)
    assert "4 / 100" in text and "10 / 100" not in text


def test_branch_summary_pdf_and_xlsx(client, approved, staff_user):
    ActionItemFactory(evaluation=approved, action="Lewat tenggat", due_date=D(2020, 1, 1))
    ActionItemFactory(evaluation=approved, action="Nanti", due_date=D(2099, 1, 1))
    client.force_login(staff_user)
    # Built by a background job (inline here, without a broker); its page offers the download.
    started = client.post(reverse("evaluations:cycle_summary_pdf", kwargs={"pk": approved.cycle_id}))
    job = Job.objects.get(kind="evaluations.cycle_summary_pdf", owner=staff_user)
    assert started["Location"] == job.get_absolute_url() and job.status == Job.Status.DONE
    assert reverse("jobs:file", kwargs={"pk": job.pk}) in client.get(job.get_absolute_url()).text
    pdf = client.get(reverse("jobs:file", kwargs={"pk": job.pk}))
    assert pdf.status_code == 200 and pdf["Content-Type"] == "application/pdf"
    text = pdf_text(b"".join(pdf.streaming_content))
    assert "Ringkasan Cabang" in text and "Anev 2019–2022" in text
    assert "Batang Barus" in text and "Sikalang" in text

    xlsx = client.get(reverse("evaluations:cycle_summary_xlsx", kwargs={"pk": approved.cycle_id}))
    assert xlsx.status_code == 200
    workbook = load_workbook(io.BytesIO(xlsx.content))
    results = list(workbook["Hasil anev"].iter_rows(min_row=3, values_only=True))
    ours = next(row for row in results if row[0] == "13.02.07.2006")
    assert ours[1] == "Nagari Batang Barus"
    assert ours[4] == "Disetujui"
    assert ours[9] == float(approved.overall_score) and ours[10] == approved.category
    tracker = list(workbook["Rencana aksi"].iter_rows(min_row=2, values_only=True))
    overdue = {row[1]: row[6] for row in tracker}
    assert overdue == {"Sosialisasi di jorong Koto Tuo": "ya", "Lewat tenggat": "ya", "Nanti": "tidak"}
