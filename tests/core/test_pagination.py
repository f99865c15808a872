"""One pagination for every list: lenient ?page=, elided page numbers, and links that keep the list's filters."""

from __future__ import annotations

import datetime

import pytest
from django.test import RequestFactory
from django.urls import reverse

from core.pagination import paginate
from tests.factories import ActivityFactory, ParticipantFactory


@pytest.mark.parametrize(("asked", "number"), [("", 1), ("2", 2), ("abc", 1), ("999", 40), ("-1", 40)])
def test_page_asked_for_is_read_leniently(asked, number):
    page = paginate(RequestFactory().get("/", {"page": asked}), list(range(1000)), per_page=25)
    assert page.number == number


def test_page_numbers_are_elided_around_the_current_page():
    page = paginate(RequestFactory().get("/", {"page": "20"}), list(range(1000)), per_page=25)
    ellipsis = page.paginator.ELLIPSIS
    assert page.numbers == [1, ellipsis, 18, 19, 20, 21, 22, ellipsis, 40]


def links(html: str) -> list[str]:
    nav = html[html.index('data-testid="pagination"') :]
    nav = nav[: nav.index("</nav>")]
    return [part.split('"', 1)[0].replace("&amp;", "&") for part in nav.split('href="')[1:]]


def test_participant_list_links_keep_the_filters(client, staff_user, django_assert_max_num_queries):
    ParticipantFactory.create_batch(30, occupation="petani")
    ParticipantFactory(occupation="pedagang")
    client.force_login(staff_user)
    url = reverse("participants:list")
    with django_assert_max_num_queries(12):
        page = client.get(url, {"occupation": "petani", "page": "2"})
    assert len(page.context["page"]) == 5
    assert links(page.text) == ["?occupation=petani&page=1", "?occupation=petani&page=1"]
    first = client.get(url, {"occupation": "petani"})
    assert links(first.text) == ["?occupation=petani&page=2", "?occupation=petani&page=2"]
    assert "Baris 1–25 dari 30" in first.text


def test_activity_list_links_keep_the_filters(client, staff_user, batang_barus):
    ActivityFactory.create_batch(27, village=batang_barus, date=datetime.date(2024, 5, 2))
    client.force_login(staff_user)
    page = client.get(reverse("villages:activity_list"), {"village": batang_barus.pk, "kind": "sosialisasi"})
    assert links(page.text) == [f"?village={batang_barus.pk}&kind=sosialisasi&page=2"] * 2


def test_village_list_links_keep_the_sort(client, staff_user):
    client.force_login(staff_user)
    page = client.get(reverse("dashboard:village_list"), {"sort": "name", "page": "2"})
    assert "?sort=name&page=1" in links(page.text) and "?sort=name&page=3" in links(page.text)
    assert page.context["page"].number == 2


def test_a_single_page_shows_no_links(client, staff_user):
    ParticipantFactory.create_batch(3)
    client.force_login(staff_user)
    assert 'data-testid="pagination"' not in client.get(reverse("participants:list")).text
