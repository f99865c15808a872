"""The dashboard pages: scope, figures equal to the indicators, follow-up list, fixed query counts."""

from __future__ import annotations

import datetime
import urllib.parse

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from dashboards.follow_up import whatsapp_number
from indicators import Period, indicators_compute
from participants.models import FundingSource
from participants.months import add_months, month_start
from participants.stats import stats_refresh
from tests.builders import enrol
from tests.factories import ParticipantFactory, TargetFactory, UserFactory
from villages.access import ROLE_OFFICIAL
from villages.models import Village

PERIOD_QUERY = "?period=custom&start=01/2024&end=06/2024"
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
    enrol(sikalang, d(2024, 2, 1), [(d(2024, 2, 1), d(2024, 12, 1))])
    stats_refresh(village_ids=[batang_barus.pk, sikalang.pk])


def headline_values(response) -> dict[str, str]:
    return {item.current.key: item.current.display for item in response.context["headlines"]}


def test_dashboard_shows_the_branch_and_the_indicators(client, staff_user, data):
    client.force_login(staff_user)
    response = client.get(reverse("home") + PERIOD_QUERY)
    assert response.status_code == 200
    assert "BPJAMSOSTEK Cabang Solok" in response.text
    assert response.context["villages_count"] == 277
    expected = indicators_compute(villages=Village.objects.all(), period=PERIOD)
    for key, display in headline_values(response).items():
        assert display == expected[key].display, key
    assert response.context["headline"]["active_participants"].current.value == 4
    assert response.context["headline"]["active_participants"].previous.period == PERIOD.previous()
    # The working of each figure is on the page.
    assert 'data-testid="working-coverage"' in response.text
    assert "Pembilang" in response.text
    # Drill-down: every regency links to its page, with its active participants.
    regencies = {regency["code"]: regency for regency in response.context["regencies"]}
    assert len(regencies) == 6
    assert regencies["13.73"]["active"].value == 2
    assert reverse("dashboard:region_detail", kwargs={"code": "13.73"}) in response.text


def test_dashboard_filters_narrow_the_scope(client, staff_user, data, batang_barus):
    client.force_login(staff_user)
    regency = batang_barus.district.regency
    response = client.get(reverse("home") + PERIOD_QUERY + f"&regency={regency.pk}&kind=nagari")
    assert response.status_code == 200
    codes = {row.village["code"] for row in response.context["ranking"]}
    assert batang_barus.code in codes
    assert all(code.startswith(regency.code) for code in codes)
    assert response.context["headline"]["active_participants"].current.value == 2


def test_bad_period_says_what_to_fix_and_falls_back(client, staff_user, data):
    client.force_login(staff_user)
    response = client.get(reverse("home") + "?period=custom&start=13/2024&end=01/2024")
    assert response.status_code == 200
    assert "Tulis bulan sebagai mm/yyyy" in response.text
    assert response.context["period"] == Period.last_full_months(12)


def test_official_lands_on_their_village(client, official, batang_barus):
    client.force_login(official)
    response = client.get(reverse("home"))
    assert response.status_code == 302
    assert response["Location"] == reverse("dashboard:village_detail", kwargs={"code": batang_barus.code})


def test_official_of_two_villages_sees_only_theirs(client, data, batang_barus, sikalang):
    user = UserFactory(username="operator.dua", role=ROLE_OFFICIAL, villages=[batang_barus, sikalang])
    client.force_login(user)
    response = client.get(reverse("home") + PERIOD_QUERY)
    assert response.status_code == 200
    assert response.context["villages_count"] == 2
    assert {row.village["code"] for row in response.context["ranking"]} == {batang_barus.code, sikalang.code}
    assert response.context["headline"]["active_participants"].current.value == 4


def test_village_page_is_scoped(client, official, other_official, data, batang_barus):
    url = reverse("dashboard:village_detail", kwargs={"code": batang_barus.code}) + PERIOD_QUERY
    client.force_login(official)
    response = client.get(url)
    assert response.status_code == 200
    values = headline_values(response)
    expected = indicators_compute(villages=Village.objects.filter(pk=batang_barus.pk), period=PERIOD)
    assert values == {key: expected[key].display for key in values}
    assert values["active_participants"] == "2"
    assert values["target_attainment"] == "50,0%"
    client.force_login(other_official)
    assert client.get(url).status_code == 404


def test_follow_up_list_with_whatsapp_reminder(client, official, batang_barus):
    this_month = month_start(datetime.date.today())
    d = datetime.date
    # Paid up to three months ago: the third unpaid month is this one, so the participant is about to lapse.
    late = ParticipantFactory(village=batang_barus, name="Siti Late", phone="0812-3456-7890", enrolled_on=d(2023, 1, 1))
    enrol_months = [(d(2023, 1, 1), add_months(this_month, -3))]
    for first, last in enrol_months:
        month = first
        while month <= last:
            late.contributions.create(
                month=month, amount=16_800, paid_on=month, channel="agen_perisai", funding_source="mandiri"
            )
            month = add_months(month, 1)
    # Paid this month: not on the list. Unpaid for a year: nonaktif, not on the list either.
    enrol(batang_barus, d(2023, 1, 1), [(add_months(this_month, -1), this_month)])
    enrol(batang_barus, d(2023, 1, 1), [(d(2023, 1, 1), d(2023, 2, 1))])
    stats_refresh(village_ids=[batang_barus.pk])
    client.force_login(official)
    response = client.get(reverse("dashboard:village_detail", kwargs={"code": batang_barus.code}))
    assert response.status_code == 200
    assert response.context["follow_up_total"] == 1
    item = response.context["follow_ups"][0]
    assert item.participant.name == "Siti Late"
    assert item.about_to_lapse and item.unpaid_months == 3
    assert item.whatsapp_url.startswith("https://wa.me/6281234567890?text=")
    text = urllib.parse.unquote(item.whatsapp_url.split("text=")[1])
    assert f"{this_month:%m/%Y}" in text and "nonaktif" in text
    assert item.whatsapp_url.replace("&", "&amp;") in response.text


def test_whatsapp_number():
    assert whatsapp_number("0812 3456 789") == "628123456789"
    assert whatsapp_number("+62 812-3456-789") == "628123456789"
    assert whatsapp_number("812345678") == "62812345678"
    assert whatsapp_number("") == ""


def test_region_pages(client, staff_user, official, data, batang_barus, sikalang):
    client.force_login(staff_user)
    regency = batang_barus.district.regency
    response = client.get(reverse("dashboard:region_detail", kwargs={"code": regency.code}) + PERIOD_QUERY)
    assert response.status_code == 200
    assert response.context["headline"]["active_participants"].current.value == 2
    assert batang_barus.district.name in response.text
    response = client.get(reverse("dashboard:region_detail", kwargs={"code": batang_barus.district.code}))
    assert response.status_code == 200
    assert client.get(reverse("dashboard:region_detail", kwargs={"code": "99.99"})).status_code == 404
    client.force_login(official)
    sikalang_regency = sikalang.district.regency.code
    assert client.get(reverse("dashboard:region_detail", kwargs={"code": sikalang_regency})).status_code == 404
    response = client.get(reverse("dashboard:region_detail", kwargs={"code": regency.code}))
    assert [row.village["code"] for row in response.context["ranking"]] == [batang_barus.code]


def test_village_list_sorts_by_any_indicator(client, staff_user, data, batang_barus, sikalang):
    client.force_login(staff_user)
    response = client.get(reverse("dashboard:village_list") + PERIOD_QUERY + "&sort=-active_participants")
    assert response.status_code == 200
    top = [row.village["code"] for row in response.context["ranking"][:2]]
    assert top == [batang_barus.code, sikalang.code] or top == [sikalang.code, batang_barus.code]
    response = client.get(reverse("dashboard:village_list") + PERIOD_QUERY + "&sort=-coverage")
    ranking = response.context["ranking"]
    assert ranking[0].village["code"] == batang_barus.code
    assert ranking[-1].results["coverage"].value is None
    response = client.get(reverse("dashboard:village_list") + "?q=batang")
    assert {row.village["code"] for row in response.context["ranking"]} >= {batang_barus.code}
    assert sikalang.code not in {row.village["code"] for row in response.context["ranking"]}


def _queries(client, url) -> int:
    with CaptureQueriesContext(connection) as captured:
        assert client.get(url).status_code == 200
    return len(captured)


@pytest.mark.parametrize(
    "url",
    [
        lambda v: reverse("home") + PERIOD_QUERY,
        lambda v: reverse("dashboard:village_list") + PERIOD_QUERY,
        lambda v: reverse("dashboard:village_detail", kwargs={"code": v.code}) + PERIOD_QUERY,
        lambda v: reverse("dashboard:region_detail", kwargs={"code": v.district.regency.code}) + PERIOD_QUERY,
        lambda v: reverse("dashboard:export", kwargs={"table": "peringkat", "fmt": "xlsx"}) + PERIOD_QUERY,
    ],
)
def test_query_count_does_not_grow_with_the_data(client, staff_user, batang_barus, sikalang, url):
    client.force_login(staff_user)
    target = url(batang_barus)
    enrol(batang_barus, datetime.date(2024, 1, 1), [(datetime.date(2024, 1, 1), datetime.date(2024, 3, 1))])
    stats_refresh(village_ids=[batang_barus.pk])
    client.get(target)  # warm the session and content-type caches
    small = _queries(client, target)
    for day in range(1, 9):
        enrol(batang_barus, datetime.date(2023, 6, day), [(datetime.date(2023, 6, 1), datetime.date(2024, 6, 1))])
        enrol(sikalang, datetime.date(2024, 2, day), [(datetime.date(2024, 2, 1), datetime.date(2024, 5, 1))])
    stats_refresh(village_ids=[batang_barus.pk, sikalang.pk])
    assert _queries(client, target) == small
    assert small <= 36  # the village page: figures, follow-up list, claims, commitments, anev standing, heat map


def test_dashboard_query_budget(client, staff_user, data, django_assert_num_queries):
    client.force_login(staff_user)
    client.get(reverse("home"))
    # Exact: both periods' facts are read together (4 queries, not 8); see tests/indicators/test_facts_pair.py.
    with django_assert_num_queries(20):
        client.get(reverse("home") + PERIOD_QUERY)


def test_village_list_pages_keep_the_order(client, staff_user, data):
    client.force_login(staff_user)
    first = client.get(reverse("dashboard:village_list") + "?sort=name")
    second = client.get(reverse("dashboard:village_list") + "?sort=name&page=2")
    names = [row.village["name"] for row in first.context["ranking"]]
    assert [row.village["name"] for row in first.context["ranking_shown"]] == names[:100]
    assert [row.village["name"] for row in second.context["ranking_shown"]] == names[100:200]
    assert "<td>101</td>" in second.text


def test_dashboard_shows_the_head_of_the_ranking_and_links_to_all(client, staff_user, data, batang_barus):
    client.force_login(staff_user)
    response = client.get(reverse("home") + PERIOD_QUERY)
    shown = response.context["ranking_shown"]
    assert len(shown) == 25
    # Default order: coverage, highest first; Batang Barus is the only village with a defined coverage.
    assert shown[0].village["code"] == batang_barus.code
    assert 'data-testid="all-villages"' in response.text


def test_region_page_query_count(client, staff_user, data, batang_barus, django_assert_num_queries):
    client.force_login(staff_user)
    url = reverse("dashboard:region_detail", kwargs={"code": batang_barus.district.regency.code}) + PERIOD_QUERY
    client.get(url)
    # Exact: both periods' facts read together, the kecamatan cells worked out in the view (no query per cell).
    with django_assert_num_queries(19):
        client.get(url)
