"""Issue 15 on a 360 × 740 phone in Chromium: the monthly screen (search, jorong filter, ticks, the sticky
save bar, exactly the ticked ones saved), masked NIKs that tell two people of one name apart, the follow-up
list as cards, the anev score "3,5" typed in an English browser, and the per-official completeness page."""

from __future__ import annotations

import datetime
from collections.abc import Iterator
from decimal import Decimal

import pytest
from django.utils import timezone

from participants.models import Contribution, Participant
from participants.months import add_months, month_start
from tests.e2e.conftest import _watched_page, login
from tests.e2e.test_mobile import WIDTH, assert_fits
from tests.factories import ContributionFactory, ParticipantFactory

HEIGHT = 740
PHONE = {"viewport": {"width": WIDTH, "height": HEIGHT}, "is_mobile": True, "has_touch": True, "device_scale_factor": 2}


@pytest.fixture
def phone_page(request, browser, live_server, console_problems) -> Iterator:
    """The e2e conftest's 360 × 740 phone, with service workers blocked: these pages are tested online, and the
    offline app's background fetches would run beside the test's requests on the live server's one SQLite
    connection (tests/e2e/test_offline.py tests the offline app)."""
    yield from _watched_page(request, browser, live_server, console_problems, service_workers="block", **PHONE)


def sign_in(page, username: str) -> None:
    """Log in, and let the landing page's own requests finish before the test's next one (the live server
    shares one SQLite connection between its threads)."""
    login(page, username)
    page.wait_for_load_state("networkidle")


def _in_view(locator) -> bool:
    box = locator.bounding_box()
    return box is not None and box["y"] >= 0 and box["y"] + box["height"] <= HEIGHT and box["x"] + box["width"] <= WIDTH


@pytest.fixture
def villagers(batang_barus):
    """Two jorong of twelve, and two people called Rahmat Hidayat (one with a KPJ), one in each jorong."""
    made = {}
    for jorong in ("Jorong Koto", "Jorong Balai"):
        for index in range(12):
            name = f"{jorong.split()[1]} {index:02d}"
            made[name] = ParticipantFactory(village=batang_barus, hamlet=jorong, name=name)
    made["rahmat-koto"] = ParticipantFactory(
        village=batang_barus, hamlet="Jorong Koto", name="Rahmat Hidayat", kpj="12345678901"
    )
    made["rahmat-balai"] = ParticipantFactory(
        village=batang_barus, hamlet="Jorong Balai", name="Rahmat Hidayat", birth_date=datetime.date(1990, 7, 20)
    )
    return made


def test_monthly_screen_search_filter_tick_and_save_exactly_the_ticked(phone_page, official, villagers):
    page = phone_page
    month = month_start(timezone.localdate())
    sign_in(page, official.username)
    assert_fits(page, f"/participants/contributions/monthly/?month={month:%m/%Y}")
    listing = page.get_by_test_id("monthly-list")
    bar = page.get_by_test_id("save-bar")
    assert _in_view(bar), "the save bar is in view at the top of a 26-name list"
    assert page.get_by_test_id("ticked-count").inner_text() == "0"

    # Two people of one name: the search finds both, their masked NIKs differ.
    page.get_by_test_id("monthly-search").fill("rahmat")
    rows = listing.locator(".js-row:visible")
    assert rows.count() == 2 and page.get_by_test_id("shown-count").inner_text() == "2"
    masked = rows.locator("[data-testid=masked-nik]").all_inner_texts()
    assert len(set(masked)) == 2, masked
    assert villagers["rahmat-koto"].nik not in page.content()
    rows.filter(has_text="KPJ …8901").locator("label").click()
    assert page.get_by_test_id("ticked-count").inner_text() == "1"

    # A jorong: the Koto Rahmat is hidden but stays ticked; "Centang semua" ticks only the twelve + one shown.
    page.get_by_test_id("monthly-search").fill("")
    page.get_by_test_id("monthly-jorong").select_option("Jorong Balai")
    assert listing.locator(".js-row:visible").count() == 13
    page.get_by_role("button", name="Centang semua").click()
    assert page.get_by_test_id("ticked-count").inner_text() == "14"
    assert page.get_by_test_id("ticked-hidden").inner_text() == "1"
    # A search inside the jorong by the masked NIK's KPJ-less tail, then one unticked by its label.
    page.get_by_test_id("monthly-search").fill("Balai 03")
    listing.locator("label", has_text="Balai 03").click()
    page.get_by_test_id("monthly-search").fill("")
    assert page.get_by_test_id("ticked-count").inner_text() == "13"
    page.mouse.wheel(0, 5000)
    assert _in_view(bar), "the save bar stays in view at the bottom of the list"

    with page.expect_navigation():
        bar.get_by_role("button", name="Simpan pembayaran").tap()
    assert page.locator(".alert-success").is_visible()
    paid = set(Contribution.objects.filter(month=month).values_list("participant_id", flat=True))
    expected = {villagers["rahmat-koto"].pk, villagers["rahmat-balai"].pk} | {
        villagers[f"Balai {index:02d}"].pk for index in range(12) if index != 3
    }
    assert paid == expected


def test_monthly_screen_keeps_ticks_when_a_participant_is_opened(phone_page, official, villagers):
    page = phone_page
    month = month_start(timezone.localdate())
    sign_in(page, official.username)
    url = f"/participants/contributions/monthly/?month={month:%m/%Y}"
    page.goto(url)
    page.get_by_test_id("monthly-list").locator("label", has_text="Koto 05").click()
    with page.expect_navigation():
        page.get_by_role("link", name="Buka data Koto 05").click()
    assert page.url.endswith(f"/participants/{villagers['Koto 05'].pk}/")
    page.go_back()
    page.wait_for_load_state()
    assert page.get_by_test_id("ticked-count").inner_text() == "1"
    assert page.locator(f"#paid-{villagers['Koto 05'].pk}").is_checked()


def test_follow_up_list_is_cards_with_the_months_due_and_whatsapp_in_view(phone_page, official, batang_barus):
    page = phone_page
    today = month_start(timezone.localdate())
    worker = ParticipantFactory(
        village=batang_barus,
        name="Nurhayati Binti Abdul Rahman Syah",
        phone="081266554433",
        enrolled_on=add_months(today, -8),
    )
    for offset in range(8, 1, -1):
        ContributionFactory(participant=worker, month=add_months(today, -offset))
    sign_in(page, official.username)
    assert_fits(page, f"/villages/{batang_barus.code}/")
    card = page.get_by_test_id("follow-up-cards").locator("li").first
    assert "Nurhayati" in card.inner_text()
    assert "Belum dibayar: 2 bulan" in card.get_by_test_id("months-due").inner_text()
    whatsapp = card.get_by_role("link", name="Ingatkan lewat WhatsApp")
    whatsapp.scroll_into_view_if_needed()
    assert _in_view(whatsapp) and whatsapp.get_attribute("href").startswith("https://wa.me/6281266554433")


@pytest.fixture
def english_phone(browser, live_server) -> Iterator:
    """A 360 px phone whose browser asks for English (en-US): the page must not answer in English."""
    context = browser.new_context(base_url=live_server.url, locale="en-US", service_workers="block", **PHONE)
    context.set_default_timeout(10_000)
    page = context.new_page()
    errors: list[str] = []
    page.on("pageerror", lambda error: errors.append(str(error)))
    yield page
    context.close()
    assert not errors, errors


def test_anev_score_3_comma_5_typed_in_an_english_browser_saves_3_5(english_phone, staff_user, programme):
    page = english_phone
    evaluation = programme.evaluations.get(village__code="13.02.07.2006")
    sign_in(page, staff_user.username)
    assert_fits(page, f"/evaluations/village/{evaluation.pk}/")
    page.locator("summary", has_text="Sesuaikan skor keterikatan").click()
    score = page.locator("#id_keterikatan-score")
    assert score.get_attribute("type") == "text" and score.get_attribute("inputmode") == "decimal"
    score.fill("3,5")
    page.locator("#id_keterikatan-justification").fill("Agen PERISAI aktif sejak 2022.")
    with page.expect_navigation():
        score.locator("xpath=ancestor::form").locator("button[type=submit]").click()
    assert evaluation.pillar_scores.get(pillar="keterikatan").adjusted_score == Decimal("3.5")
    assert page.locator("#id_keterikatan-score").input_value() == "3,5"


def test_masked_niks_on_the_participant_list_tell_two_people_apart(phone_page, official, villagers):
    sign_in(phone_page, official.username)
    assert_fits(phone_page, "/participants/?q=Rahmat")
    cells = phone_page.locator("main table tbody tr").all_inner_texts()
    rahmat = [text for text in cells if "Rahmat Hidayat" in text]
    assert len(rahmat) == 2 and rahmat[0] != rahmat[1]
    assert all(
        Participant.objects.get(pk=v.pk).masked_nik in " ".join(rahmat) for k, v in villagers.items() if "rahmat" in k
    )


def test_completeness_per_official_fits_a_phone_and_names_each_official(phone_page, staff_user, official, batang_barus):
    page = phone_page
    worker = ParticipantFactory(village=batang_barus, name="Warga Baru")
    Participant.history.filter(id=worker.pk).update(history_user=official)
    sign_in(page, staff_user.username)
    page.goto("/")
    with page.expect_navigation():
        page.get_by_test_id("official-entries-link").click()
    assert page.url.endswith("/officials/")
    assert_fits(page, "/officials/")
    row = page.locator(f"[data-user='{official.username}']")
    assert row.get_by_test_id("registrations").inner_text() == "1"
    row.get_by_test_id("activities").scroll_into_view_if_needed()
    assert _in_view(row.get_by_test_id("activities")), "the last count is on screen, not off to the side"
    with page.expect_download() as download:
        page.get_by_test_id("exports").get_by_role("button").click()
        page.get_by_role("link", name="Excel (.xlsx)").click()
    assert download.value.suggested_filename.endswith(".xlsx")
