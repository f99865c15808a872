"""Property: whatever rows a spreadsheet holds, the import never raises and writes exactly what it previewed."""

from __future__ import annotations

import csv
import datetime
import io

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from openpyxl import Workbook

from participants.imports import import_confirm, import_upload
from participants.models import Contribution, FundingSource, ImportBatch, Occupation, Participant
from tests.builders import PARTICIPANT_HEADERS as HEADERS
from tests.factories import ParticipantFactory, make_nik

dates = st.dates(min_value=datetime.date(1940, 1, 1), max_value=datetime.date(2030, 12, 31))
printable = st.text(alphabet=st.characters(blacklist_categories=("Cs", "Cc")), max_size=30)
any_cell = st.one_of(
    st.none(),
    printable,
    st.integers(min_value=-(10**17), max_value=10**17),
    st.floats(allow_nan=False, allow_infinity=False),
    dates,
)


@st.composite
def worker_rows(draw) -> list:
    """A row that is valid, nearly valid (one cell replaced by anything) or noise."""
    birth = draw(st.dates(min_value=datetime.date(1950, 1, 1), max_value=datetime.date(2005, 12, 31)))
    sex = draw(st.sampled_from(["L", "P"]))
    row = [
        make_nik(birth_date=birth, sex=sex, serial=draw(st.integers(1, 60))),
        draw(st.text(alphabet="abcdefghij ", min_size=1, max_size=20)),
        draw(st.sampled_from([sex, sex.lower(), "Laki-laki" if sex == "L" else "Perempuan"])),
        draw(st.sampled_from([birth, f"{birth:%d/%m/%Y}", f"{birth:%d-%m-%Y}"])),
        draw(st.sampled_from([str(label) for label in Occupation.labels])),
        draw(st.sampled_from([1_500_000, "1.500.000", "Rp 2.000.000", "750000"])),
        draw(st.sampled_from([str(label) for label in FundingSource.labels])),
        draw(st.sampled_from([datetime.date(2024, 2, 1), "01/02/2024", "15-06-2025"])),
    ]
    shape = draw(st.sampled_from(["valid", "one_bad", "noise"]))
    if shape == "one_bad":
        row[draw(st.integers(0, len(row) - 1))] = draw(any_cell)
    elif shape == "noise":
        row = draw(st.lists(any_cell, min_size=0, max_size=10))
    return row


def _xlsx(rows: list[list], header: list[str] = HEADERS) -> bytes:
    workbook = Workbook()
    sheet = workbook.active
    for row in [header, *rows]:
        sheet.append(row)
    output = io.BytesIO()
    workbook.save(output)
    return output.getvalue()


def _csv(rows: list[list], header: list[str] = HEADERS) -> bytes:
    output = io.StringIO()
    writer = csv.writer(output, delimiter=";")
    for row in [header, *rows]:
        writer.writerow(row)
    return output.getvalue().encode("utf-8")


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(rows=st.lists(worker_rows(), max_size=25), as_csv=st.booleans())
def test_import_never_raises_and_writes_the_whole_valid_batch(official, rows, as_csv):
    content, name = (_csv(rows), "acak.csv") if as_csv else (_xlsx(rows), "acak.xlsx")
    before = set(Participant.objects.values_list("nik", flat=True))
    batch = import_upload(user=official, kind=ImportBatch.Kind.PARTICIPANTS, name=name, content=content)
    counts = batch.summary["counts"]
    assert set(Participant.objects.values_list("nik", flat=True)) == before  # the preview writes nothing
    written = import_confirm(batch=batch, user=official, update_all=True)  # every previewed change chosen
    assert written.pop("skipped") == 0
    assert written == counts  # the confirmation agrees with the preview
    after = set(Participant.objects.values_list("nik", flat=True))
    assert len(after - before) == counts["new"]  # every new row, and only those, is written
    assert after >= before


@st.composite
def payment_rows(draw, niks: list[str]) -> list:
    row = [
        draw(st.sampled_from(niks)),
        draw(st.sampled_from(["01/2025", "02/2025", "2025-03", "Maret 2025", datetime.date(2025, 4, 1), "12/2023"])),
        draw(st.sampled_from([16_800, "16.800", "Rp 36.800"])),
    ]
    if draw(st.booleans()):
        row[draw(st.integers(0, 2))] = draw(any_cell)
    return row


@settings(max_examples=30, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(data=st.data(), as_csv=st.booleans())
def test_contribution_import_never_raises_and_writes_the_whole_valid_batch(official, data, as_csv):
    niks = list(Participant.objects.values_list("nik", flat=True)[:3])
    if not niks:
        niks = [ParticipantFactory(enrolled_on=datetime.date(2024, 12, 1)).nik for _ in range(3)]
    rows = data.draw(st.lists(payment_rows([*niks, "1302071403850001"]), max_size=20))
    header = ["NIK", "Bulan", "Jumlah"]
    content, name = (_csv(rows, header), "iuran.csv") if as_csv else (_xlsx(rows, header), "iuran.xlsx")
    before = Contribution.objects.count()
    batch = import_upload(user=official, kind=ImportBatch.Kind.CONTRIBUTIONS, name=name, content=content)
    assert Contribution.objects.count() == before
    written = import_confirm(batch=batch, user=official, update_all=True)  # every previewed change chosen
    assert written.pop("skipped") == 0
    assert written == batch.summary["counts"]
    assert Contribution.objects.count() == before + written["new"]
