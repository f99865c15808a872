"""Statistics by difference (`participants.stats_delta`): after any sequence of writes through the services, the
statistics table, the jorong table and each participant's last paid month equal a full rebuild, column by
column; and a write costs the same number of queries whatever the size of its village.

The sequences are random registrations, payments of 1, 3, 6 or 12 months (arrears, months ahead, and branch
staff's corrections of old months), monthly-screen batches, corrections of a paid month's amount, exits,
enrolment-date edits, changes of funding source and occupation, of jorong (from an instance loaded before a
payment recorded through another: its stale last paid month must not be written), moves between villages, and
deletions of participants, of one paid month and of several at once. Refused writes (the services'
ValidationError) are part of the sequences: they must leave the table as it was. Runs on the suite's database
(SQLite, or PostgreSQL with DATABASE_URL); the concurrent writers are in `test_stats_delta_concurrency.py`.
"""

from __future__ import annotations

import datetime
import io

import pytest
import time_machine
from django.core.exceptions import ValidationError
from django.db import connection, transaction
from django.test.utils import CaptureQueriesContext
from hypothesis import HealthCheck, event, given, settings
from hypothesis import strategies as st
from openpyxl import Workbook

from participants import services
from participants.imports import import_confirm, import_upload
from participants.models import (
    Contribution,
    FundingSource,
    HamletMonthStat,
    ImportBatch,
    Occupation,
    Participant,
    VillageMonthStat,
)
from participants.months import add_months, month_start
from participants.stats import STAT_COLUMNS, stats_refresh
from tests.builders import PARTICIPANT_HEADERS, with_history
from tests.factories import BATANG_BARUS, SIKALANG, ParticipantFactory, make_nik
from villages.models import Village

TODAY = datetime.datetime(2026, 3, 16, 9, 0, tzinfo=datetime.UTC)
CURRENT = datetime.date(2026, 3, 1)

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _today():
    with time_machine.travel(TODAY, tick=False):
        yield


def spare_village(n: int) -> Village:
    """One of the real villages (migrated), other than the two of the fixtures."""
    return Village.objects.exclude(code__in=[BATANG_BARUS, SIKALANG]).order_by("pk")[n]


def table() -> dict:
    rows = VillageMonthStat.objects.values_list("village_id", "month", *STAT_COLUMNS)
    return {(village, month): dict(zip(STAT_COLUMNS, values, strict=True)) for village, month, *values in rows}


def hamlet_table() -> dict:
    rows = HamletMonthStat.objects.values_list("village_id", "hamlet", "month", "enrolled", "active")
    return {(village, hamlet, month): counts for village, hamlet, month, *counts in rows}


def last_paid() -> dict:
    return dict(Participant.objects.values_list("pk", "last_paid_month"))


def assert_equals_rebuild(village_ids: list[int]) -> None:
    """The tables and last paid months as the writes left them, against a full rebuild of every village from
    scratch (the last paid months blanked first: the rebuild sets them)."""
    by_difference, hamlets, paid = table(), hamlet_table(), last_paid()
    VillageMonthStat.objects.all().delete()
    HamletMonthStat.objects.all().delete()
    Participant.objects.update(last_paid_month=None)
    stats_refresh(village_ids=village_ids)
    rebuilt = table()
    assert by_difference.keys() == rebuilt.keys(), sorted(by_difference.keys() ^ rebuilt.keys())
    for key, row in rebuilt.items():
        differing = {name: (by_difference[key][name], value) for name, value in row.items()}
        assert by_difference[key] == row, (key, {k: v for k, v in differing.items() if v[0] != v[1]})
    assert hamlets == hamlet_table()
    assert paid == last_paid()


# --- the writes ---------------------------------------------------------------------------------------------------

# Recent enrolments often (their months meet the payments around the current month), any up to 84 months back.
months_back = st.one_of(st.integers(0, 6), st.integers(0, 84))
periods = st.sampled_from([1, 3, 6, 12])
HAMLETS = ["", "Jorong Koto", "Jorong Baru"]
registrations = st.tuples(
    st.just("register"),
    st.integers(0, 2),
    months_back,
    st.integers(1, 28),
    st.booleans(),
    st.booleans(),
    st.integers(0, len(HAMLETS) - 1),
)
operations = st.one_of(
    registrations,
    st.tuples(st.just("pay"), st.integers(0, 99), st.one_of(st.integers(0, 3), st.integers(-3, 100)), periods),
    st.tuples(st.just("pay_current"), st.integers(0, 99), st.integers(-3, 12), periods),
    st.tuples(st.just("monthly"), st.integers(0, 2), st.integers(-3, 2), st.sets(st.integers(0, 99), max_size=6)),
    st.tuples(st.just("correct"), st.integers(0, 999), st.integers(1, 50)),
    st.tuples(st.just("exit"), st.integers(0, 99), st.integers(0, 90)),
    st.tuples(st.just("enrolment"), st.integers(0, 99), st.integers(-40, 40)),
    st.tuples(st.just("funding"), st.integers(0, 99), st.booleans()),
    st.tuples(st.just("move"), st.integers(0, 99), st.integers(0, 2)),
    st.tuples(
        st.just("hamlet_after_payment"), st.integers(0, 99), st.integers(0, len(HAMLETS) - 1), st.integers(-3, 3)
    ),
    st.tuples(st.just("delete_participant"), st.integers(0, 99)),
    st.tuples(st.just("delete_month"), st.integers(0, 999)),
    st.tuples(st.just("delete_months"), st.integers(0, 99), st.integers(0, 60)),
)


class World:
    """The villages and the branch staff user the writes go through (staff may record corrections)."""

    def __init__(self, user, villages) -> None:
        self.user = user
        self.villages = villages
        self.serial = 0

    def participant(self, n: int) -> Participant | None:
        participants = list(Participant.objects.order_by("pk"))
        return participants[n % len(participants)] if participants else None

    def contribution(self, n: int) -> Contribution | None:
        contributions = list(Contribution.objects.order_by("pk"))
        return contributions[n % len(contributions)] if contributions else None

    def run(self, operation: tuple) -> str:
        """Apply one write; what became of it (for the statistics of the test run)."""
        kind, *args = operation
        try:
            with transaction.atomic():
                done = getattr(self, kind)(*args) is not False
        except ValidationError:
            return f"{kind} refused"  # nothing written: the table unchanged (checked like the rest)
        return f"{kind} {'written' if done else 'without a target'}"

    def register(
        self, village: int, back: int, day: int, apparatus: bool, village_budget: bool, hamlet: int = 0
    ) -> None:
        self.serial += 1
        birth_date = datetime.date(1980, 1, 1) + datetime.timedelta(days=self.serial)
        services.participant_register(
            user=self.user,
            village=self.villages[village],
            name=f"Peserta {self.serial}",
            sex="L",
            birth_date=birth_date,
            nik=make_nik(birth_date=birth_date, sex="L", serial=self.serial),
            occupation=Occupation.APPARATUS if apparatus else Occupation.FARMER,
            monthly_income=1_500_000,
            funding_source=FundingSource.VILLAGE_BUDGET if village_budget else FundingSource.SELF,
            enrolled_on=add_months(CURRENT, -back).replace(day=day),
            hamlet=HAMLETS[hamlet],
        )

    def _pay(self, participant: Participant, first_month: datetime.date, months: int) -> None:
        services.contribution_record(
            user=self.user,
            participant=participant,
            first_month=first_month,
            months=months,
            amount=16_800 * months + self.serial,
            paid_on=TODAY.date(),
            channel=Contribution.Channel.AGENT,
            funding_source=participant.funding_source,
            override_reason="uji",
            correction_reason="koreksi uji" if first_month < add_months(CURRENT, -3) else "",
        )

    def pay(self, n: int, after_enrolment: int, months: int) -> bool | None:
        """Any months from the enrolment on: old ones as corrections, some refused."""
        participant = self.participant(n)
        if not participant:
            return False
        self._pay(participant, add_months(month_start(participant.enrolled_on), after_enrolment), months)

    def pay_current(self, n: int, offset: int, months: int) -> bool | None:
        """Months around the current one: arrears within the grace, the current month, months ahead."""
        participant = self.participant(n)
        if not participant:
            return False
        self._pay(participant, add_months(CURRENT, offset), months)

    def monthly(self, village: int, offset: int, picks: set[int]) -> bool | None:
        participants = list(Participant.objects.filter(village=self.villages[village]).order_by("pk"))
        if not participants:
            return False
        services.contributions_record_month(
            user=self.user,
            village=self.villages[village],
            month=add_months(CURRENT, offset),
            participant_ids={participants[n % len(participants)].pk for n in picks},
            paid_on=TODAY.date(),
            channel=Contribution.Channel.AGENT,
        )

    def correct(self, n: int, thousands: int) -> bool | None:
        contribution = self.contribution(n)
        if not contribution:
            return False
        services.contribution_correct(
            user=self.user, contribution=contribution, reason="salah catat", amount=thousands * 1_000
        )

    def exit(self, n: int, days: int) -> bool | None:
        participant = self.participant(n)
        if not participant:
            return False
        exit_date = participant.enrolled_on + datetime.timedelta(days=days * 30)
        services.participant_exit(
            user=self.user, participant=participant, exit_date=exit_date, exit_reason=Participant.ExitReason.MOVED
        )

    def enrolment(self, n: int, days: int) -> bool | None:
        participant = self.participant(n)
        if not participant:
            return False
        enrolled_on = participant.enrolled_on + datetime.timedelta(days=days * 7)
        services.participant_update(user=self.user, participant=participant, enrolled_on=enrolled_on)

    def funding(self, n: int, apparatus: bool) -> bool | None:
        participant = self.participant(n)
        if not participant:
            return False
        services.participant_update(
            user=self.user,
            participant=participant,
            funding_source=FundingSource.CSR,
            occupation=Occupation.APPARATUS if apparatus else Occupation.TRADER,
        )

    def move(self, n: int, village: int) -> bool | None:
        participant = self.participant(n)
        if not participant:
            return False
        services.participant_update(user=self.user, participant=participant, village=self.villages[village])

    def hamlet_after_payment(self, n: int, hamlet: int, offset: int) -> bool | None:
        """A jorong edit saved from an instance loaded before a payment recorded through another one."""
        loaded = self.participant(n)
        if not loaded:
            return False
        self._pay(self.participant(n), add_months(CURRENT, offset), 1)
        services.participant_update(user=self.user, participant=loaded, hamlet=HAMLETS[hamlet])

    def delete_participant(self, n: int) -> bool | None:
        participant = self.participant(n)
        if not participant:
            return False
        participant.delete()

    def delete_month(self, n: int) -> bool | None:
        contribution = self.contribution(n)
        if not contribution:
            return False
        contribution.delete()

    def delete_months(self, n: int, after_enrolment: int) -> bool | None:
        participant = self.participant(n)
        if not participant:
            return False
        since = add_months(month_start(participant.enrolled_on), after_enrolment)
        Contribution.objects.filter(participant=participant, month__gte=since).delete()


@settings(max_examples=100, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(people=st.lists(registrations, min_size=1, max_size=5), sequence=st.lists(operations, min_size=2, max_size=16))
def test_any_sequence_of_writes_leaves_the_table_a_rebuild_would_build(
    staff_user, batang_barus, sikalang, people, sequence
):
    with transaction.atomic():
        third = spare_village(0)
        world = World(staff_user, [batang_barus, sikalang, third])
        for operation in [*people, *sequence]:
            event(world.run(operation))
        assert_equals_rebuild([batang_barus.pk, sikalang.pk, third.pk])
        transaction.set_rollback(True)


def test_a_new_village_row_and_an_emptied_one(staff_user, batang_barus, sikalang):
    """The first registration of a village inserts its rows; moving its only participant away deletes them."""
    world = World(staff_user, [batang_barus, sikalang])
    world.register(0, 30, 5, False, False, 1)
    participant = Participant.objects.get()
    world.pay_current(0, -1, 3)
    assert VillageMonthStat.objects.get(village=batang_barus, month=CURRENT).active == 1
    assert HamletMonthStat.objects.get(village=batang_barus, hamlet="Jorong Koto", month=CURRENT).active == 1
    assert Participant.objects.get().last_paid_month == add_months(CURRENT, 1)
    world.move(0, 1)
    assert not VillageMonthStat.objects.filter(village=batang_barus).exists()
    assert not HamletMonthStat.objects.filter(village=batang_barus).exists()
    assert VillageMonthStat.objects.get(village=sikalang, month=CURRENT).active == 1
    assert_equals_rebuild([batang_barus.pk, sikalang.pk])
    participant.delete()
    assert not VillageMonthStat.objects.exists()
    assert not HamletMonthStat.objects.exists()


# --- the cost of a write ------------------------------------------------------------------------------------------


def village_of(size: int):
    village = spare_village(1)
    with_history(village, size, paid_on=TODAY.date())
    return village


def queries_of(write) -> int:
    with CaptureQueriesContext(connection) as captured:
        write()
    return len(captured)


@pytest.mark.parametrize("size", [5, 200])
def test_a_payment_and_a_registration_cost_the_same_queries_in_any_village(staff_user, size):
    village = village_of(size)
    world = World(staff_user, [village])
    payer = ParticipantFactory(village=village, enrolled_on=datetime.date(2020, 6, 1))
    stats_refresh(village_ids=[village.pk])
    # A payment of three months: its savepoint (2), the user's roles (1, once per request), the grace (1), the
    # participant locked and its paid months (2: they serve the arrears rule, the "already paid" check and the
    # statistics), the rules' amounts (4), the insert with its history (2), and for the statistics its state after,
    # its last paid month and one upsert per table (4).
    assert queries_of(lambda: world._pay(payer, CURRENT, 3)) == 16
    # A registration: its savepoint (2), the village (1), the insert with its history (2), and for the statistics
    # the grace and one upsert per table (3). The NIK's uniqueness and the check constraints are the database's.
    assert queries_of(lambda: world.register(0, 10, 3, False, False)) == 8
    assert_equals_rebuild([village.pk])


# --- the imports --------------------------------------------------------------------------------------------------


def workbook(rows: list[list]) -> bytes:
    book = Workbook()
    for row in rows:
        book.active.append(row)
    output = io.BytesIO()
    book.save(output)
    return output.getvalue()


def test_imports_add_their_difference_chunk_by_chunk(staff_user, batang_barus, sikalang):
    """A participant import (new workers, and changed enrolment dates and funding sources of known ones) and a
    contribution import (months around the current one) leave the table a rebuild would build."""
    world = World(staff_user, [batang_barus, sikalang])
    for back in (2, 14, 40):
        world.register(0, back, 9, False, False)
    for participant in Participant.objects.all():
        world._pay(participant, add_months(CURRENT, -2), 3)
    known = list(Participant.objects.order_by("pk"))
    people = [PARTICIPANT_HEADERS]
    for person in known[:2]:
        people.append(
            [
                person.nik,
                person.name,
                "L",
                f"{person.birth_date:%d/%m/%Y}",
                "Petani",
                "1.500.000",
                "APB Desa",
                f"{person.enrolled_on - datetime.timedelta(days=40):%d/%m/%Y}",
            ]
        )
    for serial in range(900, 905):
        birth = datetime.date(1985, 3, 14)
        people.append(
            [
                make_nik(birth_date=birth, sex="L", serial=serial),
                f"Warga {serial}",
                "L",
                "14/03/1985",
                "Petani",
                "1.500.000",
                "Mandiri",
                f"{add_months(CURRENT, -(serial % 7)):%d/%m/%Y}",
            ]
        )
    batch = import_upload(
        user=staff_user,
        kind=ImportBatch.Kind.PARTICIPANTS,
        name="peserta.xlsx",
        content=workbook(people),
        village=batang_barus,
    )
    written = import_confirm(batch=batch, user=staff_user, update_all=True)
    assert (written["new"], written["updated"]) == (5, 2), written
    months = [["NIK", "Bulan", "Jumlah", "Tanggal Bayar", "Saluran", "Sumber Dana", "Alasan"]]
    for person in Participant.objects.order_by("pk"):
        for offset in (-1, 0, 1):
            month = add_months(CURRENT, offset)
            months.append([person.nik, f"{month:%m/%Y}", "20.000", "16/03/2026", "Agen PERISAI", "Mandiri", "uji"])
    batch = import_upload(
        user=staff_user,
        kind=ImportBatch.Kind.CONTRIBUTIONS,
        name="iuran.xlsx",
        content=workbook(months),
        village=batang_barus,
    )
    written = import_confirm(batch=batch, user=staff_user, update_all=True)
    assert written["new"] == 17, written  # months already paid are refused (a correction is the one way)
    assert_equals_rebuild([batang_barus.pk, sikalang.pk])


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_a_save_outside_any_transaction_still_follows_the_statistics(batang_barus):
    """A plain save with autocommit on (a shell, a script, a test's factory beside a live server): the row lock
    and the difference run in the save's own transaction instead of failing on PostgreSQL."""
    participant = ParticipantFactory(village=batang_barus, enrolled_on=datetime.date(2025, 6, 1))
    assert connection.get_autocommit()
    Contribution(
        participant=participant,
        month=CURRENT,
        amount=16_800,
        paid_on=datetime.date(2026, 3, 3),
        channel=Contribution.Channel.BANK,
        funding_source=FundingSource.SELF,
    ).save()
    participant.name = "Nama Baru"
    participant.save()
    assert VillageMonthStat.objects.get(village=batang_barus, month=CURRENT).active == 1
    assert_equals_rebuild([batang_barus.pk])
