"""Reporting completeness per official (issue 15, item 6): who entered what in a month, from the audit history,
through the real pages (the author of each entry is the request's user), scoped, filtered, exported."""

from __future__ import annotations

import datetime
import io

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone
from openpyxl import load_workbook

from dashboards.officials import official_entries
from participants.models import Contribution, Participant
from participants.months import add_months, month_start
from tests.factories import ActivityFactory, ParticipantFactory, UserFactory, make_nik
from villages.access import ROLE_OFFICIAL
from villages.models import Activity, Village

PAGE = reverse("dashboard:official_entries")


def register(client, name: str, serial: int) -> Participant:
    """A registration through the form, as the logged-in official."""
    birth = datetime.date(1985, 3, 14)
    nik = make_nik(birth_date=birth, sex="L", serial=serial)
    response = client.post(
        reverse("participants:create"),
        {
            "nik": nik,
            "name": name,
            "sex": "L",
            "birth_date": f"{birth:%d/%m/%Y}",
            "occupation": "petani",
            "monthly_income": "1.500.000",
            "funding_source": "mandiri",
            "enrolled_on": f"{timezone.localdate():%d/%m/%Y}",
        },
    )
    assert response.status_code == 302, response.text[-2000:]
    return Participant.objects.get(nik=nik)


def pay_month(client, participants) -> None:
    """The monthly screen, ticking `participants` for this month."""
    response = client.post(
        reverse("participants:monthly"),
        {
            "month": f"{timezone.localdate():%m/%Y}",
            "paid_on": f"{timezone.localdate():%d/%m/%Y}",
            "channel": Contribution.Channel.AGENT,
            "paid": [participant.pk for participant in participants],
        },
    )
    assert response.status_code == 302, response.text[-2000:]


def activity_by(user, village) -> Activity:
    activity = ActivityFactory(village=village, title="Sosialisasi", date=timezone.localdate())
    Activity.history.filter(id=activity.pk).update(history_user=user)
    return activity


@pytest.fixture
def entered(client, official, other_official, batang_barus, sikalang):
    """This month the Batang Barus official registered two workers, paid the month for both and one older
    worker, and recorded an activity; the Sikalang official entered nothing."""
    older = ParticipantFactory(village=batang_barus, name="Warga Lama")
    client.force_login(official)
    first, second = register(client, "Siti Rahmah", 11), register(client, "Budi Santoso", 12)
    pay_month(client, [first, second, older])
    activity_by(official, batang_barus)
    client.logout()
    return {"official": official, "other": other_official}


def row_of(page: str, username: str) -> str:
    start = page.index(f'data-user="{username}"')
    return page[start : page.index("</div>\n      </div>", start)]


def counts(row: str) -> tuple[str, str, str]:
    def value(testid: str) -> str:
        start = row.index(f'data-testid="{testid}">') + len(f'data-testid="{testid}">')
        return row[start : row.index("<", start)]

    return value("registrations"), value("payments"), value("activities")


def test_staff_see_what_each_official_entered_this_month(client, staff_user, entered):
    client.force_login(staff_user)
    page = client.get(PAGE).text
    mine, idle = row_of(page, "operator.bb"), row_of(page, "operator.sk")
    assert counts(mine) == ("2", "3", "1")
    assert counts(idle) == ("0", "0", "0") and "belum ada entri" in idle
    assert "Nagari Batang Barus" in mine or "Batang Barus" in mine
    assert f"{timezone.localdate():%d/%m/%Y}" in mine, "the last entry's date"
    # The one who entered nothing comes first, to be chased.
    assert page.index('data-user="operator.sk"') < page.index('data-user="operator.bb"')


def test_an_official_sees_only_their_own_entries(client, entered):
    client.force_login(entered["other"])
    page = client.get(PAGE).text
    assert 'data-user="operator.sk"' in page
    assert "operator.bb" not in page and "Siti Rahmah" not in page
    client.force_login(entered["official"])
    export = client.get(reverse("dashboard:official_entries_export", kwargs={"fmt": "csv"}))
    assert "operator.bb" in export.text and "operator.sk" not in export.text


def test_the_month_and_regency_filters(client, staff_user, entered, sikalang):
    client.force_login(staff_user)
    last_month = add_months(month_start(timezone.localdate()), -1)
    page = client.get(PAGE, {"month": f"{last_month:%m/%Y}"}).text
    assert counts(row_of(page, "operator.bb")) == ("0", "0", "0")
    # Kota Sawahlunto: Sikalang's official only; Batang Barus's entries are not counted there.
    page = client.get(PAGE, {"regency": sikalang.district.regency_id}).text
    assert 'data-user="operator.sk"' in page and 'data-user="operator.bb"' not in page
    # A mistake is said, in Indonesian, and the page falls back to this month.
    page = client.get(PAGE, {"month": "13/2025", "regency": "x"}).text
    assert "mm/yyyy" in page and counts(row_of(page, "operator.bb")) == ("2", "3", "1")


def test_the_export_is_a_real_workbook(client, staff_user, entered):
    client.force_login(staff_user)
    response = client.get(reverse("dashboard:official_entries_export", kwargs={"fmt": "xlsx"}))
    assert response.status_code == 200
    rows = list(load_workbook(io.BytesIO(response.content)).active.iter_rows(values_only=True))
    header = rows.index(
        (
            "Petugas",
            "Nama pengguna",
            "Desa/nagari",
            "Peserta didaftarkan",
            "Bulan iuran dicatat",
            "Kegiatan",
            "Entri terakhir",
        )
    )
    body = {row[1]: row for row in rows[header + 1 :]}
    assert body["operator.bb"][3:6] == (2, 3, 1)
    assert body["operator.sk"][3:6] == (0, 0, 0)


def _queries(user) -> int:
    with CaptureQueriesContext(connection) as captured:
        official_entries(user=user, villages=Village.objects.for_user(user), month=month_start(timezone.localdate()))
    return len(captured)


def test_query_count_does_not_grow_with_the_officials(staff_user, official, batang_barus, sikalang):
    staff_user.refresh_from_db()
    few = _queries(staff_user)  # one official, nothing entered
    for index in range(6):
        official = UserFactory(username=f"operator.{index}", role=ROLE_OFFICIAL, villages=[batang_barus, sikalang])
        worker = ParticipantFactory(village=batang_barus)
        Participant.history.filter(id=worker.pk).update(history_user=official)
        activity_by(official, sikalang)
    staff_user = type(staff_user).objects.get(pk=staff_user.pk)
    assert few == _queries(staff_user) == 6  # roles, three counts, the officials, their villages
