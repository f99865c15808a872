"""Imports never overwrite silently: changes shown old → new and applied only when chosen, confirmation
applies exactly what the preview showed (or nothing, with a fresh preview), history-contradicting rows
and paid months are error rows, another village's NIK tells only whom to ask, and the history of an
imported change names the import."""

from __future__ import annotations

import datetime
import io

import pytest
import time_machine
from django.urls import reverse
from openpyxl import Workbook

from participants import services
from participants.imports import ImportFileError, import_confirm, import_upload
from participants.models import Contribution, ImportBatch, Participant
from tests.builders import PARTICIPANT_HEADERS as HEADERS
from tests.factories import ContributionFactory, ParticipantFactory, make_nik

TODAY = datetime.datetime(2025, 6, 15, 10, 0, tzinfo=datetime.UTC)
BIRTH = datetime.date(1985, 3, 14)


@pytest.fixture(autouse=True)
def _today():
    with time_machine.travel(TODAY, tick=False):
        yield


def xlsx(rows: list[list], headers=HEADERS) -> bytes:
    workbook = Workbook()
    sheet = workbook.active
    sheet.append(list(headers))
    for row in rows:
        sheet.append(row)
    output = io.BytesIO()
    workbook.save(output)
    return output.getvalue()


def worker(serial: int, **overrides) -> list:
    row = {
        "NIK": make_nik(birth_date=BIRTH, sex="L", serial=serial),
        "Nama": f"Warga {serial}",
        "Jenis Kelamin": "L",
        "Tanggal Lahir": "14/03/1985",
        "Pekerjaan": "Petani",
        "Penghasilan": "1.500.000",
        "Sumber Dana": "Mandiri",
        "Tanggal Daftar": "02/01/2025",
    }
    row.update(overrides)
    return [row[header] for header in HEADERS]


def upload(user, content: bytes, kind=ImportBatch.Kind.PARTICIPANTS):
    return import_upload(user=user, kind=kind, name="daftar.xlsx", content=content)


@pytest.fixture
def existing(batang_barus):
    return ParticipantFactory(
        village=batang_barus,
        nik=make_nik(birth_date=BIRTH, sex="L", serial=1),
        name="Budi Lama",
        sex="L",
        birth_date=BIRTH,
        monthly_income=1_000_000,
        enrolled_on=datetime.date(2025, 1, 2),
    )


def test_a_change_is_shown_old_to_new_and_applied_only_when_chosen(official, existing):
    batch = upload(official, xlsx([worker(1, Nama="Budi Baru"), worker(2)]))
    assert batch.summary["counts"]["updated"] == 1 and batch.summary["counts"]["new"] == 1
    detail = next(detail for row, status, label, detail in batch.summary["rows"] if status == "updated")
    assert "Nama: Budi Lama → Budi Baru" in detail and "Penghasilan: Rp 1.000.000 → Rp 1.500.000" in detail
    written = import_confirm(batch=batch, user=official)  # nothing chosen: the change is skipped
    assert (written["new"], written["updated"], written["skipped"]) == (1, 0, 1)
    assert Participant.objects.get(pk=existing.pk).name == "Budi Lama"
    assert Participant.objects.count() == 2


@pytest.mark.parametrize("choice", [{"update_rows": [2]}, {"update_all": True}])
def test_a_chosen_change_is_applied_with_the_import_named_in_its_history(official, existing, choice):
    batch = upload(official, xlsx([worker(1, Nama="Budi Baru")]))
    assert import_confirm(batch=batch, user=official, **choice)["updated"] == 1
    record, previous = Participant.history.filter(id=existing.pk).order_by("-history_id")[:2]
    assert record.name == "Budi Baru" and record.history_user == official
    assert record.history_change_reason == "impor daftar.xlsx 15/06/2025"
    delta = record.diff_against(previous)  # what the admin's history shows, as for a form's change
    assert {change.field for change in delta.changes} >= {"name", "monthly_income"}


def test_a_change_contradicting_paid_months_is_an_error_row(official, existing):
    ContributionFactory(participant=existing, month=datetime.date(2025, 1, 1))
    batch = upload(official, xlsx([worker(1, **{"Tanggal Daftar": "01/03/2025"})]))
    assert batch.summary["counts"]["error"] == 1
    assert "01/2025 sudah dibayar sebelum tanggal daftar" in batch.summary["errors"][0][2]


def test_confirm_after_a_hand_registration_writes_nothing_and_previews_again(official, batang_barus):
    batch = upload(official, xlsx([worker(1), worker(2)]))
    assert batch.summary["counts"]["new"] == 2
    services.participant_register(
        user=official,
        village=batang_barus,
        nik=make_nik(birth_date=BIRTH, sex="L", serial=2),
        name="Didaftar Tangan",
        sex="L",
        birth_date=BIRTH,
        occupation="petani",
        monthly_income=1_200_000,
        funding_source="mandiri",
        enrolled_on=datetime.date(2025, 1, 2),
    )
    with pytest.raises(ImportFileError, match="1 baris kini diputuskan lain"):
        import_confirm(batch=batch, user=official, update_all=True)
    assert Participant.objects.count() == 1 and Participant.objects.get().name == "Didaftar Tangan"
    batch.refresh_from_db()
    assert batch.status == ImportBatch.Status.PREVIEW
    assert batch.summary["differences"] == [3] and batch.summary["counts"]["updated"] == 1
    import_confirm(batch=batch, user=official)  # the fresh preview, confirmed as seen: the change skipped
    assert Participant.objects.count() == 2
    assert Participant.objects.get(nik=make_nik(birth_date=BIRTH, sex="L", serial=2)).name == "Didaftar Tangan"


def test_preview_page_banner_and_cards_agree_and_rows_can_be_ticked(client, official, existing):
    client.force_login(official)
    batch = upload(official, xlsx([worker(1, Nama="Budi Baru"), worker(2)]))
    url = reverse("participants:import_preview", args=[batch.pk])
    page = client.get(url)
    assert 'name="update" value="2"' in page.text and "Budi Lama → Budi Baru" in page.text
    client.post(url, {"update": ["2"]})
    page = client.get(url)
    assert "Sudah disimpan: 1 baru, 1 diubah, 0 tetap, 0 ditolak." in page.text
    assert 'data-testid="count-new">1<' in page.text and 'data-testid="count-updated">1<' in page.text
    assert Participant.objects.get(pk=existing.pk).name == "Budi Baru"


def test_another_villages_nik_tells_only_whom_to_ask(official, sikalang):
    ParticipantFactory(village=sikalang, nik=make_nik(birth_date=BIRTH, sex="L", serial=5), name="Orang Sikalang")
    batch = upload(official, xlsx([worker(5)]))
    message = batch.summary["errors"][0][2]
    assert "desa lain" in message and "Cabang Solok" in message
    assert "Orang Sikalang" not in str(batch.summary) and "Sikalang" not in str(batch.summary)


def test_the_contribution_import_never_changes_a_paid_month(official, existing):
    paid = ContributionFactory(participant=existing, month=datetime.date(2025, 5, 1), channel="bendahara")
    headers = ["NIK", "Bulan", "Jumlah", "Tanggal Bayar", "Saluran"]
    row = [existing.nik, "05/2025", paid.amount, f"{paid.paid_on:%d/%m/%Y}", "Bank/kantor pos"]
    batch = upload(official, xlsx([row], headers=headers), kind=ImportBatch.Kind.CONTRIBUTIONS)
    assert batch.summary["counts"]["error"] == 1 and batch.summary["counts"]["updated"] == 0
    assert "sudah dibayar; perubahan hanya lewat koreksi staf cabang" in batch.summary["errors"][0][2]
    import_confirm(batch=batch, user=official)
    assert Contribution.objects.get().channel == "bendahara"


def test_a_paid_month_changes_only_through_a_staff_correction_with_a_reason(official, staff_user, existing):
    paid = ContributionFactory(participant=existing, month=datetime.date(2025, 5, 1), channel="bendahara")
    with pytest.raises(services.PermissionDenied):
        services.contribution_correct(user=official, contribution=paid, reason="salah ketik", channel="bank_pos")
    with pytest.raises(services.ValidationError):
        services.contribution_correct(user=staff_user, contribution=paid, reason=" ", channel="bank_pos")
    services.contribution_correct(user=staff_user, contribution=paid, reason="kuitansi 0412", channel="bank_pos")
    record = Contribution.history.filter(id=paid.pk).order_by("-history_id").first()
    assert record.channel == "bank_pos" and record.history_change_reason == "Koreksi staf cabang: kuitansi 0412"
