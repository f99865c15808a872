"""Issue 10, item 9: digits typed in another script ("１２３", "١٢٣") are read as ASCII digits, one way
(`core.parsing.normalise_digits`), on every path: the forms and imports (tests/core), the participant list's
search (page and API), the admin's search and participant form, and the API's JSON bodies."""

from __future__ import annotations

import datetime

import pytest
from django.contrib import admin
from django.forms.models import model_to_dict
from django.urls import reverse

from participants.models import Participant
from tests.api.conftest import bearer
from tests.factories import ParticipantFactory, make_nik

FULL_WIDTH = str.maketrans("0123456789", "０１２３４５６７８９")
ARABIC_INDIC = str.maketrans("0123456789", "٠١٢٣٤٥٦٧٨٩")


def written(number: str, script=FULL_WIDTH) -> str:
    return number.translate(script)


@pytest.fixture
def worker(batang_barus):
    return ParticipantFactory(village=batang_barus, name="Yang Dicari", kpj="12345678901")


@pytest.mark.parametrize("script", [FULL_WIDTH, ARABIC_INDIC])
@pytest.mark.parametrize("number", ["nik", "kpj"])
def test_the_participant_list_finds_a_nik_or_kpj_in_other_digits(client, official, worker, script, number):
    client.force_login(official)
    response = client.get(reverse("participants:list"), {"q": written(getattr(worker, number), script)})
    assert [participant.pk for participant in response.context["page"]] == [worker.pk]


def test_a_part_of_a_nik_in_full_width_digits_finds_it_too(client, official, worker):
    client.force_login(official)
    response = client.get(reverse("participants:list"), {"q": written(worker.nik[-6:])})
    assert [participant.pk for participant in response.context["page"]] == [worker.pk]


def test_the_api_list_search_reads_other_digits(official, worker):
    response = bearer(official).get("/api/v1/participants/", {"q": written(worker.nik)})
    assert [row["id"] for row in response.json()["results"]] == [worker.pk]


@pytest.mark.parametrize("number", ["nik", "kpj"])
def test_the_admin_search_reads_other_digits(client, superuser, worker, number):
    client.force_login(superuser)
    url = reverse("admin:participants_participant_changelist")
    response = client.get(url, {"q": written(getattr(worker, number))})
    assert list(response.context["cl"].result_list) == [worker]
    response = client.get(reverse("admin:participants_contribution_changelist"), {"q": written(worker.nik)})
    assert response.status_code == 200


def test_the_admin_participant_form_stores_ascii_digits(rf, superuser, worker):
    request = rf.post("/")
    request.user = superuser
    model_admin = admin.site._registry[Participant]
    data = {
        name: value.strftime("%Y-%m-%d") if isinstance(value, datetime.date) else value
        for name, value in model_to_dict(worker).items()
        if value is not None
    }
    data.update(nik=written(worker.nik), kpj=written("12345678901"), phone=written("0812 3456", ARABIC_INDIC))
    form = model_admin.get_form(request, worker)(data, instance=worker)
    assert form.is_valid(), form.errors
    assert (form.cleaned_data["nik"], form.cleaned_data["kpj"], form.cleaned_data["phone"]) == (
        worker.nik,
        "12345678901",
        "0812 3456",
    )


def test_the_api_stores_a_nik_kpj_phone_and_income_in_other_digits_as_ascii(official, batang_barus):
    nik = make_nik(birth_date=datetime.date(1990, 5, 1), sex="P", serial=77)
    body = {
        "nik": written(nik),
        "kpj": written("1234 5678 901"),
        "phone": written("081234567", ARABIC_INDIC),
        "name": "Warga Lebar",
        "sex": "P",
        "birth_date": "1990-05-01",
        "occupation": "petani",
        "monthly_income": written("1500000"),
        "funding_source": "mandiri",
        "enrolled_on": "2024-01-10",
    }
    response = bearer(official).post("/api/v1/participants/", body, format="json")
    assert response.status_code == 201, response.json()
    stored = Participant.objects.get(pk=response.json()["id"])
    assert (stored.nik, stored.kpj, stored.phone, stored.monthly_income) == (nik, "12345678901", "081234567", 1_500_000)


def test_the_api_refuses_a_nik_registered_in_other_digits_as_the_same_nik(official, worker):
    body = {
        "nik": written(worker.nik),
        "name": "Dua Kali",
        "sex": "L",
        "birth_date": "1985-03-14",
        "occupation": "petani",
        "monthly_income": 1500000,
        "funding_source": "mandiri",
        "enrolled_on": "2024-01-10",
    }
    response = bearer(official).post("/api/v1/participants/", body, format="json")
    assert response.status_code == 400
    assert "nik" in response.json()["errors"]
    assert Participant.objects.count() == 1
