"""The officials' phones: every page they use fits 360 CSS pixels, forms are one column, the menu
opens from its button, and a payment can be recorded with touch."""

from __future__ import annotations

from participants.models import Participant
from tests.e2e.conftest import login
from tests.factories import BATANG_BARUS

WIDTH = 360

# Widest right edge of anything visible that is not inside a horizontally scrollable box.
OVERFLOW = """() => {
  const scrolls = (el) => { for (let n = el.parentElement; n; n = n.parentElement) {
      const style = getComputedStyle(n);
      if (["auto", "scroll", "hidden"].includes(style.overflowX)) { return true; } }
    return false; };
  const wide = [];
  for (const el of document.body.querySelectorAll("*")) {
    const box = el.getBoundingClientRect();
    if (box.width === 0 || box.height === 0 || scrolls(el)) { continue; }
    if (box.right > window.innerWidth + 1) {
      wide.push(el.tagName + "." + el.className + " → " + Math.round(box.right));
    }
  }
  return {scrollWidth: document.documentElement.scrollWidth, wide: wide.slice(0, 5)};
}"""


def assert_fits(page, url: str) -> None:
    response = page.goto(url)
    assert response.status == 200, f"{url} answered {response.status}"
    page.wait_for_load_state("networkidle")
    layout = page.evaluate(OVERFLOW)
    assert layout["scrollWidth"] <= WIDTH, f"{url} scrolls sideways at {WIDTH}px: {layout}"
    assert not layout["wide"], f"{url} has elements wider than the screen: {layout['wide']}"


def assert_one_column(page) -> None:
    """Every visible text box and select spans (nearly) the screen's width: one column."""
    widths = page.eval_on_selector_all(
        "main form input.form-control:visible, main form select.form-select:visible",
        "(fields) => fields.map((field) => field.getBoundingClientRect().width)",
    )
    assert widths, "no form fields found"
    assert min(widths) >= WIDTH * 0.75, f"form fields are not one column at {WIDTH}px: widths {widths}"


def test_official_pages_fit_a_360px_phone(phone_page, official, programme):
    page = phone_page
    participant = Participant.objects.filter(village__code=BATANG_BARUS).first()
    login(page, official.username)
    for url in [
        f"/villages/{BATANG_BARUS}/",
        "/participants/",
        f"/participants/{participant.pk}/",
        "/participants/contributions/monthly/",
        "/activities/",
        "/evaluations/",
    ]:
        assert_fits(page, url)
    for form in ["/participants/new/", f"/participants/{participant.pk}/contributions/new/", "/participants/import/"]:
        assert_fits(page, form)
        assert_one_column(page)


def test_staff_dashboard_fits_a_360px_phone(phone_page, staff_user, programme):
    login(phone_page, staff_user.username)
    for url in ["/", "/villages/", f"/villages/{BATANG_BARUS}/", "/participants/"]:
        assert_fits(phone_page, url)


def test_menu_opens_from_its_button_on_a_phone(phone_page, official, programme):
    page = phone_page
    login(page, official.username)
    menu_link = page.get_by_role("link", name="Iuran bulanan")
    assert not menu_link.is_visible(), "the menu is folded away on a phone"
    page.locator(".navbar-toggler").tap()
    menu_link.wait_for(state="visible")
    with page.expect_navigation():
        menu_link.tap()
    assert page.url.endswith("/participants/contributions/monthly/")


def test_login_form_fits_and_works_by_touch(phone_page, official):
    page = phone_page
    assert_fits(page, "/accounts/login/")
    assert_one_column(page)
    page.fill("input[name=username]", official.username)
    page.fill("input[name=password]", "rahasia-123")
    with page.expect_navigation():
        page.locator("form button[type=submit]").tap()
    assert page.url.endswith(f"/villages/{BATANG_BARUS}/")
