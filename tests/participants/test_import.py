"""The spreadsheet import: messy real-world files, preview without writing, confirm in one transaction."""

from __future__ import annotations

import datetime
import io

import pytest
import time_machine
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from openpyxl import Workbook, load_workbook

from participants.imports import KINDS, ImportFileError, import_confirm, import_upload, read_table, template_workbook
from participants.models import Contribution, ImportBatch, Participant, VillageMonthStat
from tests.builders import PARTICIPANT_HEADERS as HEADERS
from tests.factories import ContributionFactory, ParticipantFactory, UserFactory, make_nik
from villages.access import ROLE_OFFICIAL
from villages.models import ExportLog

BIRTH = datetime.date(1985, 3, 14)


def xlsx(rows: list[list], *, title_rows: list[list] | None = None) -> bytes:
    workbook = Workbook()
    sheet = workbook.active
    for row in title_rows or []:
        sheet.append(row)
    for row in rows:
        sheet.append(row)
    output = io.BytesIO()
    workbook.save(output)
    return output.getvalue()


def csv_bytes(rows: list[list], *, delimiter: str = ";", encoding: str = "utf-8-sig") -> bytes:
    return "\r\n".join(delimiter.join(str(cell) for cell in row) for row in rows).encode(encoding)


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


def upload(user, content: bytes, name: str = "daftar.xlsx", kind=ImportBatch.Kind.PARTICIPANTS, village=None):
    return import_upload(user=user, kind=kind, name=name, content=content, village=village)


def errors_of(batch) -> list[tuple[int, str, str]]:
    return [tuple(error) for error in batch.summary["errors"]]


def test_preview_writes_nothing_and_confirm_writes_every_valid_row(official, batang_barus):
    content = xlsx([HEADERS, worker(1), worker(2), worker(3, **{"Jenis Kelamin": "X"})])
    batch = upload(official, content)
    assert batch.summary["counts"] == {"new": 2, "updated": 0, "unchanged": 0, "error": 1}
    assert Participant.objects.count() == 0
    written = import_confirm(batch=batch, user=official)
    assert written["new"] == 2
    assert set(Participant.objects.values_list("name", flat=True)) == {"Warga 1", "Warga 2"}
    assert set(Participant.objects.values_list("village", flat=True)) == {batang_barus.pk}
    imported = Participant.objects.get(name="Warga 1")
    assert imported.history.get().history_user == official  # the audit history keeps who imported
    assert VillageMonthStat.objects.filter(village=batang_barus).exists()  # the analytics table was refreshed
    batch.refresh_from_db()
    assert batch.status == ImportBatch.Status.CONFIRMED
    with pytest.raises(ImportFileError):
        import_confirm(batch=batch, user=official)


def test_importing_the_same_file_twice_changes_nothing(official):
    content = xlsx([HEADERS, worker(1, **{"Penghasilan": 2_000_000}), worker(2)])
    import_confirm(batch=upload(official, content), user=official)
    history_rows = Participant.history.count()
    second = upload(official, content)
    assert second.summary["counts"] == {"new": 0, "updated": 0, "unchanged": 2, "error": 0}
    import_confirm(batch=second, user=official)
    assert Participant.objects.count() == 2
    assert Participant.history.count() == history_rows


def test_changed_rows_are_updates(official):
    import_confirm(batch=upload(official, xlsx([HEADERS, worker(1)])), user=official)
    batch = upload(official, xlsx([HEADERS, worker(1, **{"Penghasilan": "Rp 2.500.000", "Nama": "Warga Satu"})]))
    assert batch.summary["counts"]["updated"] == 1
    detail = "Nama: Warga 1 → Warga Satu; Penghasilan: Rp 1.500.000 → Rp 2.500.000"
    assert batch.summary["rows"][0][1:] == ["updated", "Warga Satu", detail]
    import_confirm(batch=batch, user=official, update_all=True)
    participant = Participant.objects.get()
    assert (participant.name, participant.monthly_income) == ("Warga Satu", 2_500_000)
    assert participant.history.count() == 2


def test_messy_cells_are_read(official):
    """Title rows, odd header spelling, Excel dates, both date styles, Rupiah styles, blank lines, spaces."""
    headers = ["  nik ", "NAMA", "jenis  kelamin", "Tanggal lahir", "PEKERJAAN", "penghasilan", "sumber_dana"]
    headers += ["Tanggal Daftar", "No. HP", "Keterangan lain"]
    rows = [
        headers,
        [
            make_nik(birth_date=BIRTH, sex="L", serial=1),
            " Budi  ",
            "l",
            datetime.datetime(1985, 3, 14),
            "tani",
            1500000,
            "APB Nagari",
            "02-01-2025",
            81234567890,
            "diabaikan",
        ],
        [None] * 10,
        [
            make_nik(birth_date=BIRTH, sex="P", serial=2),
            "Sari",
            "Perempuan",
            "14-03-1985",
            "Pedagang",
            "Rp 1.500.000,-",
            "mandiri",
            datetime.date(2025, 1, 2),
            "0812 3456 789",
            None,
        ],
        ["", "   ", None, "", "", "", "", "", "", ""],
        [
            make_nik(birth_date=BIRTH, sex="L", serial=3),
            "Andi",
            "L",
            31120,
            "Buruh harian lepas",
            "Rp1,500,000",
            "Dana Desa",
            "2/1/2025",
            None,
            None,
        ],
    ]
    batch = upload(official, xlsx(rows, title_rows=[["DAFTAR PESERTA BPU NAGARI BATANG BARUS"], []]))
    assert batch.summary["errors"] == []
    assert batch.summary["counts"]["new"] == 3
    assert batch.summary["ignored"] == ["Keterangan lain"]
    import_confirm(batch=batch, user=official)
    budi = Participant.objects.get(name="Budi")
    assert (budi.phone, budi.monthly_income, budi.funding_source) == ("081234567890", 1_500_000, "apbdes")
    assert Participant.objects.get(name="Andi").birth_date == BIRTH  # Excel serial 31120
    assert Participant.objects.get(name="Sari").sex == "P"


def test_nik_stored_as_an_excel_number_is_explained(official):
    truncated = int(make_nik(birth_date=BIRTH, sex="L", serial=1)[:15] + "0")
    batch = upload(official, xlsx([HEADERS, worker(1, NIK=truncated), worker(2, NIK="1,30207E+15")]))
    (row2, column2, message2), (row3, column3, message3) = errors_of(batch)
    assert (row2, column2) == (2, "NIK") and "15 digit" in message2 and "Teks" in message2
    assert (row3, column3) == (3, "NIK") and "notasi ilmiah" in message3 and "Teks" in message3


def test_each_error_names_row_column_and_reason(official, sikalang):
    ParticipantFactory(village=sikalang, nik=make_nik(birth_date=BIRTH, sex="L", serial=9), name="Orang Sikalang")
    rows = [
        HEADERS,
        worker(1, **{"Tanggal Lahir": "31/02/1985"}),
        worker(2, **{"Penghasilan": "sejuta"}),
        worker(3, **{"Pekerjaan": "astronaut"}),
        worker(4, **{"Jenis Kelamin": "P"}),
        worker(5, **{"Tanggal Lahir": "15/03/1985"}),
        worker(1),
        worker(9),
        worker(6, **{"Nama": ""}),
        worker(7, **{"Tanggal Daftar": "01/01/2099"}),
    ]
    errors = errors_of(upload(official, xlsx(rows)))
    assert [(row, column) for row, column, _ in errors] == [
        (2, "Tanggal Lahir"),
        (3, "Penghasilan"),
        (4, "Pekerjaan"),
        (5, "NIK"),
        (6, "NIK"),
        (7, "NIK"),
        (8, "NIK"),
        (9, "Nama"),
        (10, "Tanggal Daftar"),
    ]
    messages = {(row, column): message for row, column, message in errors}
    assert "Jenis kelamin tidak cocok" in messages[(5, "NIK")]
    assert "baris 2" in messages[(7, "NIK")]
    assert "desa lain" in messages[(8, "NIK")] and "Sikalang" not in messages[(8, "NIK")]


def test_a_file_that_is_not_a_spreadsheet_is_refused(official):
    with pytest.raises(ImportFileError, match="bukan spreadsheet"):
        upload(official, b"%PDF-1.4 not a workbook", name="daftar.xlsx")
    with pytest.raises(ImportFileError, match=r"\.xlsx"):
        upload(official, b"hello", name="daftar.pdf")
    with pytest.raises(ImportFileError, match="xls"):
        upload(official, b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 100, name="lama.xls.xlsx")
    with pytest.raises(ImportFileError, match="judul kolom"):
        upload(official, b"\x89PNG\r\n\x1a\n binary", name="gambar.csv")
    with pytest.raises(ImportFileError, match="Kolom wajib"):
        upload(official, xlsx([["NIK", "Nama"], ["1", "x"]]))
    assert ImportBatch.objects.count() == 0


def test_upload_size_is_bounded(official, settings):
    settings.MAX_UPLOAD_MB = 0
    with pytest.raises(ImportFileError, match="terlalu besar"):
        upload(official, xlsx([HEADERS, worker(1)]))


@pytest.mark.parametrize(
    ("delimiter", "encoding"), [(";", "utf-8-sig"), (",", "utf-8"), ("\t", "cp1252"), (";", "utf-16")]
)
def test_csv_in_any_common_dialect(official, delimiter, encoding):
    content = csv_bytes([HEADERS, worker(1, Nama="José"), worker(2)], delimiter=delimiter, encoding=encoding)
    batch = upload(official, content, name="daftar.csv")
    assert batch.summary["counts"]["new"] == 2, batch.summary["errors"]
    import_confirm(batch=batch, user=official)
    assert Participant.objects.filter(name="José").exists()


def test_branch_staff_must_say_which_village(staff_user, batang_barus, sikalang):
    headers = [*HEADERS, "Desa"]
    rows = [
        headers,
        [*worker(1), "13.02.07.2006"],
        [*worker(2), "Sikalang"],
        [*worker(3), ""],
        [*worker(4), "Atlantis"],
    ]
    batch = upload(staff_user, xlsx(rows))
    assert [(row, column) for row, column, _ in errors_of(batch)] == [(4, "Desa"), (5, "Desa")]
    import_confirm(batch=batch, user=staff_user)
    assert Participant.objects.get(name="Warga 1").village == batang_barus
    assert Participant.objects.get(name="Warga 2").village == sikalang
    with_default = upload(staff_user, xlsx([headers, [*worker(3), ""]]), village=sikalang)
    assert with_default.summary["counts"]["new"] == 1


def test_an_official_cannot_import_into_another_village(official, sikalang):
    batch = upload(official, xlsx([[*HEADERS, "Desa"], [*worker(1), "13.73.04.2010"]]))
    assert errors_of(batch)[0][1] == "Desa"
    assert "tidak ditemukan di wilayah Anda" in errors_of(batch)[0][2]


def test_rejected_rows_download_keeps_nik_as_text(client, official):
    truncated = int(make_nik(birth_date=BIRTH, sex="L", serial=1)[:15] + "0")
    batch = upload(official, xlsx([HEADERS, worker(1, NIK=truncated), worker(2), worker(3, Pekerjaan="?")]))
    client.force_login(official)
    response = client.get(reverse("participants:import_rejected", args=[batch.pk]))
    assert response.status_code == 200
    sheet = load_workbook(io.BytesIO(response.content)).active
    rows = list(sheet.iter_rows(values_only=True))
    assert rows[0] == ("Baris asal", *HEADERS, "Kesalahan")
    assert [row[0] for row in rows[1:]] == [2, 4]
    assert rows[1][1] == str(truncated)
    assert "NIK" in rows[1][-1] and "Pekerjaan" in rows[2][-1]
    log = ExportLog.objects.get()
    assert (log.user, log.rows, log.personal_data) == (official, 2, True)
    # The fixed file imports: what was rejected can be uploaded again.
    assert read_table(content=response.content, name="ditolak.xlsx", kind=KINDS[ImportBatch.Kind.PARTICIPANTS])


def test_template_imports_cleanly_once_filled(official):
    workbook = load_workbook(io.BytesIO(template_workbook(kind=ImportBatch.Kind.PARTICIPANTS)))
    sheet = workbook["Peserta"]
    assert [cell.value for cell in sheet[1]][:8] == HEADERS
    assert sheet["A2"].number_format == "@"  # NIK column formatted as text
    for index, value in enumerate(worker(1), start=1):
        sheet.cell(row=2, column=index, value=value)
    output = io.BytesIO()
    workbook.save(output)
    assert upload(official, output.getvalue()).summary["counts"]["new"] == 1


# On 15/03/2024 the months 01–03/2024 can be paid (the current month and arrears within the grace).
@time_machine.travel(datetime.datetime(2024, 3, 15, 10, tzinfo=datetime.UTC), tick=False)
def test_contribution_import(official, sikalang):
    # At the minimum income base: 16.800 a month in 2024 (JKK 10.000 + JKM 6.800).
    participant = ParticipantFactory(enrolled_on=datetime.date(2024, 1, 10), monthly_income=1_000_000)
    outsider = ParticipantFactory(village=sikalang)
    ContributionFactory(participant=participant, month=datetime.date(2024, 1, 1), amount=16_800)
    rows = [
        ["NIK", "Bulan", "Jumlah", "Tanggal Bayar"],
        [participant.nik, "01/2024", "16.800", ""],
        [participant.nik, "02/2024", "Rp 16.800", "05/02/2024"],
        [participant.nik, datetime.datetime(2024, 3, 1), 16800, None],
        [participant.nik, "03-2024", 16800, None],
        [participant.nik, "12/2023", 16800, None],
        [outsider.nik, "02/2024", 16800, None],
        [participant.nik, "13/2024", 16800, None],
    ]
    batch = upload(official, xlsx(rows), kind=ImportBatch.Kind.CONTRIBUTIONS)
    assert batch.summary["counts"] == {"new": 2, "updated": 0, "unchanged": 1, "error": 4}
    assert [(row, column) for row, column, _ in errors_of(batch)] == [
        (5, "Bulan"),
        (6, "Bulan"),
        (7, "NIK"),
        (8, "Bulan"),
    ]
    import_confirm(batch=batch, user=official)
    assert sorted(participant.contributions.values_list("month", flat=True)) == [
        datetime.date(2024, 1, 1),
        datetime.date(2024, 2, 1),
        datetime.date(2024, 3, 1),
    ]
    assert not Contribution.objects.filter(participant=outsider).exists()
    again = upload(official, xlsx(rows), kind=ImportBatch.Kind.CONTRIBUTIONS)
    assert again.summary["counts"]["new"] == 0


def test_import_pages_end_to_end(client, official):
    client.force_login(official)
    page = client.get(reverse("participants:import"))
    assert "Desa bawaan" not in page.text  # an official with one village is not asked
    content = xlsx([HEADERS, worker(1), worker(2, **{"Jenis Kelamin": "?"})])
    response = client.post(reverse("participants:import"), {"file": _file(content, "daftar.xlsx")})
    assert response.status_code == 302
    preview = client.get(response["Location"])
    assert "Jenis Kelamin" in preview.text and "Tulis L" in preview.text
    assert Participant.objects.count() == 0
    client.post(response["Location"])
    assert Participant.objects.count() == 1
    refused = client.post(reverse("participants:import"), {"file": _file(b"garbage", "daftar.xlsx")})
    assert refused.status_code == 200 and "bukan spreadsheet" in refused.text
    refused = client.post(reverse("participants:import"), {"file": _file(b"%PDF", "daftar.pdf")})
    assert "Hanya berkas Excel" in refused.text


def test_another_users_batch_cannot_be_confirmed(client, official):
    batch = upload(official, xlsx([HEADERS, worker(1)]))
    colleague = UserFactory(role=ROLE_OFFICIAL, villages=[official.village_assignments.get().village])
    client.force_login(colleague)
    assert client.post(reverse("participants:import_preview", args=[batch.pk])).status_code == 404
    assert Participant.objects.count() == 0


def _file(content: bytes, name: str) -> SimpleUploadedFile:
    return SimpleUploadedFile(name, content)


def test_headers_with_hints_and_numbering_columns(official):
    headers = ["No", "N I K", "Nama Lengkap", "Jenis Kelamin (L/P)", "Tgl. Lahir", "Jenis Pekerjaan"]
    headers += ["Penghasilan (Rp)", "Sumber Dana", "Tanggal Daftar (dd/mm/yyyy)", "JHT (Ya/Tidak)"]
    numbered_but_empty = [[number] + [None] * 9 for number in range(2, 40)]
    batch = upload(official, xlsx([headers, [1, *worker(1), "Ya"], *numbered_but_empty]))
    assert batch.summary["counts"] == {"new": 1, "updated": 0, "unchanged": 0, "error": 0}, batch.summary["errors"]
    assert batch.summary["ignored"] == ["No"]
    import_confirm(batch=batch, user=official)
    assert Participant.objects.get().has_jht is True


@time_machine.travel(datetime.datetime(2024, 2, 15, 10, tzinfo=datetime.UTC), tick=False)
def test_amounts_beyond_the_database_column_are_row_errors(official):
    participant = ParticipantFactory(enrolled_on=datetime.date(2024, 1, 10), monthly_income=1_000_000)
    rows = [
        ["NIK", "Bulan", "Jumlah"],
        [participant.nik, "01/2024", 10**19],
        [participant.nik, "02/2024", 16_800],
    ]
    batch = upload(official, xlsx(rows), kind=ImportBatch.Kind.CONTRIBUTIONS)
    assert batch.summary["counts"] == {"new": 1, "updated": 0, "unchanged": 0, "error": 1}
    assert errors_of(batch)[0][:2] == (2, "Jumlah")
    import_confirm(batch=batch, user=official)
    assert participant.contributions.get().amount == 16_800
