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
- `payable_problems`: which months a participant can pay, for the payment form, the monthly screen, the
  contribution import and the API (through the services): the current month, up to PAY_AHEAD_MONTHS
  ahead, and before it only arrears within the grace (Perdir 22/2022: a nonaktif participant continues
  from the current month); older months only as a branch staff correction with a reason
  (`correction_text`). `with_payable` is its queryset form, `first_payable_month` the month a payment
  form proposes.

Coverage starts with the first payment: a registered participant who has never paid is belum aktif, not
menunggak, and cannot lapse. `tests/participants/test_coverage_forms.py` checks every form against
`coverage_status` on random histories and random rules, on SQLite and on PostgreSQL.
"""

from __future__ import annotations

import bisect
import datetime
from collections.abc import Collection, Sequence
from dataclasses import dataclass

from django.core.exceptions import ImproperlyConfigured, ValidationError
from django.db import models
from django.db.models import (
    BooleanField,
    Case,
    CharField,
    DateField,
    Exists,
    ExpressionWrapper,
    Max,
    OuterRef,
    QuerySet,
    Value,
    When,
)
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
    """The grace in force in every month: (valid_from, grace_months) of each rule, oldest first, and the legal
    basis of each."""

    rules: tuple[tuple[datetime.date, int], ...]
    regulations: tuple[str, ...] = ()

    def _index(self, month: datetime.date) -> int:
        """The latest rule valid from `month` or earlier (the earliest rule before its start)."""
        starts = [valid_from for valid_from, _grace in self.rules]
        return max(0, bisect.bisect_right(starts, month_start(month)) - 1)

    def for_month(self, month: datetime.date) -> int:
        return self.rules[self._index(month)][1]

    def regulation_for(self, month: datetime.date) -> str:
        return self.regulations[self._index(month)] if self.regulations else ""


def grace_schedule() -> GraceSchedule:
    """The coverage rules of the database (one query); an error names what is missing when there is none."""
    rows = list(CoverageRule.objects.order_by("valid_from").values_list("valid_from", "grace_months", "regulation"))
    if not rows:
        raise ImproperlyConfigured(_("Belum ada aturan masa tunggakan; tambahkan di admin (Aturan masa tunggakan)."))
    return GraceSchedule(
        rules=tuple((valid_from, grace) for valid_from, grace, _regulation in rows),
        regulations=tuple(regulation for _valid_from, _grace, regulation in rows),
    )


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


def _months_text(first: datetime.date, last: datetime.date) -> str:
    return f"{first:%m/%Y}" if first == last else f"{first:%m/%Y}–{last:%m/%Y}"


def arrears_payable(
    *,
    enrolled_on: datetime.date,
    paid_months: Collection[datetime.date],
    first: datetime.date,
    current: datetime.date,
    grace: int,
) -> bool:
    """Whether months before the current one, from `first` on, are arrears that may still be paid (Perdir BPJS
    Ketenagakerjaan 22/2022): the last month paid before `first` (from the enrolment month on) is at most
    `grace` months before the current month, or, for someone who has not paid yet, `first` itself is. A
    participant who has passed the grace (nonaktif) continues from the current month."""
    enrolment = month_start(enrolled_on)
    last_paid = max((paid for paid in paid_months if enrolment <= paid < first), default=None)
    return months_between(first if last_paid is None else last_paid, current) <= grace


def payable_problems(
    *,
    enrolled_on: datetime.date,
    exit_date: datetime.date | None,
    months: Sequence[datetime.date],
    paid_months: Collection[datetime.date],
    graces: GraceSchedule | None = None,
    today: datetime.date | None = None,
    correction: bool = False,
    may_correct: bool = False,
) -> list[str]:
    """Indonesian messages for whatever keeps these consecutive `months` from being paid; empty when they can be.

    A month can be paid from the enrolment month to the exit month, at most PAY_AHEAD_MONTHS after the current
    month, and before the current month only as arrears within the grace (`arrears_payable`; `paid_months`
    needs at least the participant's paid months of the grace before the current month and the last one before
    it: `paid_in_grace_window`). Older months are history: only branch staff record them, as a `correction`
    with a reason (`services.contribution_record`); `may_correct` says so in the message instead of sending the
    reader to them. The queryset form, for the monthly screen, is `with_payable`.
    """
    current = month_start(today or timezone.localdate())
    first, last = month_start(months[0]), month_start(months[-1])
    problems = []
    if last > add_months(current, PAY_AHEAD_MONTHS):
        problems.append(_("Bulan iuran paling jauh %(n)s bulan ke depan.") % {"n": PAY_AHEAD_MONTHS})
    if first < month_start(enrolled_on):
        problems.append(_("Bulan %(month)s sebelum bulan daftar peserta.") % {"month": f"{first:%m/%Y}"})
    if exit_date is not None and last > month_start(exit_date):
        problems.append(
            _("Peserta keluar pada %(date)s; bulan sesudahnya tidak dapat dibayar.") % {"date": f"{exit_date:%d/%m/%Y}"}
        )
    if first < current and not correction and not problems:
        graces = graces or grace_schedule()
        grace = graces.for_month(current)
        if not arrears_payable(
            enrolled_on=enrolled_on, paid_months=paid_months, first=first, current=current, grace=grace
        ):
            problems.append(
                _arrears_message(
                    enrolled_on=enrolled_on,
                    paid_months=paid_months,
                    first=first,
                    last=min(last, add_months(current, -1)),
                    current=current,
                    grace=grace,
                    regulation=graces.regulation_for(current),
                    may_correct=may_correct,
                )
            )
    return problems


def _arrears_message(
    *,
    enrolled_on: datetime.date,
    paid_months: Collection[datetime.date],
    first: datetime.date,
    last: datetime.date,
    current: datetime.date,
    grace: int,
    regulation: str,
    may_correct: bool,
) -> str:
    """Why the old months cannot be paid, and what to do (the reader is told whom to ask)."""
    enrolment = month_start(enrolled_on)
    last_paid = max((paid for paid in paid_months if enrolment <= paid < first), default=None)
    limit = _("tunggakan paling banyak %(n)s bulan") % {"n": grace}
    if regulation:
        limit = f"{limit}, {regulation}"
    if last_paid is None:
        why = _(
            "Peserta belum pernah membayar: iuran pertama paling jauh %(n)s bulan sebelum bulan berjalan "
            "(mulai %(window)s)."
        )
    else:
        why = _(
            "Iuran terakhir %(paid)s, lebih dari %(n)s bulan sebelum bulan berjalan: peserta nonaktif dan "
            "melanjutkan iuran mulai bulan berjalan %(now)s."
        )
    what = (
        _("Bila bulan lama itu memang sudah dibayar, catat sebagai koreksi dengan alasannya.")
        if may_correct
        else _("Bila bulan lama itu memang sudah dibayar, hubungi staf cabang untuk koreksi.")
    )
    values = {
        "paid": f"{last_paid:%m/%Y}" if last_paid else "",
        "n": grace,
        "now": f"{current:%m/%Y}",
        "window": f"{add_months(current, -grace):%m/%Y}",
    }
    return _("Bulan %(months)s tidak dapat dibayar lagi (%(limit)s). %(why)s %(what)s") % {
        "months": _months_text(first, last),
        "limit": limit,
        "why": why % values,
        "what": what,
    }


def first_payable_month(
    *,
    enrolled_on: datetime.date,
    paid_months: Collection[datetime.date],
    graces: GraceSchedule | None = None,
    today: datetime.date | None = None,
) -> datetime.date:
    """Where a new payment starts: after the last paid month while its arrears may still be paid (or when that
    is the current month or later), else the current month; a first payment from the enrolment month, at most
    the grace before the current month."""
    current = month_start(today or timezone.localdate())
    enrolment = month_start(enrolled_on)
    grace = (graces or grace_schedule()).for_month(current)
    last_paid = max((paid for paid in paid_months if paid >= enrolment), default=None)
    if last_paid is None:
        return max(enrolment, add_months(current, -grace))
    following = add_months(last_paid, 1)
    if following >= current or months_between(last_paid, current) <= grace:
        return following
    return current


def with_payable(
    queryset: QuerySet[Participant],
    *,
    month: datetime.date,
    graces: GraceSchedule | None = None,
    today: datetime.date | None = None,
) -> QuerySet[Participant]:
    """Annotate `payable`: whether the arrears limit lets `month` be paid (`arrears_payable`), in the same query.

    The enrolment and exit months are the queryset's own filter (`Participant.objects.enrolled_in`).
    """
    month, current = month_start(month), month_start(today or timezone.localdate())
    if month >= current:
        return queryset.annotate(payable=Value(True, output_field=BooleanField()))
    window_start = add_months(current, -(graces or grace_schedule()).for_month(current))
    if month < window_start:
        return queryset.annotate(payable=Value(False, output_field=BooleanField()))
    # Within the grace: payable when nothing was paid before it yet, or the last payment is within the grace too.
    paid_before = paid_since_enrolment().filter(month__lt=month)
    return queryset.annotate(payable=~Exists(paid_before) | Exists(paid_before.filter(month__gte=window_start)))


def paid_in_grace_window(
    *, participant_ids: Collection[int], graces: GraceSchedule | None = None, today: datetime.date | None = None
) -> dict[int, set[datetime.date]]:
    """What `payable_problems` reads of each participant for a month before the current one: the paid months
    of the grace before the current month, and the last paid month before that grace (two queries)."""
    current = month_start(today or timezone.localdate())
    start = add_months(current, -(graces or grace_schedule()).for_month(current))
    mine = Contribution.objects.filter(participant_id__in=participant_ids)
    months: dict[int, set[datetime.date]] = {}
    for participant_id, month in mine.filter(month__gte=start, month__lt=current).values_list(
        "participant_id", "month"
    ):
        months.setdefault(participant_id, set()).add(month)
    earlier = mine.filter(month__lt=start).values("participant_id").annotate(last=Max("month"))
    for participant_id, month in earlier.values_list("participant_id", "last"):
        months.setdefault(participant_id, set()).add(month)
    return months


CORRECTION_REASON_MAX = 80


def correction_text(*, reason: str, may_correct: bool) -> str:
    """The audit history's words for a correction of old months, "" when no reason is given. Only branch staff
    (`may_correct`) correct; the history keeps 100 characters, so a reason has at most CORRECTION_REASON_MAX."""
    reason = (reason or "").strip()
    if not reason:
        return ""
    if not may_correct:
        raise ValidationError({"correction_reason": _("Hanya staf cabang yang dapat mencatat koreksi bulan lama.")})
    if len(reason) > CORRECTION_REASON_MAX:
        raise ValidationError(
            {"correction_reason": _("Alasan koreksi paling panjang %(n)s huruf.") % {"n": CORRECTION_REASON_MAX}}
        )
    return _("Koreksi staf: %(reason)s") % {"reason": reason}
