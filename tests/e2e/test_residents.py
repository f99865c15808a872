"""An official uploads the nagari's OpenSID resident list on a 360 px phone, confirms the preview, and
opens the prospect list: apparatus first, NIKs masked, nothing wider than the screen."""

from __future__ import annotations

import datetime

from tests.builders import opensid_workbook
from tests.e2e.conftest import login
from tests.e2e.test_mobile import assert_fits
from tests.factories import BATANG_BARUS, make_nik


def _resident(name, birth, code, serial):
    return {
        "nama": name,
        "dusun": "KOTO BARU",
        "nik": make_nik(birth_date=birth, sex="L", serial=serial),
        "sex": 1,
        "tanggallahir": birth.isoformat(),
        "pekerjaan_id": code,
    }


def test_upload_a_resident_list_and_open_the_prospects_at_360px(phone_page, official, tmp_path, live_server):
    page = phone_page
    rows = [
        _resident("ANDI SAPUTRA", datetime.date(1980, 5, 1), 9, 1),
        _resident("BUDI PERANGKAT", datetime.date(1975, 6, 2), 85, 2),
        _resident("CITRA GURU", datetime.date(1990, 7, 3), 65, 3),
    ]
    path = tmp_path / "penduduk.xlsx"
    path.write_bytes(opensid_workbook(rows))
    login(page, official.username)
    residents_url = f"{live_server.url}/villages/{BATANG_BARUS}/residents/"
    assert_fits(page, residents_url)
    page.set_input_files("input[type=file]", str(path))
    page.get_by_role("button", name="Unggah dan pratinjau").click()
    page.wait_for_load_state("networkidle")
    page.get_by_role("button", name="Simpan").first.click()
    page.wait_for_load_state("networkidle")
    assert_fits(page, residents_url)
    assert "Calon peserta (2)" in page.get_by_test_id("prospects-link").inner_text()
    assert_fits(page, f"{residents_url}prospects/")
    names = page.locator("[data-testid=prospects] tbody tr td:nth-child(2)").all_inner_texts()
    assert names == ["BUDI PERANGKAT", "ANDI SAPUTRA"]
    assert "******" in page.locator("[data-testid=prospects] tbody tr td:nth-child(3)").first.inner_text()
