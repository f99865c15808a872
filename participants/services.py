"""Writes on participants and contributions (claims: `participants.claims`): each a transaction, each checked
against the scope.

Views call these; nothing else saves these models. Single-row saves keep their
audit history through simple_history's signals (the request's user is the
author); bulk writes go through `bulk_create_with_history` inside
`stats_delta.stats_tracking`, which adds their difference to the statistics (single-row saves: the signals).
"""

from __future__ import annotations

import datetime
from collections.abc import Iterable
from contextlib import contextmanager

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from simple_history.utils import bulk_create_with_history

from core.dates import date_range_error, earliest_month, month_range_error
from participants import selectors
from participants.coverage import (
    PAY_AHEAD_MONTHS,
    correction_text,
    grace_schedule,
    paid_in_grace_window,
    payable_problems,
)
from participants.models import Contribution, Participant
from participants.months import add_months, month_start
from participants.rules import Due, RuleBook, amount_mismatch, contribution_due, override_reason_text
from participants.stats_delta import stats_tracking
from villages.access import is_branch_user
from villages.models import Village

PAYMENT_PERIODS = (1, 3, 6, 12)


def _check_village(*, user, village: Village) -> None:
    """The village is the user's (and exists: the participant's full_clean leaves the village to this check)."""
    if not Village.objects.for_user(user).filter(pk=village.pk).exists():
        raise PermissionDenied(_("Desa ini di luar wilayah tugas Anda."))


def check_participant(*, user, participant: Participant) -> None:
    """Refuse a participant outside the user's villages (the claims check so too: `participants.claims`)."""
    if not Participant.objects.for_user(user).filter(pk=participant.pk).exists():
        raise PermissionDenied(_("Peserta ini di luar wilayah tugas Anda."))


def _check_participant_unless_branch(*, user, participant: Participant) -> None:
    """`check_participant` where the scope is not every village (`Village.objects.for_user`: branch roles see
    all of them); the caller locks the participant's row and refuses one that no longer exists."""
    if not is_branch_user(user):
        check_participant(user=user, participant=participant)


NIK_ELSEWHERE = _(
    "NIK ini sudah terdaftar di desa lain. Untuk memeriksa atau memindahkannya, hubungi staf "
    "BPJS Ketenagakerjaan Cabang Solok."
)


def participant_nik_problem(*, user, nik: str, exclude_pk: int | None = None) -> str | None:
    """Why `nik` cannot be registered (again) by `user`, or None. Branch staff learn whose NIK it is and
    where; a village official learns only that it is registered in another village and whom to ask."""
    existing = Participant.objects.filter(nik=nik).exclude(pk=exclude_pk).select_related("village").first()
    if existing is None:
        return None
    if is_branch_user(user) or Village.objects.for_user(user).filter(pk=existing.village_id).exists():
        return _("NIK ini sudah terdaftar atas nama %(name)s di %(village)s.") % {
            "name": existing.name,
            "village": existing.village,
        }
    return str(NIK_ELSEWHERE)


def dates_problems(
    *, enrolled_on: datetime.date | None, exit_date: datetime.date | None, paid_months: Iterable[datetime.date]
) -> dict[str, str]:
    """What in the enrolment and exit dates contradicts the recorded history (paid months before the
    enrolment month or after the exit month), or lies outside the plausible range (core.dates); by field."""
    problems: dict[str, str] = {}
    paid = sorted(paid_months)
    if enrolled_on is not None:
        problems["enrolled_on"] = date_range_error(enrolled_on) or ""
        before = [month for month in paid if month < month_start(enrolled_on)]
        if before and not problems["enrolled_on"]:
            problems["enrolled_on"] = _(
                "Bulan %(months)s sudah dibayar sebelum tanggal daftar ini; tanggal daftar paling lambat %(last)s."
            ) % {"months": _month_list(before), "last": f"{before[0]:%d/%m/%Y}"}
    if exit_date is not None:
        problems["exit_date"] = date_range_error(exit_date) or ""
        after = [month for month in paid if month > month_start(exit_date)]
        if after and not problems["exit_date"]:
            problems["exit_date"] = _(
                "Bulan %(months)s sudah dibayar sesudah tanggal keluar ini; tanggal keluar paling awal %(first)s."
            ) % {"months": _month_list(after), "first": f"{after[-1]:%d/%m/%Y}"}
    return {name: message for name, message in problems.items() if message}


def _month_list(months: list[datetime.date]) -> str:
    shown = ", ".join(f"{month:%m/%Y}" for month in months[:6])
    return shown + (_(" dan %(n)s bulan lain") % {"n": len(months) - 6} if len(months) > 6 else "")


def _check_participant_fields(*, participant: Participant) -> None:
    """The dates every path (form, import, API, sync) meets: in range and consistent with the paid months.
    Raises ValidationError. The NIK is the unique index's (`_save_participant`)."""
    paid = participant.contributions.values_list("month", flat=True) if participant.pk else []
    errors = dates_problems(enrolled_on=participant.enrolled_on, exit_date=participant.exit_date, paid_months=paid)
    if errors:
        raise ValidationError(errors)


def _save_participant(*, participant: Participant) -> None:
    """Validate in Python what needs no query, and save. The NIK's and KPJ's uniqueness and the check constraints
    are the database's (a query each here would only ask it first): a refusal is explained by
    `_refusal_explained`. The village is the caller's `_check_village` (or the stored one)."""
    _check_participant_fields(participant=participant)
    participant.full_clean(exclude={"village"}, validate_unique=False, validate_constraints=False)
    participant.save()


def _refusal_explained(*, user, participant: Participant, error: IntegrityError) -> ValidationError:
    """Why the database refused a participant's save (its transaction rolled back): the NIK told as the user may
    know it (`participant_nik_problem`), or what full validation says of it (the KPJ, the check constraints, the
    village). An integrity error nothing explains is raised again."""
    problem = participant.nik and participant_nik_problem(user=user, nik=participant.nik, exclude_pk=participant.pk)
    if problem:
        return ValidationError({"nik": problem})
    try:
        participant.full_clean()
    except ValidationError as explained:
        return explained
    raise error


def participant_register(*, user, village: Village, **fields) -> Participant:
    """Register a worker in `village`; raises ValidationError (Indonesian messages) on bad data."""
    participant = Participant(village=village, **fields)
    try:
        with transaction.atomic():
            _check_village(user=user, village=village)
            _save_participant(participant=participant)
    except IntegrityError as error:  # the same NIK registered at the same moment, or a constraint
        raise _refusal_explained(user=user, participant=participant, error=error) from None
    return participant


def participant_update(*, user, participant: Participant, **changes) -> Participant:
    try:
        with transaction.atomic():
            check_participant(user=user, participant=participant)
            if "village" in changes:
                _check_village(user=user, village=changes["village"])
            for name, value in changes.items():
                setattr(participant, name, value)
            _save_participant(participant=participant)
    except IntegrityError as error:
        raise _refusal_explained(user=user, participant=participant, error=error) from None
    return participant


def participant_exit(*, user, participant: Participant, exit_date: datetime.date, exit_reason: str) -> Participant:
    """Record that a participant left the programme (died, moved, stopped)."""
    return participant_update(user=user, participant=participant, exit_date=exit_date, exit_reason=exit_reason)


def _amounts_of(*, user, paid: int, dues: list[Due], override_reason: str) -> tuple[list[int], str]:
    """Each month's amount and the history's reason: the rules' own amounts when `paid` is their sum;
    otherwise a refusal naming the expected amount and its breakdown, unless branch staff give a
    reason, and then `paid` spread evenly over the months (any remainder on the last)."""
    mismatch = amount_mismatch(paid=paid, dues=dues)
    if override_reason.strip() and not is_branch_user(user):
        raise ValidationError(
            {"amount": _("Hanya staf cabang yang dapat mencatat jumlah yang berbeda dari aturan iuran.")}
        )
    if mismatch is None:
        return [due.total for due in dues], ""
    if not override_reason.strip():
        hint = (
            _(" Bila jumlah itu memang yang dibayar, isi alasannya.")
            if is_branch_user(user)
            else _(" Bila jumlah itu memang yang dibayar, hubungi staf cabang.")
        )
        raise ValidationError({"amount": mismatch + hint})
    each, remainder = divmod(paid, len(dues))
    return [each] * (len(dues) - 1) + [each + remainder], override_reason_text(reason=override_reason, dues=dues)


def contribution_record(
    *,
    user,
    participant: Participant,
    first_month: datetime.date,
    months: int,
    amount: int,
    paid_on: datetime.date,
    channel: str,
    funding_source: str,
    with_jht: bool | None = None,
    override_reason: str = "",
    correction_reason: str = "",
) -> list[Contribution]:
    """Record one payment of `amount` covering `months` consecutive months from `first_month`.

    Months before the current one are arrears, payable only within the grace (`coverage.payable_problems`,
    Perdir 22/2022); older ones are history that only branch staff record, as a correction with
    `correction_reason`, kept in the audit history.

    Each month gets its own amount under the contribution rules (`rules.contribution_due`, for the
    payment's funding source and JHT choice), and `amount` must be their sum; only branch staff may
    record another amount, with `override_reason`, kept in the audit history. A month already paid
    is refused (never paid twice). When `with_jht` is given the participant's programmes follow the
    choice made at payment time.

    One transaction, no savepoint inside: the participant's row is locked and its paid months read once
    (`stats_tracking`), and serve the arrears rule, the "already paid" check and the statistics' difference.
    """
    if months not in PAYMENT_PERIODS:
        raise ValidationError({"months": _("Pilih 1, 3, 6 atau 12 bulan.")})
    covered = [add_months(month_start(first_month), offset) for offset in range(months)]
    try:
        with transaction.atomic():
            return _contribution_record(
                user=user,
                participant=participant,
                covered=covered,
                amount=amount,
                paid_on=paid_on,
                channel=channel,
                funding_source=funding_source,
                with_jht=with_jht,
                override_reason=override_reason,
                correction_reason=correction_reason,
            )
    except IntegrityError:
        # Where the row lock does not serialise the writers (SQLite), the unique participant+month constraint
        # answers the same "sudah dibayar" as the check under the lock.
        if not participant.contributions.filter(month__in=covered).exists():
            raise
        message = _("Bulan %(months)s sudah dibayar; pilih bulan lain.") % {"months": _month_list(covered)}
        raise ValidationError({"first_month": message}) from None


def _contribution_record(
    *,
    user,
    participant: Participant,
    covered: list[datetime.date],
    amount: int,
    paid_on: datetime.date,
    channel: str,
    funding_source: str,
    with_jht: bool | None,
    override_reason: str,
    correction_reason: str,
) -> list[Contribution]:
    _check_participant_unless_branch(user=user, participant=participant)
    if amount <= 0:
        raise ValidationError({"amount": _("Jumlah iuran harus lebih dari nol.")})
    if paid_on > timezone.localdate():
        raise ValidationError({"paid_on": _("Tanggal bayar tidak boleh di masa depan.")})
    correction = correction_text(reason=correction_reason, may_correct=is_branch_user(user))
    graces = grace_schedule()
    with stats_tracking(participant_ids=[participant.pk], graces=graces) as tracker:
        paid = tracker.paid_months(participant.pk)
        if paid is None:  # deleted since the page was read
            raise PermissionDenied(_("Peserta ini di luar wilayah tugas Anda."))
        problems = payable_problems(
            enrolled_on=participant.enrolled_on,
            exit_date=participant.exit_date,
            months=covered,
            paid_months=paid,
            graces=graces,
            correction=bool(correction),
            may_correct=is_branch_user(user),
        )
        if problems:
            raise ValidationError({"first_month": problems})
        _check_payment_dates(months=covered, paid_on=paid_on, month_field="first_month")
        already = sorted(paid.intersection(covered))
        if already:
            raise ValidationError(
                {
                    "first_month": _("Bulan %(months)s sudah dibayar; pilih bulan lain.")
                    % {"months": ", ".join(f"{month:%m/%Y}" for month in already)}
                }
            )
        dues = selectors.contribution_dues(
            participant=participant,
            first_month=covered[0],
            months=len(covered),
            with_jht=participant.has_jht if with_jht is None else with_jht,
            funding_source=funding_source,
        )
        amounts, reason = _amounts_of(user=user, paid=amount, dues=dues, override_reason=override_reason)
        if with_jht is not None and with_jht != participant.has_jht:
            participant_update(user=user, participant=participant, has_jht=with_jht)
        recorded = [
            Contribution(
                participant=participant,
                month=month,
                amount=month_amount,
                paid_on=paid_on,
                channel=channel,
                funding_source=funding_source,
                recorded_by=user,
            )
            for month, month_amount in zip(covered, amounts, strict=True)
        ]
        for contribution in recorded:
            # The participant is locked above and the user is the request's: their rows exist.
            contribution.full_clean(
                exclude={"participant", "recorded_by"}, validate_unique=False, validate_constraints=False
            )
        # One insert for the whole payment, and the difference it makes to the statistics (not one per month).
        bulk_create_with_history(
            recorded, Contribution, default_user=user, default_change_reason=history_reason(correction, reason)
        )
    return recorded


def history_reason(*reasons: str) -> str:
    """The reasons of one write, as the audit history keeps them (at most 100 characters)."""
    return "; ".join(reason for reason in reasons if reason)[:100]


def _check_payment_dates(*, months: list[datetime.date], paid_on: datetime.date, month_field: str) -> None:
    """Contribution months from the programme's start (their end, PAY_AHEAD_MONTHS ahead, is the payable
    rule's own: `coverage.payable_problems`), payment dates in the plausible range up to today."""
    errors = {}
    if months[0] < earliest_month():
        errors[month_field] = month_range_error(months[0], horizon_months=PAY_AHEAD_MONTHS)
    if date_range_error(paid_on):
        errors["paid_on"] = date_range_error(paid_on)
    if errors:
        raise ValidationError(errors)


def _lock_participants(ids: Iterable[int]) -> None:
    """Lock the participants' rows until the transaction ends: a second submit of the same payment (a
    double tap, two officials) waits here and then finds the months paid, instead of a duplicate."""
    list(Participant.objects.select_for_update().filter(pk__in=list(ids)).order_by("pk").values_list("pk", flat=True))


@contextmanager
def _paid_twice_refused(*, months: list[datetime.date], field: str):
    """A savepoint around the insert: where the row lock does not serialise the writers (SQLite), the
    unique participant+month constraint answers the same "sudah dibayar" as the check before it."""
    try:
        with transaction.atomic():
            yield
    except IntegrityError as error:
        message = _("Bulan %(months)s sudah dibayar; pilih bulan lain.") % {"months": _month_list(months)}
        raise ValidationError({field: message}) from error


def contributions_record_month(
    *,
    user,
    village: Village,
    month: datetime.date,
    participant_ids: Iterable[int],
    paid_on: datetime.date,
    channel: str,
) -> int:
    """Record `month` as paid for the ticked participants of `village`, in one transaction.

    Each pays what the contribution rules ask of them for the month (`rules.contribution_due`:
    income, programmes, sector), from their own funding source. Participants not enrolled that
    month, of another village or already paid for it are skipped. Returns how many contributions
    were written; a month the rules do not cover is refused, naming it.
    """
    _check_village(user=user, village=village)
    month = month_start(month)
    if paid_on > timezone.localdate():
        raise ValidationError({"paid_on": _("Tanggal bayar tidak boleh di masa depan.")})
    _check_payment_dates(months=[month], paid_on=paid_on, month_field="month")
    wanted = {int(pk) for pk in participant_ids}
    if not wanted:
        raise ValidationError(_("Belum ada peserta yang dicentang; centang peserta yang sudah membayar."))
    rules = RuleBook.load()
    rules.rate_for(month)  # no rate for the month: refused before anything is written
    with transaction.atomic():
        _lock_participants(wanted)
        payers = list(selectors.contributions_due_month(village=village, month=month).filter(pk__in=wanted, paid=False))
        if not payers:
            paid = selectors.contributions_due_month(village=village, month=month).filter(pk__in=wanted, paid=True)
            raise ValidationError(
                {
                    "month": (
                        _("Iuran bulan %(month)s peserta yang dicentang sudah dibayar.")
                        if paid.exists()
                        else _("Peserta yang dicentang tidak dapat membayar bulan %(month)s.")
                    )
                    % {"month": f"{month:%m/%Y}"}
                }
            )
        # Months before the current one are arrears, payable only within the grace: what the rule reads of
        # them all, in a few queries.
        graces = grace_schedule()
        window = paid_in_grace_window(participant_ids=[participant.pk for participant in payers], graces=graces)
        for participant in payers:
            problems = payable_problems(
                enrolled_on=participant.enrolled_on,
                exit_date=participant.exit_date,
                months=[month],
                paid_months=window.get(participant.pk, set()),
                graces=graces,
                may_correct=is_branch_user(user),
            )
            if problems:
                raise ValidationError({"month": [f"{participant.name}: {problem}" for problem in problems]})
        contributions = [
            Contribution(
                participant=participant,
                month=month,
                amount=contribution_due(participant=participant, month=month, rules=rules).total,
                paid_on=paid_on,
                channel=channel,
                funding_source=participant.funding_source,
                recorded_by=user,
            )
            for participant in payers
        ]
        with (
            _paid_twice_refused(months=[month], field="month"),
            stats_tracking(participant_ids=[participant.pk for participant in payers]),
        ):
            bulk_create_with_history(contributions, Contribution, batch_size=500, default_user=user)
    return len(contributions)


CORRECTABLE_FIELDS = ("amount", "paid_on", "channel", "funding_source")


@transaction.atomic
def contribution_correct(*, user, contribution: Contribution, reason: str, **changes) -> Contribution:
    """Change a paid month: only branch staff, only with a written `reason`, which the history keeps.

    The one way a recorded month changes (the payment form, the monthly screen and the imports refuse it),
    so a paid month stays as recorded unless someone accountable says why it was wrong.
    """
    check_participant(user=user, participant=contribution.participant)
    if not is_branch_user(user):
        raise PermissionDenied(_("Hanya staf cabang yang dapat mengoreksi iuran yang sudah dibayar."))
    if not reason.strip():
        raise ValidationError({"reason": _("Tulis alasan koreksi; alasan ini tercatat di riwayat iuran.")})
    unknown = set(changes) - set(CORRECTABLE_FIELDS)
    if unknown:
        raise ValidationError(
            _("Bagian ini tidak dapat dikoreksi: %(fields)s.") % {"fields": ", ".join(sorted(unknown))}
        )
    for name, value in changes.items():
        setattr(contribution, name, value)
    if contribution.amount is None or contribution.amount <= 0:
        raise ValidationError({"amount": _("Jumlah iuran harus lebih dari nol.")})
    if date_range_error(contribution.paid_on):
        raise ValidationError({"paid_on": date_range_error(contribution.paid_on)})
    contribution.full_clean()
    contribution._change_reason = (_("Koreksi staf cabang: %(reason)s") % {"reason": reason.strip()})[:100]
    contribution.save()  # its difference to the statistics: participants.signals
    return contribution
