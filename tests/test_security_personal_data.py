"""Personal data (UU PDP No. 27/2022): NIKs masked where the role does not need them, the masked part
not given away elsewhere on the page, and every export recorded (who, when, what)."""

from __future__ import annotations

import csv
import datetime
import io

import pytest
from django.urls import reverse
from django.utils import timezone
from openpyxl import load_workbook

from dashboards.views.exports import SCOPE_TABLES
from dashboards.views.villages import VILLAGE_TABLES
from participants.months import add_months, month_start
from participants.stats import stats_refresh
from tests.factories import ContributionFactory, ParticipantFactory
from villages.models import ExportLog

BIRTH = datetime.date(1985, 3, 14)


@pytest.fixture
def worker(batang_barus):
    """A worker of Batang Barus who paid until two months ago: in arrears, on the follow-up list."""
    today = timezone.localdate()
    worker = ParticipantFactory(
        village=batang_barus,
        name="Rahmat Hidayat",
        birth_date=BIRTH,
        phone="081266554433",
        enrolled_on=add_months(month_start(today), -8),
    )
    for offset in range(8, 1, -1):
        ContributionFactory(participant=worker, month=add_months(month_start(today), -offset))
    stats_refresh(village_ids=[batang_barus.pk])
    return worker


def test_lists_show_only_the_masked_nik_to_every_role(client, worker, official, staff_user, head_user):
    assert worker.masked_nik == f"{worker.nik[:6]}******{worker.nik[-4:]} · lahir 1985"
    for user in (official, staff_user, head_user):
        client.force_login(user)
        page = client.get(reverse("participants:list")).text
        assert worker.masked_nik in page, user
        assert worker.nik not in page, f"the full NIK is on the list page of {user}"


@pytest.mark.parametrize("role", ["official", "staff_user"])
def test_who_may_change_a_participant_sees_the_full_record(client, request, worker, role):
    client.force_login(request.getfixturevalue(role))
    page = client.get(reverse("participants:detail", kwargs={"pk": worker.pk})).text
    assert worker.nik in page
    assert "14/03/1985" in page
    assert "081266554433" in page


def test_a_reader_cannot_see_or_rebuild_the_nik(client, worker, head_user):
    client.force_login(head_user)
    page = client.get(reverse("participants:detail", kwargs={"pk": worker.pk})).text
    assert worker.masked_nik in page
    assert worker.nik not in page
    # The masked middle of the NIK is the birth date (DDMMYY): it must not be on the page either.
    assert "14/03/1985" not in page
    assert worker.nik[6:12] not in page
    assert "081266554433" not in page


def test_a_readers_history_hides_old_and_new_personal_values(client, worker, official, head_user):
    client.force_login(official)
    data = {
        "nik": worker.nik,
        "name": worker.name,
        "sex": worker.sex,
        "birth_date": "14/03/1985",
        "phone": "081299887766",
        "occupation": worker.occupation,
        "monthly_income": "1.500.000",
        "funding_source": worker.funding_source,
        "enrolled_on": f"{worker.enrolled_on:%d/%m/%Y}",
    }
    response = client.post(reverse("participants:update", kwargs={"pk": worker.pk}), data)
    assert response.status_code == 302
    worker.refresh_from_db()
    assert worker.phone == "081299887766"
    client.force_login(head_user)
    page = client.get(reverse("participants:detail", kwargs={"pk": worker.pk})).text
    assert "081299887766" not in page and "081266554433" not in page


def _cells(response) -> list[str]:
    if response["Content-Type"].startswith("text/csv"):
        return [cell for row in csv.reader(io.StringIO(response.content.decode("utf-8-sig"))) for cell in row]
    book = load_workbook(io.BytesIO(response.content), read_only=True)
    return [str(cell) for sheet in book.worksheets for row in sheet.iter_rows(values_only=True) for cell in row]


@pytest.mark.parametrize("fmt", ["xlsx", "csv"])
def test_every_export_is_recorded_and_carries_no_full_nik(client, worker, staff_user, batang_barus, fmt):
    client.force_login(staff_user)
    downloads = [(reverse("dashboard:export", kwargs={"table": table, "fmt": fmt}), False) for table in SCOPE_TABLES]
    downloads += [
        (
            reverse("dashboard:village_export", kwargs={"code": batang_barus.code, "table": table, "fmt": fmt}),
            table == "tindak-lanjut",  # the follow-up list names workers and their phones
        )
        for table in VILLAGE_TABLES
    ]
    assert any(personal for _url, personal in downloads)
    for url, personal in downloads:
        before = ExportLog.objects.count()
        response = client.get(url)
        assert response.status_code == 200, url
        assert ExportLog.objects.count() == before + 1, f"{url} was not recorded"
        log = ExportLog.objects.latest("created_at")
        assert (log.user, log.file_format, log.personal_data) == (staff_user, fmt, personal), url
        cells = _cells(response)
        assert not any(worker.nik in cell for cell in cells), f"{url} holds a full NIK"
        if personal:
            assert worker.masked_nik in cells and log.rows >= 1, "the follow-up list names the worker, masked"
