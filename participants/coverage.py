"""The coverage rule (belum aktif, aktif, menunggak, nonaktif, keluar) and the months that can be paid: their one home.

Every form the application needs of the rule is written here, side by side, so that a change to it is made
in this file and nowhere else:

- `coverage_status`: the rule itself, for one participant and month, in Python; `is_lapse`: the month a
  participant who had paid passes the grace;
- `with_coverage_status`: the same rule as a queryset annotation (the participant list and its
  status filter, the follow-up list of a village);
- `SQL_STATUS` and `SQL_LAPSED`: the rule over the participant-month rows of the statistics SQL
  (`participants.stats`), whose months carry the grace in force;
- the grace as rules data (`CoverageRule`, read by `grace_schedule`): valid from a month, so a month's status
  follows the rule in force in that month, and a change of rule rebuilds the statistics;
- the constants the statistics table and the indicators are built on: the retention lags, the cohort
  offsets, the lapse gaps and the funding columns;
- `payable_problems`: which months a participant can pay, for the payment form, the monthly screen
  and the contribution import.

Coverage starts with the first payment: a registered participant who has never paid is belum aktif, not
menunggak, and cannot lapse. `tests/participants/test_coverage_forms.py` checks every form against
`coverage_status` on random histories and random rules, on SQLite and on PostgreSQL.
"""

from __future__ import annotations

import bisect
import datetime
from collections.abc import Collection, Sequence
from dataclasses import dataclass

from django.core.exceptions import ImproperlyConfigured
from django.db import models
from django.db.models import Case, CharField, DateField, Exists, ExpressionWrapper, OuterRef, QuerySet, Value, When
from django.db.models.functions import TruncMonth
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from participants.models import Contribution, CoverageRule, FundingSource, Participant
from participants.months import add_months, month_start, months_between

# Retention over k-month periods: participants aktif in a month and k months earlier (`retained_k`).
RETENTION_LAGS = (1, 3, 6, 12)
# Cohort survival: participants of an enrolment month still aktif k months later (`cohort_active_k`).
COHORT_OFFSETS = (3, 6, 12)
# A participant lapses again at the earliest 2 months after a lapse (a paid month, then an unpaid one). The
# statistics count lapses d months after the previous one (`lapsed_again_d`), so that a period of up to
# max(LAPSE_GAPS) + 1 months counts each person once; longer periods are counted directly.
LAPSE_GAPS = tuple(range(2, 12))
LAPSE_TABLE_MONTHS = max(LAPSE_GAPS) + 1
# Active participants by funding source: the statistics column of each source.
FUNDING_COLUMNS = {
    FundingSource.SELF: "active_self_funded",
    FundingSource.VILLAGE_BUDGET: "active_village_budget",
    FundingSource.REGIONAL_BUDGET: "active_regional_budget",
    FundingSource.CSR: "active_csr",
    FundingSource.OTHER: "active_other_funding",
}
# How far ahead a contribution month may be paid.
PAY_AHEAD_MONTHS = 12


class CoverageStatus(models.TextChoices):
    AWAITING = "belum_aktif", gettext_lazy("Belum aktif")
    ACTIVE = "aktif", gettext_lazy("Aktif")
    ARREARS = "menunggak", gettext_lazy("Menunggak")
    INACTIVE = "nonaktif", gettext_lazy("Nonaktif")
    EXITED = "keluar", gettext_lazy("Keluar")


# --- the grace, as rules data -------------------------------------------------------------------------------------


@dataclass(frozen=True)
class GraceSchedule:
    """The grace in force in every month: (valid_from, grace_months) of each rule, oldest first."""

    rules: tuple[tuple[datetime.date, int], ...]

    def for_month(self, month: datetime.date) -> int:
        """The grace of the latest rule valid from `month` or earlier (the earliest rule before its start)."""
        starts = [valid_from for valid_from, _grace in self.rules]
        return self.rules[max(0, bisect.bisect_right(starts, month_start(month)) - 1)][1]


def grace_schedule() -> GraceSchedule:
    """The coverage rules of the database (one query); an error names what is missing when there is none."""
    rules = tuple(CoverageRule.objects.order_by("valid_from").values_list("valid_from", "grace_months"))
    if not rules:
        raise ImproperlyConfigured(_("Belum ada aturan masa tunggakan; tambahkan di admin (Aturan masa tunggakan)."))
    return GraceSchedule(rules=rules)


# --- the rule, in Python ------------------------------------------------------------------------------------------


def last_paid_month(
    *, enrolled_on: datetime.date, paid_months: Collection[datetime.date], month: datetime.date
) -> datetime.date | None:
    """The latest paid month from the enrolment month to `month`; payments for earlier months do not count."""
    first, month = month_start(enrolled_on), month_start(month)
    return max((paid for paid in paid_months if first <= paid <= month), default=None)


def unpaid_run(*, last_paid: datetime.date, month: datetime.date) -> int:
    """How many months `month` lies after the last paid month (0 when it is paid)."""
    return months_between(last_paid, month_start(month))


def months_waiting(*, enrolled_on: datetime.date, month: datetime.date) -> int:
    """How long a belum aktif participant has waited in `month`: months since the month of registration."""
    return months_between(month_start(enrolled_on), month_start(month))


def coverage_status(
    *,
    enrolled_on: datetime.date,
    exit_date: datetime.date | None,
    paid_months: Collection[datetime.date],
    month: datetime.date,
    grace_months: int,
) -> CoverageStatus | None:
    """The coverage status of a participant in `month`, under the grace in force in that month.

    belum aktif: registered, no month paid yet (coverage starts with the first payment). aktif: the month is
    paid. menunggak: unpaid, at most `grace_months` months after the last paid month. nonaktif: longer.
    keluar: any month after the month of exit. None: before the month of enrolment.
    """
    month = month_start(month)
    if month < month_start(enrolled_on):
        return None
    if exit_date is not None and month > month_start(exit_date):
        return CoverageStatus.EXITED
    if month in paid_months:
        return CoverageStatus.ACTIVE
    last_paid = last_paid_month(enrolled_on=enrolled_on, paid_months=paid_months, month=month)
    if last_paid is None:
        return CoverageStatus.AWAITING
    run = unpaid_run(last_paid=last_paid, month=month)
    return CoverageStatus.ARREARS if run <= grace_months else CoverageStatus.INACTIVE


def is_lapse(
    *,
    enrolled_on: datetime.date,
    exit_date: datetime.date | None,
    paid_months: Collection[datetime.date],
    month: datetime.date,
    graces: GraceSchedule,
) -> bool:
    """Whether the participant lapses in `month`: nonaktif now, aktif or menunggak the month before.

    Only someone who has paid can lapse; a registration never paid stays belum aktif.
    """

    def status(at: datetime.date) -> CoverageStatus | None:
        return coverage_status(
            enrolled_on=enrolled_on,
            exit_date=exit_date,
            paid_months=paid_months,
            month=at,
            grace_months=graces.for_month(at),
        )

    month = month_start(month)
    return status(month) == CoverageStatus.INACTIVE and status(add_months(month, -1)) in (
        CoverageStatus.ACTIVE,
        CoverageStatus.ARREARS,
    )


def participant_status(
    participant: Participant,
    month: datetime.date,
    *,
    paid_months: Collection[datetime.date] | None = None,
    graces: GraceSchedule | None = None,
) -> CoverageStatus | None:
    """`coverage_status` of a saved participant under the rules in force (paid months and rules read when not given)."""
    if paid_months is None:
        paid_months = set(participant.contributions.values_list("month", flat=True))
    return coverage_status(
        enrolled_on=participant.enrolled_on,
        exit_date=participant.exit_date,
        paid_months=paid_months,
        month=month,
        grace_months=(graces or grace_schedule()).for_month(month),
    )


# --- the rule, as a queryset annotation ---------------------------------------------------------------------------


def paid_since_enrolment() -> QuerySet[Contribution]:
    """The outer participant's contributions for months from their enrolment month on (for Exists/Subquery)."""
    enrolment_month = TruncMonth(ExpressionWrapper(OuterRef("enrolled_on"), output_field=DateField()))
    return Contribution.objects.filter(participant=OuterRef("pk"), month__gte=enrolment_month)


def with_coverage_status(
    queryset: QuerySet[Participant], *, month: datetime.date, graces: GraceSchedule | None = None
) -> QuerySet[Participant]:
    """Annotate `status` (a CoverageStatus value, None before enrolment) for `month`, in one query."""
    month = month_start(month)
    grace = (graces or grace_schedule()).for_month(month)
    paid = paid_since_enrolment()
    return queryset.annotate(
        status=Case(
            When(enrolled_on__gte=add_months(month, 1), then=Value(None)),
            When(exit_date__lt=month, then=Value(CoverageStatus.EXITED.value)),
            When(Exists(paid.filter(month=month)), then=Value(CoverageStatus.ACTIVE.value)),
            # A paid month in the grace window: the unpaid run is at most `grace` long.
            When(
                Exists(paid.filter(month__gte=add_months(month, -grace), month__lt=month)),
                then=Value(CoverageStatus.ARREARS.value),
            ),
            When(Exists(paid.filter(month__lt=month)), then=Value(CoverageStatus.INACTIVE.value)),
            default=Value(CoverageStatus.AWAITING.value),
            output_field=CharField(),
        )
    )


# --- the rule, in the statistics SQL ------------------------------------------------------------------------------

# Conditions over one participant-month row of `participants.stats`: `paid` is 1 when the month is paid,
# `unpaid_run` is `unpaid_run()` (NULL when nothing is paid yet from the enrolment month on), `grace` the
# grace in force in the row's month and `grace_before` in the month before. Rows exist only from the
# enrolment month to the exit month, so "None" and keluar need no condition there.
SQL_STATUS = {
    CoverageStatus.AWAITING: "paid = 0 AND unpaid_run IS NULL",
    CoverageStatus.ACTIVE: "paid = 1",
    CoverageStatus.ARREARS: "paid = 0 AND unpaid_run <= grace",
    CoverageStatus.INACTIVE: "paid = 0 AND unpaid_run > grace",
}
# `is_lapse`: nonaktif in the month, and the month before was paid or within its own grace.
SQL_LAPSED = "paid = 0 AND unpaid_run > grace AND unpaid_run - 1 <= grace_before"


# --- which months can be paid -------------------------------------------------------------------------------------


def payable_problems(
    *,
    enrolled_on: datetime.date,
    exit_date: datetime.date | None,
    months: Sequence[datetime.date],
    today: datetime.date | None = None,
) -> list[str]:
    """Indonesian messages for whatever keeps these consecutive `months` from being paid; empty when they can be.

    A month can be paid from the enrolment month to the exit month, and at most PAY_AHEAD_MONTHS after the
    current month. The queryset form, for the monthly screen, is `Participant.objects.enrolled_in(month)`.
    """
    first, last = month_start(months[0]), month_start(months[-1])
    problems = []
    if last > add_months(month_start(today or timezone.localdate()), PAY_AHEAD_MONTHS):
        problems.append(_("Bulan iuran paling jauh %(n)s bulan ke depan.") % {"n": PAY_AHEAD_MONTHS})
    if first < month_start(enrolled_on):
        problems.append(_("Bulan %(month)s sebelum bulan daftar peserta.") % {"month": f"{first:%m/%Y}"})
    if exit_date is not None and last > month_start(exit_date):
        problems.append(
            _("Peserta keluar pada %(date)s; bulan sesudahnya tidak dapat dibayar.") % {"date": f"{exit_date:%d/%m/%Y}"}
        )
    return problems
