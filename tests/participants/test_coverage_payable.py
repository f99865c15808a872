"""The arrears limit (Perdir BPJS Ketenagakerjaan 22/2022): which months can be paid, and the staff correction.

The rule itself on its own, then the issue's case through every way in: on 1 December 2026 a nonaktif worker
(last paid 12/2025) tries to pay January–December 2026 through the payment form, the monthly screen and the
contribution import, and is refused with a message that says why and what to do; branch staff record the
same months as a correction with a reason, which the audit history keeps.
"""

from __future__ import annotations

import datetime
import io

import pytest
import time_machine
from django.core.exceptions import ValidationError
from django.urls import reverse
from openpyxl import Workbook

from participants import services
from participants.coverage import GraceSchedule, first_payable_month, payable_problems
from participants.imports import ImportFileError, import_confirm, import_upload
from participants.models import Contribution, ImportBatch
from participants.months import month_range
from participants.rules import contribution_due
from tests.factories import ContributionFactory, ParticipantFactory

d = datetime.date
PERDIR = GraceSchedule(rules=((d(2022, 7, 1), 3),), regulations=("Perdir 22/2022",))
DECEMBER = d(2026, 12, 1)
YEAR_2026 = list(month_range(d(2026, 1, 1), DECEMBER))
ENROLLED = d(2025, 1, 10)


def problems(months, *, paid=(), enrolled_on=ENROLLED, exit_date=None, graces=PERDIR, **options):
    return payable_problems(
        enrolled_on=enrolled_on,
        exit_date=exit_date,
        months=months,
        paid_months=set(paid),
        graces=graces,
        today=d(2026, 12, 1),
        **options,
    )


def test_the_current_month_and_twelve_ahead_can_be_paid():
    assert problems([DECEMBER]) == []
    assert problems(list(month_range(DECEMBER, d(2027, 12, 1)))) == []
    assert problems([d(2028, 1, 1)]) == ["Bulan iuran paling jauh 12 bulan ke depan."]


def test_arrears_within_the_grace_can_be_paid():
    paid = {d(2026, 9, 1)}
    assert problems([d(2026, 10, 1), d(2026, 11, 1)], paid=paid) == []
    assert first_payable_month(enrolled_on=d(2025, 1, 10), paid_months=paid, graces=PERDIR, today=DECEMBER) == d(
        2026, 10, 1
    )
    # A gap within the grace (paid 09 and 11, 10 unpaid) can be filled too.
    assert problems([d(2026, 10, 1)], paid={d(2026, 9, 1), d(2026, 11, 1)}) == []


def test_a_nonaktif_participant_continues_from_the_current_month():
    paid = set(month_range(d(2025, 1, 1), d(2025, 12, 1)))
    [message] = problems(YEAR_2026, paid=paid)
    assert message.startswith("Bulan 01/2026–11/2026 tidak dapat dibayar lagi (tunggakan paling banyak 3 bulan")
    assert "Perdir 22/2022" in message and "Iuran terakhir 12/2025" in message
    assert message.endswith("hubungi staf cabang untuk koreksi.")
    [for_staff] = problems(YEAR_2026, paid=paid, may_correct=True)
    assert for_staff.endswith("catat sebagai koreksi dengan alasannya.")
    assert problems(YEAR_2026, paid=paid, correction=True) == []
    assert problems([DECEMBER], paid=paid) == []
    assert first_payable_month(enrolled_on=d(2025, 1, 10), paid_months=paid, graces=PERDIR, today=DECEMBER) == DECEMBER
    # Once the current month is paid, the months before it stay history.
    assert problems([d(2026, 11, 1)], paid=paid | {DECEMBER})


def test_a_first_payment_reaches_back_at_most_the_grace():
    assert problems([d(2026, 9, 1)], enrolled_on=d(2026, 1, 5)) == []
    [message] = problems([d(2026, 8, 1)], enrolled_on=d(2026, 1, 5))
    assert "belum pernah membayar" in message and "mulai 09/2026" in message
    assert first_payable_month(enrolled_on=d(2026, 1, 5), paid_months=set(), graces=PERDIR, today=DECEMBER) == d(
        2026, 9, 1
    )
    assert first_payable_month(enrolled_on=d(2026, 11, 20), paid_months=set(), graces=PERDIR, today=DECEMBER) == d(
        2026, 11, 1
    )
    # A payment recorded for a month before the enrolment month starts nothing.
    assert problems([d(2026, 8, 1)], enrolled_on=d(2026, 1, 5), paid={d(2025, 12, 1)})


def test_the_grace_is_the_rule_in_force_in_the_current_month():
    none = GraceSchedule(rules=((d(2022, 7, 1), 3), (d(2026, 12, 1), 0)), regulations=("Perdir 22/2022", "uji"))
    assert problems([d(2026, 11, 1)], paid={d(2026, 10, 1)}, graces=none)
    assert problems([d(2026, 11, 1)], paid={d(2026, 10, 1)}) == []


# --- the case, through every way in -----------------------------------------------------------------------


@pytest.fixture
def december():
    with time_machine.travel(datetime.datetime(2026, 12, 1, 9, tzinfo=datetime.UTC), tick=False):
        yield


@pytest.fixture
def nonaktif(batang_barus, december):
    worker = ParticipantFactory(
        village=batang_barus, name="Pak Nonaktif", enrolled_on=d(2025, 1, 10), monthly_income=1_000_000
    )
    for month in month_range(d(2025, 1, 1), d(2025, 12, 1)):
        ContributionFactory(participant=worker, month=month)
    return worker


def year_total(worker) -> int:
    return sum(contribution_due(participant=worker, month=month).total for month in YEAR_2026)


def payment(worker, **extra) -> dict:
    return {
        "first_month": "01/2026",
        "months": "12",
        "amount": str(year_total(worker)),
        "paid_on": "01/12/2026",
        "channel": "agen_perisai",
        "funding_source": "mandiri",
        **extra,
    }


def paid_2026(worker) -> list:
    return list(worker.contributions.filter(month__year=2026).order_by("month").values_list("month", flat=True))


def test_the_payment_form_refuses_a_year_of_back_payments(client, official, nonaktif):
    client.force_login(official)
    url = reverse("participants:contribution_create", args=[nonaktif.pk])
    page = client.get(url)
    assert page.context["form"].initial["first_month"] == DECEMBER  # proposed: the current month
    response = client.post(url, payment(nonaktif))
    assert response.status_code == 200
    assert "Bulan 01/2026–11/2026 tidak dapat dibayar lagi" in response.text
    assert "hubungi staf cabang untuk koreksi" in response.text
    assert "correction_reason" not in response.text  # an official has no correction field
    assert paid_2026(nonaktif) == []


def test_the_monthly_screen_locks_and_refuses_an_old_month(client, official, nonaktif):
    client.force_login(official)
    url = reverse("participants:monthly")
    page = client.get(url, {"month": "01/2026"})
    assert 'data-testid="not-payable"' in page.text and "Pak Nonaktif" in page.text
    data = {"month": "01/2026", "paid_on": "01/12/2026", "channel": "agen_perisai", "paid": [str(nonaktif.pk)]}
    response = client.post(url, data)
    assert "Pak Nonaktif: Bulan 01/2026 tidak dapat dibayar lagi" in response.text
    assert paid_2026(nonaktif) == []
    # The current month is theirs to pay.
    data["month"] = "12/2026"
    assert client.post(url, data).status_code == 302
    assert paid_2026(nonaktif) == [DECEMBER]


def workbook(worker) -> bytes:
    book = Workbook()
    book.active.append(["NIK", "Bulan", "Jumlah"])
    for month in YEAR_2026:
        book.active.append([worker.nik, f"{month:%m/%Y}", contribution_due(participant=worker, month=month).total])
    output = io.BytesIO()
    book.save(output)
    return output.getvalue()


def test_an_officials_import_of_old_months_gives_error_rows(official, nonaktif):
    batch = import_upload(
        user=official, kind=ImportBatch.Kind.CONTRIBUTIONS, name="iuran.xlsx", content=workbook(nonaktif)
    )
    assert batch.summary["counts"] == {"new": 1, "updated": 0, "unchanged": 0, "error": 11}
    assert batch.summary["corrections"] == 0
    first_error = batch.summary["errors"][0]
    assert first_error[:2] == [2, "Bulan"]
    assert "Bulan 01/2026 tidak dapat dibayar lagi" in first_error[2] and "hubungi staf cabang" in first_error[2]
    import_confirm(batch=batch, user=official)
    assert paid_2026(nonaktif) == [DECEMBER]


def test_staff_record_the_old_months_as_a_correction_with_a_reason(client, staff_user, official, nonaktif):
    client.force_login(staff_user)
    detail = client.get(reverse("participants:detail", args=[nonaktif.pk]))
    assert 'data-testid="correction-link"' in detail.text
    url = reverse("participants:contribution_create", args=[nonaktif.pk])
    refused = client.post(url, payment(nonaktif))
    assert "catat sebagai koreksi dengan alasannya" in refused.text
    assert paid_2026(nonaktif) == []
    response = client.post(url, payment(nonaktif, correction_reason="Kuitansi agen PERISAI 2026 ditemukan"))
    assert response.status_code == 302
    assert paid_2026(nonaktif) == YEAR_2026
    reasons = set(
        Contribution.history.filter(participant_id=nonaktif.pk, month__year=2026).values_list(
            "history_change_reason", "history_user"
        )
    )
    assert reasons == {("Koreksi staf: Kuitansi agen PERISAI 2026 ditemukan", staff_user.pk)}
    # An official sees no such link, and the service refuses their correction.
    client.force_login(official)
    assert 'data-testid="correction-link"' not in client.get(reverse("participants:detail", args=[nonaktif.pk])).text
    with pytest.raises(ValidationError) as refused_official:
        services.contribution_record(
            user=official,
            participant=nonaktif,
            first_month=d(2024, 12, 1),
            months=1,
            amount=16_800,
            paid_on=d(2026, 12, 1),
            channel="agen_perisai",
            funding_source="mandiri",
            correction_reason="saya juga",
        )
    assert refused_official.value.message_dict == {
        "correction_reason": ["Hanya staf cabang yang dapat mencatat koreksi bulan lama."]
    }


def test_a_correction_reason_fits_the_audit_history(staff_user, nonaktif):
    with pytest.raises(ValidationError) as too_long:
        services.contribution_record(
            user=staff_user,
            participant=nonaktif,
            first_month=d(2026, 1, 1),
            months=1,
            amount=16_800,
            paid_on=d(2026, 12, 1),
            channel="agen_perisai",
            funding_source="mandiri",
            correction_reason="x" * 81,
        )
    assert too_long.value.message_dict == {"correction_reason": ["Alasan koreksi paling panjang 80 huruf."]}
    assert paid_2026(nonaktif) == []


def test_a_staff_import_of_old_months_is_a_correction(client, staff_user, nonaktif):
    batch = import_upload(
        user=staff_user, kind=ImportBatch.Kind.CONTRIBUTIONS, name="iuran.xlsx", content=workbook(nonaktif)
    )
    assert batch.summary["counts"] == {"new": 12, "updated": 0, "unchanged": 0, "error": 0}
    assert batch.summary["corrections"] == 11
    client.force_login(staff_user)
    preview = client.get(reverse("participants:import_preview", args=[batch.pk]))
    assert 'data-testid="corrections"' in preview.text and "koreksi bulan lama" in preview.text
    with pytest.raises(ImportFileError, match="Isi alasan koreksi"):
        import_confirm(batch=batch, user=staff_user)
    assert paid_2026(nonaktif) == []
    response = client.post(
        reverse("participants:import_preview", args=[batch.pk]), {"correction_reason": "Rekap bendahara 2026"}
    )
    assert response.status_code == 302
    assert paid_2026(nonaktif) == YEAR_2026
    reasons = dict(
        Contribution.history.filter(participant_id=nonaktif.pk, month__year=2026).values_list(
            "month", "history_change_reason"
        )
    )
    source = f"impor iuran.xlsx {DECEMBER:%d/%m/%Y}"
    assert reasons == {
        month: f"Koreksi staf: Rekap bendahara 2026; {source}" if month < DECEMBER else source for month in YEAR_2026
    }
