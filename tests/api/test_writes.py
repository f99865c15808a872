"""Writes through the API: the services and rules of the forms, the same messages, nothing half-written."""

from __future__ import annotations

import datetime
import json

import pytest
import time_machine
from django.urls import reverse
from django.utils import timezone

from participants.coverage import participant_status
from participants.models import Claim, Contribution, Participant
from tests.factories import (
    ActivityFactory,
    ContributionFactory,
    ParticipantFactory,
    PayingParticipantFactory,
    make_nik,
)
from villages.models import Activity

BIRTH = datetime.date(1990, 7, 21)
TODAY = datetime.datetime(2025, 6, 15, 10, 0, tzinfo=datetime.UTC)


@pytest.fixture(autouse=True)
def _today():
    with time_machine.travel(TODAY, tick=False):
        yield


def registration(**overrides) -> dict:
    data = {
        "nik": make_nik(birth_date=BIRTH, sex="P", serial=77),
        "name": "Siti Rahmah",
        "sex": "P",
        "birth_date": "1990-07-21",
        "phone": "081234567890",
        "hamlet": "Jorong Koto",
        "occupation": "pedagang",
        "monthly_income": 1_500_000,
        "funding_source": "mandiri",
        "enrolled_on": "2025-06-02",
    }
    data.update(overrides)
    return data


def page_registration(data: dict) -> dict:
    """The same registration as the form takes it (dd/mm/yyyy)."""
    day = lambda iso: datetime.date.fromisoformat(iso).strftime("%d/%m/%Y")  # noqa: E731
    return {**data, "birth_date": day(data["birth_date"]), "enrolled_on": day(data["enrolled_on"]), "kpj": ""}


def counts() -> tuple[int, ...]:
    return tuple(model.objects.count() for model in (Participant, Contribution, Claim, Activity))


def test_an_official_registers_a_worker_in_their_village(official, official_api, batang_barus):
    response = official_api.post("/api/v1/participants/", registration(), format="json")
    assert response.status_code == 201, response.content
    participant = Participant.objects.get()
    body = response.json()
    assert (body["id"], body["village"], body["nik"]) == (participant.pk, batang_barus.pk, participant.nik)
    # The status of this month, by the one coverage rule.
    assert body["status"] == participant_status(participant, datetime.date(2025, 6, 1))
    assert (participant.monthly_income, participant.birth_date, participant.has_jht) == (1_500_000, BIRTH, False)
    assert participant.history.get().history_user == official


def test_the_rules_answer_with_the_texts_of_the_forms(client, official, official_api, batang_barus):
    client.force_login(official)
    ParticipantFactory(village=batang_barus, nik=registration()["nik"], birth_date=BIRTH, sex="P", name="Siti Lama")
    page = client.post(reverse("participants:create"), page_registration(registration()))
    response = official_api.post("/api/v1/participants/", registration(), format="json")
    assert response.status_code == 400
    assert response.json()["errors"]["nik"] == page.context["form"].errors["nik"]
    wrong_birth = registration(nik=make_nik(birth_date=BIRTH, sex="P", serial=78), birth_date="1991-07-21")
    page = client.post(reverse("participants:create"), page_registration(wrong_birth))
    response = official_api.post("/api/v1/participants/", wrong_birth, format="json")
    assert response.json()["errors"]["nik"] == page.context["form"].errors["nik"]
    assert "Tanggal lahir tidak cocok dengan NIK" in response.json()["errors"]["nik"][0]
    assert Participant.objects.count() == 1


def test_another_villages_id_in_the_body_writes_nothing(official_api, sikalang):
    before = counts()
    response = official_api.post("/api/v1/participants/", registration(village=sikalang.pk), format="json")
    assert response.status_code == 400
    assert response.json()["errors"] == {"village": [f"Desa/nagari dengan id {sikalang.pk} tidak ditemukan."]}
    assert counts() == before


def test_branch_staff_name_the_village(staff_api, batang_barus):
    response = staff_api.post("/api/v1/participants/", registration(), format="json")
    assert response.json()["errors"] == {"village": ["Pilih desa/nagari (id)."]}
    response = staff_api.post("/api/v1/participants/", registration(village=batang_barus.pk), format="json")
    assert response.status_code == 201


def test_edit_and_exit_a_participant(official_api, outsider_api, batang_barus):
    worker = ParticipantFactory(village=batang_barus, enrolled_on=datetime.date(2025, 1, 5))
    response = official_api.patch(f"/api/v1/participants/{worker.pk}/", {"hamlet": "Jorong Baru"}, format="json")
    assert (response.status_code, response.json()["hamlet"]) == (200, "Jorong Baru")
    response = official_api.patch(
        f"/api/v1/participants/{worker.pk}/", {"exit_date": "2024-12-01", "exit_reason": "pindah"}, format="json"
    )
    assert response.json()["errors"] == {"exit_date": ["Tanggal keluar tidak boleh sebelum tanggal daftar."]}
    response = official_api.patch(
        f"/api/v1/participants/{worker.pk}/", {"exit_date": "2025-05-31", "exit_reason": "pindah"}, format="json"
    )
    assert response.status_code == 200 and response.json()["exit_reason"] == "pindah"
    assert outsider_api.patch(f"/api/v1/participants/{worker.pk}/", {"hamlet": "X"}, format="json").status_code == 404
    worker.refresh_from_db()
    assert (worker.hamlet, worker.exit_date) == ("Jorong Baru", datetime.date(2025, 5, 31))


def payment(**overrides) -> dict:
    data = {
        "first_month": "2025-03",
        "months": 3,
        "amount": 65_400,  # 3 × (JKK 1 % of 1.500.000 + JKM 6.800)
        "paid_on": "2025-06-10",
        "channel": "agen_perisai",
        "funding_source": "mandiri",
    }
    data.update(overrides)
    return data


def test_a_payment_of_several_months_and_a_month_paid_twice(client, official, official_api, batang_barus):
    worker = ParticipantFactory(village=batang_barus, enrolled_on=datetime.date(2025, 1, 5))
    url = f"/api/v1/participants/{worker.pk}/contributions/"
    response = official_api.post(url, payment(), format="json")
    assert response.status_code == 201, response.content
    assert [row["month"] for row in response.json()] == ["2025-03", "2025-04", "2025-05"]
    assert Contribution.objects.filter(participant=worker, recorded_by=official).count() == 3
    again = official_api.post(url, payment(first_month="2025-05", months=1), format="json")
    client.force_login(official)
    page = client.post(
        reverse("participants:contribution_create", args=[worker.pk]),
        {
            "first_month": "05/2025",
            "months": "1",
            "amount": "21.800",
            "paid_on": "10/06/2025",
            "channel": "agen_perisai",
            "funding_source": "mandiri",
        },
    )
    assert again.status_code == 400
    assert again.json()["errors"]["first_month"] == page.context["form"].errors["first_month"]
    assert Contribution.objects.count() == 3


@pytest.mark.parametrize(
    ("change", "field"),
    [
        ({"months": 2}, "months"),
        ({"months": "tiga"}, "months"),
        ({"amount": "abc"}, "amount"),
        ({"amount": 0}, "amount"),
        ({"first_month": "03/2025"}, "first_month"),
        ({"paid_on": "10/06/2025"}, "paid_on"),
        ({"paid_on": "0001-01-01"}, "paid_on"),
        ({"channel": ["agen_perisai"]}, "channel"),
        ({"with_jht": "mungkin"}, "with_jht"),
        ({"bonus": 1}, "bonus"),
    ],
)
def test_wrong_types_and_unknown_fields_write_nothing(official_api, batang_barus, change, field):
    worker = ParticipantFactory(village=batang_barus, enrolled_on=datetime.date(2025, 1, 5))
    response = official_api.post(f"/api/v1/participants/{worker.pk}/contributions/", payment(**change), format="json")
    assert response.status_code == 400, response.content
    assert list(response.json()["errors"]) == [field]
    assert not Contribution.objects.exists()


def test_a_month_for_many_participants(official_api, batang_barus, sikalang):
    workers = [ParticipantFactory(village=batang_barus, enrolled_on=datetime.date(2025, 1, 5)) for _ in range(3)]
    ContributionFactory(participant=workers[0], month=datetime.date(2025, 5, 1))
    body = {
        "month": "2025-05",
        "participant_ids": [w.pk for w in workers],
        "paid_on": "2025-06-01",
        "channel": "bendahara",
    }
    response = official_api.post("/api/v1/contributions/monthly/", body, format="json")
    assert response.status_code == 201, response.content
    assert response.json() == {
        "village": batang_barus.pk,
        "month": "2025-05",
        "recorded": 2,
        "already_paid": [workers[0].pk],
    }
    assert Contribution.objects.filter(month=datetime.date(2025, 5, 1)).count() == 3
    elsewhere = ParticipantFactory(village=sikalang, enrolled_on=datetime.date(2025, 1, 5))
    before = counts()
    body = {**body, "month": "2025-04", "participant_ids": [workers[1].pk, elsewhere.pk]}
    response = official_api.post("/api/v1/contributions/monthly/", body, format="json")
    assert response.status_code == 400
    assert str(elsewhere.pk) in response.json()["errors"]["participant_ids"][0]
    assert counts() == before


def test_claims_through_the_service(official_api, batang_barus):
    worker = PayingParticipantFactory(village=batang_barus, enrolled_on=datetime.date(2025, 1, 5), paid=3)
    url = f"/api/v1/participants/{worker.pk}/claims/"
    early = official_api.post(url, {"programme": "JKK", "event_date": "2024-12-01", "amount": 5_000_000}, format="json")
    assert early.json()["errors"] == {"event_date": ["Tanggal kejadian sebelum peserta terdaftar."]}
    response = official_api.post(
        url,
        {"programme": "JKK", "event_date": "2025-03-01", "paid_on": "2025-04-01", "amount": 5_000_000},
        format="json",
    )
    assert response.status_code == 201 and response.json()["amount"] == 5_000_000
    assert Claim.objects.get().recorded_by.username == "operator.bb"


def test_a_claim_outside_the_rules_needs_branch_staff_and_a_reason(official_api, staff_api, batang_barus):
    never_paid = ParticipantFactory(village=batang_barus, enrolled_on=datetime.date(2025, 1, 5))
    url = f"/api/v1/participants/{never_paid.pk}/claims/"
    claim = {"programme": "JKK", "event_date": "2025-03-01", "amount": 5_000_000}
    refused = official_api.post(url, {**claim, "override_reason": "Kata kepala jorong"}, format="json")
    assert refused.status_code == 400 and not Claim.objects.exists()
    assert staff_api.post(url, claim, format="json").status_code == 400
    response = staff_api.post(url, {**claim, "override_reason": "Bukti bayar dari kantor pos"}, format="json")
    assert response.status_code == 201, response.content
    assert "Bukti bayar dari kantor pos" in Claim.objects.get().notes


def test_activities_recorded_and_changed(official_api, outsider_api, batang_barus):
    response = official_api.post(
        "/api/v1/activities/", {"date": "2025-06-02", "kind": "sosialisasi", "attendees": 30}, format="json"
    )
    assert response.status_code == 201 and response.json()["village"] == batang_barus.pk
    activity = Activity.objects.get()
    response = official_api.patch(f"/api/v1/activities/{activity.pk}/", {"enrolled_on_spot": 31}, format="json")
    assert response.status_code == 400
    # The form's own texts, field by field, not a database constraint's name.
    assert "tidak boleh lebih dari jumlah hadir" in str(response.json())
    tomorrow = (timezone.localdate() + datetime.timedelta(days=1)).isoformat()
    response = official_api.patch(f"/api/v1/activities/{activity.pk}/", {"date": tomorrow}, format="json")
    assert response.status_code == 400 and "tidak boleh di masa depan" in str(response.json())
    response = official_api.patch(f"/api/v1/activities/{activity.pk}/", {"enrolled_on_spot": 12}, format="json")
    assert (response.status_code, response.json()["enrolled_on_spot"]) == (200, 12)
    other = ActivityFactory(village=batang_barus)
    assert outsider_api.patch(f"/api/v1/activities/{other.pk}/", {"attendees": 1}, format="json").status_code == 404


@pytest.mark.parametrize(
    ("body", "content_type", "status", "detail"),
    [
        ('{"name": ', "application/json", 400, "Isi permintaan bukan JSON yang valid."),
        ("[1, 2]", "application/json", 400, "Data tidak valid; lihat daftar kesalahan per kolom."),
        ('"teks"', "application/json", 400, "Data tidak valid; lihat daftar kesalahan per kolom."),
        ('{"nik": NaN}', "application/json", 400, "Isi permintaan bukan JSON yang valid."),
        (
            "name=Siti",
            "application/x-www-form-urlencoded",
            415,
            "Kirim data sebagai JSON (Content-Type: application/json).",
        ),
    ],
)
def test_malformed_bodies_are_refused_in_indonesian(official_api, batang_barus, body, content_type, status, detail):
    response = official_api.generic("POST", "/api/v1/participants/", body, content_type=content_type)
    assert (response.status_code, response.json()["detail"]) == (status, detail)
    assert not Participant.objects.exists()


def test_a_number_beyond_any_float_is_a_field_error(official_api, batang_barus):
    body = json.dumps(registration()).replace('"monthly_income": 1500000', '"monthly_income": 1e309')
    response = official_api.generic("POST", "/api/v1/participants/", body, content_type="application/json")
    assert list(response.json()["errors"]) == ["monthly_income"]


def test_wrong_types_in_a_registration_name_each_field(official_api, batang_barus):
    data = registration(
        name=["Siti"], monthly_income="satu juta", has_jht="ya", birth_date="21/07/1990", hamlet="a\x00b"
    )
    response = official_api.post("/api/v1/participants/", data, format="json")
    errors = response.json()["errors"]
    assert set(errors) == {"name", "monthly_income", "has_jht", "birth_date", "hamlet"}
    assert errors["name"] == ["Harus berupa teks."]
    assert errors["has_jht"] == ["Harus true atau false."]
    assert not Participant.objects.exists()


def test_an_english_client_still_reads_indonesian(official_api, batang_barus):
    response = official_api.post("/api/v1/participants/", {}, format="json", HTTP_ACCEPT_LANGUAGE="en")
    assert response.json()["errors"]["nik"] == ["Bidang ini harus diisi."]


def test_a_body_over_the_limit_is_refused_unread(official_api, settings, batang_barus):
    settings.DATA_UPLOAD_MAX_MEMORY_SIZE = 1024
    response = official_api.post("/api/v1/participants/", registration(notes="x" * 2000), format="json")
    assert response.status_code == 413
    assert not Participant.objects.exists()
