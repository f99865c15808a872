"""Participant, contribution and claim pages: happy paths, refusals, scope and query counts."""

from __future__ import annotations

import datetime

import pytest
import time_machine
from django.core.exceptions import PermissionDenied
from django.urls import reverse

from participants import services
from participants.models import Claim, Contribution, Participant
from tests.factories import ContributionFactory, ParticipantFactory, PayingParticipantFactory, UserFactory, make_nik
from villages.access import ROLE_OFFICIAL
from villages.models import Village

BIRTH = datetime.date(1990, 7, 21)
TODAY = datetime.datetime(2025, 6, 15, 10, 0, tzinfo=datetime.UTC)
# Session, user, roles, permissions (2), participant, contributions, claims, the coverage rules, three
# histories, the village named in the history, the contribution rules that price this month (4) and the
# session written back (3): the same however long the history.
DETAIL_QUERIES = 20


@pytest.fixture(autouse=True)
def _today():
    with time_machine.travel(TODAY, tick=False):
        yield


def registration(**overrides) -> dict:
    data = {
        "nik": make_nik(birth_date=BIRTH, sex="P", serial=77),
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
    data.update(overrides)
    return data


def test_official_registers_a_worker_without_choosing_a_village(client, official, batang_barus):
    client.force_login(official)
    page = client.get(reverse("participants:create"))
    assert 'name="village"' not in page.text
    assert 'inputmode="numeric"' in page.text and "dd/mm/yyyy" in page.text
    response = client.post(reverse("participants:create"), registration())
    participant = Participant.objects.get()
    assert response["Location"] == reverse("participants:detail", args=[participant.pk])
    assert (participant.village, participant.monthly_income, participant.birth_date) == (batang_barus, 1_500_000, BIRTH)
    assert participant.history.get().history_user == official


def test_staff_chooses_among_all_villages(client, staff_user, sikalang):
    client.force_login(staff_user)
    assert client.post(reverse("participants:create"), registration()).status_code == 200  # village missing
    client.post(reverse("participants:create"), registration(village=sikalang.pk))
    assert Participant.objects.get().village == sikalang


@pytest.mark.parametrize(
    ("overrides", "message"),
    [
        ({"nik": "123"}, "NIK tidak valid"),
        ({"sex": "L"}, "Jenis kelamin tidak cocok dengan NIK"),
        ({"birth_date": "22/07/1990"}, "Tanggal lahir tidak cocok dengan NIK"),
        ({"birth_date": "1990-07-21x"}, "dd/mm/yyyy"),
        ({"monthly_income": "banyak"}, "Rupiah"),
        ({"kpj": "12"}, "KPJ harus 11 angka"),
    ],
)
def test_registration_refusals(client, official, overrides, message):
    client.force_login(official)
    response = client.post(reverse("participants:create"), registration(**overrides))
    assert response.status_code == 200
    assert message in response.text
    assert not Participant.objects.exists()


def test_duplicate_nik_of_another_village_names_only_whom_to_ask(client, official, sikalang):
    nik = make_nik(birth_date=BIRTH, sex="P", serial=77)
    ParticipantFactory(village=sikalang, nik=nik, name="Siti Lain", sex="P", birth_date=BIRTH)
    client.force_login(official)
    response = client.post(reverse("participants:create"), registration(nik=nik))
    assert "sudah terdaftar di desa lain" in response.text and "Cabang Solok" in response.text
    assert "Siti Lain" not in response.text and "Sikalang" not in response.text
    assert Participant.objects.count() == 1


def test_an_official_cannot_register_into_another_village(client, official, sikalang):
    client.force_login(official)
    client.post(reverse("participants:create"), registration(village=sikalang.pk))
    assert Participant.objects.get().village != sikalang  # the field is not offered: their own village is used


def test_list_search_filters_and_masking(client, official, sikalang, django_assert_max_num_queries):
    ours = ParticipantFactory(name="Ahmad Tani", kpj="12345678901", occupation="petani")
    ParticipantFactory(name="Rina Dagang", occupation="pedagang", funding_source="apbdes")
    ParticipantFactory(village=sikalang, name="Ahmad Sikalang")
    ContributionFactory(participant=ours, month=datetime.date(2025, 6, 1))
    client.force_login(official)
    url = reverse("participants:list")
    with django_assert_max_num_queries(12):
        page = client.get(url)
    assert "Ahmad Tani" in page.text and "Rina Dagang" in page.text and "Ahmad Sikalang" not in page.text
    assert ours.nik not in page.text and ours.masked_nik in page.text
    assert _names(client.get(url, {"q": "ahmad"})) == ["Ahmad Tani"]
    assert _names(client.get(url, {"q": ours.nik})) == ["Ahmad Tani"]
    assert _names(client.get(url, {"q": "12345678901"})) == ["Ahmad Tani"]
    assert _names(client.get(url, {"occupation": "pedagang"})) == ["Rina Dagang"]
    assert _names(client.get(url, {"funding_source": "apbdes"})) == ["Rina Dagang"]
    assert _names(client.get(url, {"status": "aktif"})) == ["Ahmad Tani"]
    # Registered, never paid: awaiting a first payment, not nonaktif.
    assert _names(client.get(url, {"status": "belum_aktif"})) == ["Rina Dagang"]
    assert _names(client.get(url, {"status": "nonaktif"})) == []
    assert client.get(url, {"village": sikalang.pk}).status_code == 200  # an invalid choice shows nothing extra


def test_list_is_paginated_with_a_fixed_query_count(client, staff_user, django_assert_max_num_queries):
    ParticipantFactory.create_batch(30)
    client.force_login(staff_user)
    with django_assert_max_num_queries(12):
        first = client.get(reverse("participants:list"))
    assert len(first.context["page"]) == 25
    assert len(client.get(reverse("participants:list"), {"page": 2}).context["page"]) == 5


def _names(response) -> list[str]:
    return [participant.name for participant in response.context["page"]]


def test_detail_shows_coverage_contributions_history_and_full_nik_to_writers(client, official, head_user):
    participant = ParticipantFactory(enrolled_on=datetime.date(2025, 1, 5))
    for month in (1, 2, 6):
        ContributionFactory(participant=participant, month=datetime.date(2025, month, 1))
    client.force_login(official)
    page = client.get(reverse("participants:detail", args=[participant.pk]))
    coverage = dict(page.context["coverage"])
    assert coverage[datetime.date(2025, 6, 1)] == "aktif"
    assert coverage[datetime.date(2025, 3, 1)] == "menunggak"
    assert page.context["status_now"] == "aktif"
    assert participant.nik in page.text
    assert "Iuran 06/2025" in page.text  # contributions' history is on the participant's page
    client.force_login(head_user)
    page = client.get(reverse("participants:detail", args=[participant.pk]))
    assert participant.nik not in page.text and participant.masked_nik in page.text


def test_edit_keeps_history_of_before_and_after(client, official):
    participant = ParticipantFactory(monthly_income=1_500_000)
    client.force_login(official)
    data = registration(
        nik=participant.nik,
        name=participant.name,
        sex="L",
        birth_date=f"{participant.birth_date:%d/%m/%Y}",
        enrolled_on=f"{participant.enrolled_on:%d/%m/%Y}",
        monthly_income="2.000.000",
    )
    response = client.post(reverse("participants:update", args=[participant.pk]), data)
    assert response.status_code == 302, response.context["form"].errors
    page = client.get(reverse("participants:detail", args=[participant.pk]))
    assert "Rp 1.500.000" in page.text and "Rp 2.000.000" in page.text
    assert "operator.bb" in page.text


def test_exit_needs_date_and_reason_after_enrolment(client, official):
    participant = ParticipantFactory(enrolled_on=datetime.date(2025, 1, 5))
    client.force_login(official)
    url = reverse("participants:exit", args=[participant.pk])
    refused = client.post(url, {"exit_date": "01/01/2024", "exit_reason": "pindah"})
    assert "sebelum tanggal daftar" in refused.text
    assert client.post(url, {"exit_date": "", "exit_reason": "pindah"}).status_code == 200
    client.post(url, {"exit_date": "31/05/2025", "exit_reason": "pindah"})
    participant.refresh_from_db()
    assert (participant.exit_date, participant.exit_reason) == (datetime.date(2025, 5, 31), "pindah")


def test_contribution_for_three_months_with_the_proposed_amount(client, official):
    participant = ParticipantFactory(enrolled_on=datetime.date(2025, 3, 1), monthly_income=2_000_000)
    ContributionFactory(participant=participant, month=datetime.date(2025, 3, 1))
    client.force_login(official)
    url = reverse("participants:contribution_create", args=[participant.pk])
    form = client.get(url).context["form"]
    assert form.initial["first_month"] == datetime.date(2025, 4, 1)  # after the last paid month
    assert form.initial["amount"] == 26_800  # 1% of 2.000.000 + JKM 6.800
    data = {
        "first_month": "04/2025",
        "months": "3",
        "amount": "80.400",  # 3 months of 26.800
        "paid_on": "15/06/2025",
        "channel": "agen_perisai",
        "funding_source": "mandiri",
    }
    assert client.post(url, data).status_code == 302
    assert sorted(participant.contributions.values_list("month", flat=True))[-3:] == [
        datetime.date(2025, 4, 1),
        datetime.date(2025, 5, 1),
        datetime.date(2025, 6, 1),
    ]
    assert Contribution.history.filter(history_user=official).count() == 3  # who recorded the payment
    again = client.post(url, {**data, "first_month": "05/2025", "months": "1"})
    assert "05/2025 sudah dibayar" in again.text
    assert participant.contributions.count() == 4


@pytest.mark.parametrize(
    ("overrides", "message"),
    [
        ({"first_month": "12/2024"}, "sebelum bulan daftar"),
        ({"first_month": "07/2026"}, "paling jauh 12 bulan ke depan"),
        ({"months": "2"}, "bukan salah satu"),
        ({"amount": "0"}, "Pastikan nilai ini lebih besar"),
        ({"paid_on": "16/06/2026"}, "masa depan"),
        ({"first_month": "13/2025"}, "mm/yyyy"),
    ],
)
def test_contribution_refusals(client, official, overrides, message):
    participant = ParticipantFactory(enrolled_on=datetime.date(2025, 1, 1))
    client.force_login(official)
    data = {
        "first_month": "01/2025",
        "months": "1",
        "amount": "21800",
        "paid_on": "15/06/2025",
        "channel": "online",
        "funding_source": "mandiri",
        **overrides,
    }
    response = client.post(reverse("participants:contribution_create", args=[participant.pk]), data)
    assert message in response.text
    assert not Contribution.objects.exists()


def test_amount_proposal_follows_programmes_over_htmx(client, official):
    participant = ParticipantFactory(monthly_income=1_000_000)
    client.force_login(official)
    url = reverse("participants:contribution_create", args=[participant.pk])
    query = {"proposal": "1", "first_month": "06/2025", "months": "6", "with_jht": "on"}
    response = client.get(url, query, headers={"HX-Request": "true"})
    assert 'id="amount-block"' in response.text and "<html" not in response.text
    assert 'value="220800"' in response.text  # six months
    assert "6 × Rp 36.800" in response.text  # JKK 1% + JKM 6.800 + JHT 2% of the Rp 1.000.000 base


def test_monthly_screen_ticks_who_paid_once(client, official, django_assert_max_num_queries):
    paid = ParticipantFactory(name="Sudah Bayar", enrolled_on=datetime.date(2025, 1, 1))
    first = ParticipantFactory(name="Bayar Sekarang", enrolled_on=datetime.date(2025, 1, 1), has_jht=True)
    later = ParticipantFactory(name="Belum", enrolled_on=datetime.date(2025, 1, 1))
    ParticipantFactory(name="Daftar Juli", enrolled_on=datetime.date(2025, 7, 1))
    ContributionFactory(participant=paid, month=datetime.date(2025, 5, 1))
    client.force_login(official)
    url = reverse("participants:monthly")
    # 4 of them read the contribution rules that price the month, 1 the coverage rule's grace (a past month).
    with django_assert_max_num_queries(16):
        page = client.get(url, {"month": "05/2025"})
    assert [participant.name for participant, _ in page.context["rows"]] == ["Bayar Sekarang", "Belum", "Sudah Bayar"]
    assert page.context["unpaid"] == 2
    data = {"month": "05/2025", "paid_on": "10/05/2025", "channel": "bendahara", "paid": [str(first.pk), str(paid.pk)]}
    response = client.post(url, data)
    assert response.status_code == 302
    assert list(Contribution.objects.filter(month=datetime.date(2025, 5, 1)).values_list("participant", "amount")) in (
        [(paid.pk, 16_800), (first.pk, 51_800)],
        [(first.pk, 51_800), (paid.pk, 16_800)],
    )
    client.post(url, data)
    assert Contribution.objects.count() == 2  # never paid twice
    assert later.contributions.count() == 0


def test_monthly_screen_refuses_a_month_that_cannot_be_paid_yet(client, official):
    participant = ParticipantFactory(enrolled_on=datetime.date(2025, 1, 1))
    client.force_login(official)
    data = {"month": "07/2026", "paid_on": "10/06/2025", "channel": "bendahara", "paid": [str(participant.pk)]}
    response = client.post(reverse("participants:monthly"), data)
    assert "paling jauh 12 bulan ke depan" in response.text
    assert not Contribution.objects.exists()


def test_monthly_screen_of_another_village_writes_nothing(client, other_official, batang_barus):
    participant = ParticipantFactory(enrolled_on=datetime.date(2025, 1, 1))
    client.force_login(other_official)
    data = {
        "village": batang_barus.pk,
        "month": "05/2025",
        "paid_on": "10/05/2025",
        "channel": "bendahara",
        "paid": [participant.pk],
    }
    client.post(reverse("participants:monthly"), data)
    assert not Contribution.objects.exists()


def test_claim_is_recorded_and_refused_when_paid_before_the_event(client, official):
    paid = [(datetime.date(2025, 1, 1), datetime.date(2025, 3, 1))]  # covered at the event
    participant = PayingParticipantFactory(enrolled_on=datetime.date(2024, 1, 1), paid=paid)
    client.force_login(official)
    url = reverse("participants:claim_create", args=[participant.pk])
    refused = client.post(url, {"programme": "JKM", "event_date": "01/03/2025", "paid_on": "01/02/2025", "amount": "1"})
    assert "sebelum tanggal kejadian" in refused.text
    data = {"programme": "JKM", "event_date": "01/03/2025", "paid_on": "20/03/2025", "amount": "Rp 42.000.000"}
    assert client.post(url, data).status_code == 302
    claim = Claim.objects.get()
    assert (claim.amount, claim.recorded_by) == (42_000_000, official)
    assert "Klaim JKM" in client.get(reverse("participants:detail", args=[participant.pk])).text


def test_claim_before_enrolment_is_refused(client, official):
    participant = ParticipantFactory(enrolled_on=datetime.date(2025, 1, 1))
    client.force_login(official)
    url = reverse("participants:claim_create", args=[participant.pk])
    response = client.post(url, {"programme": "JKK", "event_date": "01/12/2024", "amount": "1000000"})
    assert "sebelum peserta terdaftar" in response.text
    assert not Claim.objects.exists()


def test_services_refuse_villages_and_participants_outside_the_scope(other_official, batang_barus):
    participant = ParticipantFactory()
    with pytest.raises(PermissionDenied):
        services.participant_register(
            user=other_official,
            village=batang_barus,
            nik=make_nik(birth_date=BIRTH, sex="P", serial=5),
            name="Titipan",
            sex="P",
            birth_date=BIRTH,
            occupation="petani",
            monthly_income=1_000_000,
            funding_source="mandiri",
            enrolled_on=datetime.date(2025, 1, 1),
        )
    with pytest.raises(PermissionDenied):
        services.participant_update(user=other_official, participant=participant, name="Diubah")
    with pytest.raises(PermissionDenied):
        services.contributions_record_month(
            user=other_official,
            village=batang_barus,
            month=datetime.date(2025, 1, 1),
            participant_ids=[participant.pk],
            paid_on=datetime.date(2025, 1, 5),
            channel="online",
        )
    participant.refresh_from_db()
    assert participant.name != "Diubah" and Participant.objects.count() == 1
    assert not Contribution.objects.exists()


def test_an_official_of_two_villages_chooses_only_between_them(client, batang_barus, sikalang):
    third = Village.objects.exclude(pk__in=[batang_barus.pk, sikalang.pk]).first()
    official = UserFactory(username="operator.dua", role=ROLE_OFFICIAL, villages=[batang_barus, third])
    client.force_login(official)
    for url in (reverse("participants:create"), reverse("participants:monthly"), reverse("participants:import")):
        choices = client.get(url).context["form"].fields["village"].queryset
        assert set(choices) == {batang_barus, third}, url
    refused = client.post(reverse("participants:create"), registration(village=sikalang.pk))
    assert "Masukkan pilihan yang valid" in refused.text
    client.post(reverse("participants:create"), registration(village=third.pk))
    assert Participant.objects.get().village == third


def test_detail_query_count_does_not_grow_with_history(client, official, django_assert_num_queries):
    participant = ParticipantFactory(enrolled_on=datetime.date(2024, 1, 1))
    client.force_login(official)
    url = reverse("participants:detail", args=[participant.pk])

    def grow(start: int) -> None:
        for month in range(start, start + 6):
            ContributionFactory(participant=participant, month=datetime.date(2024, month, 1))
        participant.monthly_income += 100_000
        participant.save()

    grow(1)
    client.get(url)  # the session is written once after login
    with django_assert_num_queries(DETAIL_QUERIES):
        client.get(url)
    grow(7)
    with django_assert_num_queries(DETAIL_QUERIES):
        assert "Rp 1.700.000" in client.get(url).text
