"""Property: every form of the coverage rule agrees with `coverage_status` on random histories.

The forms are those `participants.coverage` gives: the statistics table (the SQL of `participants.stats`),
the queryset annotation behind the participant list and its status filter, and the follow-up list of a
village; and the payable months (`payable_problems`) against the participants the monthly screen offers.
Histories are random enrolments, exits and paid months (payments before enrolment and after the
exit included: every form must ignore them), under a random grace. The test runs on the database the
suite runs on: SQLite by default, PostgreSQL with DATABASE_URL.
"""

from __future__ import annotations

import datetime
from collections import Counter

from django.db import transaction
from django.test import override_settings
from django.utils import timezone
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from dashboards.selectors import follow_up_list
from participants.coverage import (
    CoverageStatus,
    coverage_status,
    payable_problems,
    unpaid_run,
    with_coverage_status,
)
from participants.models import Contribution, FundingSource, Occupation, Participant, VillageMonthStat
from participants.months import add_months, month_range, month_start
from participants.selectors import contributions_due_month
from participants.stats import HORIZON_MONTHS, stats_refresh
from tests.factories import ParticipantFactory

FIELDS = (
    "enrolled",
    "active",
    "arrears",
    "inactive",
    "lapsed",
    "new_enrolments",
    "exits",
    "active_self_funded",
    "apparatus_registered",
    "apparatus_active",
    "cohort_active_3",
    "cohort_active_6",
    "cohort_active_12",
    "retained_1",
    "retained_3",
    "retained_6",
    "retained_12",
)
STATUS_FIELDS = {
    CoverageStatus.ACTIVE: "active",
    CoverageStatus.ARREARS: "arrears",
    CoverageStatus.INACTIVE: "inactive",
}


def expected_rows(participants, paid: dict[int, set[datetime.date]], *, months, grace) -> dict[datetime.date, Counter]:
    """The statistics table's columns, month by month, from `coverage_status` alone."""
    rows: dict[datetime.date, Counter] = {}
    for month in months:
        counts = Counter()
        for participant in participants:

            def status_in(at: datetime.date, participant=participant):
                return coverage_status(
                    enrolled_on=participant.enrolled_on,
                    exit_date=participant.exit_date,
                    paid_months=paid.get(participant.id, set()),
                    month=at,
                    grace_months=grace,
                )

            status = status_in(month)
            if status is None or status == CoverageStatus.EXITED:
                continue
            counts["enrolled"] += 1
            counts[STATUS_FIELDS[status]] += 1
            if status == CoverageStatus.INACTIVE and status_in(add_months(month, -1)) != CoverageStatus.INACTIVE:
                counts["lapsed"] += 1
            if month_start(participant.enrolled_on) == month:
                counts["new_enrolments"] += 1
                for offset in (3, 6, 12):
                    counts[f"cohort_active_{offset}"] += status_in(add_months(month, offset)) == CoverageStatus.ACTIVE
            if participant.exit_date and month_start(participant.exit_date) == month:
                counts["exits"] += 1
            if status == CoverageStatus.ACTIVE:
                if participant.funding_source == FundingSource.SELF:
                    counts["active_self_funded"] += 1
                for lag in (1, 3, 6, 12):
                    counts[f"retained_{lag}"] += status_in(add_months(month, -lag)) == CoverageStatus.ACTIVE
            if participant.occupation == Occupation.APPARATUS:
                counts["apparatus_registered"] += 1
                counts["apparatus_active"] += status == CoverageStatus.ACTIVE
        rows[month] = counts
    return rows


@st.composite
def histories(draw) -> dict:
    """A participant's enrolment, exit (or none) and paid months, as offsets from the enrolment month."""
    enrolled_on = draw(st.dates(min_value=datetime.date(2023, 1, 1), max_value=datetime.date(2025, 12, 31)))
    exit_date = draw(st.none() | st.integers(0, 900).map(lambda days: enrolled_on + datetime.timedelta(days=days)))
    paid = draw(
        st.one_of(
            st.sets(st.integers(-3, 40), max_size=30),
            # Paying in runs (a block of months, a gap, another block), as people pay in advance.
            st.lists(st.tuples(st.integers(-3, 36), st.integers(1, 12)), max_size=4).map(
                lambda runs: {start + step for start, length in runs for step in range(length)}
            ),
        )
    )
    return {
        "enrolled_on": enrolled_on,
        "exit_date": exit_date,
        "paid": paid,
        "funding_source": draw(st.sampled_from(list(FundingSource))),
        "occupation": draw(st.sampled_from([Occupation.APPARATUS, Occupation.FARMER])),
    }


def build(village, history: dict) -> tuple[Participant, set[datetime.date]]:
    participant = ParticipantFactory(
        village=village,
        enrolled_on=history["enrolled_on"],
        exit_date=history["exit_date"],
        exit_reason=Participant.ExitReason.MOVED if history["exit_date"] else "",
        funding_source=history["funding_source"],
        occupation=history["occupation"],
    )
    first = month_start(history["enrolled_on"])
    months = {add_months(first, offset) for offset in history["paid"]}
    Contribution.objects.bulk_create(
        Contribution(
            participant=participant,
            month=month,
            amount=16_800,
            paid_on=month,
            channel=Contribution.Channel.AGENT,
            funding_source=participant.funding_source,
        )
        for month in months
    )
    return participant, months


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(people=st.lists(histories(), min_size=1, max_size=6), grace=st.integers(0, 6), data=st.data())
def test_every_form_of_the_rule_agrees_with_coverage_status(batang_barus, people, grace, data):
    with override_settings(ARREARS_GRACE_MONTHS=grace), transaction.atomic():
        built = [build(batang_barus, history) for history in people]
        participants = [participant for participant, _ in built]
        paid = {participant.pk: months for participant, months in built}
        stats_refresh(village_ids=[batang_barus.pk])
        first = min(month_start(participant.enrolled_on) for participant in participants)
        months = list(month_range(first, add_months(month_start(timezone.localdate()), HORIZON_MONTHS)))

        def python_status(participant: Participant, month: datetime.date):
            return coverage_status(
                enrolled_on=participant.enrolled_on,
                exit_date=participant.exit_date,
                paid_months=paid[participant.pk],
                month=month,
                grace_months=grace,
            )

        # The statistics table, every column built on the rule, every month it holds.
        expected = expected_rows(participants, paid, months=months, grace=grace)
        stored = {row.month: row for row in VillageMonthStat.objects.filter(village=batang_barus)}
        assert set(stored) <= set(months)
        for month in months:
            for field in FIELDS:
                actual = getattr(stored[month], field) if month in stored else 0
                assert actual == expected[month][field], (month, field)

        # The queries are checked on months drawn from those where a status can still change (building them
        # costs more than running them); the table above was checked on every month.
        settled = max(
            max([month_start(p.enrolled_on), *paid[p.pk], *([month_start(p.exit_date)] if p.exit_date else [])])
            for p in participants
        )
        changing = list(month_range(add_months(first, -1), min(add_months(settled, grace + 2), months[-1])))
        for month in data.draw(st.lists(st.sampled_from(changing), min_size=1, max_size=8, unique=True)):
            # The queryset annotation (the participant list and its status filter).
            annotated = dict(
                with_coverage_status(Participant.objects.filter(village=batang_barus), month=month).values_list(
                    "pk", "status"
                )
            )
            assert annotated == {p.pk: python_status(p, month) for p in participants}, month

            # The follow-up list: exactly those menunggak, with their unpaid run.
            rows, total = follow_up_list(village=batang_barus, month=month)
            in_arrears = {p.pk for p in participants if python_status(p, month) == CoverageStatus.ARREARS}
            assert {row.participant.pk for row in rows} == in_arrears, month
            assert total == len(in_arrears)
            for row in rows:
                last_paid = max((m for m in paid[row.participant.pk] if m < month), default=None)
                run = unpaid_run(enrolled_on=row.participant.enrolled_on, last_paid=last_paid, month=month)
                assert (row.unpaid_months, row.about_to_lapse) == (run, run == grace), month

            # The monthly screen offers exactly those who can pay the month.
            offered = set(contributions_due_month(village=batang_barus, month=month).values_list("pk", flat=True))
            payable = {
                p.pk
                for p in participants
                if not payable_problems(enrolled_on=p.enrolled_on, exit_date=p.exit_date, months=[month])
            }
            assert offered == payable, month
        transaction.set_rollback(True)
