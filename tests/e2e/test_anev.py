"""An evaluation from draft to approved in Chromium, and its PDF report downloaded."""

from __future__ import annotations

import io

from pypdf import PdfReader

from evaluations.models import VillageEvaluation
from tests.e2e.conftest import login
from tests.factories import BATANG_BARUS


def test_evaluation_goes_from_draft_to_approved_and_its_pdf_downloads(
    browser, live_server, programme, staff_user, head_user, page
):
    evaluation = programme.evaluations.get(village__code=BATANG_BARUS)
    assert evaluation.status == VillageEvaluation.Status.DRAFT
    url = f"/evaluations/village/{evaluation.pk}/"

    # The account officer writes the findings and submits.
    login(page, staff_user.username)
    page.goto(url)
    page.fill("#id_findings", "Kepesertaan tumbuh, tetapi sosialisasi jarang di jorong yang jauh.")
    page.fill("#id_recommendations", "Sosialisasi ulang di setiap jorong; agen PERISAI aktif.")
    with page.expect_navigation():
        page.get_by_role("button", name="Simpan temuan dan rekomendasi").click()
    with page.expect_navigation():
        page.get_by_role("button", name="Ajukan ke kepala cabang").click()
    evaluation.refresh_from_db()
    assert evaluation.status == VillageEvaluation.Status.SUBMITTED
    assert page.get_by_role("button", name="Setujui dan kunci").count() == 0, "staff cannot approve"

    # The branch head approves, in a browser of their own.
    head = browser.new_context(base_url=live_server.url, accept_downloads=True)
    head_page = head.new_page()
    head_errors = []
    head_page.on("console", lambda message: message.type == "error" and head_errors.append(message.text))
    login(head_page, head_user.username)
    head_page.goto(url)
    with head_page.expect_navigation():
        head_page.get_by_role("button", name="Setujui dan kunci").click()
    evaluation.refresh_from_db()
    assert evaluation.status == VillageEvaluation.Status.APPROVED
    assert evaluation.steps.filter(user=head_user).exists()

    # Approved is locked: the findings form is gone; the PDF holds the village and its findings.
    head_page.goto(url)
    assert head_page.locator("#id_findings").count() == 0
    # The link opens the PDF inline (Chromium's viewer); fetch it with the head's own session.
    report = head.request.get(head_page.get_by_role("link", name="PDF").get_attribute("href"))
    assert report.status == 200
    assert report.headers["content-type"] == "application/pdf"
    assert "batang-barus" in report.headers["content-disposition"]
    content = report.body()
    assert content.startswith(b"%PDF")
    text = "\n".join(page.extract_text() for page in PdfReader(io.BytesIO(content)).pages)
    assert "Batang Barus" in text
    assert "sosialisasi jarang" in text
    head.close()
    assert head_errors == []
