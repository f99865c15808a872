"""The application of a confirmed extract: what it would write (`extract_apply_plan`, the preview) and the writing
(`extract_apply`), the one step of the reconciliation that changes participants and contributions, and only what
branch staff chose in the preview (docs/reconciliation.md).
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass, field

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from simple_history.utils import bulk_create_with_history, bulk_update_with_history, update_change_reason

from core.dates import date_range_error, earliest_month, month_range_error
from participants.coverage import PAY_AHEAD_MONTHS, payable_problems
from participants.models import Contribution, FundingSource, Occupation, Participant
from participants.months import month_end
from participants.rules import RuleBook, RuleError, amount_mismatch, contribution_due, override_reason_text
from participants.services import history_reason, participant_register
from participants.stats_delta import stats_tracking
from reconciliation.imports import sex_from_nik
from reconciliation.models import Extract, Finding, FindingKind, Shape
from reconciliation.services import require_reconciler
from villages.models import Village

# The income a worker registered from the extract is given (the lowest base of the contribution rules);
# the official corrects it on the participant's page.
REGISTER_INCOME = 1_000_000


@dataclass(frozen=True)
class PlannedMonth:
    """A paid month the core system has and this application lacks, as it would be written."""

    finding: Finding
    amount: int
    reason: str  # the history's
    paid_on: datetime.date
    channel: str


@dataclass
class Plan:
    """What applying would write, for the preview, and what it cannot (with why)."""

    months: list[PlannedMonth] = field(default_factory=list)
    kpjs: list[Finding] = field(default_factory=list)
    registrations: list[tuple[Finding, Village]] = field(default_factory=list)
    refused: list[tuple[Finding, str]] = field(default_factory=list)

    @property
    def empty(self) -> bool:
        return not (self.months or self.kpjs or self.registrations)


def extract_apply_plan(
    *, extract: Extract, user, add_months: bool, fill_kpj: bool, register: dict[int, Village]
) -> Plan:
    """What `extract_apply` would write now with these choices (read only): each month the core system paid
    and this application is missing, each KPJ to fill, each worker to register; and what the rules refuse."""
    require_reconciler(user)
    plan = Plan()
    findings = extract.findings.select_related("participant", "row")
    if fill_kpj:
        taken = set(Participant.objects.exclude(kpj=None).values_list("kpj", flat=True))
        for finding in findings.filter(kind=FindingKind.KPJ_MISSING):
            participant = finding.participant
            if participant is None or participant.kpj:
                continue
            if finding.kpj in taken:
                plan.refused.append((finding, "KPJ ini kini dipakai peserta lain."))
            else:
                plan.kpjs.append(finding)
                taken.add(finding.kpj)
    registered = set(Participant.objects.values_list("nik", flat=True))
    for finding in findings.filter(kind=FindingKind.CORE_ONLY, pk__in=list(register)):
        if not finding.nik:
            plan.refused.append((finding, "Tanpa NIK pekerja ini tidak dapat didaftarkan."))
        elif finding.nik not in registered:
            plan.registrations.append((finding, register[finding.pk]))
    if add_months:
        missing = list(findings.filter(kind=FindingKind.MISSING_HERE, participant__isnull=False))
        _plan_months(plan, extract=extract, missing=missing)
    return plan


def _plan_months(plan: Plan, *, extract: Extract, missing: list[Finding]) -> None:
    """The months of `missing` (findings, saved or not, with their participant) that may be written now, under
    the rules `participants.services.contribution_record` applies to a payment recorded by branch staff as a
    correction with its evidence (the extract): a month from the programme's start, within the participant's
    enrolment and exit and at most PAY_AHEAD_MONTHS ahead (`payable_problems`), not paid already; a payment date in
    the plausible range; each month's amount the rules' (`contribution_due`, the participant's funding source and
    programmes), or the core system's with the rules' own kept in the history ("Beda dari aturan")."""
    rules = RuleBook.load()
    paid = set(
        Contribution.objects.filter(participant_id__in={f.participant_id for f in missing}).values_list(
            "participant_id", "month"
        )
    )
    today = timezone.localdate()
    for finding in missing:
        participant = finding.participant
        if (participant.pk, finding.month) in paid:
            continue  # recorded meanwhile (or by an earlier application): nothing to do
        problems = payable_problems(
            enrolled_on=participant.enrolled_on,
            exit_date=participant.exit_date,
            months=[finding.month],
            paid_months=(),
            correction=True,
            may_correct=True,
        )
        if finding.month < earliest_month():
            problems.append(month_range_error(finding.month, horizon_months=PAY_AHEAD_MONTHS))
        row = _payment_row(extract, finding)
        paid_on = row.paid_on if row and row.paid_on else min(month_end(finding.month), today)
        if date_range_error(paid_on):
            problems.append(f"Tanggal bayar: {date_range_error(paid_on)}")
        if problems:
            plan.refused.append((finding, " ".join(str(problem) for problem in problems)))
            continue
        try:
            due = contribution_due(participant=participant, month=finding.month, rules=rules)
        except RuleError as error:
            plan.refused.append((finding, " ".join(error.messages)))
            continue
        amount = row.amount if row is not None and row.amount else due.total
        reason = extract.source_label
        if amount_mismatch(paid=amount, dues=[due]):
            reason = history_reason(reason, override_reason_text(reason="menurut sistem inti", dues=[due]))
        channel = row.channel if row and row.channel else Contribution.Channel.AGENT
        plan.months.append(PlannedMonth(finding, amount, reason, paid_on, channel))
        paid.add((participant.pk, finding.month))  # a month the extract repeats (by NIK and by KPJ) is written once


def _payment_row(extract: Extract, finding: Finding):
    """The extract's row of the finding's month (a payment list), for its amount, payment date and channel."""
    if extract.shape != Shape.PAYMENTS:
        return None
    identity = {"nik": finding.nik} if finding.nik else {"kpj": finding.kpj}
    return extract.rows.filter(month=finding.month, **identity).first() or (
        extract.rows.filter(month=finding.month, kpj=finding.kpj).first() if finding.kpj else None
    )


@transaction.atomic
def extract_apply(
    *, extract: Extract, user, add_months: bool, fill_kpj: bool, register: dict[int, Village]
) -> dict[str, int]:
    """Write what staff chose, in one transaction, through the participants' rules: register the chosen workers
    into the chosen villages (`participant_register`: NIK validation, dates), fill KPJ numbers (checked as the
    form checks them, in bulk), add the paid months the core system has and this application lacks (the arrears
    limit and the rates of the contribution rules; the core's amount kept with the rules' own in the history
    when they differ). The history names the source ("ekstrak sistem inti <date>"). Nothing is deleted;
    months recorded here and unpaid in the core system stay, flagged. Applying again writes nothing new.
    Returns the counts written."""
    require_reconciler(user)
    extract = Extract.objects.select_for_update().get(pk=extract.pk)
    if extract.status == Extract.Status.PREVIEW:
        raise ValidationError("Cocokkan ekstrak ini dulu sebelum menerapkannya.")
    for village in register.values():
        if not Village.objects.for_user(user).filter(pk=village.pk).exists():
            raise PermissionDenied
    now = timezone.now()
    written: dict = {"registered": 0, "kpj": 0, "months": 0, "refused": []}
    plan = extract_apply_plan(extract=extract, user=user, add_months=False, fill_kpj=fill_kpj, register=register)
    registered = []
    for finding, village in plan.registrations:
        try:
            with transaction.atomic():  # a savepoint: a worker the rules refuse is reported, the rest goes on
                participant = participant_register(user=user, village=village, **_registration(extract, finding))
        except ValidationError as error:
            written["refused"].append(f"{finding.name}: {' '.join(error.messages)}")
            continue
        update_change_reason(participant, extract.source_label)
        Finding.objects.filter(pk=finding.pk).update(participant=participant, village=village, applied_at=now)
        written["registered"] += 1
        registered.append(_months_of_registered(extract, finding, participant))
    written["kpj"] = _fill_kpjs(plan.kpjs, user=user, reason=extract.source_label, now=now)
    if add_months:
        months = Plan()
        missing = list(
            extract.findings.filter(kind=FindingKind.MISSING_HERE, participant__isnull=False).select_related(
                "participant"
            )
        )
        missing += [finding for found in registered for finding in found]
        # As the payment form does: the participants' rows locked before their paid months are read, so a month
        # recorded meanwhile by someone else is seen (and skipped), never written twice.
        list(
            Participant.objects.select_for_update()
            .filter(pk__in={finding.participant_id for finding in missing})
            .order_by("pk")
            .values_list("pk", flat=True)
        )
        _plan_months(months, extract=extract, missing=missing)
        written["months"] = _write_months(extract, user, months.months, now)
        written["refused"] += [f"{f.name} {f.month:%m/%Y}: {why}" for f, why in months.refused]
    if written["registered"] or written["kpj"] or written["months"]:
        extract.status = Extract.Status.APPLIED
    extract.applications = [
        *extract.applications,
        {"at": now.isoformat(), "by": user.get_username(), **written, "refused": len(written["refused"])},
    ]
    extract.save(update_fields=["status", "applications"])
    return written


def _fill_kpjs(findings: list[Finding], *, user, reason: str, now) -> int:
    """Each participant's KPJ from the core system, checked as the form checks it (11 digits; unique: the plan
    left out a KPJ another participant holds), written in bulk with its history. A KPJ enters no statistic."""
    participants = []
    others = [field.name for field in Participant._meta.concrete_fields if field.name != "kpj"]
    for finding in findings:
        participant = finding.participant
        participant.kpj = finding.kpj
        participant.clean_fields(exclude=others)
        participant.updated_at = now
        participants.append(participant)
    bulk_update_with_history(
        participants, Participant, ["kpj", "updated_at"], batch_size=500, default_user=user,
        default_change_reason=reason,
    )  # fmt: skip
    Finding.objects.filter(pk__in=[finding.pk for finding in findings]).update(applied_at=now)
    return len(participants)


def _registration(extract: Extract, finding: Finding) -> dict:
    """A worker's registration from the extract: what it says (name, sex, birth date, KPJ, JHT, registration
    date, else the first month it says they paid, else the extract's date) and defaults for what it cannot say
    (occupation lainnya, income REGISTER_INCOME, self-funded), which the official corrects."""
    row = finding.row
    nik = finding.nik
    first_paid = extract.rows.filter(nik=nik).exclude(month=None).order_by("month").values_list("month", flat=True)
    registered_on = (row.registered_on if row else None) or (first_paid[0] if first_paid else extract.extract_date)
    if first_paid and first_paid[0] < registered_on:
        registered_on = first_paid[0]
    return {
        "nik": nik,
        "kpj": finding.kpj or None,
        "name": finding.name or (row.name if row else "") or nik,
        "sex": (row.sex if row and row.sex else sex_from_nik(nik)),
        "birth_date": (row.birth_date if row and row.birth_date else _birth_from_nik(nik)),
        "occupation": Occupation.OTHER,
        "monthly_income": REGISTER_INCOME,
        "funding_source": FundingSource.SELF,
        "has_jht": bool(row and row.has_jht),
        "enrolled_on": registered_on,
    }


def _birth_from_nik(nik: str) -> datetime.date | None:
    day, month, year = int(nik[6:8]) % 40, int(nik[8:10]), int(nik[10:12])
    century = 1900 if 2000 + year > timezone.localdate().year else 2000
    try:
        return datetime.date(century + year, month, day)
    except ValueError:
        return None


def _months_of_registered(extract: Extract, finding: Finding, participant: Participant) -> list[Finding]:
    """A worker just registered from the extract: the months the extract says they paid, as (unsaved) findings
    to write with the others (there was no one here to compare them with)."""
    if extract.shape == Shape.PAYMENTS:
        months = set(extract.rows.filter(nik=participant.nik).exclude(month=None).values_list("month", flat=True))
    else:
        months = {finding.row.month} if finding.row and finding.row.month else set()
    return [
        Finding(
            extract=extract,
            kind=FindingKind.MISSING_HERE,
            participant=participant,
            nik=participant.nik,
            kpj=participant.kpj or "",
            name=participant.name,
            month=month,
        )
        for month in sorted(months)
    ]


def _write_months(extract: Extract, user, months: list[PlannedMonth], now) -> int:
    """The planned months in bulk, each with its history reason; the statistics change by the difference they make
    to their participants (`stats_delta.stats_tracking`), never by rebuilding a village. The participants' rows
    are locked by the caller before the months were planned, so no one records one of them meanwhile."""
    contributions = []
    for planned in months:
        participant = planned.finding.participant
        contribution = Contribution(
            participant=participant,
            month=planned.finding.month,
            amount=planned.amount,
            paid_on=planned.paid_on,
            channel=planned.channel,
            funding_source=participant.funding_source,
            recorded_by=user,
        )
        contribution.full_clean(validate_unique=False, validate_constraints=False)
        contribution._change_reason = planned.reason
        contributions.append(contribution)
    with stats_tracking(participant_ids={contribution.participant_id for contribution in contributions}):
        bulk_create_with_history(contributions, Contribution, batch_size=500, default_user=user)
    Finding.objects.filter(pk__in=[planned.finding.pk for planned in months if planned.finding.pk]).update(
        applied_at=now
    )
    return len(contributions)
