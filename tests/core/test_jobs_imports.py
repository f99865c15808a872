"""Large imports and the statistics rebuild as background jobs, without a broker (inline, the `make run`
default): a file of more than JOB_INLINE_MAX_ROWS rows is previewed and confirmed by jobs, through the
progress page, and lands on the same preview page; a smaller file keeps the immediate flow."""

from __future__ import annotations

import datetime
import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from openpyxl import Workbook

from core.models import Job
from participants.imports.batch import _estimated_rows
from participants.models import CoverageRule, ImportBatch, Participant, VillageMonthStat
from participants.stats import stats_refresh_all
from tests.builders import PARTICIPANT_HEADERS, opensid_workbook
from tests.factories import ContributionFactory, ParticipantFactory, make_nik
from villages.residents import Resident

LIMIT = 20  # JOB_INLINE_MAX_ROWS in these tests: a file of LIMIT + 1 rows goes through the jobs


def participant_rows(count: int, *, first: int = 1) -> list[list]:
    return [
        [
            make_nik(birth_date=datetime.date(1985, 3, 14), sex="L", serial=serial),
            f"Warga {serial}",
            "L",
            "14/03/1985",
            "Petani",
            "1.500.000",
            "Mandiri",
            "02/01/2025",
        ]
        for serial in range(first, first + count)
    ]


def participants_xlsx(count: int) -> bytes:
    """A real workbook of the participant import: its header row and `count` workers."""
    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet("Peserta")
    sheet.append(PARTICIPANT_HEADERS)
    for row in participant_rows(count):
        sheet.append(row)
    output = io.BytesIO()
    workbook.save(output)
    return output.getvalue()


def upload_file(content: bytes, name: str = "daftar-besar.xlsx") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, content, content_type="application/vnd.openxmlformats-officedocument")


@pytest.fixture(autouse=True)
def _small_limit(settings):
    settings.JOB_INLINE_MAX_ROWS = LIMIT
    settings.CELERY_BROKER_URL = ""


def test_a_large_import_is_previewed_and_confirmed_by_jobs(client, official, batang_barus):
    client.force_login(official)
    uploaded = client.post(reverse("participants:import"), {"file": upload_file(participants_xlsx(LIMIT + 1))})
    preview_job = Job.objects.get(kind="participants.import_preview")
    batch = ImportBatch.objects.get()
    preview_url = reverse("participants:import_preview", kwargs={"pk": batch.pk})
    # Inline, the job is done by the time the page answers: straight on to the preview.
    assert uploaded["Location"] == preview_url
    assert (preview_job.owner, preview_job.status, preview_job.done, preview_job.total) == (
        official,
        Job.Status.DONE,
        LIMIT + 1,
        LIMIT + 1,
    )
    assert preview_job.title == "Pratinjau impor daftar-besar.xlsx"
    page = client.get(preview_url)
    assert page.status_code == 200 and page.context["counts"]["new"] == LIMIT + 1
    assert not Participant.objects.exists()

    confirmed = client.post(preview_url)
    confirm_job = Job.objects.get(kind="participants.import_confirm")
    assert confirmed["Location"] == preview_url
    assert confirm_job.status == Job.Status.DONE and confirm_job.done == LIMIT + 1
    assert confirm_job.message == f"Impor selesai: {LIMIT + 1} baru, 0 diubah, 0 ditolak."
    assert Participant.objects.filter(village=batang_barus).count() == LIMIT + 1
    assert VillageMonthStat.objects.filter(village=batang_barus).exists()
    assert "Sudah disimpan" in client.get(preview_url).text
    # The jobs are on the user's list.
    listed = client.get(reverse("jobs:list")).text
    assert "Pratinjau impor daftar-besar.xlsx" in listed and "Simpan impor daftar-besar.xlsx" in listed


def test_a_large_resident_list_goes_through_the_jobs_from_the_resident_page(client, official, batang_barus):
    residents = [
        {
            "nama": f"WARGA {serial}",
            "dusun": "KOTO BARU",
            "nik": make_nik(birth_date=datetime.date(1980, 5, 1), sex="L", serial=serial),
            "sex": 1,
            "tanggallahir": "1980-05-01",
            "pekerjaan_id": 9,
        }
        for serial in range(1, LIMIT + 2)
    ]
    client.force_login(official)
    url = reverse("dashboard:village_residents", kwargs={"code": batang_barus.code})
    uploaded = client.post(url, {"file": upload_file(opensid_workbook(residents), "penduduk.xlsx")}, follow=True)
    preview_job = Job.objects.get(kind="participants.import_preview")
    assert preview_job.status == Job.Status.DONE and preview_job.done == LIMIT + 1
    assert uploaded.context["counts"]["new"] == LIMIT + 1  # landed on the preview
    batch = ImportBatch.objects.get(kind=ImportBatch.Kind.RESIDENTS)
    client.post(reverse("participants:import_preview", kwargs={"pk": batch.pk}))
    assert Job.objects.get(kind="participants.import_confirm").status == Job.Status.DONE
    assert Resident.objects.filter(resident_list__village=batang_barus).count() == LIMIT + 1


def test_a_small_import_keeps_the_immediate_flow(client, official):
    client.force_login(official)
    uploaded = client.post(reverse("participants:import"), {"file": upload_file(participants_xlsx(LIMIT))})
    batch = ImportBatch.objects.get()
    assert uploaded["Location"] == reverse("participants:import_preview", kwargs={"pk": batch.pk})
    client.post(uploaded["Location"])
    assert Participant.objects.count() == LIMIT
    assert not Job.objects.exists()


def test_a_file_without_its_header_row_is_refused_at_once(client, official):
    client.force_login(official)
    workbook = Workbook()
    for serial in range(LIMIT + 5):
        workbook.active.append(["tanpa judul", serial])
    output = io.BytesIO()
    workbook.save(output)
    refused = client.post(reverse("participants:import"), {"file": upload_file(output.getvalue())})
    assert refused.status_code == 200 and "Baris judul kolom tidak ditemukan" in refused.text
    assert not ImportBatch.objects.exists() and not Job.objects.exists()


def test_a_confirm_job_that_finds_the_data_changed_writes_nothing_and_says_why(client, official, batang_barus):
    client.force_login(official)
    client.post(reverse("participants:import"), {"file": upload_file(participants_xlsx(LIMIT + 1))})
    batch = ImportBatch.objects.get()
    # Meanwhile someone registers the 5th worker by hand: the row's decision differs from the preview.
    nik, name = participant_rows(1, first=5)[0][:2]
    ParticipantFactory(village=batang_barus, nik=nik, name=name)
    answer = client.post(reverse("participants:import_preview", kwargs={"pk": batch.pk}))
    job = Job.objects.get(kind="participants.import_confirm")
    assert answer["Location"] == job.get_absolute_url()
    assert job.status == Job.Status.FAILED
    assert job.error.startswith("Data berubah sejak pratinjau: 1 baris kini diputuskan lain")
    assert Participant.objects.count() == 1
    page = client.get(job.get_absolute_url())
    assert "Data berubah sejak pratinjau" in page.text
    assert reverse("participants:import_preview", kwargs={"pk": batch.pk}) in page.text  # the way back
    # The fresh preview the failed confirmation kept: that row is now "unchanged"; saving again works.
    batch.refresh_from_db()
    assert batch.summary["differences"] == [6]  # row 6 of the sheet: the 5th worker
    client.post(reverse("participants:import_preview", kwargs={"pk": batch.pk}))
    assert Participant.objects.count() == LIMIT + 1


def test_a_correction_reason_that_is_refused_is_said_on_the_preview_at_once(client, official):
    client.force_login(official)
    client.post(reverse("participants:import"), {"file": upload_file(participants_xlsx(LIMIT + 1))})
    batch = ImportBatch.objects.get()
    url = reverse("participants:import_preview", kwargs={"pk": batch.pk})
    answer = client.post(url, {"correction_reason": "koreksi"}, follow=True)
    assert "koreksi" in answer.text.lower() and not Job.objects.filter(kind="participants.import_confirm").exists()
    assert Participant.objects.count() == 0


def stats_rows() -> list[dict]:
    return [{**row, "id": None} for row in VillageMonthStat.objects.order_by("village", "month").values()]


def test_changing_the_grace_in_the_admin_rebuilds_the_statistics_as_a_job(client, superuser, batang_barus):
    participant = ParticipantFactory(village=batang_barus, enrolled_on=datetime.date(2023, 1, 1))
    for month in (datetime.date(2023, 1, 1), datetime.date(2023, 2, 1)):
        ContributionFactory(participant=participant, month=month)
    stats_refresh_all()
    rule = CoverageRule.objects.order_by("valid_from").first()
    client.force_login(superuser)
    answer = client.post(
        reverse("admin:participants_coveragerule_change", args=[rule.pk]),
        {"valid_from": f"{rule.valid_from:%m/%Y}", "grace_months": 0, "regulation": rule.regulation},
        follow=True,
    )
    job = Job.objects.get(kind="participants.stats_rebuild")
    assert (job.owner, job.status, job.params) == (superuser, Job.Status.DONE, {"since": None})
    assert job.done == job.total > 0
    assert job.get_absolute_url() in answer.text
    by_job = stats_rows()
    stats_refresh_all()
    assert by_job == stats_rows()
    march = VillageMonthStat.objects.get(village=batang_barus, month=datetime.date(2023, 3, 1))
    assert march.inactive == 1  # a grace of 0: the first unpaid month is nonaktif


def test_the_progress_bar_knows_the_size_of_a_file_before_reading_it():
    """The sheet's recorded size (Excel and openpyxl write it; openpyxl's write-only mode does not), or the
    CSV's lines: the preview job's total from the start."""
    workbook = Workbook()
    for row in [PARTICIPANT_HEADERS, *participant_rows(LIMIT + 1)]:
        workbook.active.append(row)
    output = io.BytesIO()
    workbook.save(output)
    assert _estimated_rows(content=output.getvalue(), name="daftar.xlsx") == LIMIT + 1
    assert _estimated_rows(content=b"NIK;Nama\n1;a\n2;b\n", name="daftar.csv") == 2
    assert _estimated_rows(content=participants_xlsx(3), name="daftar.xlsx") == 0  # unknown: grows as it goes
    assert _estimated_rows(content=b"bukan zip", name="daftar.xlsx") == 0


def test_the_admin_rebuilds_the_chosen_villages_statistics_as_a_job(client, superuser, batang_barus, sikalang):
    for village in (batang_barus, sikalang):
        participant = ParticipantFactory(village=village, enrolled_on=datetime.date(2023, 1, 1))
        ContributionFactory(participant=participant, month=datetime.date(2023, 1, 1))
    stats_refresh_all()
    expected = stats_rows()
    VillageMonthStat.objects.filter(village=batang_barus).update(active=99)  # stale rows to repair
    chosen = VillageMonthStat.objects.filter(village=batang_barus).values_list("pk", flat=True)[:1]
    client.force_login(superuser)
    answer = client.post(
        reverse("admin:participants_villagemonthstat_changelist"),
        {"action": "rebuild", "_selected_action": list(chosen)},
        follow=True,
    )
    job = Job.objects.get(kind="participants.stats_rebuild")
    assert (job.status, job.params["village_ids"], job.total) == (Job.Status.DONE, [batang_barus.pk], 1)
    assert job.get_absolute_url() in answer.text
    assert stats_rows() == expected


@pytest.mark.parametrize("chosen", ["²", "１２", "-1", "9" * 40, "x"])
def test_hostile_row_choices_of_a_large_import_are_read_safely(client, official, chosen):
    client.force_login(official)
    client.post(reverse("participants:import"), {"file": upload_file(participants_xlsx(LIMIT + 1))})
    batch = ImportBatch.objects.get()
    answer = client.post(reverse("participants:import_preview", kwargs={"pk": batch.pk}), {"update": chosen})
    assert answer.status_code == 302
    assert Participant.objects.count() == LIMIT + 1  # every row new: nothing to choose, all saved
