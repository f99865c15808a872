"""Logging in, for every role, through the real form in Chromium, under the strict CSP."""

from __future__ import annotations

import pytest

from tests.e2e.conftest import login
from tests.factories import UserFactory
from villages.access import ROLE_ADMIN

ROLES = ["staff_user", "head_user", "official", "superuser"]


@pytest.fixture
def branch_admin(db):
    return UserFactory(username="admincabang.test", role=ROLE_ADMIN, is_staff=True)


@pytest.mark.parametrize("role", [*ROLES, "branch_admin"])
def test_each_role_logs_in_and_out(page, request, role):
    user = request.getfixturevalue(role)
    login(page, user.username)
    menu = page.locator("nav .dropdown-toggle")
    assert user.username in menu.inner_text()
    menu.click()
    with page.expect_navigation():
        page.get_by_role("button", name="Keluar").click()
    assert "/accounts/login/" in page.url
    page.goto("/")
    assert "/accounts/login/" in page.url, "after logging out the home page must ask for a login again"


def test_wrong_password_is_refused_with_a_message(page, staff_user):
    page.goto("/accounts/login/")
    page.fill("input[name=username]", staff_user.username)
    page.fill("input[name=password]", "salah-sekali")
    with page.expect_navigation():
        page.click("form button[type=submit]")
    assert "/accounts/login/" in page.url
    assert "Nama pengguna atau sandi salah" in page.locator(".alert-danger").inner_text()


def test_login_page_sends_csp_and_the_browser_enforces_it(page, live_server, console_problems):
    response = page.goto("/accounts/login/")
    policy = response.headers["content-security-policy"]
    assert "script-src 'self'" in policy
    assert "unsafe-inline" not in policy
    assert console_problems == [], "the login page itself must not violate the policy"
    # An inline script slipped into the page is refused by the browser, and the collector sees it.
    page.evaluate(
        "() => { const s = document.createElement('script'); s.textContent = 'window.injected = 1'; "
        "document.body.appendChild(s); }"
    )
    page.wait_for_timeout(100)
    assert page.evaluate("() => window.injected") is None
    assert any("Content Security Policy" in problem for problem in console_problems), console_problems
    console_problems.clear()  # the violation above was the point of this test
