"""An OpenSID resident workbook as villages really have it, counted by hand.

The workbook follows OpenSID's import/export layout (`donjo-app/models/Import_model.php`: 37 columns
`alamat … status_dasar` in that order) with what real files carry: a title row and a blank row above the
header, columns OpenSID added later (`suku`, `id`), `sex` as 1/2 and as L/P/LAKI-LAKI, `status_dasar` as
codes and as names (PINDAH DALAM NEGERI), birth dates as yyyy-mm-dd, dd-mm-yyyy, dd/mm/yyyy with a leading
apostrophe, an Excel date and an Excel serial number, occupations as Dukcapil codes and as SIAK names,
dusun with OpenSID's "DUSUN " prefix and underscores, and the `###` row that ends OpenSID's import format
(followed by a note that must not be read). The same residents again with readable headers and names
(a SIAK-style list, columns in another order) must give the same figures.

The expected figures are worked out by hand below, from the published definitions (alive: status_dasar 1;
15+: alive and 15 on the import date; working: 15+ and not belum/tidak bekerja, mengurus rumah tangga,
pelajar/mahasiswa, pensiunan; informal: working and not a wage earner, civil servant, army or police), not
from the code.
"""

from __future__ import annotations

import datetime
from io import BytesIO

import pytest
import time_machine
from django.conf import settings
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone
from openpyxl import Workbook

from participants.models import ImportBatch, Participant
from tests.builders import OPENSID_HEADERS
from tests.factories import ParticipantFactory, make_nik
from villages.models import Denominator, OccupationCode, Resident

pytestmark = pytest.mark.django_db

# The import date is the branch's (Asia/Jakarta) today: the test runs at a fixed moment, so that "15 today" holds
# however late in the day (UTC) it runs.
NOW = datetime.datetime(2026, 11, 14, 10, 0, tzinfo=datetime.UTC)
TODAY = datetime.date(2026, 11, 14)


@pytest.fixture(autouse=True)
def _import_day():
    with time_machine.travel(NOW, tick=False):
        assert timezone.localdate() == TODAY
        yield


EXCEL_EPOCH = datetime.date(1899, 12, 30)


def years_ago(years: int, *, days: int = 0) -> datetime.date:
    return TODAY.replace(year=TODAY.year - years) + datetime.timedelta(days=days)


# name, dusun as written, sex (code, readable), birth date, how the date is written, occupation (code, name),
# status_dasar (code, name), NIK region. Comments: what the row counts as, worked out by hand.
RESIDENTS = [
    ("AMIR", "KOTO", (1, "LAKI-LAKI"), datetime.date(1980, 5, 1), "iso", (9, "PETANI/PEKEBUN"), (1, "HIDUP")),
    # ^ alive, 15+, working, informal; no participant: prospect
    ("BAIDAH", "DUSUN KOTO", (2, "PEREMPUAN"), datetime.date(1985, 3, 14), "dmy-", (2, "MENGURUS RUMAH TANGGA"),
     (1, "HIDUP")),
    # ^ alive, 15+, not working
    ("CANDRA", "KOTO", ("L", "L"), datetime.date(1990, 7, 3), "excel", (88, "WIRASWASTA"), ("1", "HIDUP")),
    # ^ informal, an active participant of this village: not a prospect
    ("DARNI", "KOTO", ("P", "P"), datetime.date(1975, 6, 2), "serial", (19, "BURUH HARIAN LEPAS"), (1, "HIDUP")),
    # ^ informal, prospect
    ("ERWIN", "DUSUN_KOTO", ("LAKI-LAKI", "LK"), datetime.date(1970, 2, 1), "'dmy/", (85, "PERANGKAT DESA"),
     (1, "HIDUP")),
    # ^ informal, village apparatus: prospect, listed first
    ("FADLI", "KOTO", (1, "LAKI-LAKI"), datetime.date(2015, 1, 1), "iso", (3, "PELAJAR/MAHASISWA"), (1, "HIDUP")),
    # ^ alive, under 15
    ("GUSTI", "KOTO", (1, "LAKI-LAKI"), years_ago(15), "iso", (9, "PETANI/PEKEBUN"), (1, "HIDUP")),
    # ^ 15 today: 15+, informal, prospect
    ("HASNAH", "KOTO", (2, "PEREMPUAN"), years_ago(15, days=1), "iso", (19, "BURUH HARIAN LEPAS"), (1, "HIDUP")),
    # ^ 15 tomorrow: alive, not 15+
    ("IRWAN", "KOTO", (1, "LAKI-LAKI"), datetime.date(1960, 9, 5), "iso", (9, "PETANI/PEKEBUN"), (2, "MATI")),
    # ^ dead
    ("JONI", "BALAI GADANG", (1, "LAKI-LAKI"), datetime.date(1988, 4, 11), "iso", (5, "PEGAWAI NEGERI SIPIL (PNS)"),
     (1, "HIDUP")),
    # ^ working, a civil servant: not informal
    ("KASMAWATI", "BALAI GADANG", (2, "PEREMPUAN"), datetime.date(1979, 5, 12), "iso", (88, "WIRASWASTA"),
     (3, "PINDAH DALAM NEGERI")),
    # ^ moved away
    ("LUKMAN", "BALAI_GADANG", (1, "LAKI-LAKI"), datetime.date(1982, 2, 9), "iso", (88, "WIRASWASTA"), (1, "HIDUP")),
    # ^ informal; was a participant, exited: prospect again
    ("MIRA", "BALAI GADANG", (2, "PEREMPUAN"), datetime.date(1986, 6, 13), "iso", (14, "TRANSPORTASI"), (1, "HIDUP")),
    # ^ informal; an active participant of another village (Sikalang): a finding, not a prospect
    ("NURHAYATI", "BALAI GADANG", (2, "PEREMPUAN"), datetime.date(1990, 8, 4), "iso", (1, "BELUM/TIDAK BEKERJA"),
     (1, "HIDUP")),
    # ^ alive, 15+, not working
    ("OYONG", "BALAI GADANG", (1, "LAKI-LAKI"), datetime.date(1975, 3, 3), "iso", (86, "KEPALA DESA"), (1, "HIDUP")),
    # ^ informal, apparatus (wali nagari): prospect, listed first
    ("PUTRI", "BALAI GADANG", (2, "PEREMPUAN"), datetime.date(1995, 10, 10), "iso", (9, "PETANI/PEKEBUN"),
     (4, "HILANG")),
    # ^ missing: not alive
    ("QORI", "BALAI GADANG", (2, "PEREMPUAN"), datetime.date(1992, 12, 12), "iso", (89, "LAINNYA"),
     (9, "TIDAK VALID")),
    # ^ invalid: not alive
    ("RAHMAT", "BALAI GADANG", (1, "LAKI-LAKI"), datetime.date(1984, 1, 20), "iso", (81, "SOPIR"), (1, "HIDUP")),
    # ^ informal, a Jakarta NIK (moved here: normal): prospect
]  # fmt: skip
JAKARTA = {"RAHMAT"}

# By hand (see the comments above), per dusun: (alive, aged 15+, working, informal).
# KOTO: alive AMIR BAIDAH CANDRA DARNI ERWIN FADLI GUSTI HASNAH = 8; 15+ less FADLI, HASNAH = 6;
#   working less BAIDAH = 5; informal = 5 (codes 9, 88, 19, 85, 9).
# BALAI GADANG: alive JONI LUKMAN MIRA NURHAYATI OYONG RAHMAT = 6; 15+ = 6; working less NURHAYATI = 5;
#   informal less JONI (PNS) = 4.
EXPECTED = {"KOTO": (8, 6, 5, 5), "BALAI GADANG": (6, 6, 5, 4), "": (14, 12, 10, 9)}
# Informal workers not covered: apparatus first (by dusun, then name), then by dusun and name.
EXPECTED_PROSPECTS = [
    ("OYONG", "BALAI GADANG"),
    ("ERWIN", "KOTO"),
    ("LUKMAN", "BALAI GADANG"),
    ("RAHMAT", "BALAI GADANG"),
    ("AMIR", "KOTO"),
    ("DARNI", "KOTO"),
    ("GUSTI", "KOTO"),
]


def nik_of(name: str, sex, birth: datetime.date, serial: int) -> str:
    female = sex in (2, "P", "PEREMPUAN")
    return make_nik(
        birth_date=birth, sex="P" if female else "L", serial=serial, region="317101" if name in JAKARTA else "130207"
    )


def written_date(birth: datetime.date, how: str):
    return {
        "iso": birth.isoformat(),
        "dmy-": f"{birth:%d-%m-%Y}",
        "'dmy/": f"'{birth:%d/%m/%Y}",
        "excel": datetime.datetime(birth.year, birth.month, birth.day),
        "serial": (birth - EXCEL_EPOCH).days,
    }[how]


def residents():
    for serial, (name, dusun, sex, birth, how, occupation, status) in enumerate(RESIDENTS, start=1):
        yield name, dusun, sex, birth, how, occupation, status, nik_of(name, sex[0], birth, serial)


def save(workbook: Workbook) -> bytes:
    buffer = BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def opensid_export() -> bytes:
    """OpenSID's column names and codes, a title row above, later columns after, and the end marker."""
    workbook = Workbook()
    sheet = workbook.active
    sheet.title = "Penduduk"
    sheet.append(["DATA PENDUDUK NAGARI BATANG BARUS"])
    sheet.append([])
    headers = [*OPENSID_HEADERS, "suku", "id"]
    sheet.append(headers)
    for number, (name, dusun, sex, birth, how, occupation, status, nik) in enumerate(residents(), start=1):
        row = dict.fromkeys(headers, "-")
        row.update(
            alamat=f"Jl. Raya Solok No. {number}",
            dusun=dusun,
            rw="001",
            rt="002",
            nama=name,
            no_kk=f"130207{number:010d}",
            nik=nik,
            sex=sex[0],
            tempatlahir="SOLOK",
            tanggallahir=written_date(birth, how),
            agama_id=1,
            pekerjaan_id=occupation[0],
            status_kawin=1,
            status_dasar=status[0],
            suku="MINANG",
            id=number,
        )
        sheet.append([row[header] for header in headers])
    sheet.append(["", "###"])
    sheet.append(["", "Catatan: kolom di bawah baris ### tidak dibaca", "", "", "BUKAN PENDUDUK"])
    return save(workbook)


def readable_list() -> bytes:
    """The same residents with readable headers and names, columns in another order (a SIAK-style list)."""
    workbook = Workbook()
    sheet = workbook.active
    headers = ["No", "Nomor NIK", "Nama", "Jenis Kelamin", "Tanggal Lahir", "Umur", "Pekerjaan", "Dusun",
               "Status Dasar", "Agama"]  # fmt: skip
    sheet.append(headers)
    for number, (name, dusun, sex, birth, how, occupation, status, nik) in enumerate(residents(), start=1):
        sheet.append(
            [number, nik, name, sex[1], written_date(birth, how), 40, occupation[1], dusun, status[1], "ISLAM"]
        )
    return save(workbook)


@pytest.fixture
def participants(batang_barus, sikalang):
    by_name = {name: (nik, birth) for name, _, _, birth, _, _, _, nik in residents()}
    exited = datetime.date(2025, 1, 31)
    for name, village, exit_date in (("CANDRA", batang_barus, None), ("LUKMAN", batang_barus, exited),
                                     ("MIRA", sikalang, None)):  # fmt: skip
        nik, birth = by_name[name]
        ParticipantFactory(
            nik=nik,
            name=name,
            birth_date=birth,
            sex="P" if nik[6] >= "4" else "L",
            village=village,
            exit_date=exit_date,
            exit_reason=Participant.ExitReason.MOVED if exit_date else "",
        )


def import_as(client, user, village, content: bytes, name: str):
    client.force_login(user)
    response = client.post(
        reverse("dashboard:village_residents", args=[village.code]),
        {"file": SimpleUploadedFile(name, content)},
        HTTP_ACCEPT_LANGUAGE="en",
    )
    assert response.status_code == 302, response.content.decode()[:3000]
    batch = ImportBatch.objects.get(pk=response.url.rstrip("/").rsplit("/", 1)[1])
    assert not Resident.objects.filter(village=village).exists()  # nothing stored before confirming
    assert client.post(response.url, HTTP_ACCEPT_LANGUAGE="en").status_code == 302
    return batch


@pytest.mark.parametrize("layout", [opensid_export, readable_list])
def test_an_opensid_list_is_counted_by_the_published_definitions(
    client, official, staff_user, batang_barus, sikalang, participants, layout
):
    batch = import_as(client, official, batang_barus, layout(), f"{layout.__name__}.xlsx")
    assert {status: count for status, count in batch.summary["counts"].items() if count} == {"new": len(RESIDENTS)}
    figures = {
        row.hamlet: (row.alive, row.aged_15, row.working, row.informal)
        for row in Denominator.objects.filter(village=batang_barus)
    }
    assert figures == EXPECTED
    page = client.get(reverse("dashboard:village_prospects", args=[batang_barus.code]), HTTP_ACCEPT_LANGUAGE="en")
    prospects = [(resident.name, resident.hamlet) for resident in page.context["page"]]
    assert prospects == EXPECTED_PROSPECTS
    assert {resident.name: resident.age for resident in page.context["page"]}["GUSTI"] == 15
    # The branch sees where Mira is a participant; the coverage names its denominator.
    client.force_login(staff_user)
    residents_page = client.get(reverse("dashboard:village_residents", args=[batang_barus.code]))
    assert [resident.name for resident in residents_page.context["elsewhere"]] == ["MIRA"]
    village_page = client.get(reverse("dashboard:village_detail", args=[batang_barus.code]), HTTP_ACCEPT_LANGUAGE="en")
    assert f"sumber: data penduduk OpenSID {TODAY:%d/%m/%Y}" in village_page.content.decode()


def test_the_shipped_occupation_mapping_is_the_documented_one():
    """All 89 codes, as the migration ships them, are the table of docs/rules.md (working, informal)."""
    documented = {}
    for line in (settings.BASE_DIR / "docs" / "rules.md").read_text(encoding="utf-8").splitlines():
        cells = [cell.strip() for cell in line.strip("|").split("|")]
        if len(cells) == 4 and cells[0].isdigit():
            documented[int(cells[0])] = (cells[1], cells[2] == "ya", cells[3] == "ya")
    shipped = {code.code: (code.name, code.working, code.informal) for code in OccupationCode.objects.all()}
    assert sorted(shipped) == list(range(1, 90))
    assert shipped == documented
    informal = {code for code, (_, _, is_informal) in shipped.items() if is_informal}
    assert {9, 14, 19, 81, 84, 85, 86, 88} <= informal and not {1, 2, 3, 4, 5, 6, 7, 15} & informal
