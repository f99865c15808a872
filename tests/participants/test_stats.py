"""The statistics table: its amounts and funding columns, its refresh (signals, partial, command, concurrent).

That its columns follow the coverage rule is the property test of `test_coverage_forms.py`.
"""

from __future__ import annotations

import datetime
import random
import threading

import pytest
from django.core.management import call_command
from django.db import connection

from participants.models import Contribution, CoverageRule, FundingSource, Participant, VillageMonthStat
from participants.months import add_months, month_range
from participants.stats import stats_refresh, stats_refresh_all
from tests.factories import ContributionFactory, ParticipantFactory

pytestmark = pytest.mark.django_db(transaction=False)


def test_contribution_amount_and_funding_columns(batang_barus):
    participant = ParticipantFactory(
        village=batang_barus, enrolled_on=datetime.date(2024, 1, 5), funding_source=FundingSource.CSR
    )
    ContributionFactory(participant=participant, month=datetime.date(2024, 1, 1), amount=16_800)
    ContributionFactory(participant=participant, month=datetime.date(2024, 2, 1), amount=36_800)
    stats_refresh(village_ids=[batang_barus.pk])
    january = VillageMonthStat.objects.get(village=batang_barus, month=datetime.date(2024, 1, 1))
    february = VillageMonthStat.objects.get(village=batang_barus, month=datetime.date(2024, 2, 1))
    assert (january.contribution_amount, february.contribution_amount) == (16_800, 36_800)
    assert (january.active_csr, january.active_self_funded, january.new_self_funded) == (1, 0, 0)


def test_signals_refresh_on_single_writes(batang_barus, sikalang, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        participant = ParticipantFactory(village=batang_barus, enrolled_on=datetime.date(2024, 3, 3))
    march = VillageMonthStat.objects.get(village=batang_barus, month=datetime.date(2024, 3, 1))
    assert (march.awaiting_first_payment, march.arrears) == (1, 0)
    with django_capture_on_commit_callbacks(execute=True):
        contribution = ContributionFactory(participant=participant, month=datetime.date(2024, 3, 1))
    assert VillageMonthStat.objects.get(village=batang_barus, month=datetime.date(2024, 3, 1)).active == 1
    with django_capture_on_commit_callbacks(execute=True):
        contribution.delete()
    assert VillageMonthStat.objects.get(village=batang_barus, month=datetime.date(2024, 3, 1)).active == 0
    with django_capture_on_commit_callbacks(execute=True):
        participant.village = sikalang
        participant.save()
    assert not VillageMonthStat.objects.filter(village=batang_barus).exists()
    assert VillageMonthStat.objects.get(village=sikalang, month=datetime.date(2024, 3, 1)).enrolled == 1


def test_refresh_since_keeps_earlier_rows_and_rewrites_later(batang_barus):
    participant = ParticipantFactory(village=batang_barus, enrolled_on=datetime.date(2023, 1, 5))
    stats_refresh(village_ids=[batang_barus.pk])
    Contribution.objects.bulk_create(
        [
            Contribution(
                participant=participant,
                month=datetime.date(2024, 6, 1),
                amount=16_800,
                paid_on=datetime.date(2024, 6, 1),
                channel="online",
                funding_source="mandiri",
            )
        ]
    )
    stats_refresh(village_ids=[batang_barus.pk], since=datetime.date(2024, 6, 1))
    assert VillageMonthStat.objects.get(village=batang_barus, month=datetime.date(2024, 6, 1)).active == 1
    assert (
        VillageMonthStat.objects.get(village=batang_barus, month=datetime.date(2023, 1, 1)).awaiting_first_payment == 1
    )


def test_refresh_stats_command(batang_barus):
    ParticipantFactory(village=batang_barus, enrolled_on=datetime.date(2024, 1, 5))
    VillageMonthStat.objects.all().delete()
    call_command("refresh_stats")
    assert VillageMonthStat.objects.filter(village=batang_barus, month=datetime.date(2024, 1, 1)).exists()
    VillageMonthStat.objects.all().delete()
    call_command("refresh_stats", village=[batang_barus.code], since="01/2024")
    assert VillageMonthStat.objects.filter(village=batang_barus, month=datetime.date(2024, 1, 1)).exists()


def test_refresh_all_drops_rows_of_villages_without_participants(batang_barus):
    VillageMonthStat.objects.create(village=batang_barus, month=datetime.date(2024, 1, 1), active=5)
    stats_refresh_all()
    assert not VillageMonthStat.objects.exists()


# serialized_rollback: the flush afterwards must not leave the next tests without the migrated regions and roles.
@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_concurrent_refreshes_of_one_village(batang_barus):
    """Two saves in one village at once must not collide on the unique (village, month) rows."""
    if connection.vendor != "postgresql":
        pytest.skip("SQLite serialises writers itself; row locks are a PostgreSQL matter")
    for day in range(1, 6):
        ParticipantFactory(village=batang_barus, enrolled_on=datetime.date(2024, 1, day))
    errors = []

    def refresh():
        try:
            for _ in range(5):
                stats_refresh(village_ids=[batang_barus.pk])
        except Exception as error:  # collected and asserted below
            errors.append(error)
        finally:
            connection.close()

    threads = [threading.Thread(target=refresh) for _ in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == []
    assert VillageMonthStat.objects.get(village=batang_barus, month=datetime.date(2024, 1, 1)).enrolled == 5


def table(village) -> dict:
    return {row["month"]: {k: v for k, v in row.items() if k != "id"} for row in village.month_stats.values()}


def hamlet_table(village) -> dict:
    rows = village.hamlet_month_stats.values_list("hamlet", "month", "enrolled", "active")
    return {(hamlet, month): counts for hamlet, month, *counts in rows}


@pytest.mark.parametrize(("seed", "grace", "later_grace"), [(4, 3, None), (5, 14, None), (6, 3, 1), (7, 1, 5)])
def test_refresh_since_a_month_equals_a_full_refresh(batang_barus, seed, grace, later_grace):
    """A refresh from month M seeds each participant with what came before; the rows must not differ, nor the
    jorong table's.

    The seed (the last paid month before the expanded months) matters when a participant paid nothing in
    the expanded months before M, so some payers here are sparse, and a grace of 14 months makes it count.
    A second rule from 01/2024 gives the months two graces.
    """
    rng = random.Random(seed)
    CoverageRule.objects.update(grace_months=grace)
    if later_grace is not None:
        CoverageRule.objects.create(valid_from=datetime.date(2024, 1, 1), grace_months=later_grace, regulation="uji")
    for _ in range(12):
        enrolled_on = datetime.date(rng.choice([2021, 2022, 2023]), rng.randint(1, 12), rng.randint(1, 28))
        exit_date = enrolled_on + datetime.timedelta(days=rng.randint(0, 900)) if rng.random() < 0.3 else None
        participant = ParticipantFactory(
            village=batang_barus,
            hamlet=rng.choice(["", "Jorong Koto", "Jorong Baru"]),
            enrolled_on=enrolled_on,
            exit_date=exit_date,
            exit_reason=Participant.ExitReason.MOVED if exit_date else "",
        )
        paying = rng.choice([0.5, 0.04])
        for month in month_range(add_months(enrolled_on.replace(day=1), -2), datetime.date(2025, 6, 1)):
            if rng.random() < paying:
                ContributionFactory(participant=participant, month=month)
    stats_refresh(village_ids=[batang_barus.pk])
    full, hamlets = table(batang_barus), hamlet_table(batang_barus)
    assert sum(row["lapsed"] for row in full.values()) > 0
    assert len({hamlet for hamlet, _month in hamlets}) > 1
    for since in (datetime.date(2022, 5, 1), datetime.date(2024, 2, 1), datetime.date(2025, 6, 1)):
        stats_refresh(village_ids=[batang_barus.pk], since=since)
        partial = table(batang_barus)
        assert partial.keys() == full.keys()
        for month, row in full.items():
            assert partial[month] == row, (since, month)
        assert hamlet_table(batang_barus) == hamlets, since


def test_changing_a_coverage_rule_rebuilds_the_table(batang_barus, sikalang, django_capture_on_commit_callbacks):
    """A rule added, changed or deleted leaves every village's rows as a full rebuild under the new rules would."""
    for village, day in ((batang_barus, 5), (sikalang, 20)):
        participant = ParticipantFactory(village=village, enrolled_on=datetime.date(2023, 1, day))
        for month in (datetime.date(2023, 1, 1), datetime.date(2023, 2, 1), datetime.date(2024, 3, 1)):
            ContributionFactory(participant=participant, month=month)
    stats_refresh_all()
    may, june = datetime.date(2023, 5, 1), datetime.date(2023, 6, 1)
    assert [table(batang_barus)[month]["lapsed"] for month in (may, june)] == [0, 1]

    def rebuilt_by_signal(change) -> dict:
        with django_capture_on_commit_callbacks(execute=True):
            change()
        by_signal = {village.pk: table(village) for village in (batang_barus, sikalang)}
        stats_refresh_all()
        assert by_signal == {village.pk: table(village) for village in (batang_barus, sikalang)}
        return by_signal[batang_barus.pk]

    # From 05/2023 a grace of one month: the run from 02/2023 passes it in 05/2023 instead of 06/2023.
    after = rebuilt_by_signal(
        lambda: CoverageRule.objects.create(valid_from=may, grace_months=1, regulation="uji"),
    )
    assert [after[month]["lapsed"] for month in (may, june)] == [1, 0]
    # The earliest rule governs every month before the next one: a grace of 0 makes 03/2023 nonaktif.
    earliest = CoverageRule.objects.order_by("valid_from").first()
    earliest.grace_months = 0
    after = rebuilt_by_signal(earliest.save)
    assert (after[datetime.date(2023, 3, 1)]["lapsed"], after[datetime.date(2023, 4, 1)]["inactive"]) == (1, 1)
    after = rebuilt_by_signal(CoverageRule.objects.get(valid_from=may).delete)
    assert after[may]["inactive"] == 1
