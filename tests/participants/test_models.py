"""Participants: NIK validation, duplicates, database constraints and the access scope (rates: test_rules.py)."""

from __future__ import annotations

import datetime

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction

from participants.models import Claim, Contribution, Participant, Programme, Sex
from tests.factories import ContributionFactory, ParticipantFactory, make_nik

pytestmark = pytest.mark.django_db

BORN = datetime.date(1985, 3, 14)


def unsaved(**overrides) -> Participant:
    return ParticipantFactory.build(**overrides)


# --- NIK ---------------------------------------------------------------------------------------------


def test_a_good_participant_validates(batang_barus):
    participant = unsaved(village=batang_barus, nik=make_nik(birth_date=BORN, sex=Sex.MALE, serial=1))
    participant.full_clean()


@pytest.mark.parametrize("nik", ["123", "13020714038500011", "1302071403850A01", "9902071403850001"])
def test_bad_nik_is_refused(batang_barus, nik):
    participant = unsaved(village=batang_barus, nik=nik)
    with pytest.raises(ValidationError) as error:
        participant.full_clean()
    assert "nik" in error.value.message_dict


def test_nik_with_an_impossible_date_is_refused(batang_barus):
    participant = unsaved(village=batang_barus, nik="1302073213850001")  # 32/13/85
    with pytest.raises(ValidationError) as error:
        participant.full_clean()
    assert "NIK tidak valid" in error.value.message_dict["nik"][0]


def test_nik_birth_date_mismatch_says_what_the_nik_holds(batang_barus):
    participant = unsaved(
        village=batang_barus,
        nik=make_nik(birth_date=BORN, sex=Sex.MALE, serial=1),
        birth_date=datetime.date(1985, 3, 15),
    )
    with pytest.raises(ValidationError) as error:
        participant.full_clean()
    assert error.value.message_dict["nik"] == ["Tanggal lahir tidak cocok dengan NIK (NIK menyebut 14/03/..85)."]


def test_nik_sex_mismatch_women_have_forty_added(batang_barus):
    female_nik = make_nik(birth_date=BORN, sex=Sex.FEMALE, serial=1)
    assert female_nik[6:8] == "54"
    unsaved(village=batang_barus, nik=female_nik, sex=Sex.FEMALE).full_clean()
    with pytest.raises(ValidationError) as error:
        unsaved(village=batang_barus, nik=female_nik, sex=Sex.MALE).full_clean()
    assert "Jenis kelamin tidak cocok" in error.value.message_dict["nik"][0]


def test_duplicate_nik_says_where_the_first_lives(batang_barus, sikalang):
    first = ParticipantFactory(village=sikalang, name="Siti Aminah")
    second = unsaved(village=batang_barus, nik=first.nik)
    with pytest.raises(ValidationError) as error:
        second.full_clean()
    assert error.value.message_dict["nik"] == ["NIK ini sudah terdaftar atas nama Siti Aminah di Desa Sikalang."]


def test_duplicate_nik_is_refused_by_the_database(batang_barus):
    first = ParticipantFactory(village=batang_barus)
    with pytest.raises(IntegrityError), transaction.atomic():
        ParticipantFactory(village=batang_barus, nik=first.nik)


def test_duplicate_kpj_is_refused_by_the_database(batang_barus):
    ParticipantFactory(village=batang_barus, kpj="12345678901")
    with pytest.raises(IntegrityError), transaction.atomic():
        ParticipantFactory(village=batang_barus, kpj="12345678901")


def test_empty_kpj_is_stored_as_null_so_many_may_have_none(batang_barus):
    for _ in range(2):
        participant = unsaved(village=batang_barus, kpj="")
        participant.full_clean()
        participant.save()
    assert Participant.objects.filter(kpj=None).count() == 2


def test_masked_nik_hides_birth_date_and_serial(batang_barus):
    participant = ParticipantFactory(village=batang_barus, nik="1302071403850001")
    assert participant.masked_nik == "130207******0001 · lahir 1985"
    assert "1403850001" not in str(participant) and "140385" not in str(participant)


def test_masked_niks_tell_two_people_of_one_name_apart(batang_barus):
    """Same name, region and serial (the serial restarts per birth date): the KPJ tail, else the birth year."""
    first = ParticipantFactory(village=batang_barus, name="Rahmat", nik="1302071403850001", kpj="12345678901")
    second = ParticipantFactory(
        village=batang_barus, name="Rahmat", nik="1302072007900001", birth_date=datetime.date(1990, 7, 20)
    )
    assert first.masked_nik == "130207******0001 · KPJ …8901"
    assert second.masked_nik == "130207******0001 · lahir 1990"
    second.kpj = "12345670002"
    assert second.masked_nik == "130207******0001 · KPJ …0002" != first.masked_nik


# --- other rules -----------------------------------------------------------------------------------------


def test_exit_needs_date_and_reason(batang_barus):
    participant = unsaved(village=batang_barus, exit_date=datetime.date(2024, 5, 1))
    with pytest.raises(ValidationError) as error:
        participant.full_clean()
    assert "exit_reason" in error.value.message_dict
    with pytest.raises(IntegrityError), transaction.atomic():
        ParticipantFactory(village=batang_barus, exit_date=datetime.date(2024, 5, 1), exit_reason="")


def test_exit_not_before_enrolment(batang_barus):
    participant = unsaved(village=batang_barus, exit_date=datetime.date(2023, 5, 1), exit_reason="pindah")
    with pytest.raises(ValidationError) as error:
        participant.full_clean()
    assert "exit_date" in error.value.message_dict
    with pytest.raises(IntegrityError), transaction.atomic():
        ParticipantFactory(village=batang_barus, exit_date=datetime.date(2023, 5, 1), exit_reason="pindah")


def test_nik_format_constraint_fires_when_validation_is_bypassed(batang_barus):
    participant = ParticipantFactory(village=batang_barus)
    with pytest.raises(IntegrityError), transaction.atomic():
        Participant.objects.filter(pk=participant.pk).update(nik="12345")


# --- contributions ------------------------------------------------------------------------------------------


def test_one_contribution_per_participant_and_month(batang_barus):
    paid = ContributionFactory(participant=ParticipantFactory(village=batang_barus))
    again = Contribution(
        participant=paid.participant,
        month=paid.month,
        amount=16_800,
        paid_on=paid.paid_on,
        channel=Contribution.Channel.ONLINE,
        funding_source=paid.funding_source,
    )
    with pytest.raises(ValidationError):
        again.full_clean()
    with pytest.raises(IntegrityError), transaction.atomic():
        again.save()


def test_contribution_month_is_the_first_day(batang_barus):
    participant = ParticipantFactory(village=batang_barus)
    contribution = ContributionFactory.build(participant=participant, month=datetime.date(2024, 2, 17))
    contribution.full_clean()
    assert contribution.month == datetime.date(2024, 2, 1)
    with pytest.raises(IntegrityError), transaction.atomic():
        ContributionFactory(participant=participant, month=datetime.date(2024, 3, 5))


def test_claim_paid_after_event(batang_barus):
    participant = ParticipantFactory(village=batang_barus)
    with pytest.raises(IntegrityError), transaction.atomic():
        Claim.objects.create(
            participant=participant,
            programme=Programme.JKM,
            event_date=datetime.date(2024, 5, 1),
            paid_on=datetime.date(2024, 4, 1),
            amount=42_000_000,
        )


# --- scope ------------------------------------------------------------------------------------------------------


def test_participant_data_follows_the_village_scope(official, other_official, staff_user, batang_barus, sikalang):
    mine = ContributionFactory(participant=ParticipantFactory(village=batang_barus))
    ContributionFactory(participant=ParticipantFactory(village=sikalang))
    assert list(Participant.objects.for_user(official)) == [mine.participant]
    assert list(Contribution.objects.for_user(official)) == [mine]
    assert Participant.objects.for_user(staff_user).count() == 2
    assert mine.participant not in Participant.objects.for_user(other_official)
    assert not Claim.objects.for_user(None).exists()
