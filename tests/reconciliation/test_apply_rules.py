"""Months applied from an extract go in by bulk insert: every rule the payment service applies holds for them.
Each month the application plans is accepted by `participants.services.contribution_record` (branch staff, the
extract as the correction's evidence) with the same amount, and each month it refuses the service refuses too;
after applying, the statistics are exactly what a full rebuild gives."""

from __future__ import annotations

import datetime

import pytest
from django.core.exceptions import ValidationError
from django.db import transaction

from participants.models import Contribution, Participant, VillageMonthStat
from participants.rules import amount_mismatch, contribution_due
from participants.services import contribution_record
from participants.stats import stats_refresh
from reconciliation import applying, services
from reconciliation.models import FindingKind
from tests.reconciliation.conftest import NOV, OCT, PAYMENT_HEADERS, SEP, kpj, person, xlsx

EXTRACT_DAY = datetime.date(2026, 12, 10)
OLD = datetime.date(2025, 3, 1)  # long past the arrears limit: only a correction by branch staff records it


def through_the_service(user, *, participant, month, amount, paid_on, channel, source) -> Contribution:
    """What the payment service records for one month paid, by branch staff, with the extract as evidence."""
    due = contribution_due(participant=participant, month=month)
    [recorded] = contribution_record(
        user=user,
        participant=participant,
        first_month=month,
        months=1,
        amount=amount,
        paid_on=paid_on,
        channel=channel,
        funding_source=participant.funding_source,
        override_reason="menurut sistem inti" if amount_mismatch(paid=amount, dues=[due]) else "",
        correction_reason=source,
    )
    return recorded


def snapshot() -> dict:
    fields = [f.name for f in VillageMonthStat._meta.concrete_fields if f.name not in ("id", "updated_at")]
    return {(row["village"], row["month"]): row for row in VillageMonthStat.objects.values(*fields)}


@pytest.fixture
def extract(branch, staff_user, batang_barus):
    exited = person(batang_barus, 20, kpj_number=kpj(20), months=[SEP])
    exited.exit_date, exited.exit_reason = datetime.date(2026, 10, 15), Participant.ExitReason.MOVED
    exited.save()
    old = person(batang_barus, 21, kpj_number=kpj(21), months=[])
    b = branch

    def pay(number, nik, name, month, amount="8.400", paid_on=None):
        return [kpj(number), nik, name, f"{month:%Y%m}", amount, paid_on or f"20/{month:%m/%Y}", "BANK", ""]

    rows = [
        *b.rows,
        pay(20, exited.nik, exited.name, NOV),  # after the exit: refused
        pay(21, old.nik, old.name, OLD, paid_on="05/01/2026"),  # a correction, with its evidence
        pay(1, b.agree.nik, "Ahmad Yani", datetime.date(2023, 12, 1)),  # before the enrolment: refused
        pay(4, b.no_kpj.nik, b.no_kpj.name, OCT, amount="20.000"),  # another amount than the rules'
    ]
    upload = services.extract_upload(
        user=staff_user, name="e.xlsx", content=xlsx(PAYMENT_HEADERS, rows), shape="", extract_date=EXTRACT_DAY
    )
    return services.extract_confirm(extract=upload, user=staff_user)


def test_applied_months_pass_the_payment_services_rules(extract, staff_user, sikalang):
    plan = applying.extract_apply_plan(extract=extract, user=staff_user, add_months=True, fill_kpj=False, register={})
    assert len(plan.months) == 3 and len(plan.refused) == 2
    expected = {}
    for planned in plan.months:
        with transaction.atomic():
            recorded = through_the_service(
                staff_user,
                participant=planned.finding.participant,
                month=planned.finding.month,
                amount=planned.amount,
                paid_on=planned.paid_on,
                channel=planned.channel,
                source=extract.source_label,
            )
            expected[(recorded.participant_id, recorded.month)] = (
                recorded.amount, recorded.paid_on, recorded.channel, recorded.funding_source,
            )  # fmt: skip
            transaction.set_rollback(True)
    for finding, why in plan.refused:
        row = applying._payment_row(extract, finding)
        with pytest.raises(ValidationError), transaction.atomic():
            through_the_service(
                staff_user, participant=finding.participant, month=finding.month, amount=row.amount,
                paid_on=row.paid_on, channel="bank_pos", source=extract.source_label,
            )  # fmt: skip
        assert "sebelum bulan daftar" in why or "keluar" in why

    unknown = extract.findings.get(kind=FindingKind.CORE_ONLY)
    written = applying.extract_apply(
        extract=extract, user=staff_user, add_months=True, fill_kpj=False, register={unknown.pk: sikalang}
    )
    assert written["months"] == 3 + 2 and len(written["refused"]) == 2
    for key, values in expected.items():
        contribution = Contribution.objects.get(participant_id=key[0], month=key[1])
        assert (contribution.amount, contribution.paid_on, contribution.channel, contribution.funding_source) == values
    # The amount the rules do not give is kept with the rules' own in the history, as the service keeps it.
    odd = Contribution.objects.get(participant__nik=extract.findings.get(kind=FindingKind.KPJ_MISSING).nik, month=OCT)
    assert odd.amount == 20_000
    assert odd.history.first().history_change_reason == (
        "ekstrak sistem inti 10/12/2026; Beda dari aturan (seharusnya Rp 8.400): menurut sistem inti"
    )
    # The registered worker's months pass the service's rules too.
    worker = Participant.objects.get(nik=unknown.nik)
    for contribution in list(worker.contributions.all()):
        with transaction.atomic():
            contribution.delete()
            again = through_the_service(
                staff_user, participant=worker, month=contribution.month, amount=contribution.amount,
                paid_on=contribution.paid_on, channel=contribution.channel, source=extract.source_label,
            )  # fmt: skip
            assert again.amount == contribution.amount
            transaction.set_rollback(True)


def test_statistics_after_applying_equal_a_full_rebuild(extract, staff_user, sikalang, batang_barus):
    unknown = extract.findings.get(kind=FindingKind.CORE_ONLY)
    applying.extract_apply(
        extract=extract, user=staff_user, add_months=True, fill_kpj=True, register={unknown.pk: sikalang}
    )
    by_difference = snapshot()
    stats_refresh(village_ids=[batang_barus.pk, sikalang.pk])
    assert snapshot() == by_difference


def test_a_payment_date_the_service_refuses_is_refused(branch, staff_user):
    b = branch
    rows = [[kpj(2), b.missing.nik, b.missing.name, f"{NOV:%Y%m}", "8.400", "01/01/1999", "BANK", ""]]
    upload = services.extract_upload(
        user=staff_user, name="e.xlsx", content=xlsx(PAYMENT_HEADERS, rows), shape="", extract_date=EXTRACT_DAY
    )
    extract = services.extract_confirm(extract=upload, user=staff_user)
    plan = applying.extract_apply_plan(extract=extract, user=staff_user, add_months=True, fill_kpj=False, register={})
    [(_, why)] = plan.refused
    assert plan.months == [] and why.startswith("Tanggal bayar: ")
    with pytest.raises(ValidationError, match="paid_on"), transaction.atomic():
        through_the_service(
            staff_user, participant=b.missing, month=NOV, amount=8_400, paid_on=datetime.date(1999, 1, 1),
            channel="bank_pos", source=extract.source_label,
        )  # fmt: skip
