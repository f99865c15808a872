"""Browser tests: Playwright driving Debian's Chromium against pytest-django's live server.

- Every test gets a fresh browser context and page; the browser itself starts once per session.
- A test fails when the page logs a JavaScript error or a Content-Security-Policy violation.
- A failing test leaves a screenshot (and the page's console) in `test-results/`.
- Without /usr/bin/chromium the tests are skipped with a message, unless REQUIRE_E2E=1 (CI), where
  they fail instead.
- The live server needs a transactional database; `serialized_rollback` puts back the regions, groups
  and rates the migrations load, which a transactional test would otherwise flush away.
- On SQLite the live server answers one request at a time, and none while the database is flushed or
  restored between tests: its threads would share the one in-memory connection, and the offline app's service
  worker fetches pages beside the page itself (seen: three requests deadlocked on it). On PostgreSQL each
  request thread has its own connection.
"""

from __future__ import annotations

import os
import re
import threading
from collections.abc import Iterator
from pathlib import Path

import pytest
from django.conf import settings
from django.core.servers.basehttp import WSGIServer
from django.test.testcases import LiveServerThread, TransactionTestCase

CHROMIUM = Path(os.environ.get("CHROMIUM_PATH", "/usr/bin/chromium"))
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    # This machine has no internet: keep Chromium from phoning home (its refused connections are noise).
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]


class OneRequestAtATime(WSGIServer):
    """The live server without threads (it answers `Connection: close`, so no browser connection waits), and
    never while the test's database is emptied or restored (`_alone`): a page's late fetch ran beside the flush
    on the one connection and broke it (seen: a foreign key failing at the flush's commit)."""

    busy = threading.RLock()

    def __init__(self, *args, connections_override=None, **kwargs) -> None:
        super().__init__(*args, **kwargs)

    def process_request(self, request, client_address) -> None:
        with self.busy:
            super().process_request(request, client_address)


def _alone(method):
    def alone(*args, **kwargs):
        with OneRequestAtATime.busy:
            return method(*args, **kwargs)

    return alone


if settings.DATABASES["default"]["ENGINE"].endswith("sqlite3"):
    LiveServerThread.server_class = OneRequestAtATime
    TransactionTestCase._fixture_setup = classmethod(_alone(TransactionTestCase._fixture_setup.__func__))
    TransactionTestCase._fixture_teardown = _alone(TransactionTestCase._fixture_teardown)

RESULTS_DIR = Path(__file__).resolve().parents[2] / "test-results"
PASSWORD = "rahasia-123"  # tests.factories.UserFactory's password


@pytest.hookimpl(trylast=True)  # after pytest-django has ordered the tests by their database use
def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    """Mark the browser tests and run them last: once Playwright runs, this thread holds an event
    loop, and no other test should run beside it (see `browser`)."""
    e2e_dir = Path(__file__).resolve().parent
    browser_tests = [item for item in items if e2e_dir in Path(str(item.fspath)).resolve().parents]
    for item in browser_tests:
        item.add_marker(pytest.mark.e2e)
        item.add_marker(pytest.mark.django_db(transaction=True, serialized_rollback=True))
    items[:] = [item for item in items if item not in browser_tests] + browser_tests


@pytest.hookimpl(wrapper=True)
def pytest_runtest_makereport(item: pytest.Item, call: pytest.CallInfo):
    report = yield
    # Keep each phase's report on the item, so the page fixture knows whether the test failed.
    setattr(item, f"report_{report.when}", report)
    return report


def _unavailable(reason: str) -> None:
    if os.environ.get("REQUIRE_E2E") == "1":
        pytest.fail(f"REQUIRE_E2E=1 but the browser tests cannot run: {reason}", pytrace=False)
    pytest.skip(f"browser tests skipped: {reason}")


@pytest.fixture(scope="session")
def browser(django_db_setup, live_server) -> Iterator:
    if not CHROMIUM.exists():
        _unavailable(f"no Chromium at {CHROMIUM} (install it with `apt-get install chromium`)")
    try:
        from playwright.sync_api import sync_playwright
    except ImportError:
        _unavailable("Playwright is not installed (pip install -r requirements-dev.txt)")
    from django.db import connections

    # While Playwright's event loop runs in this thread, Django looks its connections up in a
    # context-local store instead of the thread's. Hand it the thread's own connections, so the
    # tests, the live server (which shares an in-memory SQLite connection) and the serialized
    # rollback all keep using the same ones.
    thread_connections = {alias: connections[alias] for alias in connections}
    # With that loop running, the ORM also refuses to be called unless told the calls really are
    # synchronous. The browser tests run last, so nothing else sees the variable.
    os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"
    try:
        with sync_playwright() as playwright:
            for alias, connection in thread_connections.items():
                connections[alias] = connection
            chromium = playwright.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
            yield chromium
            chromium.close()
    finally:
        del os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"]


class ConsoleProblems(list):
    """Console errors, CSP violations and uncaught exceptions seen by one page."""

    def text(self) -> str:
        return "\n".join(self)


def _slug(nodeid: str) -> str:
    return re.sub(r"[^A-Za-z0-9_.-]+", "_", nodeid).strip("_")[:150]


@pytest.fixture
def console_problems() -> ConsoleProblems:
    return ConsoleProblems()


@pytest.fixture
def page(request, browser, live_server, console_problems) -> Iterator:
    """A page at desktop width whose console is watched; see `phone_page` for 360 px."""
    yield from _watched_page(request, browser, live_server, console_problems, viewport={"width": 1280, "height": 900})


@pytest.fixture
def phone_page(request, browser, live_server, console_problems) -> Iterator:
    """A page the size of the officials' phones: 360 × 740 CSS pixels, touch."""
    yield from _watched_page(
        request,
        browser,
        live_server,
        console_problems,
        viewport={"width": 360, "height": 740},
        is_mobile=True,
        has_touch=True,
        device_scale_factor=2,
    )


def _watched_page(request, browser, live_server, problems: ConsoleProblems, **context_options) -> Iterator:
    # No service worker unless a test asks (tests/e2e/test_offline.py): its fetches would outlive the test and
    # reach the live server while the next test resets the database.
    context_options.setdefault("service_workers", "block")
    context = browser.new_context(base_url=live_server.url, locale="id-ID", accept_downloads=True, **context_options)
    context.set_default_timeout(10_000)
    page = context.new_page()
    page.on(
        "console",
        lambda message: (
            message.type == "error"
            and problems.append(f"console on {page.url}: {message.text} [{message.location.get('url', '')}]")
        ),
    )
    page.on("pageerror", lambda error: problems.append(f"uncaught on {page.url}: {error}"))
    yield page
    call = getattr(request.node, "report_call", None)
    failed = call is not None and call.failed
    if failed or problems:
        RESULTS_DIR.mkdir(exist_ok=True)
        name = _slug(request.node.nodeid)
        page.screenshot(path=str(RESULTS_DIR / f"{name}.png"), full_page=True)
        (RESULTS_DIR / f"{name}.console.txt").write_text(f"{page.url}\n{problems.text()}\n", encoding="utf-8")
    context.close()
    if problems and not failed:
        pytest.fail(f"the browser reported errors on {page.url}:\n{problems.text()}", pytrace=False)


def login(page, username: str, password: str = PASSWORD) -> None:
    """Log in through the real form and wait for the page it lands on."""
    page.goto("/accounts/login/")
    page.fill("input[name=username]", username)
    page.fill("input[name=password]", password)
    with page.expect_navigation():
        page.click("form button[type=submit]")
    assert "/accounts/login/" not in page.url, f"login of {username} failed: still on {page.url}"


def expect_console(problems: ConsoleProblems, text: str) -> None:
    """Take the console lines an expected answer causes (e.g. a 404) out of the problems, once seen."""
    expected = [problem for problem in problems if text in problem]
    assert expected, f"expected a console line with {text!r}, got {problems.text()!r}"
    problems[:] = [problem for problem in problems if text not in problem]


@pytest.fixture
def programme(batang_barus, sikalang, staff_user):
    """Batang Barus and Sikalang in the programme, with workers paying over the last months, an
    activity, and an open anev cycle with a draft evaluation per village."""
    from django.utils import timezone

    from evaluations import services
    from participants.months import add_months, month_start
    from tests.builders import join, paying
    from tests.factories import ActivityFactory, EvaluationCycleFactory

    last = add_months(month_start(timezone.localdate()), -1)
    join(batang_barus, sikalang)
    paying(batang_barus, 4, first=add_months(last, -10), last=last)
    paying(sikalang, 3, first=add_months(last, -7), last=last, serial=100)
    ActivityFactory(village=batang_barus, title="Sosialisasi Jorong Koto", date=add_months(last, -2))
    cycle = EvaluationCycleFactory()
    services.cycle_open(cycle=cycle, user=staff_user)
    return cycle
