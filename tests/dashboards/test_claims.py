"""The claims list: scope, filters, the period as the claims figures count it, pagination, exports, query count."""

from __future__ import annotations

import csv
import datetime
import io

import pytest
from django.urls import reverse
from openpyxl import load_workbook

from indicators import Period, indicators_compute
from tests.factories import ClaimFactory, ParticipantFactory
from villages.models import ExportLog, Village

D = datetime.date
PERIOD_QUERY = "period=custom&start=01/2024&end=06/2024"
PERIOD = Period(start=D(2024, 1, 1), end=D(2024, 6, 1))


def claim(participant, programme, event_date, paid_on, amount):
    return ClaimFactory(
        participant=participant, programme=programme, event_date=event_date, paid_on=paid_on, amount=amount
    )


@pytest.fixture
def claims(batang_barus, sikalang):
    ani = ParticipantFactory(village=batang_barus, name="Ani Batang Barus")
    budi = ParticipantFactory(village=sikalang, name="Budi Sikalang")
    claim(ani, "JKK", D(2024, 2, 1), D(2024, 2, 20), 5_000_000)
    claim(ani, "JKM", D(2024, 5, 2), None, 42_000_000)  # not paid yet, event in the period
    claim(ani, "JKK", D(2023, 12, 1), D(2024, 1, 5), 1_250_000)  # event before, paid in the period
    claim(ani, "JKK", D(2024, 6, 1), D(2024, 7, 2), 900_000)  # paid after the period
    claim(budi, "JKM", D(2024, 3, 3), D(2024, 3, 30), 42_000_000)
    return ani, budi


def listed(response) -> list[tuple[str, str, int]]:
    return [(c.participant.name, c.programme, c.amount) for c in response.context["page"].object_list]


def test_list_holds_the_claims_of_the_period_paid_first_by_payment(client, staff_user, claims):
    client.force_login(staff_user)
    response = client.get(reverse("dashboard:claim_list") + "?" + PERIOD_QUERY)
    assert response.status_code == 200
    assert listed(response) == [
        ("Ani Batang Barus", "JKM", 42_000_000),  # unpaid on top
        ("Budi Sikalang", "JKM", 42_000_000),
        ("Ani Batang Barus", "JKK", 5_000_000),
        ("Ani Batang Barus", "JKK", 1_250_000),
    ]
    totals = response.context["totals"]
    assert (totals["count"], totals["paid"], totals["unpaid"], totals["amount"]) == (4, 3, 1, 48_250_000)
    # The same claims as the "Klaim dibayar" figures of the dashboards.
    figures = indicators_compute(villages=Village.objects.all(), period=PERIOD)
    assert (figures["claims_count"].value, figures["claims_amount"].value) == (totals["paid"], totals["amount"])
    assert "Rp 48.250.000" in response.text
    assert 'data-testid="claims-paid">3<' in response.text


def test_filters_by_programme_status_region_and_village(client, staff_user, claims, batang_barus, sikalang):
    client.force_login(staff_user)
    url = reverse("dashboard:claim_list") + "?" + PERIOD_QUERY
    assert [row[1] for row in listed(client.get(url + "&programme=JKM"))] == ["JKM", "JKM"]
    assert [row[2] for row in listed(client.get(url + "&status=belum"))] == [42_000_000]
    assert len(listed(client.get(url + "&status=dibayar"))) == 3
    regency = sikalang.district.regency
    assert [row[0] for row in listed(client.get(url + f"&regency={regency.pk}"))] == ["Budi Sikalang"]
    by_code = listed(client.get(url + f"&village={batang_barus.code}"))
    assert {row[0] for row in by_code} == {"Ani Batang Barus"} and len(by_code) == 3


def test_a_bad_filter_says_so(client, staff_user, claims):
    client.force_login(staff_user)
    response = client.get(reverse("dashboard:claim_list") + "?" + PERIOD_QUERY + "&programme=XYZ")
    assert response.status_code == 200
    assert "Masukkan pilihan yang valid" in response.text
    assert len(listed(response)) == 4


def test_official_sees_only_their_villages_claims(client, official, claims):
    client.force_login(official)
    response = client.get(reverse("dashboard:claim_list") + "?" + PERIOD_QUERY)
    assert {row[0] for row in listed(response)} == {"Ani Batang Barus"}
    assert "Budi Sikalang" not in response.text
    export = client.get(reverse("dashboard:claim_export", kwargs={"fmt": "csv"}) + "?" + PERIOD_QUERY)
    assert "Budi Sikalang" not in export.content.decode("utf-8-sig")


def test_exports_hold_the_filtered_claims_and_are_logged(client, staff_user, claims):
    client.force_login(staff_user)
    query = "?" + PERIOD_QUERY + "&programme=JKK"
    response = client.get(reverse("dashboard:claim_export", kwargs={"fmt": "xlsx"}) + query)
    assert response.status_code == 200
    sheet = load_workbook(io.BytesIO(response.content)).active
    rows = list(sheet.iter_rows(values_only=True))
    header_at = next(index for index, row in enumerate(rows) if row[0] == "Tanggal kejadian")
    body = rows[header_at + 1 :]
    assert [(row[2], row[3], row[10]) for row in body] == [
        ("JKK", "Ani Batang Barus", 5_000_000),
        ("JKK", "Ani Batang Barus", 1_250_000),
    ]
    assert body[0][1] == "20/02/2024" and body[0][6] == "13.02.07.2006"
    context = {row[0]: row[1] for row in rows[:header_at] if row and row[0]}
    assert context["Periode"] == PERIOD.label and context["Program"] == "Jaminan Kecelakaan Kerja (JKK)"
    log = ExportLog.objects.get()
    assert (log.what, log.file_format, log.rows, log.personal_data) == ("Daftar klaim", "xlsx", 2, True)
    response = client.get(reverse("dashboard:claim_export", kwargs={"fmt": "csv"}) + query)
    lines = list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"))))
    assert lines[-1][3] == "Ani Batang Barus" and lines[-1][10] == "1250000"
    assert ExportLog.objects.count() == 2
    assert client.get(reverse("dashboard:claim_export", kwargs={"fmt": "pdf"})).status_code == 404


def test_list_is_paginated(client, staff_user, batang_barus):
    participant = ParticipantFactory(village=batang_barus)
    for day in range(1, 61):
        claim(participant, "JKK", D(2024, 3, 1), D(2024, 3, 1) + datetime.timedelta(days=day), 1_000 * day)
    client.force_login(staff_user)
    url = reverse("dashboard:claim_list") + "?" + PERIOD_QUERY
    first = client.get(url)
    second = client.get(url + "&page=2")
    assert [row[2] for row in listed(first)] == [1_000 * day for day in range(60, 10, -1)]
    assert [row[2] for row in listed(second)] == [1_000 * day for day in range(10, 0, -1)]
    assert "Baris 51–60 dari 60" in second.text
    assert second.context["totals"]["paid"] == 60


# Session, user, its groups, its permissions (2, for the menu), the villages' regencies and districts (filter choices),
# page count, page rows, totals, and the session's save (3 with its savepoint).
LIST_QUERIES = 13


def test_query_count_does_not_grow_with_the_claims(client, staff_user, claims, sikalang, django_assert_num_queries):
    client.force_login(staff_user)
    url = reverse("dashboard:claim_list") + "?" + PERIOD_QUERY
    client.get(url)
    with django_assert_num_queries(LIST_QUERIES):
        client.get(url)
    for index in range(30):
        participant = ParticipantFactory(village=sikalang)
        claim(participant, "JKK", D(2024, 4, 1), D(2024, 4, 2), 100_000 + index)
    with django_assert_num_queries(LIST_QUERIES):
        response = client.get(url)
    assert response.context["totals"]["count"] == 34


def test_village_page_shows_the_villages_claims(client, official, claims, batang_barus):
    client.force_login(official)
    response = client.get(reverse("dashboard:village_detail", kwargs={"code": batang_barus.code}))
    assert [(c.programme, c.amount) for c in response.context["claims"]] == [
        ("JKM", 42_000_000),
        ("JKK", 900_000),
        ("JKK", 5_000_000),
        ("JKK", 1_250_000),
    ]
    totals = response.context["claim_totals"]
    assert (totals["paid"], totals["amount"], totals["unpaid"]) == (3, 7_150_000, 1)
    assert "Budi Sikalang" not in response.text
    assert f"?village={batang_barus.code}" in response.text
