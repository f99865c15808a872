"""One click from the prospect list starts a registration pre-filled from the resident row, in scope only."""

from __future__ import annotations

import datetime

import pytest
from django.urls import reverse

from participants.models import Occupation
from tests.factories import ResidentFactory, ResidentListFactory

pytestmark = pytest.mark.django_db


def test_the_form_is_prefilled_from_the_resident(client, official, batang_barus):
    resident = ResidentFactory(
        resident_list=ResidentListFactory(village=batang_barus),
        name="LUKMAN HAKIM",
        birth_date=datetime.date(1979, 5, 12),
        occupation_id=85,
        hamlet="KOTO BARU",
    )
    client.force_login(official)
    response = client.get(reverse("participants:create") + f"?resident={resident.pk}")
    assert response.status_code == 200
    form = response.context["form"]
    assert form.initial["nik"] == resident.nik
    assert (form.initial["name"], form.initial["hamlet"]) == ("Lukman Hakim", "Koto Baru")
    assert form.initial["birth_date"] == datetime.date(1979, 5, 12)
    assert form.initial["occupation"] == Occupation.APPARATUS
    assert form.initial["village"] == batang_barus
    assert resident.nik in response.content.decode()


@pytest.mark.parametrize("resident_id", ["another-village", "abc", "99999999999999999999999"])
def test_a_resident_outside_the_scope_or_unreadable_is_404(client, official, sikalang, resident_id):
    if resident_id == "another-village":
        resident_id = str(ResidentFactory(resident_list=ResidentListFactory(village=sikalang)).pk)
    client.force_login(official)
    assert client.get(reverse("participants:create") + f"?resident={resident_id}").status_code == 404
