"""Indicators read through the API: the registry's numbers, the same as the pages', with an ETag."""

from __future__ import annotations

import datetime

import pytest
from django.urls import reverse

from dashboards.selectors import RANKING_KEYS
from indicators import REGISTRY, Period, indicators_compute
from participants.models import FundingSource
from participants.stats import stats_refresh
from tests.builders import enrol
from tests.factories import ActivityFactory, TargetFactory
from villages.models import Village

PERIOD_QUERY = "start=2024-01&end=2024-06"
PAGE_PERIOD = "period=custom&start=01/2024&end=06/2024"
PERIOD = Period(start=datetime.date(2024, 1, 1), end=datetime.date(2024, 6, 1))


@pytest.fixture
def data(batang_barus, sikalang):
    d = datetime.date
    batang_barus.working_age_population = 200
    batang_barus.save()
    TargetFactory(village=batang_barus, year=2024, active_participants=4)
    enrol(batang_barus, d(2023, 10, 5), [(d(2023, 10, 1), d(2024, 6, 1))])
    enrol(batang_barus, d(2023, 11, 20), [(d(2023, 11, 1), d(2023, 12, 1))], funding=FundingSource.CSR)
    enrol(batang_barus, d(2024, 3, 15), [(d(2024, 3, 1), d(2024, 6, 1))])
    enrol(sikalang, d(2024, 1, 1), [(d(2024, 1, 1), d(2024, 12, 1))])
    ActivityFactory(village=batang_barus, date=d(2024, 2, 3), kind="sosialisasi", attendees=30, enrolled_on_spot=0)
    stats_refresh(village_ids=[batang_barus.pk, sikalang.pk])


def by_key(body: dict) -> dict:
    return {result["key"]: result for result in body["results"]}


def test_every_indicator_with_its_working_and_definition(data, staff_api):
    response = staff_api.get(f"/api/v1/indicators/?{PERIOD_QUERY}")
    assert response.status_code == 200
    body = response.json()
    assert body["period"] == {"start": "2024-01", "end": "2024-06", "label": "01/2024–06/2024"}
    assert body["scope"] == {"level": "semua", "code": None, "name": body["scope"]["name"], "villages": 277}
    expected = indicators_compute(villages=Village.objects.all(), period=PERIOD)
    results = by_key(body)
    assert list(results) == list(REGISTRY)
    for key, result in expected.items():
        got = results[key]
        assert (got["numerator"], got["denominator"], got["display"]) == (
            result.numerator,
            result.denominator,
            result.display,
        ), key
        assert got["value"] == (None if result.value is None else pytest.approx(float(result.value))), key
        assert got["definition"] == REGISTRY[key].definition
        assert got["period"]["label"] == "01/2024–06/2024"
    assert results["active_participants"]["value"] == 3
    assert results["coverage"]["denominator"] == 200
    assert results["funding_mix"]["breakdown"][0]["key"] == "funding_mix.mandiri"


def test_the_same_figures_as_the_dashboard_and_the_villages_list(data, client, staff_user, staff_api):
    client.force_login(staff_user)
    page = client.get(reverse("home") + f"?{PAGE_PERIOD}")
    api = by_key(staff_api.get(f"/api/v1/indicators/?{PERIOD_QUERY}").json())
    for item in page.context["headlines"]:
        assert api[item.current.key]["display"] == item.current.display, item.current.key
    villages_page = client.get(reverse("dashboard:village_list") + f"?{PAGE_PERIOD}&sort=-active_participants")
    rows = staff_api.get(f"/api/v1/indicators/villages/?{PERIOD_QUERY}&ordering=-active_participants").json()
    assert rows["count"] == 277
    for row, page_row in zip(rows["results"][:10], villages_page.context["ranking"][:10], strict=True):
        assert row["village"]["code"] == page_row.village["code"]
        shown = {part["key"]: part["display"] for part in row["results"]}
        for key in RANKING_KEYS:
            assert shown[key] == page_row.results[key].display, (row["village"]["code"], key)


def test_a_scope_of_a_region_or_a_village(data, batang_barus, official_api, staff_api):
    village = by_key(official_api.get(f"/api/v1/indicators/?village={batang_barus.pk}&{PERIOD_QUERY}").json())
    own = by_key(official_api.get(f"/api/v1/indicators/?{PERIOD_QUERY}").json())
    assert village == own
    assert own["active_participants"]["value"] == 2
    regency = staff_api.get(f"/api/v1/indicators/?regency=13.02&{PERIOD_QUERY}&keys=active_participants").json()
    assert regency["scope"]["level"] == "kabupaten" and regency["scope"]["code"] == "13.02"
    assert [result["key"] for result in regency["results"]] == ["active_participants"]
    assert regency["results"][0]["value"] == 2
    district = staff_api.get(f"/api/v1/indicators/?district=13.73.04&{PERIOD_QUERY}&keys=active_participants").json()
    assert district["results"][0]["value"] == 1
    # An official asking for a region outside their villages: not found.
    assert official_api.get("/api/v1/indicators/?regency=13.73").status_code == 404


def test_the_etag_saves_the_body_until_the_figures_change(data, batang_barus, staff_api):
    url = f"/api/v1/indicators/?{PERIOD_QUERY}"
    first = staff_api.get(url)
    etag = first["ETag"]
    assert etag.startswith('"') and "private" in first["Cache-Control"]
    again = staff_api.get(url, HTTP_IF_NONE_MATCH=etag)
    assert (again.status_code, again.content) == (304, b"")
    enrol(batang_barus, datetime.date(2024, 5, 2), [(datetime.date(2024, 5, 1), datetime.date(2024, 6, 1))])
    stats_refresh(village_ids=[batang_barus.pk])
    changed = staff_api.get(url, HTTP_IF_NONE_MATCH=etag)
    assert changed.status_code == 200 and changed["ETag"] != etag
    listed = staff_api.get(f"/api/v1/indicators/villages/?{PERIOD_QUERY}")
    assert (
        staff_api.get(f"/api/v1/indicators/villages/?{PERIOD_QUERY}", HTTP_IF_NONE_MATCH=listed["ETag"]).status_code
        == 304
    )


@pytest.mark.parametrize(
    ("query", "field"),
    [
        ("start=2024-01", "non_field_errors"),
        ("start=2024-06&end=2024-01", "end"),
        ("start=0001-01&end=2024-01", "start"),
        ("start=2024-01&end=2099-12", "end"),
        ("keys=coverage,nope", "keys"),
        ("village=abc", "village"),
        ("village=1&regency=13.02", "non_field_errors"),
    ],
)
def test_bad_scopes_and_periods_are_a_400(staff_api, db, query, field):
    response = staff_api.get(f"/api/v1/indicators/?{query}")
    assert response.status_code == 400, response.content
    assert list(response.json()["errors"]) == [field]


def test_bad_ordering_of_the_villages_is_a_400(staff_api, db):
    response = staff_api.get("/api/v1/indicators/villages/?ordering=-__class__")
    assert response.status_code == 400
    assert "Urutan tidak dikenal" in response.json()["errors"]["ordering"][0]
