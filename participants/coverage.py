"""The coverage rule (aktif, menunggak, nonaktif, keluar) and the months that can be paid: their one home.

Every form the application needs of the rule is written here, side by side, so that a change to it
(a new status, the grace as rules data) is made in this file and nowhere else:

- `coverage_status`: the rule itself, for one participant and month, in Python;
- `with_coverage_status`: the same rule as a queryset annotation (the participant list and its
  status filter, the follow-up list of a village);
- `SQL_STATUS` and `SQL_LAPSED`: the rule over the participant-month rows of the statistics SQL
  (`participants.stats`), with `sql_params()` for its named parameters;
- the constants the statistics table and the indicators are built on: the grace, the retention lags,
  the cohort offsets and the funding columns;
- `payable_problems`: which months a participant can pay, for the payment form, the monthly screen
  and the contribution import.

`tests/participants/test_coverage_forms.py` checks every form against `coverage_status` on random
histories (enrolment, paid months, exit), on SQLite and on PostgreSQL.
"""

from __future__ import annotations

import datetime
from collections.abc import Collection, Sequence

from django.conf import settings
from django.db import models
from django.db.models import Case, CharField, Exists, OuterRef, Q, QuerySet, Value, When
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from participants.models import Contribution, FundingSource, Participant
from participants.months import add_months, month_start, months_between

# Retention over k-month periods: participants aktif in a month and k months earlier (`retained_k`).
RETENTION_LAGS = (1, 3, 6, 12)
# Cohort survival: participants of an enrolment month still aktif k months later (`cohort_active_k`).
COHORT_OFFSETS = (3, 6, 12)
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
    ACTIVE = "aktif", gettext_lazy("Aktif")
    ARREARS = "menunggak", gettext_lazy("Menunggak")
    INACTIVE = "nonaktif", gettext_lazy("Nonaktif")
    EXITED = "keluar", gettext_lazy("Keluar")


def arrears_grace_months() -> int:
    """How many unpaid months in a row a participant stays menunggak before becoming nonaktif."""
    return settings.ARREARS_GRACE_MONTHS


# --- the rule, in Python ------------------------------------------------------------------------------------------


def unpaid_run(*, enrolled_on: datetime.date, last_paid: datetime.date | None, month: datetime.date) -> int:
    """How many months `month` lies after the last paid month, or after the month before enrolment."""
    covered = add_months(month_start(enrolled_on), -1)
    if last_paid is not None and last_paid > covered:
        covered = last_paid
    return months_between(covered, month_start(month))


def coverage_status(
    *,
    enrolled_on: datetime.date,
    exit_date: datetime.date | None,
    paid_months: Collection[datetime.date],
    month: datetime.date,
    grace_months: int,
) -> CoverageStatus | None:
    """The coverage status of a participant in `month`.

    aktif: the month is paid. menunggak: unpaid, but the unpaid run since the last paid month (or since
    enrolment) is at most `grace_months` long. nonaktif: a longer unpaid run. keluar: any month after the
    month of exit. None: before the month of enrolment.
    """
    month = month_start(month)
    if month < month_start(enrolled_on):
        return None
    if exit_date is not None and month > month_start(exit_date):
        return CoverageStatus.EXITED
    if month in paid_months:
        return CoverageStatus.ACTIVE
    last_paid = max((paid for paid in paid_months if paid <= month), default=None)
    run = unpaid_run(enrolled_on=enrolled_on, last_paid=last_paid, month=month)
    return CoverageStatus.ARREARS if run <= grace_months else CoverageStatus.INACTIVE


def participant_status(
    participant: Participant, month: datetime.date, *, paid_months: Collection[datetime.date] | None = None
) -> CoverageStatus | None:
    """`coverage_status` of a saved participant under the grace in force (its paid months read when not given)."""
    if paid_months is None:
        paid_months = set(participant.contributions.values_list("month", flat=True))
    return coverage_status(
        enrolled_on=participant.enrolled_on,
        exit_date=participant.exit_date,
        paid_months=paid_months,
        month=month,
        grace_months=arrears_grace_months(),
    )


# --- the rule, as a queryset annotation ---------------------------------------------------------------------------


def with_coverage_status(queryset: QuerySet[Participant], *, month: datetime.date) -> QuerySet[Participant]:
    """Annotate `status` (a CoverageStatus value, None before enrolment) for `month`, in one query."""
    month = month_start(month)
    grace = arrears_grace_months()
    paid = Contribution.objects.filter(participant=OuterRef("pk"))
    return queryset.annotate(
        status=Case(
            When(enrolled_on__gte=add_months(month, 1), then=Value(None)),
            When(exit_date__lt=month, then=Value(CoverageStatus.EXITED.value)),
            When(Exists(paid.filter(month=month)), then=Value(CoverageStatus.ACTIVE.value)),
            # The unpaid run is at most `grace` long: a month of the window is paid, or enrolment is that recent.
            When(
                Q(Exists(paid.filter(month__gte=add_months(month, -grace), month__lt=month)))
                | Q(enrolled_on__gte=add_months(month, 1 - grace)),
                then=Value(CoverageStatus.ARREARS.value),
            ),
            default=Value(CoverageStatus.INACTIVE.value),
            output_field=CharField(),
        )
    )


# --- the rule, in the statistics SQL ------------------------------------------------------------------------------

# Conditions over one participant-month row of `participants.stats`: `paid` is 1 when the month is paid,
# `unpaid_run` is `unpaid_run()` computed with a window. Rows exist only from the enrolment month to the
# exit month, so "None" and keluar need no condition there.
SQL_STATUS = {
    CoverageStatus.ACTIVE: "paid = 1",
    CoverageStatus.ARREARS: "paid = 0 AND unpaid_run <= %(grace)s",
    CoverageStatus.INACTIVE: "paid = 0 AND unpaid_run > %(grace)s",
}
# The month an unpaid run passes the grace: the participant lapses, once per run.
SQL_LAPSED = "paid = 0 AND unpaid_run = %(grace)s + 1"


def sql_params() -> dict[str, int]:
    """The named parameters of SQL_STATUS and SQL_LAPSED."""
    return {"grace": arrears_grace_months()}


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
