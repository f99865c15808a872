"""The installable web app offline, in Chromium at 360 × 740 with the network switched off and on.

An official's phone keeps what they enter without signal (IndexedDB) and sends it through the API with an
Idempotency-Key made when it was entered: each entry reaches the database exactly once, after the browser
was closed, after a connection lost mid-sync, after the session expired; what the server refuses comes
back as an item to fix. The phone's browser is a persistent context (a profile directory), so closing and
reopening it keeps IndexedDB and the service worker, as on a real phone.
"""

from __future__ import annotations

import datetime
import io
from collections.abc import Iterator
from contextlib import contextmanager

import pytest
from django.utils import timezone
from PIL import Image

from participants.models import Contribution, Participant
from participants.months import add_months, month_start
from participants.rules import RuleBook
from tests.e2e.conftest import CHROMIUM, CHROMIUM_ARGS, PASSWORD, login
from tests.factories import ParticipantFactory, make_nik
from villages.models import Activity

PHONE = {"width": 360, "height": 740}
BIRTH = datetime.date(1991, 5, 17)


@pytest.fixture
def profile(tmp_path):
    return tmp_path / "profile"


@contextmanager
def phone(browser, live_server, profile, problems: list[str]) -> Iterator:
    """A phone's browser on `profile`: opening it again with the same profile is the same phone after a restart."""
    context = browser.browser_type.launch_persistent_context(
        str(profile),
        executable_path=str(CHROMIUM),
        args=CHROMIUM_ARGS,
        base_url=live_server.url,
        viewport=PHONE,
        is_mobile=True,
        has_touch=True,
        device_scale_factor=2,
        locale="id-ID",
        service_workers="allow",
    )
    context.set_default_timeout(15_000)
    page = context.pages[0] if context.pages else context.new_page()
    page.on("pageerror", lambda error: problems.append(f"uncaught on {page.url}: {error}"))
    page.on(
        "console",
        lambda message: (
            message.type == "error"
            and "Failed to load resource" not in message.text  # the refusals and cut connections the tests cause
            and problems.append(f"console on {page.url}: {message.text}")
        ),
    )
    try:
        yield context, page
    finally:
        context.close()


def log_in(page, username: str) -> None:
    page.goto("/accounts/login/")
    page.fill("input[name=username]", username)
    page.fill("input[name=password]", PASSWORD)
    with page.expect_navigation():
        page.click("form button[type=submit]")
    assert "/accounts/login/" not in page.url


def wait_ready(page) -> None:
    """The official's pages are kept for offline use, and the worker controls the pages opened from now on."""
    page.locator("body[data-offline-ready='1']").wait_for(state="attached", timeout=60_000)
    page.goto("/")
    assert page.evaluate("navigator.serviceWorker.controller !== null")


def expect_pending(page, count: int) -> None:
    """The header's count of entries waiting on the phone reaches `count` (it is refreshed after each write)."""
    page.locator(f"body[data-offline-pending='{count}']").wait_for(state="attached", timeout=5_000)


def register(page, *, name: str, nik: str, sex: str = "L", birth: str = "17/05/1991") -> None:
    page.goto("/participants/new/")
    page.locator("body[data-offline-started='1']").wait_for(state="attached")
    page.fill("#id_nik", nik)
    page.fill("#id_name", name)
    page.check(f"input[name=sex][value={sex}]")
    page.fill("#id_birth_date", birth)
    page.select_option("#id_occupation", "petani")
    page.fill("#id_monthly_income", "1.500.000")
    page.select_option("#id_funding_source", "mandiri")
    page.get_by_role("button", name="Simpan").click()
    page.locator("[data-testid=offline-flash], [data-testid=offline-error]").first.wait_for()


def pay(page, participant: Participant) -> None:
    page.goto(f"/participants/{participant.pk}/contributions/new/")
    page.locator("body[data-offline-started='1']").wait_for(state="attached")
    page.get_by_role("button", name="Simpan iuran").click()
    page.get_by_test_id("offline-flash").wait_for()


@pytest.fixture
def workers(batang_barus) -> list[Participant]:
    enrolled = month_start(timezone.localdate())
    return [ParticipantFactory(village=batang_barus, name=f"Pembayar {n}", enrolled_on=enrolled) for n in range(3)]


def test_entries_made_offline_reach_the_database_once_after_a_restart(browser, live_server, profile, official, workers):
    problems: list[str] = []
    niks = [make_nik(birth_date=BIRTH, sex="L", serial=serial) for serial in (501, 502)]
    with phone(browser, live_server, profile, problems) as (context, page):
        log_in(page, official.username)
        wait_ready(page)
        context.set_offline(True)
        for serial, nik in enumerate(niks, start=1):
            register(page, name=f"Warga Luring {serial}", nik=nik)
            assert "Disimpan di HP" in page.get_by_test_id("offline-flash").inner_text()
        for worker in workers:
            pay(page, worker)
        expect_pending(page, 5)
        assert "5 menunggu kirim" in page.get_by_test_id("offline-count").inner_text()
        assert not Participant.objects.filter(nik__in=niks).exists()
    # The phone restarts: the browser's session cookie is gone, the entries are not.
    with phone(browser, live_server, profile, problems) as (context, page):
        context.set_offline(True)
        page.goto("/offline/")
        page.locator("body[data-offline-started='1']").wait_for(state="attached")
        assert page.get_by_test_id("offline-item").count() == 5
        context.set_offline(False)
        page.evaluate("window.dispatchEvent(new Event('online'))")
        page.get_by_text("Sesi Anda berakhir").first.wait_for()
        expect_pending(page, 5)
        log_in(page, official.username)
        page.locator("body[data-offline-pending='0']").wait_for(state="attached")
    for nik in niks:
        assert Participant.objects.filter(nik=nik).count() == 1
    month = month_start(timezone.localdate())
    for worker in workers:
        assert Contribution.objects.filter(participant=worker, month=month).count() == 1
    assert not problems, problems


def queued(page) -> list[dict]:
    return page.evaluate("DSJStore.items(document.body.dataset.user)")


def test_a_nik_registered_meanwhile_comes_back_to_fix_with_the_server_s_message(
    browser, live_server, profile, official, batang_barus, workers
):
    problems: list[str] = []
    taken = make_nik(birth_date=BIRTH, sex="P", serial=601)
    with phone(browser, live_server, profile, problems) as (context, page):
        log_in(page, official.username)
        wait_ready(page)
        context.set_offline(True)
        register(page, name="Rahmah Luring", nik=taken, sex="P", birth="17/05/1991")
        register(page, name="Dibuang Luring", nik=make_nik(birth_date=BIRTH, sex="L", serial=602))
        # Meanwhile another device registers the same woman.
        ParticipantFactory(village=batang_barus, name="Rahmah Perangkat Lain", nik=taken, sex="P", birth_date=BIRTH)
        # The phone's own check refuses what needs no server: a NIK whose birth date is not the form's.
        register(page, name="Salah Tanggal", nik=make_nik(birth_date=BIRTH, sex="L", serial=603), birth="18/05/1991")
        assert "Tanggal lahir tidak cocok dengan NIK" in page.get_by_test_id("offline-error").first.inner_text()
        expect_pending(page, 2)
        context.set_offline(False)
        page.goto("/offline/")
        page.locator("body[data-offline-fix='1']").wait_for(state="attached")
        item = page.locator("[data-testid=offline-item][data-status=fix]")
        item.wait_for()
        assert "NIK ini sudah terdaftar" in item.inner_text()
        assert "perlu diperbaiki" in page.get_by_test_id("offline-count").inner_text()
        # The official corrects the NIK (it was her sister) and sends it again.
        item.get_by_role("link", name="Perbaiki").click()
        assert "NIK ini sudah terdaftar" in page.get_by_test_id("offline-editing").inner_text()
        assert page.input_value("#id_name") == "Rahmah Luring"
        sister = make_nik(birth_date=datetime.date(1993, 8, 2), sex="P", serial=604)
        page.fill("#id_nik", sister)
        page.fill("#id_birth_date", "02/08/1993")
        with page.expect_navigation():
            page.get_by_role("button", name="Simpan").click()
        page.locator("body[data-offline-pending='0'][data-offline-fix='0']").wait_for(state="attached")
    assert Participant.objects.filter(nik=sister, name="Rahmah Luring").count() == 1
    assert Participant.objects.filter(nik=taken).count() == 1
    assert Participant.objects.filter(name="Dibuang Luring").count() == 1
    assert not Participant.objects.filter(name="Salah Tanggal").exists()
    assert not problems, problems


def test_a_connection_lost_mid_sync_and_an_entry_queued_twice_write_once(
    browser, live_server, profile, official, workers
):
    problems: list[str] = []
    month = month_start(timezone.localdate())
    with phone(browser, live_server, profile, problems) as (context, page):
        log_in(page, official.username)
        wait_ready(page)
        context.set_offline(True)
        pay(page, workers[0])
        pay(page, workers[1])
        # The second payment ends up twice in the queue (two ids, the one Idempotency-Key made when it was entered).
        page.evaluate(
            """async () => {
                const items = await DSJStore.items(document.body.dataset.user);
                await DSJStore.put({...items[1], id: crypto.randomUUID(), created: new Date().toISOString()});
            }"""
        )
        assert len(queued(page)) == 3

        # The server writes the first payment, but its answer never reaches the phone.
        def cut_after_writing(route):
            route.fetch()
            route.abort("internetdisconnected")

        first = f"**/api/v1/participants/{workers[0].pk}/contributions/"
        context.route(first, cut_after_writing)
        context.set_offline(False)
        page.goto("/offline/")
        page.locator("body[data-offline-started='1']").wait_for(state="attached")
        assert Contribution.objects.filter(participant=workers[0], month=month).count() == 1
        assert len(queued(page)) == 3  # nothing lost: the phone does not know it was written
        context.unroute(first)
        page.get_by_role("button", name="Kirim sekarang").click()
        page.locator("body[data-offline-pending='0']").wait_for(state="attached")
    assert Contribution.objects.filter(participant=workers[0], month=month).count() == 1
    assert Contribution.objects.filter(participant=workers[1], month=month).count() == 1
    assert not problems, problems


def test_logout_clears_the_phone(browser, live_server, profile, official, workers):
    problems: list[str] = []
    with phone(browser, live_server, profile, problems) as (context, page):
        log_in(page, official.username)
        wait_ready(page)
        context.set_offline(True)
        pay(page, workers[0])
        context.set_offline(False)
        page.goto("/offline/")
        page.locator("body[data-offline-pending='0']").wait_for(state="attached")
        assert page.evaluate("caches.open('dsj-pages').then((cache) => cache.keys()).then((keys) => keys.length)") > 0
        page.get_by_role("button", name="Menu").click()
        page.locator(".navbar-collapse.show").wait_for()  # Bootstrap's collapse has finished opening
        page.get_by_role("button", name=official.username).click()
        with page.expect_navigation():
            page.get_by_role("button", name="Keluar").click()
        assert page.evaluate("caches.has('dsj-pages')") is False
        names = page.evaluate("indexedDB.databases().then((list) => list.map((db) => db.name))")
        assert "dsj-offline" not in names
    assert not problems, problems


def test_the_app_is_installable_and_the_official_s_page_is_light(browser, live_server, profile, official, workers):
    problems: list[str] = []
    with phone(browser, live_server, profile, problems) as (context, page):
        log_in(page, official.username)
        wait_ready(page)
        manifest_url = page.get_attribute("link[rel=manifest]", "href")
        answer = page.request.get(manifest_url)
        assert answer.headers["content-type"] == "application/manifest+json"
        manifest = answer.json()
        assert manifest["name"] == "Desa Sadar Jamsostek" and manifest["short_name"]
        assert manifest["start_url"] == "/" and manifest["display"] == "standalone"
        sizes = {icon["sizes"]: icon for icon in manifest["icons"] if icon["purpose"] == "any"}
        for size in ("192x192", "512x512"):
            icon = page.request.get(sizes[size]["src"])
            assert icon.ok and icon.headers["content-type"] == "image/png"
            with Image.open(io.BytesIO(icon.body())) as image:
                assert f"{image.width}x{image.height}" == size
        cdp = context.new_cdp_session(page)
        assert cdp.send("Page.getAppManifest")["errors"] == []
        assert cdp.send("Page.getInstallabilityErrors")["installabilityErrors"] == []
        worker = page.evaluate(
            "navigator.serviceWorker.ready.then((registration) => [registration.scope, registration.active.scriptURL])"
        )
        assert worker == [f"{live_server.url}/", f"{live_server.url}/sw.js"]
        assert page.evaluate("navigator.serviceWorker.controller.scriptURL") == f"{live_server.url}/sw.js"

        # The official's first page after the first visit: what crosses the network, the worker's fetches included.
        transferred: list[tuple[str, int]] = []

        def count(request):
            response = request.response()
            if response is not None and not response.from_service_worker:
                sizes = request.sizes()
                transferred.append((request.url, sizes["responseBodySize"] + sizes["responseHeadersSize"]))

        context.on("requestfinished", count)
        page.goto("/")
        page.locator("body[data-offline-started='1']").wait_for(state="attached")
        page.wait_for_load_state("networkidle")
        context.remove_listener("requestfinished", count)
        total = sum(size for _, size in transferred)
        print(f"official's first page after the first visit: {total / 1024:.1f} KB in {len(transferred)} requests")
        assert total < 200 * 1024, transferred
    assert not problems, problems


def test_the_phone_prices_months_as_the_server_does(page, official, batang_barus):
    """The payment form's offline price (static/js/offline/entries.js) against participants.rules, for the
    occupations, funding sources, JHT choices and months around the reliefs."""
    login(page, official.username)
    page.goto("/offline/")
    rules = page.evaluate("fetch('/api/v1/contribution-rules/').then((response) => response.json())")
    book = RuleBook.load()
    cases = []
    for occupation in ("petani", "pengemudi_ojek", "pedagang"):
        for funding in ("mandiri", "apbd", "apbdes"):
            for with_jht in (False, True):
                for first in ("2025-11", "2026-01", "2026-03", "2026-12", "2027-03", "2027-04"):
                    for months in (1, 3, 12):
                        cases.append((occupation, funding, with_jht, first, months, 1_750_555))
    phone_prices = page.evaluate(
        """([rules, cases]) => cases.map(([occupation, funding, withJht, first, months, income]) =>
            DSJEntries.paymentDue(rules, {income, occupation, fundingSource: funding},
                {firstMonth: first, months, withJht, fundingSource: funding}))""",
        [rules, cases],
    )
    for case, phone_price in zip(cases, phone_prices, strict=True):
        occupation, funding, with_jht, first, months, income = case
        start = datetime.date(int(first[:4]), int(first[5:]), 1)
        server_price = sum(
            book.due(
                month=add_months(start, index),
                income=income,
                with_jht=with_jht,
                occupation=occupation,
                funding_source=funding,
            ).total
            for index in range(months)
        )
        assert phone_price == server_price, case


def test_the_monthly_screen_and_an_activity_offline(browser, live_server, profile, official, workers):
    problems: list[str] = []
    month = month_start(timezone.localdate())
    with phone(browser, live_server, profile, problems) as (context, page):
        log_in(page, official.username)
        wait_ready(page)
        context.set_offline(True)
        page.goto(f"/participants/contributions/monthly/?month={month:%m/%Y}")
        page.locator("body[data-offline-started='1']").wait_for(state="attached")
        for worker in workers[:2]:
            page.check(f"#paid-{worker.pk}")
        page.get_by_role("button", name="Simpan pembayaran").click()
        assert "2 peserta" in page.get_by_test_id("offline-flash").inner_text()
        page.goto("/activities/new/")
        page.locator("body[data-offline-started='1']").wait_for(state="attached")
        page.select_option("#id_kind", "sosialisasi")
        page.fill("#id_title", "Sosialisasi Jorong Luring")
        page.fill("#id_attendees", "25")
        page.fill("#id_enrolled_on_spot", "3")
        page.get_by_role("button", name="Simpan").click()
        page.get_by_test_id("offline-flash").wait_for()
        expect_pending(page, 2)
        context.set_offline(False)
        page.goto("/offline/")
        page.locator("body[data-offline-pending='0']").wait_for(state="attached")
    for worker in workers[:2]:
        assert Contribution.objects.filter(participant=worker, month=month).count() == 1
    assert not Contribution.objects.filter(participant=workers[2]).exists()
    activity = Activity.objects.get(title="Sosialisasi Jorong Luring")
    assert (activity.attendees, activity.enrolled_on_spot, activity.date) == (25, 3, timezone.localdate())
    assert not problems, problems
