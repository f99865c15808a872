"""A small branch with every kind of disagreement, and extract files in a core export's own header dialect."""

from __future__ import annotations

import datetime
import io
from dataclasses import dataclass

import pytest
import time_machine
from openpyxl import Workbook

from participants.models import Participant, Sex
from participants.stats import stats_refresh
from tests.factories import ContributionFactory, ParticipantFactory, make_nik

TODAY = datetime.datetime(2026, 12, 15, 10, tzinfo=datetime.UTC)
SEP, OCT, NOV = datetime.date(2026, 9, 1), datetime.date(2026, 10, 1), datetime.date(2026, 11, 1)
# A core export's dialect: none of these is the import template's own header.
PAYMENT_HEADERS = ["NO_KPJ", "NO_KTP", "NAMA_TK", "BLTH", "NOMINAL IURAN", "TGL_BYR", "KANAL", "KEL/DESA"]
PARTICIPANT_HEADERS = [
    "Nomor KPJ",
    "NIK",
    "NAMA LENGKAP",
    "TGL LHR",
    "JK",
    "TMT",
    "PROGRAM",
    "STS",
    "BLTH AKHIR",
    "DESA",
]


@pytest.fixture(autouse=True)
def _today():
    with time_machine.travel(TODAY, tick=False):
        yield


def xlsx(headers: list, rows: list[list], *, title: str = "Ekstrak") -> bytes:
    workbook = Workbook()
    sheet = workbook.active
    sheet.append([f"EKSTRAK KEPESERTAAN BPU CABANG SOLOK - {title}"])  # a title row above the headers
    sheet.append(headers)
    for row in rows:
        sheet.append(row)
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def csv_bytes(headers: list, rows: list[list], *, delimiter: str = ";") -> bytes:
    lines = [headers, *rows]
    return "\r\n".join(delimiter.join("" if c is None else str(c) for c in line) for line in lines).encode("utf-8-sig")


def kpj(serial: int) -> str:
    return f"{serial:011d}"


@dataclass
class Branch:
    """Participants of Batang Barus (and one of Sikalang), and the payment list the core system would give:
    agreeing, a month missing here, a month unpaid in core, a KPJ missing here, an unknown worker in
    Sikalang, a KPJ/NIK conflict, a worker the core places in another village, and one here only."""

    agree: Participant
    missing: Participant
    extra: Participant
    no_kpj: Participant
    conflict: Participant
    moved: Participant
    here_only: Participant
    unknown_nik: str
    rows: list[list]


def person(village, serial: int, *, kpj_number: str | None, months, name: str | None = None) -> Participant:
    participant = ParticipantFactory(
        village=village,
        name=name or f"Warga {serial}",
        nik=make_nik(birth_date=datetime.date(1985, 3, 14), sex=Sex.MALE, serial=serial),
        kpj=kpj_number,
        enrolled_on=datetime.date(2024, 1, 10),
        monthly_income=1_000_000,  # the minimum base: Rp 8.400 a month in the relief of 04–12/2026
    )
    for month in months:
        ContributionFactory(participant=participant, month=month, amount=8_400)
    return participant


@pytest.fixture
def branch(batang_barus, sikalang) -> Branch:
    agree = person(batang_barus, 1, kpj_number=kpj(1), months=[SEP, OCT, NOV], name="H. Ahmad Yani, S.Pd")
    missing = person(batang_barus, 2, kpj_number=kpj(2), months=[SEP, OCT])
    extra = person(batang_barus, 3, kpj_number=kpj(3), months=[SEP, OCT, NOV])
    no_kpj = person(batang_barus, 4, kpj_number=None, months=[SEP])
    conflict = person(batang_barus, 5, kpj_number=kpj(5), months=[SEP])
    moved = person(batang_barus, 6, kpj_number=kpj(6), months=[SEP])
    here_only = person(sikalang, 7, kpj_number=kpj(7), months=[])
    unknown_nik = make_nik(birth_date=datetime.date(1990, 7, 2), sex=Sex.FEMALE, serial=8)
    stats_refresh(village_ids=[batang_barus.pk, sikalang.pk])

    def pay(p_kpj, nik, name, month, village="Batang Barus", amount="8.400"):
        return [p_kpj, nik, name, f"{month:%Y%m}", amount, f"20/{month:%m/%Y}", "Agen PERISAI", village]

    rows = [
        *(pay(kpj(1), agree.nik, "AHMAD  YANI", m) for m in (SEP, OCT, NOV)),
        *(pay(kpj(2), missing.nik, missing.name, m) for m in (SEP, OCT, NOV)),
        *(pay(kpj(3), extra.nik, extra.name, m) for m in (SEP, OCT)),
        pay(kpj(4), no_kpj.nik, no_kpj.name, SEP),
        # The core system gives the conflict participant's NIK a KPJ that here belongs to `agree`.
        pay(kpj(1), conflict.nik, conflict.name, SEP),
        pay(kpj(6), moved.nik, moved.name, SEP, village="Sikalang"),
        pay(kpj(8), unknown_nik, "Siti Aminah", OCT, village="13.73.04.2010"),
        pay(kpj(8), unknown_nik, "Siti Aminah", NOV, village="13.73.04.2010"),
    ]
    return Branch(agree, missing, extra, no_kpj, conflict, moved, here_only, unknown_nik, rows)
