"""Scenario builders shared by several test modules: villages joining the programme, participants
with their paid months, the participant import's columns. Single objects come from tests/factories.py.
"""

from __future__ import annotations

import datetime

from participants.models import FundingSource, Occupation, Participant
from participants.stats import stats_refresh
from tests.factories import PayingParticipantFactory

# The participant import's columns, in the order of the template.
PARTICIPANT_HEADERS = [
    "NIK",
    "Nama",
    "Jenis Kelamin",
    "Tanggal Lahir",
    "Pekerjaan",
    "Penghasilan",
    "Sumber Dana",
    "Tanggal Daftar",
]


def join(*villages, working_age: int = 100) -> None:
    """The villages joined the programme in 03/2019, with `working_age` working-age residents."""
    for village in villages:
        village.joined_on = datetime.date(2019, 3, 1)
        village.working_age_population = working_age
        village.save()


def paying(village, count: int, *, first: datetime.date, last: datetime.date, serial: int = 0) -> None:
    """`count` participants of `village` enrolled at `first`, paying every month up to `last`; the
    village's statistics refreshed."""
    for index in range(count):
        PayingParticipantFactory(
            village=village, enrolled_on=first, name=f"Warga {village.name} {serial + index}", paid=[(first, last)]
        )
    stats_refresh(village_ids=[village.pk])


def enrol(
    village, enrolled_on, paid, *, funding=FundingSource.SELF, occupation=Occupation.FARMER, exit_date=None, phone=""
) -> Participant:
    """A participant of `village` who paid every month of the (first, last) ranges in `paid` (no refresh)."""
    return PayingParticipantFactory(
        village=village,
        phone=phone,
        enrolled_on=enrolled_on,
        funding_source=funding,
        occupation=occupation,
        exit_date=exit_date,
        exit_reason=Participant.ExitReason.MOVED if exit_date else "",
        paid=list(paid),
    )
