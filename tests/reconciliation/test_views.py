"""The reconciliation pages per role, the exports (scoped, masked, formula-safe, logged), and bad input."""

from __future__ import annotations

import io

import pytest
from django.core.files.base import ContentFile
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from openpyxl import Workbook, load_workbook

from core.jobs import job_run
from core.models import Job
from participants.models import Contribution, ImportBatch, Participant
from reconciliation.models import Extract, Finding, FindingKind
from tests.reconciliation.conftest import NOV, PAYMENT_HEADERS, csv_bytes, kpj, xlsx
from villages.models import ExportLog


def upload(client, content: bytes, name: str = "ekstrak.xlsx", shape: str = "", day: str = "10/12/2026"):
    return client.post(
        reverse("reconciliation:index"),
        {"file": SimpleUploadedFile(name, content), "shape": shape, "extract_date": day},
    )


@pytest.fixture
def matched(client, branch, staff_user) -> Extract:
    client.force_login(staff_user)
    response = upload(client, xlsx(PAYMENT_HEADERS, branch.rows))
    extract = Extract.objects.get()
    assert response.status_code == 302 and response["Location"] == reverse("reconciliation:preview", args=[extract.pk])
    response = client.post(reverse("reconciliation:preview", args=[extract.pk]))
    assert response["Location"] == reverse("reconciliation:result", args=[extract.pk])
    client.logout()
    extract.refresh_from_db()
    return extract


def test_staff_upload_preview_result_and_apply(client, branch, matched, staff_user, sikalang):
    client.force_login(staff_user)
    page = client.get(reverse("reconciliation:result", args=[matched.pk])).content.decode()
    assert 'data-testid="count-bulan_kurang">1<' in page and 'data-testid="count-hanya_inti">1<' in page
    assert "Sikalang" in page and "Batang Barus" in page
    apply_url = reverse("reconciliation:apply", args=[matched.pk])
    unknown = matched.findings.get(kind=FindingKind.CORE_ONLY)
    choices = {"add_months": "1", "fill_kpj": "1", f"daftar_{unknown.pk}": str(sikalang.pk)}
    before = Contribution.objects.count()
    preview = client.post(apply_url, {**choices, "action": "pratinjau"})
    assert preview.status_code == 200
    assert Contribution.objects.count() == before  # the preview writes nothing
    text = preview.content.decode()
    assert 'data-testid="plan-months">1<' in text  # the new worker's months come with their registration
    assert 'data-testid="plan-registrations">1<' in text and 'data-testid="plan-kpjs">1<' in text
    done = client.post(apply_url, {**choices, "action": "terapkan"}, follow=True)
    assert "1 peserta didaftarkan, 1 nomor KPJ diisi, 3 bulan iuran ditambahkan" in done.content.decode()
    assert Contribution.objects.count() == before + 3
    again = client.post(apply_url, {**choices, "action": "pratinjau"})
    assert 'data-testid="nothing"' in again.content.decode()


def test_official_sees_own_village_only_and_never_uploads(client, branch, matched, official, other_official):
    client.force_login(official)
    assert upload(client, xlsx(PAYMENT_HEADERS, branch.rows)).status_code == 403
    assert client.get(reverse("reconciliation:apply", args=[matched.pk])).status_code == 403
    page = client.get(reverse("reconciliation:result", args=[matched.pk])).content.decode()
    assert "Batang Barus" in page and "Sikalang" not in page and 'data-testid="branch-counts"' not in page
    listing = client.get(reverse("reconciliation:findings", args=[matched.pk])).content.decode()
    assert branch.missing.name in listing and "Siti Aminah" not in listing
    # The unplaced and other villages' lists are empty for them, whatever the query asks.
    other = client.get(reverse("reconciliation:findings", args=[matched.pk]), {"village": "13.73.04.2010"})
    assert "Siti Aminah" not in other.content.decode()
    # Sikalang's operator sees Sikalang's result (the unknown worker placed there), not Batang Barus's.
    client.force_login(other_official)
    listing = client.get(reverse("reconciliation:findings", args=[matched.pk])).content.decode()
    assert "Siti Aminah" in listing and branch.missing.name not in listing


def test_village_page_and_anev_show_the_last_reconciliation(client, branch, matched, official, batang_barus):
    client.force_login(official)
    page = client.get(reverse("dashboard:village_detail", args=[batang_barus.code])).content.decode()
    assert 'Rekonsiliasi sistem inti terakhir: <strong data-testid="reconciled-on">10/12/2026</strong>' in page
    assert 'data-testid="data-quality">16,7%<' in page


def test_export_is_scoped_masked_formula_safe_and_logged(client, branch, matched, official):
    Finding.objects.filter(extract=matched, participant=branch.missing).update(name='=HYPERLINK("http://x")')
    client.force_login(official)
    response = client.get(reverse("reconciliation:findings_export", args=[matched.pk]), {"kind": "bulan_kurang"})
    assert response.status_code == 200
    sheet = load_workbook(io.BytesIO(response.content)).active
    data = list(sheet.iter_rows(min_row=6, values_only=True))
    assert len(data) == 1
    _code, _village, _kind, nik, _kpj, name, month, *_ = data[0]
    assert nik == f"{branch.missing.nik[:6]}******{branch.missing.nik[-4:]}"
    assert name.startswith("'=")  # shown as text, never run
    assert month == f"{NOV:%m/%Y}"
    everything = client.get(reverse("reconciliation:findings_export", args=[matched.pk]))
    sheet = load_workbook(io.BytesIO(everything.content)).active
    names = [row[5] for row in sheet.iter_rows(min_row=6, values_only=True)]
    assert "Siti Aminah" not in names  # Sikalang's worker: not the official's
    log = ExportLog.objects.filter(user=official).order_by("-pk").first()
    assert log.personal_data and log.rows == len(names)


# --- bad input: the list ------------------------------------------------------------------------------


def test_a_file_that_cannot_be_read_gets_one_message(client, staff_user, branch):
    client.force_login(staff_user)
    unreadable = (
        ("ekstrak.xlsx", b"PK\x03\x04 rusak"),
        ("ekstrak.xls", b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1xx"),
        ("ekstrak.csv", b"\x00\x00"),
        ("ekstrak.pdf", b"%PDF"),
    )
    for name, content in unreadable:
        response = upload(client, content, name=name)
        assert response.status_code == 200, name
        errors = response.context["form"].errors["file"]
        assert len(errors) == 1, (name, errors)
    unknown = upload(client, xlsx(["KOLOM A", "KOLOM B"], [["1", "2"]]))
    assert "Baris judul kolom tidak ditemukan" in unknown.context["form"].errors["file"][0]
    assert not Extract.objects.exists()


def test_a_file_of_the_other_shape_is_refused_with_one_message(client, staff_user, branch):
    client.force_login(staff_user)
    response = upload(client, xlsx(PAYMENT_HEADERS, branch.rows), shape="peserta")
    [message] = response.context["form"].errors["file"]
    assert "tampaknya daftar pembayaran, bukan daftar peserta" in message
    assert not Extract.objects.exists()


def test_bad_rows_are_row_findings_with_reasons_and_nothing_is_written(client, staff_user, branch):
    good = [kpj(1), branch.agree.nik, "Ahmad Yani", "202611", "8.400", "", "", ""]
    rows = [
        good,
        [None] * 8,  # an empty row: skipped
        good,  # duplicated
        [kpj(2), branch.missing.nik, "x", "202712", "", "", "", ""],  # a month in the future
        [kpj(3), "1302079913851234", "x", "202611", "", "", "", ""],  # a NIK that fails validation
        ["123", branch.extra.nik, "x", "202611", "", "", "", ""],  # a KPJ that is not 11 digits
        ["", "", "Tanpa Nomor", "202611", "", "", "", ""],  # neither
        [kpj(2), branch.missing.nik, "x", "bulan lalu", "", "", "", ""],
    ]
    client.force_login(staff_user)
    before = (Participant.objects.count(), Contribution.objects.count())
    upload(client, csv_bytes(PAYMENT_HEADERS, rows), name="ekstrak.csv")
    extract = Extract.objects.get()
    page = client.get(reverse("reconciliation:preview", args=[extract.pk])).content.decode()
    summary = extract.batch.summary
    assert summary["counts"]["new"] == 1 and summary["counts"]["error"] == 6
    reasons = " ".join(message for _row, _column, message in summary["errors"])
    for reason in ("Baris ganda", "masa depan", "NIK tidak valid", "Nomor KPJ harus 11 angka", "Isi NIK atau nomor KPJ",
                   "Tulis bulan sebagai mm/yyyy"):  # fmt: skip
        assert reason in reasons and reason in page
    rejected = client.get(reverse("participants:import_rejected", args=[extract.batch.pk]))
    assert rejected.status_code == 200
    assert (Participant.objects.count(), Contribution.objects.count()) == before
    client.post(reverse("reconciliation:preview", args=[extract.pk]))
    assert (Participant.objects.count(), Contribution.objects.count()) == before  # matching writes no data either
    assert client.post(reverse("reconciliation:preview", args=[extract.pk])).status_code == 302  # twice: refused
    assert Extract.objects.get().findings.filter(kind=FindingKind.AGREE).count() == 1


def test_anev_evaluation_shows_the_data_quality(client, branch, matched, staff_user, batang_barus):
    import datetime

    from evaluations.models import VillageEvaluation
    from evaluations.services import cycle_open
    from tests.factories import EvaluationCycleFactory

    batang_barus.joined_on = datetime.date(2019, 3, 1)
    batang_barus.save()
    cycle = EvaluationCycleFactory()
    cycle_open(cycle=cycle, user=None)
    evaluation = VillageEvaluation.objects.get(cycle=cycle, village=batang_barus)
    client.force_login(staff_user)
    page = client.get(reverse("evaluations:evaluation_detail", args=[evaluation.pk])).content.decode()
    assert 'data-testid="data-quality">16,7%<' in page and 'data-testid="confirmed-paying">5<' in page
    # The printed report carries it too, as the anev's evidence.
    report = client.get(reverse("evaluations:evaluation_report_print", args=[evaluation.pk])).content.decode()
    assert "Bukti: rekonsiliasi dengan sistem inti" in report and 'data-testid="data-quality">16,7%<' in report


def test_a_large_extract_is_previewed_and_matched_by_jobs(client, branch, staff_user, settings):
    """More rows than JOB_INLINE_MAX_ROWS: the preview and the matching each run as a background job (inline
    without a broker) whose progress page leads on; the user may leave it and come back through the extract."""
    settings.JOB_INLINE_MAX_ROWS = 5
    settings.CELERY_BROKER_URL = ""
    client.force_login(staff_user)
    response = upload(client, xlsx(PAYMENT_HEADERS, branch.rows))
    extract = Extract.objects.get()
    [preview_job] = Job.objects.filter(kind="reconciliation.extract_preview")
    assert preview_job.params == {"extract_id": str(extract.pk), "force_shape": False}
    assert preview_job.status == Job.Status.DONE
    # Inline, the job is done when the upload answers: straight on to the preview it made.
    assert response["Location"] == reverse("reconciliation:preview", args=[extract.pk])
    extract.refresh_from_db()
    assert extract.shape == "iuran" and extract.mapping["BLTH"] == "month" and extract.headers[0] == "NO_KPJ"
    assert extract.batch.summary["counts"]["new"] == len(branch.rows)
    assert preview_job.message == "Pratinjau ekstrak siap." and preview_job.done == len(branch.rows)
    response = client.post(reverse("reconciliation:preview", args=[extract.pk]))
    job_url = response["Location"]
    assert job_url.startswith("/jobs/")
    page = client.get(job_url, follow=True)
    assert page.redirect_chain[-1][0] == reverse("reconciliation:result", args=[extract.pk])
    extract.refresh_from_db()
    assert extract.status == Extract.Status.MATCHED and extract.summary["counts"]["bulan_kurang"] == 1


def test_a_preview_still_running_sends_the_user_to_its_progress_page(client, branch, staff_user, settings):
    """With a broker the job waits for the worker: the upload, and the extract's preview link, lead to its
    progress page until the preview is made."""
    settings.JOB_INLINE_MAX_ROWS = 5
    client.force_login(staff_user)
    settings.CELERY_BROKER_URL = "redis://127.0.0.1:1/0"  # queued (never sent: the test's transaction stays open)
    response = upload(client, xlsx(PAYMENT_HEADERS, branch.rows))
    extract = Extract.objects.get()
    job = Job.objects.get(kind="reconciliation.extract_preview")
    assert job.status == Job.Status.QUEUED and "counts" not in extract.batch.summary
    assert extract.shape == "" and extract.mapping == {}  # the request read nothing of it: the job will
    assert response["Location"] == job.get_absolute_url()
    index = client.get(reverse("reconciliation:index")).content.decode()
    assert reverse("reconciliation:preview", args=[extract.pk]) in index and "<em>sedang dibaca</em>" in index
    assert client.get(reverse("reconciliation:preview", args=[extract.pk]))["Location"] == job.get_absolute_url()
    # Confirming before the preview is made goes to the same page, and matches nothing.
    assert client.post(reverse("reconciliation:preview", args=[extract.pk]))["Location"] == job.get_absolute_url()
    # The worker's run (here, in this process): then the preview.
    job_run(job_id=job.pk)
    assert client.get(reverse("reconciliation:preview", args=[extract.pk])).status_code == 200


def test_a_preview_job_that_finds_the_file_unreadable_keeps_nothing(client, branch, staff_user, settings):
    settings.JOB_INLINE_MAX_ROWS = 5
    settings.CELERY_BROKER_URL = "redis://127.0.0.1:1/0"
    client.force_login(staff_user)
    upload(client, xlsx(PAYMENT_HEADERS, branch.rows))
    extract = Extract.objects.get()
    job = Job.objects.get(kind="reconciliation.extract_preview")
    extract.batch.file.save("rusak.xlsx", ContentFile(b"PK\x03\x04 bukan xlsx"), save=True)
    job_run(job_id=job.pk)
    job.refresh_from_db()
    assert job.status == Job.Status.FAILED and "unggah lagi" in job.error
    assert job.result == {"url": reverse("reconciliation:index")}
    assert not Extract.objects.exists() and not ImportBatch.objects.filter(kind="inti_iuran").exists()


def test_an_english_browser_gets_the_same_dates_and_indonesian_pages(client, branch, staff_user):
    client.force_login(staff_user)
    response = client.post(
        reverse("reconciliation:index"),
        {
            "file": SimpleUploadedFile("e.xlsx", xlsx(PAYMENT_HEADERS, branch.rows)),
            "shape": "",
            "extract_date": "02/12/2026",
        },
        headers={"accept-language": "en-US,en;q=0.9"},
    )
    assert response.status_code == 302
    assert Extract.objects.get().extract_date.isoformat() == "2026-12-02"  # 2 December, not February 12
    page = client.get(response["Location"], headers={"accept-language": "en-US,en;q=0.9"}).content.decode()
    assert "Pemetaan kolom" in page and "Cocokkan" in page


def test_a_participant_list_as_csv_through_the_pages(client, branch, staff_user):
    """The other shape, as a comma-separated CSV with its own headers and named months: detected, matched, and the
    workers registered here but absent from it listed for the officials' follow-up."""
    from tests.reconciliation.conftest import PARTICIPANT_HEADERS

    b = branch
    rows = [
        [kpj(1), b.agree.nik, "Ahmad Yani", "14/03/1985", "L", "10/01/2024", "JKK JKM", "AKTIF", "Nov 2026", ""],
        [kpj(2), b.missing.nik, b.missing.name, "14/03/1985", "L", "", "", "AKTIF", "Juni 2026", ""],
    ]
    client.force_login(staff_user)
    upload(client, csv_bytes(PARTICIPANT_HEADERS, rows, delimiter=","), name="peserta.csv")
    extract = Extract.objects.get()
    assert (
        extract.shape == "peserta"
        and extract.mapping["BLTH AKHIR"] == "month"
        and extract.mapping["TMT"] == "registered_on"
    )
    client.post(reverse("reconciliation:preview", args=[extract.pk]))
    extract.refresh_from_db()
    counts = extract.summary["counts"]
    # `missing` paid 09-10/2026 here, 06/2026 last in the core system: two months unpaid in core.
    assert (counts["sesuai"], counts["bulan_lebih"], counts["hanya_sini"]) == (1, 2, 5)
    listing = client.get(reverse("reconciliation:findings", args=[extract.pk]), {"kind": "hanya_sini"})
    assert b.here_only.name in listing.content.decode()


def test_a_large_file_of_the_other_shape_fails_its_job_with_the_one_message(client, branch, staff_user, settings):
    settings.JOB_INLINE_MAX_ROWS = 5
    settings.CELERY_BROKER_URL = ""
    client.force_login(staff_user)
    response = upload(client, xlsx(PAYMENT_HEADERS, branch.rows), shape="peserta")
    job = Job.objects.get(kind="reconciliation.extract_preview")
    assert response["Location"] == job.get_absolute_url()
    assert job.status == Job.Status.FAILED and "tampaknya daftar pembayaran, bukan daftar peserta" in job.error
    assert not Extract.objects.exists() and not ImportBatch.objects.filter(kind__startswith="inti").exists()


def test_a_large_sheet_that_records_no_size_is_counted_then_previewed_by_a_job(client, branch, staff_user, settings):
    """openpyxl's streamed workbooks (as some exports are written) record no sheet size: the request counts the
    rows up to the limit, then leaves the preview to the job."""
    settings.JOB_INLINE_MAX_ROWS = 5
    settings.CELERY_BROKER_URL = "redis://127.0.0.1:1/0"
    book = Workbook(write_only=True)
    sheet = book.create_sheet("DATA")
    for row in [PAYMENT_HEADERS, *branch.rows]:
        sheet.append(row)
    buffer = io.BytesIO()
    book.save(buffer)
    client.force_login(staff_user)
    response = upload(client, buffer.getvalue())
    job = Job.objects.get(kind="reconciliation.extract_preview")
    assert response["Location"] == job.get_absolute_url() and job.params["force_shape"] is True
    extract = Extract.objects.get()
    assert extract.shape == "iuran" and "counts" not in extract.batch.summary
    job_run(job_id=job.pk)
    extract.refresh_from_db()
    assert extract.batch.summary["counts"]["new"] == len(branch.rows) and extract.mapping["BLTH"] == "month"
