"""End to end, as the issue will be checked: an extract made from a demo branch in a header dialect of its own,
with deliberate disagreements, uploaded by branch staff through the pages; every disagreement found and counted
exactly; applying changes exactly what was chosen, and a second application nothing."""

from __future__ import annotations

import datetime
import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from openpyxl import Workbook

from demo.branch import demo_branch_build
from demo.core_extract import core_extract_build
from participants.models import Contribution, Participant, VillageMonthStat
from reconciliation.models import Extract, FindingKind

pytestmark = [pytest.mark.django_db(transaction=False), pytest.mark.slow]

TODAY = datetime.date(2026, 12, 15)


def workbook(extract) -> bytes:
    book = Workbook()
    sheet = book.active
    sheet.append(["DATA IURAN BPU"])
    sheet.append(list(extract.headers))
    for row in extract.rows:
        sheet.append(row)
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def test_a_demo_extract_is_reconciled_exactly(client, staff_user):
    demo_branch_build(seed=2019, scale=0.03, today=TODAY)
    core = core_extract_build(today=TODAY, seed=7)
    client.force_login(staff_user)
    response = client.post(
        reverse("reconciliation:index"),
        {"file": SimpleUploadedFile("ekstrak-inti.xlsx", workbook(core)), "shape": "", "extract_date": "14/12/2026"},
    )
    extract = Extract.objects.get()
    assert response["Location"] == reverse("reconciliation:preview", args=[extract.pk])
    assert extract.batch.summary["counts"] == {"new": len(core.rows), "updated": 0, "unchanged": 0, "error": 0}
    client.post(reverse("reconciliation:preview", args=[extract.pk]))
    extract.refresh_from_db()
    counts = extract.summary["counts"]
    assert core.expected["bulan_kurang"] == 3 and core.expected["bulan_lebih"] == 2
    assert {kind: counts[kind] for kind in core.expected} == dict(core.expected)
    assert counts["hanya_sini"] == 0 and counts["kpj_kosong"] == 0

    before = Contribution.objects.count(), Participant.objects.count()
    apply_url = reverse("reconciliation:apply", args=[extract.pk])
    # Chosen: the missing months only; the unknown worker is not registered, no KPJ is filled.
    preview = client.post(apply_url, {"add_months": "1", "action": "pratinjau"})
    assert f'data-testid="plan-months">{core.expected["bulan_kurang"]}<' in preview.content.decode()
    assert (Contribution.objects.count(), Participant.objects.count()) == before
    missing = list(extract.findings.filter(kind=FindingKind.MISSING_HERE).values_list("participant", "month"))
    stats_before = {
        (village, month): VillageMonthStat.objects.get(village_id=village, month=month).active
        for village, month in {(Participant.objects.get(pk=p).village_id, m) for p, m in missing}
    }
    client.post(apply_url, {"add_months": "1", "action": "terapkan"})
    assert Contribution.objects.count() == before[0] + core.expected["bulan_kurang"]
    assert Participant.objects.count() == before[1]
    for participant, month in missing:
        added = Contribution.objects.get(participant=participant, month=month)
        assert added.history.first().history_change_reason.startswith("ekstrak sistem inti 14/12/2026")
    # The statistics follow the months written.
    for (village, month), active in stats_before.items():
        gained = sum(1 for p, m in missing if m == month and Participant.objects.get(pk=p).village_id == village)
        assert VillageMonthStat.objects.get(village_id=village, month=month).active == active + gained
    # Months recorded here and unpaid in the core system stay.
    for finding in extract.findings.filter(kind=FindingKind.UNPAID_IN_CORE):
        assert Contribution.objects.filter(participant=finding.participant, month=finding.month).exists()
    # A second application: nothing.
    history = Contribution.history.count()
    client.post(apply_url, {"add_months": "1", "action": "terapkan"})
    assert Contribution.objects.count() == before[0] + core.expected["bulan_kurang"]
    assert Contribution.history.count() == history
