"""Statistics by difference under concurrent writers in one village, on PostgreSQL (where transactions really
run side by side): payments for different participants and for the same one, a monthly-screen batch and a
registration, released together from threads with their own connections; afterwards the table equals a full
rebuild. SQLite runs one writer at a time, so there is nothing to race there."""

from __future__ import annotations

import datetime
import threading

import pytest
import time_machine
from django.core.exceptions import ValidationError
from django.db import connection

from participants import services
from participants.models import (
    Contribution,
    FundingSource,
    HamletMonthStat,
    Occupation,
    Participant,
    VillageMonthStat,
)
from participants.stats import STAT_COLUMNS, stats_refresh
from tests.factories import ParticipantFactory, make_nik

TODAY = datetime.datetime(2026, 3, 16, 9, 0, tzinfo=datetime.UTC)
CURRENT = datetime.date(2026, 3, 1)

pytestmark = [
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
    pytest.mark.skipif("connection.vendor != 'postgresql'"),
]


@pytest.fixture(autouse=True)
def _today():
    with time_machine.travel(TODAY, tick=False):
        yield


def table() -> tuple[dict, dict, dict]:
    """The statistics, the jorong table and the last paid months."""
    rows = VillageMonthStat.objects.values_list("village_id", "month", *STAT_COLUMNS)
    hamlets = HamletMonthStat.objects.values_list("village_id", "hamlet", "month", "enrolled", "active")
    return (
        {(village, month): values for village, month, *values in rows},
        {(village, hamlet, month): values for village, hamlet, month, *values in hamlets},
        dict(Participant.objects.values_list("pk", "last_paid_month")),
    )


def at_once(writes: list) -> list:
    """Run each write in its own thread and connection, released together; each one's result or exception."""
    start = threading.Barrier(len(writes))
    results: list = [None] * len(writes)

    def run(n: int) -> None:
        try:
            start.wait()
            results[n] = writes[n]()
        except Exception as error:  # collected and asserted by the caller
            results[n] = error
        finally:
            connection.close()

    threads = [threading.Thread(target=run, args=(n,)) for n in range(len(writes))]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return results


def test_concurrent_writers_in_one_village_leave_the_table_a_rebuild_would_build(staff_user, batang_barus, sikalang):
    people = ParticipantFactory.create_batch(6, village=batang_barus, enrolled_on=datetime.date(2025, 9, 3))
    stats_refresh(village_ids=[batang_barus.pk])

    def pay(person: Participant, first_month: datetime.date, months: int):
        def write():
            return services.contribution_record(
                user=staff_user,
                participant=Participant.objects.get(pk=person.pk),
                first_month=first_month,
                months=months,
                amount=16_800 * months,
                paid_on=TODAY.date(),
                channel=Contribution.Channel.AGENT,
                funding_source=FundingSource.SELF,
                override_reason="uji",
                correction_reason="koreksi uji",
            )

        return write

    def register(serial: int):
        def write():
            birth_date = datetime.date(1990, 2, serial)
            return services.participant_register(
                user=staff_user,
                village=batang_barus,
                name=f"Baru {serial}",
                sex="L",
                birth_date=birth_date,
                nik=make_nik(birth_date=birth_date, sex="L", serial=500 + serial),
                occupation=Occupation.FARMER,
                monthly_income=1_500_000,
                funding_source=FundingSource.SELF,
                enrolled_on=datetime.date(2025, 12, serial),
            )

        return write

    def monthly(month: datetime.date, chosen: list[Participant]):
        def write():
            return services.contributions_record_month(
                user=staff_user,
                village=batang_barus,
                month=month,
                participant_ids=[person.pk for person in chosen],
                paid_on=TODAY.date(),
                channel=Contribution.Channel.AGENT,
            )

        return write

    def update(person: Participant, **changes):
        def write():
            return services.participant_update(
                user=staff_user, participant=Participant.objects.get(pk=person.pk), **changes
            )

        return write

    rounds = [
        [
            pay(people[0], datetime.date(2025, 9, 1), 3),
            pay(people[0], datetime.date(2025, 12, 1), 3),  # the same participant, the next months
            pay(people[1], datetime.date(2025, 10, 1), 6),
            pay(people[1], datetime.date(2025, 10, 1), 6),  # the same payment twice: one is refused
            pay(people[2], datetime.date(2026, 1, 1), 12),
            register(1),
            monthly(CURRENT, people[2:6]),
        ],
        [
            pay(people[3], datetime.date(2025, 9, 1), 1),
            pay(people[4], datetime.date(2026, 3, 1), 3),
            pay(people[5], datetime.date(2026, 4, 1), 1),
            monthly(datetime.date(2026, 2, 1), people),
            monthly(datetime.date(2026, 2, 1), people[:3]),
            register(2),
            pay(people[0], datetime.date(2026, 4, 1), 12),
        ],
        [
            # A participant's own row changing while a payment of theirs is written (the single-row signals).
            pay(people[3], datetime.date(2026, 4, 1), 6),
            update(people[3], enrolled_on=datetime.date(2025, 8, 20)),
            pay(people[4], datetime.date(2026, 5, 1), 3),
            update(people[4], village=sikalang),
            pay(people[5], datetime.date(2026, 5, 1), 1),
            update(people[5], exit_date=datetime.date(2026, 9, 30), exit_reason=Participant.ExitReason.MOVED),
            pay(people[2], datetime.date(2027, 1, 1), 2),
            update(people[2], hamlet="Jorong Baru"),
            register(3),
        ],
    ]
    for writes in rounds:
        # Refused: the payment submitted twice, or a monthly batch whose ticked months the other one paid.
        refused = [result for result in at_once(writes) if isinstance(result, Exception)]
        assert all(isinstance(result, ValidationError) for result in refused), refused
    assert Participant.objects.filter(village__in=[batang_barus, sikalang]).count() == 9
    by_difference = table()
    HamletMonthStat.objects.all().delete()
    Participant.objects.update(last_paid_month=None)
    stats_refresh(village_ids=[batang_barus.pk, sikalang.pk])
    assert by_difference == table()
