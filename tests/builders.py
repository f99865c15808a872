"""Scenario builders shared by several test modules: villages joining the programme, participants
with their paid months, the participant import's columns. Single objects come from tests/factories.py.
"""

from __future__ import annotations

import datetime
from io import BytesIO

from openpyxl import Workbook

from participants.models import Contribution, FundingSource, Occupation, Participant
from participants.months import add_months
from participants.stats import stats_refresh
from tests.factories import ParticipantFactory, PayingParticipantFactory

# The participant import's columns, in the order of the template.
PARTICIPANT_HEADERS = [
    "NIK",
    "Nama",
    "Jenis Kelamin",
    "Tanggal Lahir",
    "Pekerjaan",
    "Penghasilan",
    "Sumber Dana",
    "Tanggal Daftar",
]


def join(*villages, working_age: int = 100) -> None:
    """The villages joined the programme in 03/2019, with `working_age` working-age residents."""
    for village in villages:
        village.joined_on = datetime.date(2019, 3, 1)
        village.working_age_population = working_age
        village.save()


def paying(village, count: int, *, first: datetime.date, last: datetime.date, serial: int = 0) -> None:
    """`count` participants of `village` enrolled at `first`, paying every month up to `last`; the
    village's statistics refreshed."""
    for index in range(count):
        PayingParticipantFactory(
            village=village, enrolled_on=first, name=f"Warga {village.name} {serial + index}", paid=[(first, last)]
        )
    stats_refresh(village_ids=[village.pk])


def enrol(
    village, enrolled_on, paid, *, funding=FundingSource.SELF, occupation=Occupation.FARMER, exit_date=None, phone=""
) -> Participant:
    """A participant of `village` who paid every month of the (first, last) ranges in `paid` (no refresh)."""
    return PayingParticipantFactory(
        village=village,
        phone=phone,
        enrolled_on=enrolled_on,
        funding_source=funding,
        occupation=occupation,
        exit_date=exit_date,
        exit_reason=Participant.ExitReason.MOVED if exit_date else "",
        paid=list(paid),
    )


# OpenSID's resident workbook columns (donjo-app/models/Import_model.php, KOLOM_IMPOR_KELUARGA), in order.
OPENSID_HEADERS = [
    "alamat", "dusun", "rw", "rt", "nama", "no_kk", "nik", "sex", "tempatlahir", "tanggallahir", "agama_id",
    "pendidikan_kk_id", "pendidikan_sedang_id", "pekerjaan_id", "status_kawin", "kk_level", "warganegara_id",
    "nama_ayah", "nama_ibu", "golongan_darah_id", "akta_lahir", "dokumen_pasport", "tanggal_akhir_paspor",
    "dokumen_kitas", "ayah_nik", "ibu_nik", "akta_perkawinan", "tanggalperkawinan", "akta_perceraian",
    "tanggalperceraian", "cacat_id", "cara_kb_id", "hamil", "ktp_el", "status_rekam", "alamat_sekarang",
    "status_dasar",
]  # fmt: skip


def with_history(village, size: int, *, paid_on: datetime.date) -> None:
    """`size` participants enrolled since 03/2019, each with up to 84 paid months, and the village's statistics:
    a village whose size and history a write's cost must not depend on."""
    people = ParticipantFactory.create_batch(size, village=village, enrolled_on=datetime.date(2019, 3, 5))
    Contribution.objects.bulk_create(
        Contribution(
            participant=person,
            month=add_months(datetime.date(2019, 3, 1), offset),
            amount=16_800,
            paid_on=paid_on,
            channel=Contribution.Channel.AGENT,
            funding_source=FundingSource.SELF,
        )
        for person in people
        for offset in range(0, 84, 1 + person.pk % 3)
    )
    stats_refresh(village_ids=[village.pk])


def opensid_workbook(residents) -> bytes:
    """An OpenSID resident export: each resident a dict of some OpenSID columns; the rest filled as OpenSID
    fills them (codes, '-' and blanks), dates as yyyy-mm-dd text like OpenSID's export."""
    workbook = Workbook()
    sheet = workbook.active
    sheet.title = "Penduduk"
    sheet.append(OPENSID_HEADERS)
    for number, resident in enumerate(residents, start=1):
        row = {
            "alamat": f"Jl. Lintas Sumatera No. {number}",
            "rw": "001",
            "rt": "002",
            "no_kk": f"130207{number:010d}",
            "tempatlahir": "SOLOK",
            "agama_id": 1,
            "pendidikan_kk_id": 5,
            "status_kawin": 2,
            "kk_level": 1,
            "warganegara_id": 1,
            "nama_ayah": "-",
            "nama_ibu": "-",
            "golongan_darah_id": 13,
            "ktp_el": 2,
            "status_rekam": 4,
            "status_dasar": 1,
            **resident,
        }
        sheet.append([row.get(header) for header in OPENSID_HEADERS])
    buffer = BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()
