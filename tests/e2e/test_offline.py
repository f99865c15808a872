"""The installable web app offline, in Chromium at 360 × 740 with the network switched off and on.

An official's phone keeps what they enter without signal (IndexedDB) and sends it through the API with an
Idempotency-Key made when it was entered: each entry reaches the database exactly once, after the browser
was closed, after a connection lost mid-sync, after the session expired; what the server refuses comes
back as an item to fix. The phone's browser is a persistent context (a profile directory), so closing and
reopening it keeps IndexedDB and the service worker, as on a real phone.
"""

from __future__ import annotations

import datetime
from collections.abc import Iterator
from contextlib import contextmanager

import pytest
from django.utils import timezone

from participants.models import Contribution, Participant
from participants.months import month_start
from tests.e2e.conftest import CHROMIUM, CHROMIUM_ARGS, PASSWORD
from tests.factories import ParticipantFactory, make_nik

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


def pending(page) -> int:
    return int(page.evaluate("document.body.dataset.offlinePending || '0'"))


def register(page, *, name: str, nik: str, sex: str = "L", birth: str = "17/05/1991") -> None:
    page.goto("/participants/new/")
    page.fill("#id_nik", nik)
    page.fill("#id_name", name)
    page.check(f"input[name=sex][value={sex}]")
    page.fill("#id_birth_date", birth)
    page.select_option("#id_occupation", "petani")
    page.fill("#id_monthly_income", "1.500.000")
    page.select_option("#id_funding_source", "mandiri")
    page.get_by_role("button", name="Simpan").click()


def pay(page, participant: Participant) -> None:
    page.goto(f"/participants/{participant.pk}/contributions/new/")
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
        assert pending(page) == 5
        assert "5 menunggu kirim" in page.get_by_test_id("offline-count").inner_text()
        assert not Participant.objects.filter(nik__in=niks).exists()
    # The phone restarts: the browser's session cookie is gone, the entries are not.
    with phone(browser, live_server, profile, problems) as (context, page):
        context.set_offline(True)
        page.goto("/offline/")
        assert page.get_by_test_id("offline-item").count() == 5
        context.set_offline(False)
        page.evaluate("window.dispatchEvent(new Event('online'))")
        page.get_by_text("Sesi Anda berakhir").first.wait_for()
        assert pending(page) == 5
        log_in(page, official.username)
        page.locator("body[data-offline-pending='0']").wait_for(state="attached")
    for nik in niks:
        assert Participant.objects.filter(nik=nik).count() == 1
    month = month_start(timezone.localdate())
    for worker in workers:
        assert Contribution.objects.filter(participant=worker, month=month).count() == 1
    assert not problems, problems
