"""What one payment and one registration through the pages cost, in queries: exact, and the same in a village of 5
participants as in one of 200 with 84 months of history each (issue 11: a save costs about what the trivial page
costs, whatever the village's size). The trivial logged-in page is counted beside them."""

from __future__ import annotations

import datetime
import re

import pytest
import time_machine
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from participants.models import Contribution, FundingSource, Participant, VillageMonthStat
from tests.builders import with_history
from tests.factories import ParticipantFactory, make_nik

pytestmark = pytest.mark.django_db

TODAY = datetime.datetime(2026, 3, 16, 9, 0, tzinfo=datetime.UTC)
# The trivial logged-in page: the session, the user, its permissions (2), the session saved (3: its savepoint).
TRIVIAL = 7
# A payment: the session, the user, its permissions (2) and roles; the participant (scoped: 404 when not the user's);
# the service's savepoint (2); the grace; the participant locked and its paid months (they serve the arrears rule,
# the "already paid" check and the statistics' difference); the contribution rules (4); the insert and its history;
# the participant's state after, its last paid month and one upsert of the village's rows and one of its jorong's; the
# session saved (3). A village official's payment asks the scope once more inside the service (branch roles see
# every village).
PAYMENT = {"staff_user": 24, "official": 25}
# A registration: the session, the user, its permissions (2) and roles; the user's villages (branch staff: the first
# two, then the chosen one); the form's model validation (branch staff: the village; the NIK, income and KPJ
# constraints; the NIK told as the user may know it: 3 queries and a savepoint each, in the test's transaction); the
# service's savepoint (2) and the village's scope; the insert and its history; the grace and one upsert per table
# (village, jorong); the session saved (3). The NIK's uniqueness and the constraints are not asked again: the
# database refuses, and a refusal is explained.
REGISTRATION = {"staff_user": 29, "official": 27}


@pytest.fixture(autouse=True)
def _today():
    with time_machine.travel(TODAY, tick=False):
        yield


def counted(request_) -> tuple[int, object]:
    with CaptureQueriesContext(connection) as captured:
        response = request_()
    return len(captured), response


@pytest.mark.parametrize("size", [5, 200])
@pytest.mark.parametrize("who", ["staff_user", "official"])
def test_a_payment_and_a_registration_through_the_pages_cost_fixed_queries(client, request, batang_barus, who, size):
    user = request.getfixturevalue(who)
    with_history(batang_barus, size, paid_on=TODAY.date())
    client.force_login(user)
    client.get(reverse("password_change"))
    assert counted(lambda: client.get(reverse("password_change")))[0] == TRIVIAL

    payer = ParticipantFactory(village=batang_barus, enrolled_on=datetime.date(2026, 1, 5), has_jht=False)
    url = reverse("participants:contribution_create", args=[payer.pk])
    proposed = re.search(r'<input[^>]*name="amount"[^>]*value="(\d+)"', client.get(url).content.decode()).group(1)
    payment = {
        "first_month": "03/2026",
        "months": "1",
        "amount": proposed,
        "paid_on": "16/03/2026",
        "channel": Contribution.Channel.AGENT,
        "funding_source": payer.funding_source,
    }
    queries, response = counted(lambda: client.post(url, payment))
    assert response.status_code == 302
    assert queries == PAYMENT[who]
    assert payer.contributions.get().amount == int(proposed)

    nik = make_nik(birth_date=datetime.date(1980, 2, 3), sex="L", serial=7700 + size)
    registration = {
        "village": batang_barus.pk,
        "nik": nik,
        "name": "Pekerja Baru",
        "sex": "L",
        "birth_date": "03/02/1980",
        "phone": "081300000001",
        "hamlet": "Jorong Ukur",
        "occupation": "petani",
        "monthly_income": "1.500.000",
        "funding_source": FundingSource.SELF,
        "enrolled_on": "16/03/2026",
    }
    queries, response = counted(lambda: client.post(reverse("participants:create"), registration))
    assert response.status_code == 302
    assert queries == REGISTRATION[who]
    assert Participant.objects.filter(nik=nik, village=batang_barus).exists()
    # Both writes reached the statistics (by difference): the month holds the payer, paid, and the new worker.
    march = VillageMonthStat.objects.get(village=batang_barus, month=datetime.date(2026, 3, 1))
    assert (march.new_enrolments, march.active) == (1, 1)
