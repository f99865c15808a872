"""Dates typed dd/mm/yyyy mean the same with an English browser (issue 10, item 4), through the real views.

"02/05/2025" is 2 May in every form and filter, never 5 February; months are mm/yyyy. Each test
posts as a browser asking for English (`Accept-Language: en`) and checks that English was indeed
the page's language, so the locale's own formats had their chance to win.
"""

from __future__ import annotations

import datetime

import pytest
import time_machine
from django import forms
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import translation

from evaluations import services as anev
from evaluations.models import EvaluationCycle, Rubric
from indicators import Period
from participants.models import Contribution, Participant
from tests.builders import join
from tests.factories import DEFAULT_RUBRIC, EvaluationCycleFactory, ParticipantFactory, make_nik
from villages.models import Activity

D = datetime.date
ENGLISH = {"accept-language": "en"}


@pytest.fixture(autouse=True)
def _today():
    with time_machine.travel(datetime.datetime(2025, 6, 15, 10, tzinfo=datetime.UTC), tick=False):
        yield


@pytest.mark.parametrize("language", ["id", "en"])
def test_plain_django_fields_read_day_first(language):
    """The admin's and any plain field's dates: the locale formats are ours (core/formats/), not Django's."""
    with translation.override(language):
        assert forms.DateField().clean("02/05/2025") == D(2025, 5, 2)
        assert forms.DateTimeField().clean("02/05/2025 10:30").date() == D(2025, 5, 2)
        with pytest.raises(ValidationError):
            forms.DateField().clean("05/31/2025")


def english_post(client, url: str, data: dict):
    response = client.post(url, data, headers=ENGLISH)
    assert response.headers["Content-Language"] == "en"
    assert response.status_code == 302, response.context["form"].errors if response.context else response
    return response


def test_anev_cycle_form(client, staff_user, batang_barus):
    join(batang_barus)
    client.force_login(staff_user)
    english_post(
        client,
        reverse("evaluations:cycle_create"),
        {
            "name": "Anev 2019–2022",
            "start_month": "01/2019",
            "end_month": "12/2022",
            "baseline_date": "02/05/2019",
            "rubric": Rubric.objects.get(name=DEFAULT_RUBRIC).pk,
        },
    )
    cycle = EvaluationCycle.objects.get()
    assert (cycle.start_month, cycle.end_month, cycle.baseline_date) == (D(2019, 1, 1), D(2022, 12, 1), D(2019, 5, 2))


def test_action_item_form(client, staff_user, batang_barus):
    join(batang_barus)
    cycle = EvaluationCycleFactory()
    anev.cycle_open(cycle=cycle, user=None)
    evaluation = cycle.evaluations.get(village=batang_barus)
    client.force_login(staff_user)
    data = {"action": "Sosialisasi", "pillar": "pemahaman", "owner": "Kader", "due_date": "02/05/2023"}
    english_post(
        client, reverse("evaluations:action_item_add", kwargs={"pk": evaluation.pk}), data | {"status": "rencana"}
    )
    assert evaluation.action_items.get().due_date == D(2023, 5, 2)


def test_participant_form(client, official):
    birth = D(1990, 5, 2)
    client.force_login(official)
    data = {
        "nik": make_nik(birth_date=birth, sex="P", serial=12),
        "name": "Siti Rahmah",
        "sex": "P",
        "birth_date": "02/05/1990",
        "occupation": "pedagang",
        "monthly_income": "1.500.000",
        "funding_source": "mandiri",
        "enrolled_on": "02/05/2025",
    }
    english_post(client, reverse("participants:create"), data)
    participant = Participant.objects.get()
    assert (participant.birth_date, participant.enrolled_on, participant.monthly_income) == (
        birth,
        D(2025, 5, 2),
        1_500_000,
    )


def test_payment_form(client, official):
    participant = ParticipantFactory(enrolled_on=D(2025, 1, 5))
    client.force_login(official)
    data = {
        "first_month": "05/2025",
        "months": "1",
        "amount": "21.800",  # JKK 1 % of 1.500.000 + JKM 6.800
        "paid_on": "02/06/2025",
        "channel": "online",
        "funding_source": "mandiri",
    }
    english_post(client, reverse("participants:contribution_create", args=[participant.pk]), data)
    assert list(Contribution.objects.values_list("month", "paid_on")) == [(D(2025, 5, 1), D(2025, 6, 2))]


def test_monthly_payments_screen(client, official):
    participant = ParticipantFactory(enrolled_on=D(2025, 1, 5))
    client.force_login(official)
    data = {"month": "05/2025", "paid_on": "02/06/2025", "channel": "bendahara", "paid": [str(participant.pk)]}
    english_post(client, reverse("participants:monthly"), data)
    assert list(Contribution.objects.values_list("month", "paid_on")) == [(D(2025, 5, 1), D(2025, 6, 2))]


def test_activity_form(client, official):
    client.force_login(official)
    data = {
        "date": "02/05/2025",
        "kind": "sosialisasi",
        "title": "Sosialisasi",
        "attendees": "4",
        "enrolled_on_spot": "1",
    }
    english_post(client, reverse("villages:activity_create"), data)
    assert Activity.objects.get().date == D(2025, 5, 2)


def test_period_filter(client, staff_user):
    client.force_login(staff_user)
    response = client.get(reverse("home"), {"period": "custom", "start": "02/2025", "end": "05/2025"}, headers=ENGLISH)
    assert response.headers["Content-Language"] == "en"
    assert response.context["period"] == Period(start=D(2025, 2, 1), end=D(2025, 5, 1))
    assert 'value="02/2025"' in response.text  # written back as typed, month first
