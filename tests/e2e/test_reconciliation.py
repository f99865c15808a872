"""Branch staff reconcile a core-system extract in Chromium: upload → preview (the header mapping) → match →
result → apply preview → apply; the paid month the village lacked is then recorded, and a second apply has
nothing to do."""

from __future__ import annotations

import datetime

from django.db import transaction
from django.utils import timezone

from participants.models import Contribution
from participants.months import add_months, month_start
from tests.e2e.conftest import login
from tests.reconciliation.conftest import PAYMENT_HEADERS, kpj, person, xlsx


def test_upload_match_and_apply_an_extract(page, staff_user, batang_barus, live_server, tmp_path):
    last = add_months(month_start(timezone.localdate()), -1)
    before_last = add_months(last, -1)
    with transaction.atomic():  # as a request would: the statistics' writes run in a transaction
        worker = person(batang_barus, 11, kpj_number=kpj(11), months=[before_last])
    rows = [
        [kpj(11), worker.nik, worker.name.upper(), f"{month:%Y%m}", "", f"20/{month:%m/%Y}", "JMO", batang_barus.code]
        for month in (before_last, last)
    ]
    path = tmp_path / "ekstrak.xlsx"
    path.write_bytes(xlsx(PAYMENT_HEADERS, rows))
    login(page, staff_user.username)
    page.goto(f"{live_server.url}/reconciliation/")
    page.set_input_files("input[type=file]", str(path))
    page.get_by_role("button", name="Unggah dan pratinjau").click()
    page.wait_for_load_state("networkidle")
    assert page.get_by_test_id("count-new").inner_text() == "2"
    assert page.get_by_label("Kolom untuk BLTH").input_value() == "month"
    page.get_by_role("button", name="Cocokkan 2 baris").click()
    page.wait_for_load_state("networkidle")
    assert page.get_by_test_id("count-bulan_kurang").inner_text() == "1"
    assert page.get_by_test_id("count-sesuai").inner_text() == "0"
    # Both readings of the branch side by side; the switch reads the villages' table as the core system says.
    assert page.get_by_test_id("branch-readings").get_by_test_id("reported-months").inner_text() == "1"
    assert page.get_by_test_id("branch-readings").get_by_test_id("confirmed-months").inner_text() == "2"
    page.get_by_test_id("reading-switch").get_by_role("link", name="Dikonfirmasi sistem inti").click()
    page.wait_for_load_state("networkidle")
    assert page.get_by_test_id("reading-shown").inner_text() == "dikonfirmasi sistem inti"
    village_row = page.get_by_test_id("village-readings").locator(f'tr[data-village="{batang_barus.code}"]')
    assert village_row.locator('td[data-reading="months"]').inner_text() == "2"
    page.get_by_test_id("apply-link").click()
    page.get_by_test_id("apply-preview").click()
    page.wait_for_load_state("networkidle")
    assert page.get_by_test_id("plan-months").inner_text() == "1"
    page.get_by_test_id("apply-confirm").click()
    page.wait_for_load_state("networkidle")
    assert "1 bulan iuran ditambahkan" in page.content()
    added = Contribution.objects.get(participant=worker, month=last)
    assert added.paid_on == datetime.date(last.year, last.month, 20)
    page.get_by_test_id("apply-link").click()
    page.get_by_test_id("apply-preview").click()
    page.wait_for_load_state("networkidle")
    assert page.get_by_test_id("nothing").is_visible()
