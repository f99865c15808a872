"""Claims: a benefit paid (or due) to a participant, held to the programme, the coverage at the event and JKM's
benefit, unless branch staff write why not. A transaction, checked against the scope as the other writes."""

from __future__ import annotations

import datetime

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from core.dates import date_range_error
from core.formatting import format_rupiah
from participants.benefits import jkm_benefit
from participants.coverage import CoverageStatus, participant_status
from participants.models import Claim, Participant, Programme
from participants.services import check_participant
from villages.access import is_branch_user


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
    override_reason: str = "",
) -> Claim:
    """Record a benefit paid (or due) to a participant.

    A claim is for a programme the participant holds, for an event in a month they were covered (aktif,
    or menunggak within the grace: `coverage.participant_status`), with a positive amount, and for JKM at
    the benefit the rules data set (`benefits.jkm_benefit`). Branch staff may record one that departs from
    these with a written `override_reason`, kept in the claim's history; dates are always in range.
    """
    check_participant(user=user, participant=participant)
    errors = {}
    for name, day in (("event_date", event_date), ("paid_on", paid_on)):
        if day is not None and date_range_error(day):
            errors[name] = date_range_error(day)
    if not errors and event_date < participant.enrolled_on:
        errors["event_date"] = _("Tanggal kejadian sebelum peserta terdaftar.")
    if paid_on and not errors and paid_on < event_date:
        errors["paid_on"] = _("Tanggal dibayar tidak boleh sebelum tanggal kejadian.")
    if amount is None or amount <= 0:
        errors["amount"] = _("Jumlah manfaat harus lebih dari nol.")
    if errors:
        raise ValidationError(errors)
    departures = claim_departures(participant=participant, programme=programme, event_date=event_date, amount=amount)
    reason = override_reason.strip()
    if departures and not (reason and is_branch_user(user)):
        hint = (
            _(" Bila klaim ini memang benar, isi alasannya.")
            if is_branch_user(user)
            else _(" Bila klaim ini memang benar, minta staf cabang mencatatnya.")
        )
        raise ValidationError({field: message + hint for field, message in departures.items()})
    if reason and not is_branch_user(user):
        raise ValidationError({"notes": _("Hanya staf cabang yang dapat mencatat klaim di luar aturan.")})
    if departures:
        # The whole of it in the notes (kept in every history record), its start as the change reason.
        said = _("Di luar aturan klaim (%(what)s) dengan alasan: %(reason)s") % {
            "what": " ".join(departures.values()),
            "reason": reason,
        }
        notes = f"{notes.strip()}\n{said}".strip()
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
    if departures:
        claim._change_reason = (_("Klaim di luar aturan: %(reason)s") % {"reason": reason})[:100]
    claim.save()
    return claim


def claim_departures(*, participant: Participant, programme: str, event_date: datetime.date, amount: int) -> dict:
    """Where a claim departs from the rules (programme held, covered at the event, JKM's benefit), by field."""
    departures = {}
    if programme not in participant.programmes:
        departures["programme"] = _("Peserta tidak ikut program %(programme)s.") % {"programme": programme}
    status = participant_status(participant, event_date)
    if status not in (CoverageStatus.ACTIVE, CoverageStatus.ARREARS):
        departures["event_date"] = _(
            "Pada bulan kejadian %(month)s peserta tidak terlindungi (%(status)s); klaim hanya untuk kejadian "
            "saat aktif atau masih dalam masa tenggang."
        ) % {"month": f"{event_date:%m/%Y}", "status": status.label if status else _("belum terdaftar")}
    benefit = jkm_benefit(day=event_date)
    if programme == Programme.JKM and benefit is not None and amount != benefit:
        departures["amount"] = _("Manfaat JKM adalah %(benefit)s.") % {"benefit": format_rupiah(benefit)}
    return departures
