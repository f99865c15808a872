"""Idempotency-Key: a retried write is written once and answered with the first result."""

from __future__ import annotations

import datetime
import threading

import pytest
import time_machine
from django.db import connection
from rest_framework.test import APIClient

from api.models import IdempotencyRecord
from participants.models import Contribution, Participant
from tests.api.conftest import bearer
from tests.api.test_writes import payment, registration
from tests.factories import ParticipantFactory

TODAY = datetime.datetime(2025, 6, 15, 10, 0, tzinfo=datetime.UTC)


@pytest.fixture(autouse=True)
def _today():
    with time_machine.travel(TODAY, tick=False):
        yield


def test_the_same_key_and_body_write_once_and_answer_the_first_result(official_api, batang_barus):
    key = {"HTTP_IDEMPOTENCY_KEY": "5f0c8a8e-1d7b-4a53-9d7e-2b8f0a6c9e11"}
    first = official_api.post("/api/v1/participants/", registration(), format="json", **key)
    again = official_api.post("/api/v1/participants/", registration(), format="json", **key)
    assert (first.status_code, again.status_code) == (201, 201)
    assert again.json() == first.json()
    assert again["Idempotent-Replayed"] == "true" and not first.has_header("Idempotent-Replayed")
    assert Participant.objects.count() == 1
    assert IdempotencyRecord.objects.get().key == key["HTTP_IDEMPOTENCY_KEY"]


def test_the_same_key_with_another_body_is_a_422_and_writes_nothing(official_api, batang_barus):
    worker = ParticipantFactory(village=batang_barus, enrolled_on=datetime.date(2025, 1, 5))
    url = f"/api/v1/participants/{worker.pk}/contributions/"
    assert official_api.post(url, payment(), format="json", HTTP_IDEMPOTENCY_KEY="bayar-1").status_code == 201
    other = official_api.post(
        url, payment(first_month="2025-06", months=1), format="json", HTTP_IDEMPOTENCY_KEY="bayar-1"
    )
    assert other.status_code == 422
    assert other.json()["detail"].startswith("Idempotency-Key ini sudah dipakai untuk permintaan lain")
    elsewhere = official_api.post(
        "/api/v1/participants/", registration(), format="json", HTTP_IDEMPOTENCY_KEY="bayar-1"
    )
    assert elsewhere.status_code == 422
    assert (Contribution.objects.count(), Participant.objects.count()) == (3, 1)


def test_a_refused_write_is_not_remembered(official_api, batang_barus):
    key = {"HTTP_IDEMPOTENCY_KEY": "daftar-siti"}
    refused = official_api.post("/api/v1/participants/", registration(birth_date="1991-07-21"), format="json", **key)
    assert refused.status_code == 400 and not IdempotencyRecord.objects.exists()
    fixed = official_api.post("/api/v1/participants/", registration(), format="json", **key)
    assert fixed.status_code == 201 and Participant.objects.count() == 1


def test_keys_belong_to_their_user(official, staff_user, batang_barus):
    key = {"HTTP_IDEMPOTENCY_KEY": "kegiatan-1"}
    body = {"date": "2025-06-02", "kind": "sosialisasi", "attendees": 10, "village": batang_barus.pk}
    ours = bearer(official).post("/api/v1/activities/", body, format="json", **key)
    theirs = bearer(staff_user).post("/api/v1/activities/", body, format="json", **key)
    assert (ours.status_code, theirs.status_code) == (201, 201)
    assert ours.json()["id"] != theirs.json()["id"]


@pytest.mark.parametrize("key", ["", "dengan spasi", "x" * 201, "kunci-é"])
def test_a_malformed_key_is_a_400(official_api, batang_barus, key):
    response = official_api.post("/api/v1/participants/", registration(), format="json", HTTP_IDEMPOTENCY_KEY=key)
    assert response.status_code == 400
    assert list(response.json()["errors"]) == ["Idempotency-Key"]
    assert not Participant.objects.exists()


# serialized_rollback: the flush afterwards must not leave the next tests without the migrated regions and roles.
@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_the_same_write_sent_at_once_from_several_threads_is_written_once(official, batang_barus):
    if connection.vendor != "postgresql":
        pytest.skip("SQLite serialises writers itself; waiting on the unique index is a PostgreSQL matter")
    worker = ParticipantFactory(village=batang_barus, enrolled_on=datetime.date(2025, 1, 5))
    secret = bearer(official)._credentials["HTTP_AUTHORIZATION"]
    answers, errors = [], []
    start = threading.Barrier(4)

    def send():
        try:
            client = APIClient()
            client.credentials(HTTP_AUTHORIZATION=secret)
            start.wait()
            response = client.post(
                f"/api/v1/participants/{worker.pk}/contributions/",
                payment(),
                format="json",
                HTTP_IDEMPOTENCY_KEY="hp-1",
            )
            answers.append((response.status_code, response.json()[0]["id"]))
        except Exception as error:  # collected and asserted below
            errors.append(error)
        finally:
            connection.close()

    threads = [threading.Thread(target=send) for _ in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == []
    assert {status for status, _ in answers} == {201}
    assert len({first_id for _, first_id in answers}) == 1
    assert Contribution.objects.filter(participant=worker).count() == 3
