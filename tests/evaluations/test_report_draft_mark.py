"""A report not yet approved is marked as a draft on every page of its PDF; the approved one is not."""

from __future__ import annotations

import datetime
import io

import pytest
from django.urls import reverse
from pypdf import PdfReader

from evaluations import services
from evaluations.models import VillageEvaluation
from tests.builders import join, paying
from tests.factories import EvaluationCycleFactory

D = datetime.date
# Long enough findings that the report runs over several pages.
FINDINGS = "\n".join(f"Temuan {number}: iuran jorong ini tertunda dan perlu kunjungan ulang." for number in range(90))


@pytest.fixture
def evaluation(batang_barus, staff_user) -> VillageEvaluation:
    join(batang_barus)
    paying(batang_barus, 2, first=D(2022, 1, 1), last=D(2022, 12, 1))
    cycle = EvaluationCycleFactory()
    services.cycle_open(cycle=cycle, user=staff_user)
    evaluation = cycle.evaluations.get(village=batang_barus)
    services.evaluation_notes_update(
        evaluation=evaluation, user=staff_user, findings=FINDINGS, recommendations="Kunjungi setiap jorong."
    )
    return evaluation


def page_texts(client, evaluation: VillageEvaluation) -> list[str]:
    response = client.get(reverse("evaluations:evaluation_report_pdf", kwargs={"pk": evaluation.pk}))
    assert response.status_code == 200
    content = b"".join(response.streaming_content) if response.streaming else response.content
    pages = [page.extract_text() for page in PdfReader(io.BytesIO(content)).pages]
    assert len(pages) >= 3, "the report should run over several pages for this test to mean anything"
    return pages


def _advance(evaluation: VillageEvaluation, status: str, *, staff_user, head_user) -> None:
    if status in ("diajukan", "dikembalikan", "disetujui"):
        services.evaluation_submit(evaluation=evaluation, user=staff_user)
    if status == "dikembalikan":
        services.evaluation_return(evaluation=evaluation, user=head_user, comment="Lengkapi rencana aksi.")
    if status == "disetujui":
        services.evaluation_approve(evaluation=evaluation, user=head_user)
    evaluation.refresh_from_db()
    assert evaluation.status == status


@pytest.mark.parametrize("status", ["draf", "diajukan", "dikembalikan"])
def test_every_page_of_a_report_not_yet_approved_says_draft(client, evaluation, staff_user, head_user, status):
    _advance(evaluation, status, staff_user=staff_user, head_user=head_user)
    client.force_login(staff_user)
    for number, text in enumerate(page_texts(client, evaluation), start=1):
        assert "DRAF" in text, f"page {number} of a {status} report is not marked as a draft"


def test_the_approved_report_carries_no_draft_mark(client, evaluation, staff_user, head_user):
    _advance(evaluation, "disetujui", staff_user=staff_user, head_user=head_user)
    client.force_login(staff_user)
    for text in page_texts(client, evaluation):
        assert "DRAF" not in text


def test_print_view_of_a_draft_is_marked_without_inline_styles(client, evaluation, staff_user):
    client.force_login(staff_user)
    response = client.get(reverse("evaluations:evaluation_report_print", kwargs={"pk": evaluation.pk}))
    assert 'data-testid="draft-mark"' in response.text
    assert "style=" not in response.text
