"""Writes on participants, contributions and claims: each a transaction, each checked against the scope.

Views call these; nothing else saves these models. Single-row saves keep their
audit history through simple_history's signals (the request's user is the
author); bulk writes go through `bulk_create_with_history` and refresh the
analytics table themselves.
"""

from __future__ import annotations

import datetime
from collections.abc import Iterable

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from simple_history.utils import bulk_create_with_history

from participants import selectors
from participants.coverage import payable_problems
from participants.models import Claim, Contribution, Participant
from participants.months import add_months, month_start
from participants.rules import Due, RuleBook, amount_mismatch, contribution_due, override_reason_text
from participants.stats import stats_refresh
from villages.access import is_branch_user
from villages.models import Village

PAYMENT_PERIODS = (1, 3, 6, 12)


def _check_village(*, user, village: Village) -> None:
    if not Village.objects.for_user(user).filter(pk=village.pk).exists():
        raise PermissionDenied(_("Desa ini di luar wilayah tugas Anda."))


def _check_participant(*, user, participant: Participant) -> None:
    if not Participant.objects.for_user(user).filter(pk=participant.pk).exists():
        raise PermissionDenied(_("Peserta ini di luar wilayah tugas Anda."))


@transaction.atomic
def participant_register(*, user, village: Village, **fields) -> Participant:
    """Register a worker in `village`; raises ValidationError (Indonesian messages) on bad data."""
    _check_village(user=user, village=village)
    participant = Participant(village=village, **fields)
    participant.full_clean()
    participant.save()
    return participant


@transaction.atomic
def participant_update(*, user, participant: Participant, **changes) -> Participant:
    _check_participant(user=user, participant=participant)
    if "village" in changes:
        _check_village(user=user, village=changes["village"])
    for name, value in changes.items():
        setattr(participant, name, value)
    participant.full_clean()
    participant.save()
    return participant


@transaction.atomic
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


@transaction.atomic
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
) -> list[Contribution]:
    """Record one payment of `amount` covering `months` consecutive months from `first_month`.

    Each month gets its own amount under the contribution rules (`rules.contribution_due`, for the
    payment's funding source and JHT choice), and `amount` must be their sum; only branch staff may
    record another amount, with `override_reason`, kept in the audit history. A month already paid
    is refused (never paid twice). When `with_jht` is given the participant's programmes follow the
    choice made at payment time.
    """
    _check_participant(user=user, participant=participant)
    if months not in PAYMENT_PERIODS:
        raise ValidationError({"months": _("Pilih 1, 3, 6 atau 12 bulan.")})
    if amount <= 0:
        raise ValidationError({"amount": _("Jumlah iuran harus lebih dari nol.")})
    if paid_on > timezone.localdate():
        raise ValidationError({"paid_on": _("Tanggal bayar tidak boleh di masa depan.")})
    covered = [add_months(month_start(first_month), offset) for offset in range(months)]
    problems = payable_problems(enrolled_on=participant.enrolled_on, exit_date=participant.exit_date, months=covered)
    if problems:
        raise ValidationError({"first_month": problems})
    already = sorted(participant.contributions.filter(month__in=covered).values_list("month", flat=True))
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
        months=months,
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
        contribution.full_clean(validate_unique=False, validate_constraints=False)
    # One insert and one refresh of the analytics table for the whole payment, not one per month.
    bulk_create_with_history(recorded, Contribution, default_user=user, default_change_reason=reason)
    stats_refresh(village_ids=[participant.village_id], since=covered[0])
    return recorded


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
    rules = RuleBook.load()
    rules.rate_for(month)  # no rate for the month: refused before anything is written
    wanted = {int(pk) for pk in participant_ids}
    with transaction.atomic():
        payers = list(selectors.contributions_due_month(village=village, month=month).filter(pk__in=wanted, paid=False))
        for participant in payers:
            problems = payable_problems(
                enrolled_on=participant.enrolled_on, exit_date=participant.exit_date, months=[month]
            )
            if problems:
                raise ValidationError({"month": problems})
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
        bulk_create_with_history(contributions, Contribution, batch_size=500, default_user=user)
        if contributions:
            stats_refresh(village_ids=[village.pk], since=month)
    return len(contributions)


@transaction.atomic
def claim_record(
    *,
    user,
    participant: Participant,
    programme: str,
    event_date: datetime.date,
    amount: int,
    paid_on: datetime.date | None = None,
    notes: str = "",
) -> Claim:
    _check_participant(user=user, participant=participant)
    if event_date < participant.enrolled_on:
        raise ValidationError({"event_date": _("Tanggal kejadian sebelum peserta terdaftar.")})
    claim = Claim(
        participant=participant,
        programme=programme,
        event_date=event_date,
        amount=amount,
        paid_on=paid_on,
        notes=notes,
        recorded_by=user,
    )
    claim.full_clean()
    if paid_on and paid_on < event_date:
        raise ValidationError({"paid_on": _("Tanggal dibayar tidak boleh sebelum tanggal kejadian.")})
    claim.save()
    return claim
