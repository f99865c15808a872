"""Engagement activity pages: record, refuse bad numbers, stay inside the village, keep history."""

from __future__ import annotations

import datetime

import pytest
import time_machine
from django.urls import reverse

from tests.factories import ActivityFactory
from villages.models import Activity


@pytest.fixture(autouse=True)
def _today():
    with time_machine.travel(datetime.datetime(2025, 6, 15, 10, tzinfo=datetime.UTC), tick=False):
        yield


def activity_data(**overrides) -> dict:
    data = {
        "date": "12/06/2025",
        "kind": "sosialisasi",
        "title": "Sosialisasi di balai nagari",
        "attendees": "45",
        "enrolled_on_spot": "12",
        "notes": "",
    }
    data.update(overrides)
    return data


def test_official_records_a_socialisation_in_their_village(client, official, batang_barus):
    client.force_login(official)
    page = client.get(reverse("villages:activity_create"))
    assert 'name="village"' not in page.text
    response = client.post(reverse("villages:activity_create"), activity_data())
    activity = Activity.objects.get()
    assert response["Location"] == reverse("villages:activity_detail", args=[activity.pk])
    assert (activity.village, activity.date, activity.attendees, activity.enrolled_on_spot) == (
        batang_barus,
        datetime.date(2025, 6, 12),
        45,
        12,
    )
    assert activity.recorded_by == official


@pytest.mark.parametrize(
    ("overrides", "message"),
    [
        ({"enrolled_on_spot": "50"}, "tidak boleh lebih dari jumlah hadir"),
        ({"date": "2025/06/12"}, "dd/mm/yyyy"),
        ({"date": "16/06/2025"}, "masa depan"),
        ({"attendees": "-1"}, "lebih besar dari atau sama dengan 0"),
    ],
)
def test_activity_refusals(client, official, overrides, message):
    client.force_login(official)
    response = client.post(reverse("villages:activity_create"), activity_data(**overrides))
    assert response.status_code == 200
    assert message in response.text
    assert not Activity.objects.exists()


def test_staff_records_for_any_village(client, staff_user, sikalang):
    client.force_login(staff_user)
    client.post(reverse("villages:activity_create"), activity_data(village=sikalang.pk))
    assert Activity.objects.get().village == sikalang


def test_edit_shows_history_and_outsiders_get_404(client, official, other_official):
    activity = ActivityFactory(attendees=40, enrolled_on_spot=5)
    client.force_login(official)
    client.post(reverse("villages:activity_update", args=[activity.pk]), activity_data(attendees="60"))
    page = client.get(reverse("villages:activity_detail", args=[activity.pk]))
    assert "jumlah peserta hadir" in page.text and "40" in page.text and "60" in page.text
    client.force_login(other_official)
    assert client.get(reverse("villages:activity_detail", args=[activity.pk])).status_code == 404
    assert client.post(reverse("villages:activity_update", args=[activity.pk]), activity_data()).status_code == 404
    activity.refresh_from_db()
    assert activity.attendees == 60


def test_list_filters_by_kind_and_village(client, staff_user, batang_barus, sikalang, django_assert_max_num_queries):
    ActivityFactory(village=batang_barus, kind="sosialisasi", title="Satu")
    ActivityFactory(village=sikalang, kind="pelatihan", title="Dua")
    client.force_login(staff_user)
    url = reverse("villages:activity_list")
    with django_assert_max_num_queries(12):
        page = client.get(url)
    assert "Satu" in page.text and "Dua" in page.text
    assert [a.title for a in client.get(url, {"kind": "pelatihan"}).context["page"]] == ["Dua"]
    assert [a.title for a in client.get(url, {"village": batang_barus.pk}).context["page"]] == ["Satu"]
