"""Property: every form of the coverage rule agrees with `coverage_status` on random histories and rules.

The forms are those `participants.coverage` gives: the statistics table (the SQL of `participants.stats`),
the queryset annotation behind the participant list and its status filter, the follow-up list of a
village, and the lapses of a period counted once per person (from the table's lapse gaps, or directly for
long periods); and the payable months (`payable_problems`) against the participants the monthly screen
offers. Histories are random enrolments, exits and paid months (payments before enrolment and after the
exit included: every form must ignore them, and never-paid registrations are frequent), under random
coverage rules: one or two graces, the second valid from a random month. The test runs on the database
the suite runs on: SQLite by default, PostgreSQL with DATABASE_URL.
"""

from __future__ import annotations

import datetime
from collections import Counter

from django.db import transaction
from django.utils import timezone
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from dashboards.follow_up import follow_up_list
from indicators import Period
from indicators.facts import Facts
from participants.coverage import (
    LAPSE_GAPS,
    CoverageStatus,
    GraceSchedule,
    coverage_status,
    grace_schedule,
    is_lapse,
    payable_problems,
    with_coverage_status,
)
from participants.models import Contribution, CoverageRule, FundingSource, Occupation, Participant, VillageMonthStat
from participants.months import add_months, month_range, month_start, months_between
from participants.selectors import contributions_due_month
from participants.stats import HORIZON_MONTHS, stats_refresh
from tests.factories import ParticipantFactory
from villages.models import Village

FIELDS = (
    "enrolled",
    "active",
    "arrears",
    "inactive",
    "awaiting_first_payment",
    "awaiting_months",
    "lapsed",
    *(f"lapsed_again_{d}" for d in LAPSE_GAPS),
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
    CoverageStatus.AWAITING: "awaiting_first_payment",
    CoverageStatus.ACTIVE: "active",
    CoverageStatus.ARREARS: "arrears",
    CoverageStatus.INACTIVE: "inactive",
}


def python_status(participant: Participant, paid: set[datetime.date], month: datetime.date, graces: GraceSchedule):
    return coverage_status(
        enrolled_on=participant.enrolled_on,
        exit_date=participant.exit_date,
        paid_months=paid,
        month=month,
        grace_months=graces.for_month(month),
    )


def python_lapses(participant: Participant, paid: set[datetime.date], months, graces: GraceSchedule) -> list:
    return [
        month
        for month in months
        if is_lapse(
            enrolled_on=participant.enrolled_on,
            exit_date=participant.exit_date,
            paid_months=paid,
            month=month,
            graces=graces,
        )
    ]


def expected_rows(participants, paid: dict[int, set], *, months, graces: GraceSchedule) -> dict[datetime.date, Counter]:
    """The statistics table's columns, month by month, from `coverage_status` and `is_lapse` alone."""
    rows: dict[datetime.date, Counter] = {month: Counter() for month in months}
    for participant in participants:
        paid_months = paid[participant.pk]
        lapses = python_lapses(participant, paid_months, months, graces)

        def status_in(at: datetime.date, participant=participant, paid_months=paid_months):
            return python_status(participant, paid_months, at, graces)

        for month in months:
            counts = rows[month]
            status = status_in(month)
            if status is None or status == CoverageStatus.EXITED:
                continue
            counts["enrolled"] += 1
            counts[STATUS_FIELDS[status]] += 1
            if status == CoverageStatus.AWAITING:
                counts["awaiting_months"] += months_between(month_start(participant.enrolled_on), month)
            if month in lapses:
                counts["lapsed"] += 1
                earlier = [lapse for lapse in lapses if lapse < month]
                if earlier:
                    counts[f"lapsed_again_{months_between(earlier[-1], month)}"] += 1
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


@st.composite
def rules(draw) -> tuple[tuple[datetime.date, int], ...]:
    """One or two coverage rules: a grace valid from the start, perhaps another from a month in the histories."""
    first = (datetime.date(2022, 7, 1), draw(st.integers(0, 6)))
    if draw(st.booleans()):
        return (first,)
    changed = add_months(datetime.date(2023, 1, 1), draw(st.integers(0, 48)))
    return (first, (changed, draw(st.integers(0, 6))))


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(people=st.lists(histories(), min_size=1, max_size=6), drawn_rules=rules(), data=st.data())
def test_every_form_of_the_rule_agrees_with_coverage_status(batang_barus, people, drawn_rules, data):
    with transaction.atomic():
        CoverageRule.objects.all().delete()
        for valid_from, grace in drawn_rules:
            CoverageRule.objects.create(valid_from=valid_from, grace_months=grace, regulation="uji")
        graces = grace_schedule()
        built = [build(batang_barus, history) for history in people]
        participants = [participant for participant, _ in built]
        paid = {participant.pk: months for participant, months in built}
        stats_refresh(village_ids=[batang_barus.pk])
        first = min(month_start(participant.enrolled_on) for participant in participants)
        months = list(month_range(first, add_months(month_start(timezone.localdate()), HORIZON_MONTHS)))

        # The statistics table, every column built on the rule, every month it holds.
        expected = expected_rows(participants, paid, months=months, graces=graces)
        stored = {row.month: row for row in VillageMonthStat.objects.filter(village=batang_barus)}
        assert set(stored) <= set(months)
        for month in months:
            for field in FIELDS:
                actual = getattr(stored[month], field) if month in stored else 0
                assert actual == expected[month][field], (month, field)

        # The lapses of periods, each person once: from the table up to 12 months, directly beyond.
        lapses = {p.pk: python_lapses(p, paid[p.pk], months, graces) for p in participants}
        villages = Village.objects.filter(pk=batang_barus.pk)
        for _ in range(3):
            start = data.draw(st.sampled_from(months[:-1]))
            length = data.draw(st.sampled_from([1, 3, 5, 12, 13, 30]))
            end = min(add_months(start, length - 1), months[-1])
            period = Period(start=start, end=end)
            people_lapsing = sum(any(start <= lapse <= end for lapse in lapses[p.pk]) for p in participants)
            counted = Facts(villages=villages, period=period).need("stats", "lapses_direct").scope()["lapsed"]
            assert counted == people_lapsing, (start, end)

        # The queries are checked on months drawn from those where a status can still change (building them
        # costs more than running them); the table above was checked on every month.
        settled = max(
            max([month_start(p.enrolled_on), *paid[p.pk], *([month_start(p.exit_date)] if p.exit_date else [])])
            for p in participants
        )
        longest = max(grace for _valid_from, grace in drawn_rules)
        changing = list(month_range(add_months(first, -1), min(add_months(settled, longest + 2), months[-1])))
        for month in data.draw(st.lists(st.sampled_from(changing), min_size=1, max_size=8, unique=True)):
            statuses = {p.pk: python_status(p, paid[p.pk], month, graces) for p in participants}
            # The queryset annotation (the participant list and its status filter).
            annotated = dict(
                with_coverage_status(Participant.objects.filter(village=batang_barus), month=month).values_list(
                    "pk", "status"
                )
            )
            assert annotated == statuses, month

            # The follow-up list: exactly those menunggak, then those awaiting a first payment.
            rows, total = follow_up_list(village=batang_barus, month=month)
            to_remind = {
                pk for pk, status in statuses.items() if status in (CoverageStatus.ARREARS, CoverageStatus.AWAITING)
            }
            assert {row.participant.pk for row in rows} == to_remind, month
            assert total == len(to_remind)
            kinds = [row.status for row in rows]
            assert kinds == sorted(kinds, key=lambda status: status == CoverageStatus.AWAITING)
            for row in rows:
                assert row.status == statuses[row.participant.pk]
                if row.awaiting_first_payment:
                    waited = months_between(month_start(row.participant.enrolled_on), month)
                    assert (row.last_paid, row.unpaid_months, row.about_to_lapse) == (None, waited, False)
                    continue
                first_month = month_start(row.participant.enrolled_on)
                last_paid = max(m for m in paid[row.participant.pk] if first_month <= m < month)
                run = months_between(last_paid, month)
                about_to_lapse = run >= graces.for_month(add_months(month, 1))
                assert (row.last_paid, row.unpaid_months, row.about_to_lapse) == (last_paid, run, about_to_lapse)

        # The monthly screen lists those enrolled in the month and lets pay those the arrears limit allows:
        # months drawn around the current one, where the limit bites.
        current = month_start(timezone.localdate())
        near = list(month_range(add_months(current, -8), add_months(current, 1)))
        for month in data.draw(st.lists(st.sampled_from(near), min_size=1, max_size=3, unique=True)):
            listed = dict(contributions_due_month(village=batang_barus, month=month).values_list("pk", "payable"))

            def problems(p, month=month, **options):
                return payable_problems(
                    enrolled_on=p.enrolled_on, exit_date=p.exit_date, months=[month], graces=graces, **options
                )

            assert set(listed) == {p.pk for p in participants if not problems(p, paid_months=(), correction=True)}
            payable = {p.pk for p in participants if not problems(p, paid_months=paid[p.pk])}
            assert {pk for pk, allowed in listed.items() if allowed} == payable, month
        transaction.set_rollback(True)
