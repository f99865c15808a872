"""Issue 10, item 3 through the API: a paid month is never changed, an old month is recorded only by branch
staff as a correction with a reason (as on the payment form), and every history record an API write makes
says it came through the API."""

from __future__ import annotations

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from participants.models import Contribution, Participant
from participants.selectors import contribution_dues
from tests.factories import ContributionFactory, ParticipantFactory, make_nik

OLD_MONTH = datetime.date(2024, 1, 1)  # the enrolment month, far beyond the grace of any current month


def due(participant, month: datetime.date) -> int:
    dues = contribution_dues(
        participant=participant, first_month=month, months=1, with_jht=False, funding_source="mandiri"
    )
    return sum(item.total for item in dues)


def payment(participant, month: datetime.date, **extra) -> dict:
    return {
        "first_month": f"{month:%Y-%m}",
        "months": 1,
        "amount": due(participant, month),
        "paid_on": timezone.localdate().isoformat(),
        "channel": "agen_perisai",
        "funding_source": "mandiri",
        **extra,
    }


@pytest.fixture
def worker(batang_barus):
    return ParticipantFactory(village=batang_barus, enrolled_on=datetime.date(2024, 1, 10))


def contributions_url(worker) -> str:
    return reverse("api:participant-contributions", kwargs={"pk": worker.pk})


def test_branch_staff_record_an_old_month_only_as_a_correction_with_a_reason(staff_api, worker):
    response = staff_api.post(contributions_url(worker), payment(worker, OLD_MONTH), format="json")
    assert response.status_code == 400
    assert "first_month" in response.json()["errors"]
    assert not worker.contributions.exists()

    body = payment(worker, OLD_MONTH, correction_reason="kuitansi 0412")
    response = staff_api.post(contributions_url(worker), body, format="json")
    assert response.status_code == 201, response.json()
    recorded = worker.contributions.get(month=OLD_MONTH)
    assert recorded.history.get().history_change_reason == "API; Koreksi staf: kuitansi 0412"


def test_an_official_may_not_correct_old_months_through_the_api(official_api, worker):
    body = payment(worker, OLD_MONTH, correction_reason="kuitansi 0412")
    response = official_api.post(contributions_url(worker), body, format="json")
    assert response.status_code == 400
    assert "correction_reason" in response.json()["errors"]
    assert not worker.contributions.exists()


@pytest.mark.parametrize("reason", ["", "salah ketik"])
def test_a_paid_month_is_never_changed_through_the_api(staff_api, worker, reason):
    month = timezone.localdate().replace(day=1)
    paid = ContributionFactory(participant=worker, month=month, amount=due(worker, month), channel="bank_pos")
    body = payment(worker, month, channel="online", correction_reason=reason)
    response = staff_api.post(contributions_url(worker), body, format="json")
    assert response.status_code == 400
    assert "sudah dibayar" in str(response.json()["errors"]["first_month"])
    paid.refresh_from_db()
    assert (paid.channel, Contribution.objects.count(), paid.history.count()) == ("bank_pos", 1, 1)


def test_every_api_write_says_so_in_the_history(official_api, official, worker, batang_barus):
    month = timezone.localdate().replace(day=1)
    response = official_api.post(contributions_url(worker), payment(worker, month), format="json")
    assert response.status_code == 201, response.json()
    nik = make_nik(birth_date=datetime.date(1990, 5, 1), sex="P", serial=88)
    body = {
        "nik": nik,
        "name": "Lewat API",
        "sex": "P",
        "birth_date": "1990-05-01",
        "occupation": "petani",
        "monthly_income": 1500000,
        "funding_source": "mandiri",
        "enrolled_on": "2024-01-10",
    }
    assert official_api.post("/api/v1/participants/", body, format="json").status_code == 201
    newcomer = Participant.objects.get(nik=nik)
    detail = reverse("api:participant-detail", kwargs={"pk": worker.pk})
    assert official_api.patch(detail, {"hamlet": "Jorong Baru"}, format="json").status_code == 200
    monthly = {"month": f"{month:%Y-%m}", "participant_ids": [newcomer.pk], "paid_on": month.isoformat()}
    response = official_api.post("/api/v1/contributions/monthly/", {**monthly, "channel": "bank_pos"}, format="json")
    assert response.status_code == 201, response.json()
    written = [
        *Participant.history.filter(history_user=official),
        *Contribution.history.filter(history_user=official),
    ]
    # The worker's change, the newcomer's registration and the two months paid.
    assert sorted(record.history_type for record in written) == ["+", "+", "+", "~"]
    assert {record.history_change_reason for record in written} == {"API"}


def test_a_form_write_has_no_api_mark(client, official, worker):
    client.force_login(official)
    month = timezone.localdate().replace(day=1)
    body = {**payment(worker, month), "first_month": f"{month:%m/%Y}", "paid_on": f"{month:%d/%m/%Y}"}
    response = client.post(reverse("participants:contribution_create", kwargs={"pk": worker.pk}), body)
    assert response.status_code == 302
    assert worker.contributions.get().history.get().history_change_reason in ("", None)


def test_the_participant_page_shows_the_source_and_reason_of_each_change(client, staff_api, staff_user, worker):
    body = payment(worker, OLD_MONTH, correction_reason="kuitansi 0412")
    assert staff_api.post(contributions_url(worker), body, format="json").status_code == 201
    client.force_login(staff_user)
    page = client.get(reverse("participants:detail", kwargs={"pk": worker.pk})).content.decode()
    assert "API; Koreksi staf: kuitansi 0412" in page
