"""Double submits at once (a double tap on a phone, two officials on one village): one write, the normal
refusal for the others, never a 500. Through the pages, from threads with their own connections, on
PostgreSQL, where two transactions really run side by side (SQLite lets one writer at a time)."""

from __future__ import annotations

import datetime
import threading

import pytest
import time_machine
from django.db import connection
from django.test import Client
from django.urls import reverse

from participants.models import Contribution, Participant
from tests.factories import ParticipantFactory, make_nik

TODAY = datetime.datetime(2025, 6, 15, 10, 0, tzinfo=datetime.UTC)
THREADS = 6

pytestmark = [
    # serialized_rollback: the flush afterwards must not leave the next tests without the migrated regions.
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
    pytest.mark.skipif("connection.vendor != 'postgresql'"),
]


@pytest.fixture(autouse=True)
def _today():
    with time_machine.travel(TODAY, tick=False):
        yield


def at_once(user, url: str, data: dict) -> list:
    """POST `data` to `url` from THREADS signed-in clients released together; each answer or exception."""
    start = threading.Barrier(THREADS)
    answers: list = []

    def send():
        try:
            client = Client(raise_request_exception=False)
            client.force_login(user)
            start.wait()
            answers.append(client.post(url, data))
        except Exception as error:  # collected and asserted by the caller
            answers.append(error)
        finally:
            connection.close()

    threads = [threading.Thread(target=send) for _ in range(THREADS)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return answers


def test_the_same_payment_submitted_at_once_is_written_once(official, batang_barus):
    worker = ParticipantFactory(village=batang_barus, enrolled_on=datetime.date(2025, 1, 5))
    url = reverse("participants:contribution_create", args=[worker.pk])
    client = Client()
    client.force_login(official)
    initial = client.get(url).context["form"].initial
    amount = initial.get("amount") or initial.get("monthly_amount")
    data = {
        "first_month": "06/2025",  # the current month: payable under every arrears rule
        "months": "1",
        "amount": str(amount),
        "monthly_amount": str(amount),
        "paid_on": "15/06/2025",
        "channel": "agen_perisai",
        "funding_source": "mandiri",
    }
    answers = at_once(official, url, data)
    assert [a for a in answers if isinstance(a, Exception)] == []
    assert sorted(a.status_code for a in answers) == [200] * (THREADS - 1) + [302]
    assert all("sudah dibayar" in a.text for a in answers if a.status_code == 200)
    assert Contribution.objects.filter(participant=worker).count() == 1


def test_the_same_monthly_batch_submitted_at_once_is_written_once(official, batang_barus):
    workers = ParticipantFactory.create_batch(3, village=batang_barus, enrolled_on=datetime.date(2025, 1, 5))
    data = {
        "village": batang_barus.pk,
        "month": "06/2025",
        "paid_on": "10/06/2025",
        "channel": "bendahara",
        "paid": [str(worker.pk) for worker in workers],
    }
    answers = at_once(official, reverse("participants:monthly"), data)
    assert [a for a in answers if isinstance(a, Exception)] == []
    assert sorted(a.status_code for a in answers) == [200] * (THREADS - 1) + [302]
    assert all("sudah dibayar" in a.text for a in answers if a.status_code == 200)
    assert Contribution.objects.filter(month=datetime.date(2025, 6, 1)).count() == 3


def test_the_same_registration_submitted_at_once_is_written_once(official, batang_barus):
    birth = datetime.date(1990, 7, 21)
    data = {
        "nik": make_nik(birth_date=birth, sex="P", serial=91),
        "name": "Siti Rahmah",
        "sex": "P",
        "birth_date": "21/07/1990",
        "phone": "081234567890",
        "hamlet": "Jorong Koto",
        "occupation": "pedagang",
        "monthly_income": "Rp 1.500.000",
        "funding_source": "mandiri",
        "enrolled_on": "02/06/2025",
        "kpj": "",
    }
    answers = at_once(official, reverse("participants:create"), data)
    assert [a for a in answers if isinstance(a, Exception)] == []
    assert sorted(a.status_code for a in answers) == [200] * (THREADS - 1) + [302]
    assert all("sudah terdaftar" in a.text for a in answers if a.status_code == 200)
    assert Participant.objects.filter(nik=data["nik"]).count() == 1
