"""Reads: scope, personal data as on the pages, filters, ordering, pagination, query counts per list."""

from __future__ import annotations

import datetime

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from evaluations.services import cycle_open
from participants import claims
from participants.months import add_months, month_start
from participants.stats import stats_refresh
from tests.api.conftest import bearer, paying_worker
from tests.builders import join
from tests.factories import (
    ActivityFactory,
    AgentFactory,
    AwardFactory,
    BudgetFactory,
    CommitmentFactory,
    EvaluationCycleFactory,
    ParticipantFactory,
    TargetFactory,
    village,
)


@pytest.fixture
def worker(batang_barus):
    worker = ParticipantFactory(
        village=batang_barus, name="Rahmat Hidayat", birth_date=datetime.date(1985, 3, 14), phone="081266554433"
    )
    return worker


def test_lists_show_only_the_masked_nik_to_every_role(worker, official_api, staff_api, head_api):
    for client in (official_api, staff_api, head_api):
        row = client.get("/api/v1/participants/").json()["results"][0]
        assert row["nik"] == row["nik_masked"] == worker.masked_nik
        assert (row["birth_date"], row["phone"]) == (None, None)
        assert worker.nik not in client.get("/api/v1/participants/").text


@pytest.mark.parametrize("role", ["official_api", "staff_api"])
def test_who_may_change_a_participant_reads_the_full_record(request, worker, role):
    row = request.getfixturevalue(role).get(f"/api/v1/participants/{worker.pk}/").json()
    assert (row["nik"], row["birth_date"], row["phone"]) == (worker.nik, "1985-03-14", "081266554433")


def test_a_reader_cannot_read_or_rebuild_the_nik(worker, head_api):
    response = head_api.get(f"/api/v1/participants/{worker.pk}/")
    body = response.json()
    assert (body["nik"], body["birth_date"], body["phone"]) == (worker.masked_nik, None, None)
    assert worker.nik[6:12] not in response.text and "081266554433" not in response.text


def test_an_official_reads_only_their_village(batang_barus, sikalang, official_api):
    ours = paying_worker(batang_barus, months=2, serial=1)
    theirs = paying_worker(sikalang, months=2, serial=2)
    ActivityFactory(village=sikalang, title="Sosialisasi Sikalang")
    stats_refresh(village_ids=[batang_barus.pk, sikalang.pk])
    assert [row["id"] for row in official_api.get("/api/v1/participants/").json()["results"]] == [ours.pk]
    contributions = official_api.get("/api/v1/contributions/").json()["results"]
    assert {row["participant"] for row in contributions} == {ours.pk}
    assert {row["village"] for row in official_api.get("/api/v1/statistics/").json()["results"]} == {batang_barus.pk}
    assert official_api.get("/api/v1/activities/").json()["count"] == 0
    assert [row["code"] for row in official_api.get("/api/v1/villages/").json()["results"]] == [batang_barus.code]
    assert [row["code"] for row in official_api.get("/api/v1/regencies/").json()["results"]] == ["13.02"]
    # Filtering by another village's id narrows the scope to nothing; its objects by id are not found.
    assert official_api.get(f"/api/v1/participants/?village={sikalang.pk}").json()["count"] == 0
    for url in (
        f"/api/v1/participants/{theirs.pk}/",
        f"/api/v1/villages/{sikalang.pk}/",
        "/api/v1/regencies/13.73/",
        f"/api/v1/indicators/?village={sikalang.pk}",
    ):
        response = official_api.get(url)
        assert response.status_code == 404, url
        assert response.json()["detail"] in ("Data tidak ditemukan.", "Wilayah tidak ditemukan.")


def test_the_village_record_carries_the_programme(batang_barus, official_api):
    batang_barus.joined_on = datetime.date(2019, 3, 1)
    batang_barus.working_age_population, batang_barus.working_age_source = 1200, "OpenSID 2024"
    batang_barus.save()
    CommitmentFactory(village=batang_barus, kind="peraturan", number="5/2019", signed_on=datetime.date(2019, 4, 1))
    AgentFactory(village=batang_barus, name="Yusri", role="perisai", active_since=datetime.date(2020, 1, 1))
    AwardFactory(village=batang_barus, year=2021, level="provinsi", rank="juara_2")
    TargetFactory(village=batang_barus, year=2025, active_participants=150)
    BudgetFactory(village=batang_barus, year=2025, amount=12_000_000)
    body = official_api.get(f"/api/v1/villages/{batang_barus.pk}/").json()
    assert body["in_programme"] is True and body["joined_on"] == "2019-03-01"
    assert body["denominators"]["working_age"] == {"value": 1200, "source": "OpenSID 2024", "year": None}
    assert body["commitments"][0]["number"] == "5/2019"
    assert body["agents"][0]["name"] == "Yusri"
    assert body["awards"][0] == {
        "year": 2021,
        "level": "provinsi",
        "rank": "juara_2",
        "title": body["awards"][0]["title"],
    }
    assert body["targets"] == [{"year": 2025, "active_participants": 150}]
    assert body["budgets"] == [{"year": 2025, "amount": 12_000_000}]


def test_filters_by_village_regency_status_and_period(batang_barus, sikalang, staff_api):
    this_month = month_start(timezone.localdate())
    paying_now = paying_worker(batang_barus, months=3, serial=1, last=this_month)
    lapsed = paying_worker(batang_barus, months=2, serial=2, last=add_months(this_month, -8))
    elsewhere = paying_worker(sikalang, months=1, serial=3, last=this_month)

    def ids(url: str) -> set[int]:
        response = staff_api.get(url)
        assert response.status_code == 200, response.content
        return {row["id"] for row in response.json()["results"]}

    assert ids(f"/api/v1/participants/?village={batang_barus.pk}") == {paying_now.pk, lapsed.pk}
    assert ids("/api/v1/participants/?regency=13.73") == {elsewhere.pk}
    assert ids("/api/v1/participants/?status=aktif") == {paying_now.pk, elsewhere.pk}
    assert ids("/api/v1/participants/?status=nonaktif") == {lapsed.pk}
    assert ids(f"/api/v1/participants/?q={paying_now.name}") == {paying_now.pk}
    month = f"{this_month:%Y-%m}"
    assert ids(f"/api/v1/participants/?start={month}&end={month}") == {elsewhere.pk}
    paid_this_month = {
        row["participant"] for row in staff_api.get(f"/api/v1/contributions/?start={month}").json()["results"]
    }
    assert paid_this_month == {paying_now.pk, elsewhere.pk}


@pytest.mark.parametrize(
    ("query", "field"),
    [
        ("village=abc", "village"),
        ("village=1.5", "village"),
        ("village=99999999999999999999999", "village"),
        ("status=dibayar", "status"),
        ("start=2025-13", "start"),
        ("start=0001-01", "start"),
        ("end=12/2025", "end"),
        ("page_size=0", "page_size"),
        ("page_size=201", "page_size"),
        ("page_size=99999999999999999999999999", "page_size"),
        ("page_size=abc", "page_size"),
        ("page=0", "page"),
        ("page=-1", "page"),
        ("page=１", "page"),
        ("ordering=nik", "ordering"),
        ("ordering=-name,__class__", "ordering"),
        ("ordering=--name", "ordering"),
        ("status=", "status"),
        ("page=", "page"),
    ],
)
def test_bad_query_strings_are_a_400_naming_the_parameter(staff_api, db, query, field):
    response = staff_api.get(f"/api/v1/participants/?{query}")
    assert response.status_code == 400, response.content
    body = response.json()
    assert body["detail"] == "Data tidak valid; lihat daftar kesalahan per kolom."
    assert list(body["errors"]) == [field]


def test_pages_are_bounded_and_linked(batang_barus, staff_api):
    for serial in range(5):
        ParticipantFactory(village=batang_barus, name=f"Peserta {serial}")
    first = staff_api.get("/api/v1/participants/?page_size=2&ordering=-name").json()
    assert (first["count"], [row["name"] for row in first["results"]]) == (5, ["Peserta 4", "Peserta 3"])
    last = staff_api.get(first["next"]).json()
    last = staff_api.get(last["next"]).json()
    assert ([row["name"] for row in last["results"]], last["next"]) == (["Peserta 0"], None)
    missing = staff_api.get("/api/v1/participants/?page_size=2&page=4")
    assert (missing.status_code, missing.json()["detail"]) == (404, "Halaman 4 tidak ada.")
    assert len(staff_api.get("/api/v1/villages/").json()["results"]) == 50
    assert len(staff_api.get("/api/v1/villages/?page_size=200").json()["results"]) == 200


def _queries(client, url: str) -> int:
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url)
    assert response.status_code == 200, response.content
    return len(queries)


def _one_then_many(batang_barus, sikalang, staff_user, count: int):
    """Build `count` rows of every list's kind in the two villages."""
    last = add_months(month_start(timezone.localdate()), -1)
    for serial in range(count):
        where = batang_barus if serial % 2 == 0 else sikalang
        worker = paying_worker(where, months=2, serial=serial, last=last)
        claims.claim_record(
            user=staff_user, participant=worker, programme="JKK", event_date=last, paid_on=last, amount=1_000_000
        )
        ActivityFactory(village=where, date=last)
    stats_refresh(village_ids=[batang_barus.pk, sikalang.pk])


LISTS = [
    "/api/v1/participants/",
    "/api/v1/contributions/",
    "/api/v1/claims/",
    "/api/v1/activities/",
    "/api/v1/statistics/",
    "/api/v1/evaluations/",
    "/api/v1/evaluation-cycles/",
]


def test_query_counts_do_not_grow_with_the_rows(batang_barus, sikalang, staff_user, django_assert_num_queries):
    join(batang_barus)
    _one_then_many(batang_barus, sikalang, staff_user, 1)
    cycle_open(cycle=EvaluationCycleFactory(), user=staff_user)
    client = bearer(staff_user)
    client.get("/api/v1/participants/")  # the token's first use writes its last-used time
    expected = {url: _queries(client, url) for url in LISTS}
    _one_then_many(batang_barus, sikalang, staff_user, 8)
    join(*[village(code) for code in ("13.02.07.2001", "13.02.07.2002", "13.73.04.2010")])
    later = EvaluationCycleFactory(name="Anev 2022–2025", start_month=datetime.date(2022, 1, 1))
    cycle_open(cycle=later, user=staff_user)
    for url in LISTS:
        with django_assert_num_queries(expected[url]):
            response = client.get(url)
        assert response.json()["count"] > 1, url


@pytest.mark.parametrize(
    "url", ["/api/v1/regencies/", "/api/v1/districts/", "/api/v1/villages/", "/api/v1/indicators/villages/"]
)
def test_region_lists_cost_the_same_for_one_village_or_all(url, official, staff_user, django_assert_num_queries):
    one, every = bearer(official), bearer(staff_user)
    one.get("/api/v1/villages/")
    every.get("/api/v1/villages/")
    expected = _queries(one, url)
    with django_assert_num_queries(expected):
        every.get(url)
