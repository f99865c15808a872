"""Exports hold the page's numbers, open with openpyxl, stay in the user's scope and are logged."""

from __future__ import annotations

import csv
import datetime
import io

import pytest
from django.urls import reverse
from openpyxl import load_workbook

from participants.stats import stats_refresh
from tests.builders import enrol
from tests.factories import ActivityFactory
from villages.models import ExportLog

PERIOD_QUERY = "?period=custom&start=01/2024&end=06/2024"


@pytest.fixture
def data(batang_barus, sikalang):
    d = datetime.date
    batang_barus.working_age_population = 50
    batang_barus.save()
    enrol(batang_barus, d(2023, 10, 5), [(d(2023, 10, 1), d(2024, 6, 1))])
    enrol(batang_barus, d(2024, 3, 15), [(d(2024, 3, 1), d(2024, 6, 1))], phone="081233334444")
    enrol(sikalang, d(2024, 1, 1), [(d(2024, 1, 1), d(2024, 12, 1))])
    stats_refresh(village_ids=[batang_barus.pk, sikalang.pk])


def workbook_table(content: bytes) -> tuple[dict[str, str], list[str], list[list]]:
    sheet = load_workbook(io.BytesIO(content)).active
    rows = [list(row) for row in sheet.iter_rows(values_only=True)]
    blank = (
        rows.index([None] * len(rows[0]))
        if [None] * len(rows[0]) in rows
        else next(index for index, row in enumerate(rows) if all(value is None for value in row))
    )
    context = {row[0]: row[1] for row in rows[:blank]}
    return context, rows[blank + 1], rows[blank + 2 :]


def test_indicator_export_holds_the_page_numbers(client, staff_user, data, batang_barus):
    client.force_login(staff_user)
    query = PERIOD_QUERY + f"&regency={batang_barus.district.regency.pk}"
    page = client.get(reverse("home") + query)
    response = client.get(reverse("dashboard:export", kwargs={"table": "indikator", "fmt": "xlsx"}) + query)
    assert response.status_code == 200
    assert response["Content-Disposition"].startswith("attachment;")
    context, header, rows = workbook_table(response.content)
    assert context["Periode"] == "01/2024–06/2024"
    assert context["Kabupaten/kota"] == str(batang_barus.district.regency)
    by_key = {row[0]: dict(zip(header, row, strict=True)) for row in rows}
    for item in page.context["headlines"]:
        exported = by_key[item.current.key]
        assert exported["Tampilan"] == item.current.display
        value = item.current.value
        assert exported["Nilai"] == (None if value is None else pytest.approx(float(value)))
        assert exported["Pembilang"] == item.current.numerator
        assert exported["Penyebut"] == item.current.denominator
    assert by_key["active_participants"]["Nilai"] == 2
    log = ExportLog.objects.get()
    assert (log.user, log.file_format, log.rows, log.personal_data) == (staff_user, "xlsx", len(rows), False)
    assert log.filters["Periode"] == "01/2024–06/2024"


def test_ranking_csv_is_limited_to_the_scope(client, official, data, batang_barus):
    client.force_login(official)
    response = client.get(reverse("dashboard:export", kwargs={"table": "peringkat", "fmt": "csv"}) + PERIOD_QUERY)
    assert response.status_code == 200
    text = response.content.decode("utf-8-sig")
    lines = list(csv.reader(io.StringIO(text)))
    blank = lines.index([])
    header, rows = lines[blank + 1], lines[blank + 2 :]
    assert [row[header.index("Kode desa")] for row in rows] == [batang_barus.code]
    assert rows[0][header.index("Peserta aktif")] == "2"
    assert rows[0][header.index("Cakupan kepesertaan")] == "4.0"
    assert ["Periode", "01/2024–06/2024"] in lines[:blank]


def test_every_scope_table_in_both_formats(client, staff_user, data):
    client.force_login(staff_user)
    for table in ("indikator", "peringkat", "bulanan", "kabupaten", "kecamatan"):
        for fmt in ("xlsx", "csv"):
            url = reverse("dashboard:export", kwargs={"table": table, "fmt": fmt}) + PERIOD_QUERY
            assert client.get(url).status_code == 200, (table, fmt)
    assert ExportLog.objects.count() == 10
    monthly = client.get(reverse("dashboard:export", kwargs={"table": "bulanan", "fmt": "xlsx"}) + PERIOD_QUERY)
    _context, header, rows = workbook_table(monthly.content)
    june = next(row for row in rows if row[0] == "06/2024")
    assert june[header.index("Aktif")] == 3
    assert client.get(reverse("dashboard:export", kwargs={"table": "rahasia", "fmt": "xlsx"})).status_code == 404
    assert client.get(reverse("dashboard:export", kwargs={"table": "peringkat", "fmt": "pdf"})).status_code == 404


def test_village_exports_and_follow_up_is_personal_data(client, official, other_official, data, batang_barus):
    client.force_login(official)
    ActivityFactory(village=batang_barus, title="Sosialisasi di masjid", date=datetime.date(2024, 5, 2))
    for table in ("indikator", "bulanan", "tindak-lanjut", "kegiatan"):
        url = reverse("dashboard:village_export", kwargs={"code": batang_barus.code, "table": table, "fmt": "xlsx"})
        response = client.get(url + PERIOD_QUERY)
        assert response.status_code == 200
        context, _header, rows = workbook_table(response.content)
        assert batang_barus.code in context["Desa"]
        if table == "kegiatan":
            assert rows[0][:3] == ["02/05/2024", "Sosialisasi", "Sosialisasi di masjid"]
    assert ExportLog.objects.filter(personal_data=True).count() == 1
    client.force_login(other_official)
    url = reverse("dashboard:village_export", kwargs={"code": batang_barus.code, "table": "indikator", "fmt": "csv"})
    assert client.get(url).status_code == 404
