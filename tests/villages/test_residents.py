"""A village's resident list from OpenSID: the import through the pipeline, the denominators by their
definitions, the prospect list, masking, scope and deleting."""

from __future__ import annotations

import datetime
from io import BytesIO

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone
from openpyxl import Workbook, load_workbook

from participants.imports import import_upload
from participants.models import ImportBatch, Participant
from tests.builders import opensid_workbook
from tests.factories import ParticipantFactory, ResidentFactory, make_nik
from villages.models import Denominator, ExportLog, Resident, ResidentList

pytestmark = pytest.mark.django_db


def _years_ago(years: int, *, days: int = 0) -> datetime.date:
    today = timezone.localdate()
    return today.replace(year=today.year - years) + datetime.timedelta(days=days)


def _person(name, hamlet, birth, sex, code, serial, status=1, region="130207"):
    return {
        "nama": name,
        "dusun": hamlet,
        "nik": make_nik(birth_date=birth, sex="L" if sex == 1 else "P", serial=serial, region=region),
        "sex": sex,
        "tanggallahir": birth.isoformat(),
        "pekerjaan_id": code,
        "status_dasar": status,
    }


HILIR, MUDIAK = "BATANG BARUS HILIR", "BATANG BARUS MUDIAK"


@pytest.fixture
def people():
    """Thirteen valid residents and four bad rows; see the expected figures in the tests."""
    rows = {
        "andi": _person("ANDI", HILIR, datetime.date(1980, 5, 1), 1, 9, 1),  # petani: informal
        "budi": _person("BUDI", HILIR, datetime.date(1975, 6, 2), 1, 85, 2),  # perangkat desa
        "citra": _person("CITRA", HILIR, datetime.date(1990, 7, 3), 2, 5, 3),  # PNS: working, formal
        "dewi": _person("DEWI", HILIR, datetime.date(1990, 8, 4), 2, 2, 4),  # mengurus rumah tangga
        "edi": _person("EDI", HILIR, datetime.date(1960, 9, 5), 1, 9, 5, status=2),  # dead
        "fajar": _person("FAJAR", HILIR, _years_ago(15), 1, 19, 6),  # 15 today: buruh harian lepas
        "gilang": _person("GILANG", HILIR, _years_ago(15, days=1), 1, 9, 7),  # 15 tomorrow
        "hana": _person("HANA", MUDIAK, datetime.date(1970, 1, 8), 2, 84, 8),  # pedagang, a participant
        "indra": _person("INDRA", MUDIAK, datetime.date(1982, 2, 9), 1, 88, 9),  # wiraswasta, exited
        "joko": _person("JOKO", MUDIAK, datetime.date(1985, 3, 10), 1, 88, 10, status=3),  # moved
        "kurnia": _person(
            "KURNIA", MUDIAK, datetime.date(1988, 4, 11), 1, 81, 11, region="317101"
        ),  # sopir, Jakarta NIK
        "lukman": _person("LUKMAN", MUDIAK, datetime.date(1979, 5, 12), 1, 86, 12),  # kepala desa
        "mira": _person("MIRA", MUDIAK, datetime.date(1986, 6, 13), 2, 14, 13),  # transportasi, Sikalang participant
    }
    return rows


@pytest.fixture
def bad_rows(people):
    return [
        {**_person("NIK PENDEK", HILIR, datetime.date(1980, 1, 1), 1, 9, 20), "nik": "12345"},
        {**people["andi"], "nama": "ANDI KEMBAR"},
        {**_person("TANPA TANGGAL", HILIR, datetime.date(1981, 1, 1), 1, 9, 21), "tanggallahir": None},
        _person("KODE ANEH", HILIR, datetime.date(1982, 1, 1), 1, 95, 22),
    ]


@pytest.fixture
def covered(people, batang_barus, sikalang):
    ParticipantFactory(nik=people["hana"]["nik"], name="HANA", sex="P", birth_date=datetime.date(1970, 1, 8))
    ParticipantFactory(
        nik=people["indra"]["nik"],
        name="INDRA",
        birth_date=datetime.date(1982, 2, 9),
        exit_date=datetime.date(2025, 1, 31),
        exit_reason=Participant.ExitReason.MOVED,
    )
    ParticipantFactory(
        nik=people["mira"]["nik"], name="MIRA", sex="P", birth_date=datetime.date(1986, 6, 13), village=sikalang
    )


def upload(client, village, rows, name="penduduk.xlsx"):
    content = opensid_workbook(rows)
    return client.post(
        reverse("dashboard:village_residents", args=[village.code]), {"file": SimpleUploadedFile(name, content)}
    )


def import_list(client, user, village, rows):
    client.force_login(user)
    before = list(Resident.objects.values_list("pk", flat=True))
    response = upload(client, village, rows)
    assert response.status_code == 302, response.content.decode()[:2000]
    batch = ImportBatch.objects.get(pk=response.url.rstrip("/").rsplit("/", 1)[1])
    assert list(Resident.objects.values_list("pk", flat=True)) == before  # nothing stored before confirming
    confirmed = client.post(response.url)
    assert confirmed.status_code == 302
    return batch


def test_preview_gives_row_reasons_and_stores_nothing(client, official, batang_barus, people, bad_rows):
    client.force_login(official)
    response = upload(client, batang_barus, [*people.values(), *bad_rows])
    batch = ImportBatch.objects.get(pk=response.url.rstrip("/").rsplit("/", 1)[1])
    assert batch.kind == "penduduk"
    assert {status: count for status, count in batch.summary["counts"].items() if count} == {"new": 13, "error": 4}
    reasons = {row: (column, message) for row, column, message in batch.summary["errors"]}
    assert reasons[15][0] == "nik" and "16 angka" in reasons[15][1]
    assert reasons[16] == ("nik", "NIK ini sudah ada di baris 2 berkas ini.")
    assert reasons[17][0] == "tanggallahir" and "kosong" in reasons[17][1]
    assert reasons[18][0] == "pekerjaan_id" and "tertulis: 95" in reasons[18][1]
    assert not Resident.objects.exists() and not ResidentList.objects.exists() and not Denominator.objects.exists()


def test_denominators_count_by_the_definitions(client, official, batang_barus, people, bad_rows, covered):
    import_list(client, official, batang_barus, [*people.values(), *bad_rows])
    assert Resident.objects.filter(village=batang_barus).count() == 13
    figures = {
        row.hamlet: (row.alive, row.aged_15, row.working, row.informal)
        for row in Denominator.objects.filter(village=batang_barus)
    }
    assert figures == {HILIR: (6, 5, 4, 3), MUDIAK: (5, 5, 5, 5), "": (11, 10, 9, 8)}
    total = Denominator.objects.get(village=batang_barus, hamlet="")
    assert total.as_of == timezone.localdate()
    assert total.label == f"sumber: data penduduk OpenSID {timezone.localdate():%d/%m/%Y}"
    resident_list = ResidentList.objects.get(village=batang_barus)
    assert resident_list.uploaded_by == official


def test_prospect_list_is_the_uncovered_informal_workers_apparatus_first(
    client, official, batang_barus, people, covered
):
    import_list(client, official, batang_barus, list(people.values()))
    response = client.get(reverse("dashboard:village_prospects", args=[batang_barus.code]))
    assert response.status_code == 200
    names = [resident.name for resident in response.context["page"]]
    assert names == ["BUDI", "LUKMAN", "ANDI", "FAJAR", "INDRA", "KURNIA"]
    page = response.content.decode()
    for key in ("budi", "kurnia"):
        nik = people[key]["nik"]
        assert nik not in page
        assert f"{nik[:6]}******{nik[-4:]}" in page
    lukman = Resident.objects.get(name="LUKMAN")
    assert f"?resident={lukman.pk}" in page


def test_the_next_import_replaces_the_list_and_keeps_the_figures_versioned(client, official, batang_barus, people):
    import_list(client, official, batang_barus, list(people.values()))
    first = Resident.objects.get(name="ANDI").pk
    import_list(client, official, batang_barus, [people["andi"], people["citra"]])
    assert sorted(Resident.objects.values_list("name", flat=True)) == ["ANDI", "CITRA"]
    assert Resident.objects.get(name="ANDI").pk != first
    assert ResidentList.objects.filter(village=batang_barus).count() == 1
    totals = list(Denominator.objects.filter(village=batang_barus, hamlet="").order_by("created_at"))
    assert [(row.alive, row.informal) for row in totals] == [(11, 8), (2, 1)]
    response = client.get(reverse("dashboard:village_residents", args=[batang_barus.code]))
    assert response.context["figures"].village == totals[-1]


def test_readable_names_instead_of_codes(client, official, batang_barus):
    rows = [
        {
            "NIK": make_nik(birth_date=datetime.date(1980, 5, 1), sex="L", serial=1),
            "NAMA LENGKAP": "ANDI",
            "JENIS KELAMIN": "LAKI-LAKI",
            "TANGGAL LAHIR": "01/05/1980",
            "PEKERJAAN": "Petani / Pekebun",
            "DUSUN": "Jorong Koto",
            "AGAMA": "ISLAM",
        },
        {
            "NIK": make_nik(birth_date=datetime.date(1981, 5, 1), sex="L", serial=2),
            "NAMA LENGKAP": "BUDI",
            "JENIS KELAMIN": "L",
            "TANGGAL LAHIR": "01/05/1981",
            "PEKERJAAN": "KEPOLISIAN RI (POLRI)",
            "DUSUN": "Jorong Koto",
            "AGAMA": "ISLAM",
        },
    ]
    headers = list(rows[0])
    workbook = Workbook()
    workbook.active.append(headers)
    for row in rows:
        workbook.active.append([row[header] for header in headers])
    buffer = BytesIO()
    workbook.save(buffer)
    client.force_login(official)
    response = client.post(
        reverse("dashboard:village_residents", args=[batang_barus.code]),
        {"file": SimpleUploadedFile("siak.xlsx", buffer.getvalue())},
    )
    client.post(response.url)
    assert dict(Resident.objects.values_list("name", "occupation_id")) == {"ANDI": 9, "BUDI": 7}
    assert set(Resident.objects.values_list("hamlet", flat=True)) == {"Koto"}


def test_a_participant_of_another_village_is_a_finding_kept_with_the_import(
    client, official, staff_user, batang_barus, sikalang, people, covered
):
    import_list(client, official, batang_barus, list(people.values()))
    # Kept with the import: Mira was a participant of Sikalang then, whatever happens to her afterwards.
    assert dict(
        Resident.objects.filter(participant_village__isnull=False).values_list("name", "participant_village")
    ) == {"MIRA": sikalang.pk}
    Participant.objects.filter(nik=people["mira"]["nik"]).update(
        exit_date=datetime.date(2026, 1, 31), exit_reason=Participant.ExitReason.MOVED
    )
    url = reverse("dashboard:village_residents", args=[batang_barus.code])
    as_official = client.get(url).content.decode()
    assert "terdaftar sebagai peserta di desa lain; hubungi kantor cabang" in as_official
    assert "Sikalang" not in as_official
    client.force_login(staff_user)
    as_staff = client.get(url)
    assert [resident.name for resident in as_staff.context["elsewhere"]] == ["MIRA"]
    assert f"peserta {sikalang}" in as_staff.content.decode()
    # The branch view counts the finding per village.
    assert (
        "1 penduduk terdaftar sebagai peserta desa lain (temuan impor)" in client.get(reverse("home")).content.decode()
    )


def test_the_finding_is_looked_up_once_per_chunk(official, batang_barus, sikalang, people, covered):
    """No query per row: a preview of one row and of thirteen (one of them a participant elsewhere) cost the same."""

    def preview_queries(rows) -> int:
        with CaptureQueriesContext(connection) as captured:
            import_upload(
                user=official, kind="penduduk", name="p.xlsx", content=opensid_workbook(rows), village=batang_barus
            )
        return len(captured)

    preview_queries([people["andi"]])  # the user's roles, cached from here on
    assert preview_queries(list(people.values())) == preview_queries([people["andi"]])


def test_export_is_masked_and_logged(client, official, batang_barus, people, covered):
    import_list(client, official, batang_barus, list(people.values()))
    response = client.get(reverse("dashboard:village_prospects_export", args=[batang_barus.code, "xlsx"]))
    assert response.status_code == 200
    sheet = load_workbook(BytesIO(response.content)).active
    values = [list(row) for row in sheet.iter_rows(values_only=True)]
    header_at = next(index for index, row in enumerate(values) if row[0] == "Jorong/dusun")
    body = values[header_at + 1 :]
    assert [row[1] for row in body] == ["BUDI", "LUKMAN", "ANDI", "FAJAR", "INDRA", "KURNIA"]
    assert all("******" in row[2] for row in body)
    log = ExportLog.objects.get()
    assert (log.user, log.personal_data, log.rows) == (official, True, 6)


def test_another_villages_official_gets_404(client, official, other_official, batang_barus, people):
    import_list(client, official, batang_barus, list(people.values()))
    client.force_login(other_official)
    code = batang_barus.code
    for name, args in (
        ("dashboard:village_residents", [code]),
        ("dashboard:village_prospects", [code]),
        ("dashboard:village_prospects_export", [code, "xlsx"]),
    ):
        assert client.get(reverse(name, args=args)).status_code == 404
    assert client.post(reverse("dashboard:village_residents_delete", args=[code])).status_code == 404
    assert upload(client, batang_barus, list(people.values())).status_code == 404
    assert Resident.objects.count() == 13


def test_head_sees_figures_but_cannot_import_or_delete(client, official, head_user, batang_barus, people):
    import_list(client, official, batang_barus, list(people.values()))
    client.force_login(head_user)
    page = client.get(reverse("dashboard:village_residents", args=[batang_barus.code]))
    assert page.status_code == 200 and page.context["form"] is None
    assert upload(client, batang_barus, [people["andi"]]).status_code == 403
    assert client.post(reverse("dashboard:village_residents_delete", args=[batang_barus.code])).status_code == 403
    assert Resident.objects.count() == 13


def test_delete_removes_the_residents_and_the_list(client, official, batang_barus, people):
    import_list(client, official, batang_barus, list(people.values()))
    response = client.post(reverse("dashboard:village_residents_delete", args=[batang_barus.code]))
    assert response.status_code == 302
    assert not Resident.objects.exists() and not ResidentList.objects.exists()
    page = client.get(reverse("dashboard:village_residents", args=[batang_barus.code]))
    assert page.context["figures"].resident_list is None


def test_prospect_page_queries_do_not_grow_with_rows(client, official, batang_barus, people):
    def queries() -> int:
        with CaptureQueriesContext(connection) as captured:
            assert client.get(url).status_code == 200
        return len(captured)

    url = reverse("dashboard:village_prospects", args=[batang_barus.code])
    import_list(client, official, batang_barus, [people["andi"]])
    few = queries()
    more = [_person(f"WARGA {n:02d}", HILIR, datetime.date(1980, 1, 1 + n), 1, 84, 100 + n) for n in range(25)]
    import_list(client, official, batang_barus, [*people.values(), *more])
    assert queries() == few


def test_branch_view_adds_only_villages_with_a_list(client, official, staff_user, batang_barus, people, covered):
    import_list(client, official, batang_barus, list(people.values()))
    assert 'data-testid="resident-lists"' not in client.get(reverse("dashboard:village_list")).content.decode()
    client.force_login(staff_user)
    for url in (reverse("dashboard:village_list"), reverse("home")):
        page = client.get(url).content.decode()
        assert (
            "1 desa punya data penduduk: 2 dari 8 pekerja informal sudah menjadi peserta (25,0%); 6 calon peserta; "
            "1 penduduk terdaftar sebagai peserta desa lain (temuan impor). Jumlah ini hanya menjumlahkan 1 desa"
            in page
        )


def test_the_prospect_export_is_formula_safe(client, official, batang_barus):
    """A name written as a formula (typed into OpenSID by anyone) reaches the branch's spreadsheet as text."""
    ResidentFactory(village=batang_barus, resident_list__village=batang_barus, name='=HYPERLINK("http://x","klik")')
    ResidentFactory(village=batang_barus, resident_list__village=batang_barus, name="@SUM(A1)", hamlet="+62 Koto")
    client.force_login(official)
    csv = client.get(reverse("dashboard:village_prospects_export", args=[batang_barus.code, "csv"])).content.decode()
    assert "'=HYPERLINK" in csv and "'@SUM(A1)" in csv and "'+62 Koto" in csv
    xlsx = client.get(reverse("dashboard:village_prospects_export", args=[batang_barus.code, "xlsx"])).content
    sheet = load_workbook(BytesIO(xlsx)).active
    cells = [cell for row in sheet.iter_rows() for cell in row if isinstance(cell.value, str)]
    assert not [cell.value for cell in cells if cell.data_type == "f" or cell.value.startswith(("=", "@"))]
    assert {'\'=HYPERLINK("http://x","klik")', "'@SUM(A1)"} <= {cell.value for cell in cells}
