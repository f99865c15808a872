"""Every main page, opened in Chromium by the roles that use it, under the strict Content-Security-
Policy: no page may log a CSP violation, a JavaScript error or a failed asset (the page fixture
fails the test on any of them), and every page answers 200."""

from __future__ import annotations

from evaluations.models import Rubric
from participants.models import Participant
from tests.e2e.conftest import login
from tests.factories import BATANG_BARUS
from villages.models import Activity


def visit_all(page, urls: list[str]) -> None:
    for url in urls:
        response = page.goto(url)
        assert response.status == 200, f"{url} answered {response.status}"
        page.wait_for_load_state("networkidle")


def test_every_main_page_as_staff(page, staff_user, programme):
    participant = Participant.objects.filter(village__code=BATANG_BARUS).first()
    evaluation = programme.evaluations.get(village__code=BATANG_BARUS)
    activity = Activity.objects.get()
    login(page, staff_user.username)
    visit_all(
        page,
        [
            "/",
            "/villages/",
            f"/villages/{BATANG_BARUS}/",
            "/regions/13.02/",
            "/regions/13.02.07/",
            "/participants/",
            "/participants/new/",
            f"/participants/{participant.pk}/",
            f"/participants/{participant.pk}/edit/",
            f"/participants/{participant.pk}/contributions/new/",
            f"/participants/{participant.pk}/claims/new/",
            f"/participants/{participant.pk}/exit/",
            "/participants/contributions/monthly/",
            f"/participants/contributions/monthly/?village={participant.village_id}&month=01%2F2025",
            "/participants/import/",
            "/participants/import/iuran/",
            "/activities/",
            "/activities/new/",
            f"/activities/{activity.pk}/",
            f"/activities/{activity.pk}/edit/",
            "/evaluations/",
            "/evaluations/new/",
            f"/evaluations/{programme.pk}/",
            f"/evaluations/{programme.pk}/tracker/",
            f"/evaluations/village/{evaluation.pk}/",
            f"/evaluations/village/{evaluation.pk}/print/",
            "/accounts/password_change/",
        ],
    )


def test_every_main_page_as_head(page, head_user, programme):
    evaluation = programme.evaluations.get(village__code=BATANG_BARUS)
    login(page, head_user.username)
    visit_all(
        page,
        ["/", "/villages/", f"/villages/{BATANG_BARUS}/", "/participants/", f"/evaluations/village/{evaluation.pk}/"],
    )


def test_every_main_page_as_official(page, official, programme):
    participant = Participant.objects.filter(village__code=BATANG_BARUS).first()
    login(page, official.username)
    visit_all(
        page,
        [
            f"/villages/{BATANG_BARUS}/",
            "/participants/",
            "/participants/new/",
            f"/participants/{participant.pk}/",
            f"/participants/{participant.pk}/contributions/new/",
            "/participants/contributions/monthly/",
            "/participants/import/",
            "/activities/",
            "/activities/new/",
            "/evaluations/",
        ],
    )


def test_the_admin_works_under_the_csp(page, superuser, programme):
    participant = Participant.objects.filter(village__code=BATANG_BARUS).first()
    rubric = Rubric.objects.first()
    login(page, superuser.username)
    visit_all(
        page,
        [
            "/admin/",
            "/admin/participants/participant/",
            f"/admin/participants/participant/{participant.pk}/change/",
            f"/admin/participants/participant/{participant.pk}/history/",
            "/admin/villages/village/",
            "/admin/villages/exportlog/",
            f"/admin/evaluations/rubric/{rubric.pk}/change/",
            "/admin/auth/user/add/",
        ],
    )
    # The admin's own scripts run: the changelist's "select all" box ticks every row.
    page.goto("/admin/participants/participant/")
    page.check("#action-toggle")
    assert page.locator("input.action-select:checked").count() == Participant.objects.count()
