"""The branch's own pages in Chromium as staff and the branch head would walk them, at 1280 px and on a 360 px
phone, under the strict CSP (the page fixtures fail on any console error): rankings with their order, the
claims and commitments lists, the village page leading with its standing, sparklines and the jorong heat map."""

from __future__ import annotations

import datetime

import pytest
from django.utils import timezone

from participants.models import Participant
from participants.months import add_months, month_start
from tests.e2e.conftest import login
from tests.e2e.test_mobile import assert_fits
from tests.factories import BATANG_BARUS, ClaimFactory, CommitmentFactory
from villages.models import Village

LAST = add_months(month_start(timezone.localdate()), -1)


@pytest.fixture
def branch(programme):
    """The programme, with jorongs, a large paid claim, and an agreement of Batang Barus that has lapsed."""
    batang_barus = Village.objects.get(code=BATANG_BARUS)
    participants = list(Participant.objects.filter(village=batang_barus).order_by("pk"))
    for index, participant in enumerate(participants):
        participant.hamlet = "Koto Tuo" if index % 2 else "Baruah"
        participant.save()
    ClaimFactory(
        participant=participants[0],
        programme="JKM",
        event_date=LAST,
        paid_on=LAST + datetime.timedelta(days=3),
        amount=1_239_000_000,
    )
    CommitmentFactory(
        village=batang_barus,
        number="PKS/BB/2019",
        signed_on=datetime.date(2019, 3, 20),
        valid_until=datetime.date(2022, 3, 19),
    )
    return programme


@pytest.mark.parametrize("role", ["staff_user", "head_user"])
def test_region_ranking_follows_the_chosen_order(page, request, branch, role):
    login(page, request.getfixturevalue(role).username)
    page.goto("/regions/13.02/")
    order = page.get_by_test_id("ranking-order")
    assert "Cakupan kepesertaan: tertinggi dahulu" in order.inner_text()
    first = page.locator("[data-testid=ranking] tbody tr").first
    assert first.get_attribute("data-village") == BATANG_BARUS  # the only village with coverage in 13.02
    page.get_by_test_id("sort").select_option("name")
    with page.expect_navigation():
        page.get_by_role("button", name="Terapkan").click()
    assert "sort=name" in page.url
    assert "Nama desa: A–Z" in page.get_by_test_id("ranking-order").inner_text()
    names = page.locator("[data-testid=ranking] tbody tr td:nth-child(2) a").all_inner_texts()
    assert names == sorted(names)


@pytest.mark.parametrize("role", ["staff_user", "head_user"])
def test_claims_list_filters_and_exports(page, request, branch, role):
    login(page, request.getfixturevalue(role).username)
    page.goto("/claims/")
    assert page.get_by_test_id("claims-amount").inner_text() == "Rp 1.239.000.000"
    assert page.locator("[data-testid=claims] tbody tr").count() == 1
    page.select_option("#id_programme", "JKK")
    with page.expect_navigation():
        page.get_by_role("button", name="Terapkan").click()
    assert "Tidak ada klaim" in page.get_by_test_id("claims").inner_text()
    page.goto("/claims/")
    page.get_by_test_id("exports").get_by_role("button").click()
    with page.expect_download() as download:
        page.get_by_role("link", name="Excel (.xlsx)").click()
    assert download.value.suggested_filename.startswith("daftar-klaim-")


def test_commitments_list_flags_the_lapsed_agreement(page, staff_user, branch):
    login(page, staff_user.username)
    page.get_by_role("link", name="Komitmen", exact=True).click()
    page.wait_for_url("**/commitments/")
    row = page.locator(f"[data-testid=commitments] tr[data-village='{BATANG_BARUS}']")
    assert "PKS/BB/2019" in row.inner_text() and "berakhir" in row.inner_text()
    assert page.get_by_test_id("count-berakhir").inner_text() == "1"


def test_village_page_leads_with_its_standing_for_staff(page, staff_user, branch):
    login(page, staff_user.username)
    page.goto(f"/villages/{BATANG_BARUS}/")
    status = page.get_by_test_id("village-status").bounding_box()
    headlines = page.get_by_test_id("headlines").bounding_box()
    follow_up = page.get_by_test_id("follow-up").bounding_box()
    assert status["y"] < headlines["y"] < follow_up["y"]
    anev = page.get_by_test_id("status-anev").inner_text()
    assert "Anev 2019–2022" in anev and "Draf" in anev
    assert "1 berakhir" in page.get_by_test_id("status-commitment").inner_text()
    assert page.locator("[data-testid=status-active] ~ svg.sparkline polyline").count() == 1
    hamlets = page.locator("[data-testid=heatmap] tbody th").all_inner_texts()
    assert hamlets == ["Baruah", "Koto Tuo"]
    # The heat cells are coloured by their classes: the last month, everyone paid, is the darkest green.
    last_cell = page.locator("[data-testid=heatmap] tbody tr").first.locator("td").last
    assert "heat-4" in last_cell.get_attribute("class")
    colour = last_cell.evaluate("(cell) => getComputedStyle(cell).backgroundColor")
    assert colour == "rgb(26, 127, 55)"


def test_villages_list_draws_sparklines(page, head_user, branch):
    login(page, head_user.username)
    page.goto("/villages/?q=batang")
    line = page.locator(f"tr[data-village='{BATANG_BARUS}'] svg.sparkline polyline")
    assert line.count() == 1
    assert len(line.get_attribute("points").split()) == 12
    assert line.evaluate("(line) => line.getBBox().width") > 50


def test_rupiah_headline_stays_on_one_line_at_1280(page, staff_user, branch):
    login(page, staff_user.username)
    page.goto("/")
    value = page.get_by_test_id("value-claims_amount")
    assert value.inner_text() == "Rp 1.239.000.000"
    fits = value.evaluate(
        """(el) => ({lines: Math.round(el.getBoundingClientRect().height / parseFloat(getComputedStyle(el).lineHeight)),
                    overflow: el.scrollWidth - el.clientWidth})"""
    )
    assert fits == {"lines": 1, "overflow": 0}


def test_new_pages_fit_a_360px_phone(phone_page, staff_user, branch):
    login(phone_page, staff_user.username)
    for url in ["/claims/", "/commitments/", "/villages/", f"/villages/{BATANG_BARUS}/", "/regions/13.02.07/"]:
        assert_fits(phone_page, url)


def test_official_sees_the_follow_up_list_first_on_a_phone(phone_page, official, branch):
    login(phone_page, official.username)
    assert phone_page.url.endswith(f"/villages/{BATANG_BARUS}/")
    status = phone_page.get_by_test_id("village-status").bounding_box()
    follow_up = phone_page.get_by_test_id("follow-up").bounding_box()
    headlines = phone_page.get_by_test_id("headlines").bounding_box()
    assert status["y"] < follow_up["y"] < headlines["y"]
    assert_fits(phone_page, "/claims/")
    assert "Batang Barus" in phone_page.get_by_test_id("claims").inner_text()
