"""A village official's day, in Chromium: register a worker, tick a month's payments, import a
spreadsheet with a mistake, fix it and import it again."""

from __future__ import annotations

import datetime
import io

from django.utils import timezone
from openpyxl import Workbook

from participants.models import Contribution, ImportBatch, Participant
from participants.months import month_start
from tests.e2e.conftest import login
from tests.factories import ParticipantFactory, make_nik

HEADERS = ["NIK", "Nama", "Jenis Kelamin", "Tanggal Lahir", "Pekerjaan", "Penghasilan", "Sumber Dana", "Tanggal Daftar"]
BIRTH = datetime.date(1985, 3, 14)


def worker_row(serial: int, *, nik: str | None = None) -> list:
    nik = nik or make_nik(birth_date=BIRTH, sex="L", serial=serial)
    return [nik, f"Warga Impor {serial}", "L", "14/03/1985", "Petani", "1.500.000", "Mandiri", "02/01/2025"]


def workbook(rows: list[list]) -> bytes:
    book = Workbook()
    for row in [HEADERS, *rows]:
        book.active.append(row)
    output = io.BytesIO()
    book.save(output)
    return output.getvalue()


def test_official_registers_a_worker(page, official, batang_barus):
    login(page, official.username)
    page.goto("/participants/new/")
    nik = make_nik(birth_date=datetime.date(1990, 7, 21), sex="P", serial=77)
    page.fill("#id_nik", nik)
    page.fill("#id_name", "Siti Rahmah")
    page.check("input[name=sex][value=P]")
    page.fill("#id_birth_date", "21/07/1990")
    page.fill("#id_phone", "081234567890")
    page.fill("#id_hamlet", "Jorong Koto")
    page.select_option("#id_occupation", "pedagang")
    page.fill("#id_monthly_income", "1.500.000")
    page.select_option("#id_funding_source", "mandiri")
    with page.expect_navigation():
        page.get_by_role("button", name="Simpan").click()
    assert "Siti Rahmah terdaftar sebagai peserta" in page.locator(".alert-success").inner_text()
    participant = Participant.objects.get(nik=nik)
    assert participant.village == batang_barus
    assert participant.enrolled_on == timezone.localdate()
    assert page.url.endswith(f"/participants/{participant.pk}/")


def test_official_sees_a_clear_message_for_a_wrong_nik(page, official, batang_barus):
    login(page, official.username)
    page.goto("/participants/new/")
    page.fill("#id_nik", make_nik(birth_date=datetime.date(1990, 7, 21), sex="L", serial=5))
    page.fill("#id_name", "Budi")
    page.check("input[name=sex][value=L]")
    page.fill("#id_birth_date", "22/07/1990")  # not the date the NIK encodes
    page.select_option("#id_occupation", "petani")
    page.fill("#id_monthly_income", "1500000")
    page.select_option("#id_funding_source", "mandiri")
    with page.expect_navigation():
        page.get_by_role("button", name="Simpan").click()
    assert "/participants/new/" in page.url
    assert page.locator(".invalid-feedback, .alert-danger").first.is_visible()
    assert not Participant.objects.filter(name="Budi").exists()


def test_official_records_a_months_contributions(page, official, batang_barus):
    month = month_start(timezone.localdate())
    workers = [ParticipantFactory(village=batang_barus, name=f"Pembayar {n}") for n in range(3)]
    login(page, official.username)
    page.goto("/participants/contributions/monthly/")
    page.fill("#id_month", f"{month:%m/%Y}")
    with page.expect_navigation():
        page.get_by_role("button", name="Tampilkan").click()
    listing = page.get_by_test_id("monthly-list")
    assert listing.locator("input.js-tick").count() == 3
    page.get_by_role("button", name="Centang semua").click()
    assert listing.locator("input.js-tick:checked").count() == 3, "the tick-all script must run under the CSP"
    listing.locator("label", has_text="Pembayar 2").click()  # one of them has not paid yet
    page.fill("#id_paid_on", f"{timezone.localdate():%d/%m/%Y}")
    with page.expect_navigation():
        page.get_by_role("button", name="Simpan pembayaran").click()
    assert page.locator(".alert-success").is_visible()
    paid = set(Contribution.objects.filter(month=month).values_list("participant__name", flat=True))
    assert paid == {"Pembayar 0", "Pembayar 1"}
    assert all(Contribution.objects.filter(participant=worker).count() <= 1 for worker in workers)
    # Back on the same month, the paid ones are locked and only the third can still be ticked.
    page.goto(f"/participants/contributions/monthly/?month={month:%m/%Y}")
    assert page.get_by_test_id("monthly-list").locator("input.js-tick").count() == 1


def test_official_imports_a_spreadsheet_fixes_the_mistake_and_imports_again(page, official, batang_barus, tmp_path):
    wrong_nik = make_nik(birth_date=datetime.date(1990, 1, 1), sex="L", serial=3)  # says born 01/01/1990
    first = tmp_path / "daftar-warga.xlsx"
    first.write_bytes(workbook([worker_row(1), worker_row(2), worker_row(3, nik=wrong_nik)]))
    login(page, official.username)

    page.goto("/participants/import/")
    page.set_input_files("input[name=file]", str(first))
    with page.expect_navigation():
        page.get_by_role("button", name="Unggah dan periksa").click()
    assert page.get_by_test_id("count-new").inner_text() == "2"
    assert page.get_by_test_id("count-error").inner_text() == "1"
    errors = page.get_by_test_id("errors")
    assert "NIK" in errors.inner_text()
    assert not Participant.objects.exists(), "the preview writes nothing"
    with page.expect_navigation():
        page.get_by_role("button", name="Simpan 2 baru").click()
    assert page.get_by_text("Sudah disimpan: 2 baru").is_visible()
    assert Participant.objects.filter(village=batang_barus).count() == 2

    # The official downloads the rejected row, corrects the NIK and uploads the whole list again.
    with page.expect_download() as rejected:
        page.get_by_role("link", name="Unduh baris yang ditolak").click()
    assert rejected.value.suggested_filename.endswith(".xlsx")
    fixed = tmp_path / "daftar-warga-perbaikan.xlsx"
    fixed.write_bytes(workbook([worker_row(1), worker_row(2), worker_row(3)]))
    page.goto("/participants/import/")
    page.set_input_files("input[name=file]", str(fixed))
    with page.expect_navigation():
        page.get_by_role("button", name="Unggah dan periksa").click()
    assert page.get_by_test_id("count-new").inner_text() == "1"
    assert page.get_by_test_id("count-unchanged").inner_text() == "2"
    assert page.get_by_test_id("count-error").inner_text() == "0"
    with page.expect_navigation():
        page.get_by_role("button", name="Simpan 1 baru").click()
    assert set(Participant.objects.values_list("name", flat=True)) == {f"Warga Impor {n}" for n in (1, 2, 3)}
    assert ImportBatch.objects.filter(status=ImportBatch.Status.CONFIRMED).count() == 2


def test_import_refuses_a_file_that_is_not_a_spreadsheet(page, official, batang_barus, tmp_path):
    fake = tmp_path / "foto.jpg"
    fake.write_bytes(b"\xff\xd8\xff\xe0 not a spreadsheet")
    login(page, official.username)
    page.goto("/participants/import/")
    page.set_input_files("input[name=file]", str(fake))
    with page.expect_navigation():
        page.get_by_role("button", name="Unggah dan periksa").click()
    assert "Hanya berkas Excel (.xlsx) atau CSV (.csv)" in page.content()
    assert not ImportBatch.objects.exists()
