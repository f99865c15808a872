"""Coverage status: belum aktif until the first payment, aktif, menunggak (at most the grace), nonaktif, keluar;
lapses; the grace as rules data with its validity."""

from __future__ import annotations

import datetime

import pytest
from django.core.exceptions import ImproperlyConfigured

from participants.coverage import (
    CoverageStatus,
    GraceSchedule,
    coverage_status,
    grace_schedule,
    is_lapse,
    participant_status,
)
from participants.models import CoverageRule
from tests.factories import ContributionFactory, ParticipantFactory

ENROLLED = datetime.date(2024, 1, 10)
THREE = GraceSchedule(rules=((datetime.date(2022, 7, 1), 3),))


def month(year: int, number: int) -> datetime.date:
    return datetime.date(year, number, 1)


def status(at: datetime.date, paid: set[datetime.date], *, exit_date=None, grace: int = 3):
    return coverage_status(enrolled_on=ENROLLED, exit_date=exit_date, paid_months=paid, month=at, grace_months=grace)


def lapse(at: datetime.date, paid: set[datetime.date], *, graces: GraceSchedule = THREE, exit_date=None) -> bool:
    return is_lapse(enrolled_on=ENROLLED, exit_date=exit_date, paid_months=paid, month=at, graces=graces)


def test_before_enrolment_there_is_no_status():
    assert status(month(2023, 12), {month(2024, 1)}) is None


def test_a_paid_month_is_active():
    assert status(month(2024, 1), {month(2024, 1)}) == CoverageStatus.ACTIVE
    # Any day of the month stands for the month.
    assert status(datetime.date(2024, 1, 31), {month(2024, 1)}) == CoverageStatus.ACTIVE


@pytest.mark.parametrize(
    ("at", "expected"),
    [
        (month(2024, 2), CoverageStatus.ARREARS),
        (month(2024, 3), CoverageStatus.ARREARS),
        (month(2024, 4), CoverageStatus.ARREARS),
        (month(2024, 5), CoverageStatus.INACTIVE),
        (month(2025, 1), CoverageStatus.INACTIVE),
    ],
)
def test_arrears_last_three_months_after_a_paid_month_then_inactive(at, expected):
    assert status(at, {month(2024, 1)}) == expected


@pytest.mark.parametrize("at", [month(2024, 1), month(2024, 4), month(2024, 5), month(2027, 1)])
def test_never_paid_is_awaiting_a_first_payment_however_long(at):
    assert status(at, set()) == CoverageStatus.AWAITING


def test_coverage_starts_with_the_first_payment():
    paid = {month(2024, 6)}
    assert status(month(2024, 5), paid) == CoverageStatus.AWAITING
    assert status(month(2024, 6), paid) == CoverageStatus.ACTIVE
    assert status(month(2024, 7), paid) == CoverageStatus.ARREARS
    assert status(month(2024, 10), paid) == CoverageStatus.INACTIVE


def test_payments_for_months_before_enrolment_do_not_start_coverage():
    paid = {month(2023, 11), month(2023, 12)}
    assert status(month(2024, 1), paid) == CoverageStatus.AWAITING
    assert status(month(2024, 6), paid) == CoverageStatus.AWAITING


def test_a_month_paid_ahead_does_not_cover_the_months_before_it():
    paid = {month(2024, 3)}
    assert status(month(2024, 2), paid) == CoverageStatus.AWAITING
    assert status(month(2024, 3), paid) == CoverageStatus.ACTIVE


def test_catching_up_makes_the_month_active_again():
    paid = {month(2024, 1), month(2024, 6)}
    assert status(month(2024, 5), paid) == CoverageStatus.INACTIVE
    assert status(month(2024, 6), paid) == CoverageStatus.ACTIVE
    assert status(month(2024, 7), paid) == CoverageStatus.ARREARS


def test_months_paid_ahead_are_active():
    paid = {month(2024, number) for number in range(1, 13)}
    assert status(month(2024, 12), paid) == CoverageStatus.ACTIVE
    assert status(month(2025, 3), paid) == CoverageStatus.ARREARS


def test_after_the_exit_month_the_participant_has_left():
    paid = {month(2024, 1), month(2024, 2)}
    exit_date = datetime.date(2024, 2, 20)
    assert status(month(2024, 2), paid, exit_date=exit_date) == CoverageStatus.ACTIVE
    assert status(month(2024, 3), paid, exit_date=exit_date) == CoverageStatus.EXITED
    assert status(month(2026, 1), paid, exit_date=exit_date) == CoverageStatus.EXITED
    assert status(month(2024, 3), set(), exit_date=exit_date) == CoverageStatus.EXITED


def test_grace_is_a_parameter():
    assert status(month(2024, 2), {month(2024, 1)}, grace=0) == CoverageStatus.INACTIVE
    assert status(month(2024, 7), {month(2024, 1)}, grace=6) == CoverageStatus.ARREARS


def test_a_lapse_is_the_month_a_paying_participant_passes_the_grace():
    paid = {month(2024, 1), month(2024, 7)}
    lapses = [at for at in (month(2024, n) for n in range(1, 13)) if lapse(at, paid)]
    assert lapses == [month(2024, 5), month(2024, 11)]


def test_who_never_paid_never_lapses():
    assert not any(lapse(month(2024, n), set()) for n in range(1, 13))


def test_no_lapse_after_the_exit():
    paid = {month(2024, 1)}
    assert lapse(month(2024, 5), paid, exit_date=datetime.date(2024, 5, 3))
    assert not lapse(month(2024, 5), paid, exit_date=datetime.date(2024, 4, 30))


def test_the_grace_of_each_month_is_the_rule_in_force_then():
    graces = GraceSchedule(rules=((datetime.date(2022, 7, 1), 3), (datetime.date(2024, 4, 1), 1)))
    assert [graces.for_month(m) for m in (month(2019, 1), month(2024, 3), month(2024, 4), month(2030, 1))] == [
        3,
        3,
        1,
        1,
    ]
    # Paid 01/2024: menunggak in 02 and 03 under 3 months; from 04 the rule of 1 month makes the run of 3 nonaktif.
    paid = {month(2024, 1)}
    assert [lapse(month(2024, n), paid, graces=graces) for n in (2, 3, 4, 5)] == [False, False, True, False]


@pytest.mark.django_db
def test_the_migration_holds_perdir_22_2022():
    rule = CoverageRule.objects.get()
    assert (rule.valid_from, rule.grace_months) == (datetime.date(2022, 7, 1), 3)
    assert "22/PERDIR.02/072022" in rule.regulation
    assert grace_schedule().for_month(month(2019, 1)) == 3


@pytest.mark.django_db
def test_without_any_rule_the_error_says_what_is_missing():
    CoverageRule.objects.all().delete()
    with pytest.raises(ImproperlyConfigured, match="aturan masa tunggakan"):
        grace_schedule()


@pytest.mark.django_db
def test_participant_status_reads_paid_months_and_the_rules(batang_barus):
    participant = ParticipantFactory(village=batang_barus, enrolled_on=ENROLLED)
    assert participant_status(participant, month(2024, 1)) == CoverageStatus.AWAITING
    ContributionFactory(participant=participant, month=month(2024, 1))
    assert participant_status(participant, month(2024, 1)) == CoverageStatus.ACTIVE
    assert participant_status(participant, month(2024, 4)) == CoverageStatus.ARREARS
    assert participant_status(participant, month(2024, 5)) == CoverageStatus.INACTIVE
    CoverageRule.objects.create(valid_from=month(2024, 5), grace_months=4, regulation="uji")
    assert participant_status(participant, month(2024, 5)) == CoverageStatus.ARREARS
    participant.exit_date, participant.exit_reason = datetime.date(2024, 2, 1), "berhenti"
    assert participant_status(participant, month(2024, 3)) == CoverageStatus.EXITED
