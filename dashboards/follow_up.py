"""The follow-up list of a village: whom its officials should remind this month, with a WhatsApp message.

Those menunggak come first, those about to lapse at the top; then the registrations awaiting their first
payment (belum aktif), who are not in arrears: coverage starts with the first payment. The statuses are
`participants.coverage`'s rule in its queryset form, the same as the statistics and the participant list.
"""

from __future__ import annotations

import datetime
import urllib.parse
from dataclasses import dataclass

from django.db.models import BooleanField, Case, Count, Exists, F, Q, Subquery, Value, When, Window

from dashboards.selectors import reporting_month
from participants.coverage import (
    CoverageStatus,
    grace_schedule,
    months_waiting,
    paid_since_enrolment,
    unpaid_run,
)
from participants.models import Participant
from participants.months import add_months, month_start
from participants.rules import Due, RuleBook, RuleError, contribution_due
from villages.models import Village

FOLLOW_UP_LIMIT = 100


@dataclass(frozen=True)
class FollowUp:
    """One participant to remind: menunggak (`unpaid_months` since the last paid month) or belum aktif, awaiting
    a first payment (`unpaid_months` since the month of registration)."""

    participant: Participant
    status: CoverageStatus
    last_paid: datetime.date | None
    unpaid_months: int
    about_to_lapse: bool
    whatsapp_url: str

    @property
    def awaiting_first_payment(self) -> bool:
        return self.status == CoverageStatus.AWAITING

    @property
    def first_unpaid(self) -> datetime.date:
        """The first month due: after the last paid one, or the month of registration."""
        return add_months(self.last_paid, 1) if self.last_paid else month_start(self.participant.enrolled_on)


def whatsapp_number(phone: str) -> str:
    """An Indonesian phone number as wa.me wants it: 62 followed by the number without its leading 0."""
    digits = "".join(character for character in phone if character.isdigit())
    if digits.startswith("62"):
        return digits
    if digits.startswith("0"):
        return "62" + digits[1:]
    if digits.startswith("8"):
        return "62" + digits
    return ""


def reminder_text(
    *,
    name: str,
    month: datetime.date,
    village: str,
    about_to_lapse: bool,
    awaiting: bool = False,
    due: Due | None = None,
) -> str:
    # The amount as the rules give it for the month, with the relief that lowers it (PP 50/2025).
    amount = f" Iuran per bulan: {due}." if due else ""
    if awaiting:
        return (
            f"Assalamualaikum Bapak/Ibu {name}. Bapak/Ibu sudah terdaftar sebagai peserta BPJS Ketenagakerjaan, "
            f"tetapi iuran pertama belum tercatat; perlindungan baru berlaku setelah iuran pertama dibayar.{amount} "
            f"Pembayaran dapat melalui agen PERISAI atau bendahara {village}. Terima kasih."
        )
    warning = (
        " Bila bulan ini belum dibayar, kepesertaan akan menjadi nonaktif."
        if about_to_lapse
        else " Mohon dibayar agar perlindungan tetap berjalan."
    )
    return (
        f"Assalamualaikum Bapak/Ibu {name}. Iuran BPJS Ketenagakerjaan bulan {month:%m/%Y} belum tercatat.{amount}"
        f"{warning} Pembayaran dapat melalui agen PERISAI atau bendahara {village}. Terima kasih."
    )


def _search(text: str) -> Q:
    """A whole NIK (16 digits) or KPJ (11) exactly, else a part of the name or of the jorong."""
    if text.isdigit() and len(text) in (11, 16):
        return Q(nik=text) | Q(kpj=text)
    return Q(name__icontains=text) | Q(hamlet__icontains=text)


def _due_or_none(*, participant: Participant, month: datetime.date, rules: RuleBook) -> Due | None:
    """The month's amount for a reminder; a month the rules do not cover leaves the amount out of it."""
    try:
        return contribution_due(participant=participant, month=month, rules=rules)
    except RuleError:
        return None


def follow_up_list(
    *,
    village: Village,
    month: datetime.date | None = None,
    search: str = "",
    offset: int = 0,
    limit: int = FOLLOW_UP_LIMIT,
) -> tuple[list[FollowUp], int]:
    """Whom to remind in `month` (default: this month), and how many they are: participants menunggak, those
    about to lapse first, then registrations awaiting their first payment (belum aktif), the longest waiting
    first; `limit` of them from `offset` on, narrowed by `search` (a name or jorong, or a whole NIK or KPJ).
    Two queries (the coverage rules, the list: its rows carry the total), and four for the contribution rules
    that price the WhatsApp reminders.

    The statuses are `participants.coverage`'s rule (`with_coverage_status`) written for the two it keeps:
    unpaid in the month, enrolled and not exited, with a paid month in the grace window (menunggak) or none
    since the enrolment (belum aktif). They are read from each participant's last month paid since enrolment
    (`Participant.last_paid_month`, kept by every write) through the index on (village, last paid month): none
    (belum aktif) or one in the grace window before the month (menunggak), so the query reads those to remind,
    not the village's every participant. Only a participant who paid a later month may still owe this one:
    for them, and them only, the rule asks the contributions (index probes).
    """
    month = month or reporting_month()
    graces = grace_schedule()
    grace = graces.for_month(month)
    paid = paid_since_enrolment()
    # Only payments inside the grace window matter: an older last payment means nonaktif already.
    recent = paid.filter(month__gte=add_months(month, -grace), month__lt=month).order_by("-month")
    people = village.participants.filter(enrolled_on__lt=add_months(month, 1)).exclude(exit_date__lt=month)
    if search:
        people = people.filter(_search(search))
    # Who paid a later month: unpaid in this one when no payment of it, and then menunggak with a payment in the
    # window or belum aktif with none before the month (the rule's CASE, tried in this order).
    paid_later_reminded = Case(
        When(Exists(paid.filter(month=month)), then=Value(False)),
        When(Exists(recent), then=Value(True)),
        When(Exists(paid.filter(month__lt=month)), then=Value(False)),
        default=Value(True),
        output_field=BooleanField(),
    )
    in_window = Q(last_paid_month__gte=add_months(month, -grace), last_paid_month__lt=month)
    candidates = (
        people.alias(paid_later_reminded=paid_later_reminded)
        .filter(Q(last_paid_month__isnull=True) | in_window | Q(last_paid_month__gt=month, paid_later_reminded=True))
        .annotate(
            last_paid=Case(
                When(last_paid_month__lt=month, then=F("last_paid_month")),
                When(last_paid_month__gt=month, then=Subquery(recent.values("month")[:1])),
            )
        )
        .annotate(
            awaiting_last=Case(When(last_paid__isnull=True, then=Value(1)), default=Value(0)),
            total=Window(Count("pk")),
        )
    )
    ordered = candidates.order_by("awaiting_last", "last_paid", "enrolled_on", "name", "pk")
    shown = list(ordered[offset : offset + limit])
    total = shown[0].total if shown else 0
    # The last month of the grace: unpaid once more and the participant becomes nonaktif under next month's rule.
    next_grace = graces.for_month(add_months(month, 1))
    rules = RuleBook.load() if shown else None
    village_name = str(village)  # its kind's label is translated: once, not per reminder
    rows = []
    for participant in shown:
        awaiting = participant.last_paid is None
        status = CoverageStatus.AWAITING if awaiting else CoverageStatus.ARREARS
        if awaiting:
            unpaid = months_waiting(enrolled_on=participant.enrolled_on, month=month)
        else:
            unpaid = unpaid_run(last_paid=participant.last_paid, month=month)
        about_to_lapse = not awaiting and unpaid >= next_grace
        number = whatsapp_number(participant.phone)
        url = ""
        if number:
            text = reminder_text(
                name=participant.name,
                month=month,
                village=village_name,
                about_to_lapse=about_to_lapse,
                awaiting=awaiting,
                due=_due_or_none(participant=participant, month=month, rules=rules),
            )
            url = f"https://wa.me/{number}?text={urllib.parse.quote(text)}"
        rows.append(
            FollowUp(
                participant=participant,
                status=status,
                last_paid=participant.last_paid,
                unpaid_months=unpaid,
                about_to_lapse=about_to_lapse,
                whatsapp_url=url,
            )
        )
    return rows, total
