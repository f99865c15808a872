"""The API docs (/api/docs/) render in Chromium under the project's strict Content-Security-Policy:
Swagger UI from the app's own static files, no CSP violation, and a request tried from the page works."""

from __future__ import annotations

from tests.e2e.conftest import login


def test_the_swagger_ui_renders_and_tries_a_request(page, official):
    login(page, official.username)
    response = page.goto("/api/docs/")
    assert response.status == 200
    assert "script-src 'self'" in response.headers["content-security-policy"]
    page.wait_for_selector(".opblock", timeout=20_000)
    assert page.locator(".opblock").count() >= 25
    assert page.locator(".info .title").inner_text().startswith("API Desa Sadar Jamsostek")
    villages = page.locator("#operations-villages-villages_list")
    villages.locator(".opblock-summary").click()
    villages.get_by_role("button", name="Try it out").click()
    villages.get_by_role("button", name="Execute").click()
    status = villages.locator(".live-responses-table .response .response-col_status").first
    status.wait_for(timeout=10_000)
    assert status.inner_text().strip() == "200"
    assert "Batang Barus" in villages.locator(".live-responses-table .microlight").first.inner_text()
