"""The rules every write path meets, in the services (so forms, imports, API and sync get them): plausible
dates, history that stays consistent with the paid months, claims within the rules unless branch staff
say why, a duplicate NIK told only as the user may know it, and the monthly screen with nothing ticked."""

from __future__ import annotations

import datetime

import pytest
import time_machine
from django.core.exceptions import ValidationError
from django.urls import reverse

from participants import claims, services
from participants.models import Claim, Contribution, Participant
from tests.factories import ParticipantFactory, PayingParticipantFactory

TODAY = datetime.datetime(2025, 6, 15, 10, 0, tzinfo=datetime.UTC)
d = datetime.date


@pytest.fixture(autouse=True)
def _today():
    with time_machine.travel(TODAY, tick=False):
        yield


def messages(error: ValidationError) -> str:
    return " ".join(message for field in error.value.message_dict.values() for message in field)


@pytest.mark.parametrize(
    ("changes", "field", "said"),
    [
        ({"enrolled_on": d(2099, 12, 31)}, "enrolled_on", "di luar rentang"),
        ({"enrolled_on": d(1900, 1, 1)}, "enrolled_on", "di luar rentang"),
        ({"enrolled_on": d(2025, 2, 1)}, "enrolled_on", "01/2025 sudah dibayar sebelum tanggal daftar"),
        ({"exit_date": d(2024, 11, 30), "exit_reason": "pindah"}, "exit_date", "01/2025, 02/2025, 03/2025"),
    ],
)
def test_dates_out_of_range_or_against_paid_months_are_refused(official, batang_barus, changes, field, said):
    worker = PayingParticipantFactory(
        village=batang_barus, enrolled_on=d(2024, 11, 1), paid=[(d(2025, 1, 1), d(2025, 3, 1))]
    )
    before = Participant.objects.values_list("enrolled_on", "exit_date").get(pk=worker.pk)
    with pytest.raises(ValidationError) as error:
        services.participant_update(user=official, participant=worker, **changes)
    assert field in error.value.message_dict and said in messages(error)
    assert Participant.objects.values_list("enrolled_on", "exit_date").get(pk=worker.pk) == before


def test_the_edit_page_names_the_paid_months_before_a_later_enrolment(client, official, batang_barus):
    worker = PayingParticipantFactory(
        village=batang_barus, enrolled_on=d(2024, 11, 1), paid=[(d(2024, 11, 1), d(2024, 12, 1))]
    )
    client.force_login(official)
    page = client.get(reverse("participants:update", args=[worker.pk]))
    data = {name: value for name, value in page.context["form"].initial.items() if value is not None}
    data.update(birth_date=f"{worker.birth_date:%d/%m/%Y}", enrolled_on="01/03/2025", monthly_income="1500000")
    response = client.post(reverse("participants:update", args=[worker.pk]), data)
    assert response.status_code == 200
    assert "11/2024, 12/2024 sudah dibayar" in response.text
    assert Participant.objects.get(pk=worker.pk).enrolled_on == d(2024, 11, 1)


def test_a_payment_dated_1900_is_refused(official, batang_barus):
    worker = ParticipantFactory(village=batang_barus, enrolled_on=d(2025, 6, 1))
    with pytest.raises(ValidationError) as error:
        services.contributions_record_month(
            user=official,
            village=batang_barus,
            month=d(2025, 6, 1),
            participant_ids=[worker.pk],
            paid_on=d(1900, 1, 1),
            channel="bendahara",
        )
    assert "di luar rentang" in messages(error)
    assert not Contribution.objects.exists()


def test_the_monthly_screen_with_nothing_ticked_says_so(client, official, batang_barus):
    ParticipantFactory(village=batang_barus, enrolled_on=d(2025, 6, 1))
    client.force_login(official)
    data = {"month": "06/2025", "paid_on": "10/06/2025", "channel": "bendahara"}
    response = client.post(reverse("participants:monthly"), data)
    assert response.status_code == 200
    assert "Belum ada peserta yang dicentang" in response.text
    assert "0 iuran" not in response.text
    assert not Contribution.objects.exists()


def claim(user, participant, **overrides) -> Claim:
    fields = {"programme": "JKK", "event_date": d(2025, 2, 10), "amount": 5_000_000, **overrides}
    return claims.claim_record(user=user, participant=participant, **fields)


@pytest.fixture
def covered(batang_barus):
    """JKK and JKM (no JHT), paid 01/2025 to 03/2025: aktif in 02/2025, within the grace after."""
    return PayingParticipantFactory(
        village=batang_barus, enrolled_on=d(2025, 1, 1), has_jht=False, paid=[(d(2025, 1, 1), d(2025, 3, 1))]
    )


@pytest.mark.parametrize(
    ("overrides", "field", "said"),
    [
        ({"programme": "JHT", "amount": 42_000_000}, "programme", "tidak ikut program JHT"),
        ({"event_date": d(2025, 1, 1) - datetime.timedelta(days=1)}, "event_date", "sebelum peserta terdaftar"),
        ({"amount": 0}, "amount", "lebih dari nol"),
        ({"programme": "JKM", "amount": 20_000_000}, "amount", "Rp 42.000.000"),
        ({"event_date": d(2099, 1, 1)}, "event_date", "di luar rentang"),
    ],
)
def test_claims_outside_the_rules_are_refused(official, covered, overrides, field, said):
    with pytest.raises(ValidationError) as error:
        claim(official, covered, **overrides)
    assert field in error.value.message_dict and said in messages(error)
    assert not Claim.objects.exists()


def test_a_claim_for_an_event_after_the_grace_is_refused(official, batang_barus):
    lapsed = PayingParticipantFactory(village=batang_barus, enrolled_on=d(2024, 1, 1), paid=2)
    with pytest.raises(ValidationError) as error:
        claim(official, lapsed, event_date=d(2025, 2, 1))
    assert "tidak terlindungi" in messages(error)
    assert claim(official, lapsed, event_date=d(2024, 2, 20)).amount == 5_000_000  # aktif then


def test_jkm_at_the_benefit_in_data_and_staff_override_with_a_reason(official, staff_user, covered):
    assert claim(official, covered, programme="JKM", amount=42_000_000).amount == 42_000_000
    with pytest.raises(ValidationError) as error:  # an official cannot override
        claim(official, covered, programme="JHT", override_reason="kuitansi kantor")
    assert "Hanya staf cabang" in messages(error) or "minta staf cabang" in messages(error)
    with pytest.raises(ValidationError) as error:  # staff without a reason are told to give one
        claim(staff_user, covered, programme="JHT")
    assert "isi alasannya" in messages(error)
    recorded = claim(staff_user, covered, programme="JHT", override_reason="putusan keberatan 12/2025")
    assert "putusan keberatan 12/2025" in recorded.notes
    assert recorded.history.get().history_change_reason == "Klaim di luar aturan: putusan keberatan 12/2025"


def test_a_duplicate_nik_reveals_whose_and_where_only_to_the_branch(official, staff_user, sikalang):
    elsewhere = ParticipantFactory(village=sikalang, name="Siti Lain")
    told_official = services.participant_nik_problem(user=official, nik=elsewhere.nik)
    assert "desa lain" in told_official and "Cabang Solok" in told_official
    assert "Siti Lain" not in told_official and "Sikalang" not in told_official
    told_staff = services.participant_nik_problem(user=staff_user, nik=elsewhere.nik)
    assert "Siti Lain" in told_staff and "Sikalang" in told_staff
