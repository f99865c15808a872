"""Rankings on the regency and kecamatan pages (and the villages list) follow the chosen indicator, best
coverage first by default as on the branch dashboard; the order is named above the table and can be changed."""

from __future__ import annotations

import datetime

import pytest
from django.urls import reverse

from participants.stats import stats_refresh
from tests.builders import enrol
from villages.models import Village

D = datetime.date
PERIOD_QUERY = "?period=custom&start=01/2024&end=06/2024"


@pytest.fixture
def district_villages(batang_barus):
    """Three villages of Batang Barus's kecamatan: coverage 1/100 (Batang Barus), 3/50, and one without participants
    whose code comes first."""
    others = list(Village.objects.filter(district=batang_barus.district).exclude(pk=batang_barus.pk).order_by("code"))
    empty, strong = others[0], others[-1]
    assert empty.code < batang_barus.code and empty.code < strong.code
    for village, working_age in ((batang_barus, 100), (strong, 50), (empty, 80)):
        village.working_age_population = working_age
        village.population = 1000
        village.save()
    enrol(batang_barus, D(2024, 1, 1), [(D(2024, 1, 1), D(2024, 6, 1))])
    for day in (1, 2, 3):
        enrol(strong, D(2024, 1, day), [(D(2024, 1, 1), D(2024, 6, 1))])
    enrol(strong, D(2024, 1, 4), [(D(2024, 1, 1), D(2024, 2, 1))])  # lapsed: enrolled, not active
    stats_refresh(village_ids=[batang_barus.pk, strong.pk])
    return {"empty": empty, "batang_barus": batang_barus, "strong": strong}


def codes(response) -> list[str]:
    return [row.village["code"] for row in response.context["ranking"]]


@pytest.mark.parametrize("level", ["district", "regency"])
def test_region_ranking_puts_the_best_coverage_first(client, staff_user, district_villages, level):
    client.force_login(staff_user)
    region = district_villages["batang_barus"].district
    code = region.code if level == "district" else region.regency.code
    response = client.get(reverse("dashboard:region_detail", kwargs={"code": code}) + PERIOD_QUERY)
    ranked = codes(response)
    assert ranked[:3] == [
        district_villages["strong"].code,  # 6,0%
        district_villages["batang_barus"].code,  # 1,0%
        district_villages["empty"].code,  # 0,0%: a coverage of zero is a value, ranked before the undefined
    ]
    assert response.context["ranking"][0].results["coverage"].display == "6,0%"
    assert "Diurutkan menurut <strong>Cakupan kepesertaan: tertinggi dahulu</strong>" in response.text
    assert '<option value="-coverage" selected>' in response.text


def test_region_ranking_follows_the_chosen_indicator(client, staff_user, district_villages):
    client.force_login(staff_user)
    url = reverse("dashboard:region_detail", kwargs={"code": district_villages["batang_barus"].district.code})
    response = client.get(url + PERIOD_QUERY + "&sort=-new_enrolments")
    assert codes(response)[:2] == [district_villages["strong"].code, district_villages["batang_barus"].code]
    assert '<option value="-new_enrolments" selected>' in response.text
    response = client.get(url + PERIOD_QUERY + "&sort=name")
    names = [row.village["name"] for row in response.context["ranking"]]
    assert names == sorted(names)
    assert "Nama desa: A–Z" in response.text


def test_an_unknown_sort_falls_back_to_the_default(client, staff_user, district_villages):
    client.force_login(staff_user)
    url = reverse("dashboard:region_detail", kwargs={"code": district_villages["batang_barus"].district.code})
    # claims_count is an indicator, but not a column of the ranking.
    for sort in ("claims_count", "-claims_count", "entah"):
        response = client.get(url + PERIOD_QUERY + f"&sort={sort}")
        assert response.status_code == 200
        assert codes(response)[0] == district_villages["strong"].code


def test_villages_list_and_its_export_share_the_dashboard_order(client, staff_user, district_villages):
    client.force_login(staff_user)
    response = client.get(reverse("dashboard:village_list") + PERIOD_QUERY)
    assert codes(response)[:2] == [district_villages["strong"].code, district_villages["batang_barus"].code]
    export = client.get(reverse("dashboard:export", kwargs={"table": "peringkat", "fmt": "csv"}) + PERIOD_QUERY)
    lines = export.content.decode("utf-8-sig").splitlines()
    header_at = next(index for index, line in enumerate(lines) if line.startswith("Peringkat,"))
    assert lines[header_at + 1].startswith(f"1,{district_villages['strong'].code},")
    assert lines[header_at + 2].startswith(f"2,{district_villages['batang_barus'].code},")
