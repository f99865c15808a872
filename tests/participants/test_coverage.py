"""Coverage status: aktif, menunggak (at most 3 unpaid months), nonaktif, keluar."""

from __future__ import annotations

import datetime

import pytest

from participants.coverage import CoverageStatus, coverage_status, participant_status
from tests.factories import ContributionFactory, ParticipantFactory

ENROLLED = datetime.date(2024, 1, 10)


def month(year: int, number: int) -> datetime.date:
    return datetime.date(year, number, 1)


def status(at: datetime.date, paid: set[datetime.date], *, exit_date=None, grace: int = 3):
    return coverage_status(enrolled_on=ENROLLED, exit_date=exit_date, paid_months=paid, month=at, grace_months=grace)


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
def test_arrears_last_three_months_then_inactive(at, expected):
    assert status(at, {month(2024, 1)}) == expected


def test_unpaid_since_enrolment_counts_from_the_first_month():
    assert status(month(2024, 1), set()) == CoverageStatus.ARREARS
    assert status(month(2024, 3), set()) == CoverageStatus.ARREARS
    assert status(month(2024, 4), set()) == CoverageStatus.INACTIVE


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


def test_grace_is_a_parameter():
    assert status(month(2024, 2), {month(2024, 1)}, grace=0) == CoverageStatus.INACTIVE
    assert status(month(2024, 7), {month(2024, 1)}, grace=6) == CoverageStatus.ARREARS


@pytest.mark.django_db
def test_participant_status_reads_paid_months_and_the_setting(batang_barus, settings):
    participant = ParticipantFactory(village=batang_barus, enrolled_on=ENROLLED)
    ContributionFactory(participant=participant, month=month(2024, 1))
    assert participant_status(participant, month(2024, 1)) == CoverageStatus.ACTIVE
    assert participant_status(participant, month(2024, 4)) == CoverageStatus.ARREARS
    assert participant_status(participant, month(2024, 5)) == CoverageStatus.INACTIVE
    settings.ARREARS_GRACE_MONTHS = 4
    assert participant_status(participant, month(2024, 5)) == CoverageStatus.ARREARS
    participant.exit_date, participant.exit_reason = datetime.date(2024, 2, 1), "berhenti"
    assert participant_status(participant, month(2024, 3)) == CoverageStatus.EXITED
