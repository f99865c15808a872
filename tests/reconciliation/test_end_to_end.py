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

from core.formatting import format_thousands
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


def csv_file(extract, *, rename: dict[str, str]) -> bytes:
    headers = [rename.get(header, header) for header in extract.headers]
    lines = [";".join(headers), *(";".join("" if cell is None else str(cell) for cell in row) for row in extract.rows)]
    return "\r\n".join(lines).encode("utf-8-sig")


def test_a_demo_extract_in_another_dialect_through_the_pages(client, staff_user):
    """As the issue will be checked, in a dialect no other test uses: a CSV with the month in two columns (BLN as a
    number or a name, THN), one header no synonym knows (mapped by hand in the preview), the demo branch's months
    with deliberate disagreements; every count found exactly, in both readings; applying changes exactly what was
    chosen (the missing months, and the unknown worker registered into the village the extract names); a second
    application nothing."""
    demo_branch_build(seed=2020, scale=0.03, today=TODAY)
    core = core_extract_build(today=TODAY, seed=11, dialect="terpisah")
    client.force_login(staff_user)
    content = csv_file(core, rename={"KPJ BARU": "NOMOR REG KPJ"})
    response = client.post(
        reverse("reconciliation:index"),
        {"file": SimpleUploadedFile("iuran-bpu.csv", content), "shape": "", "extract_date": "14/12/2026"},
    )
    extract = Extract.objects.get()
    assert response["Location"] == reverse("reconciliation:preview", args=[extract.pk])
    assert extract.mapping == {
        "NOMOR REG KPJ": "", "NIK TK": "nik", "NAMA PEKERJA": "name", "BLN": "month", "THN": "year", "JML": "amount",
        "TGL PEMBAYARAN": "paid_on", "MEDIA BAYAR": "channel", "KODE DESA KEL": "village_code",
    }  # fmt: skip
    page = client.get(response["Location"]).content.decode()
    assert ">Tahun Iuran</option>" in page
    # Staff map the unknown header to the KPJ in the preview.
    # The page lists the headers in the file's order (first: the KPJ's), whatever order the database keeps.
    assert [header for header, _ in extract.mapping_items] == [
        "NOMOR REG KPJ",
        *(header for header in core.headers[1:]),
    ]
    mapped = enumerate(extract.mapping_items)
    choices = {f"col_{index}": column or ("kpj" if index == 0 else "") for index, (_, column) in mapped}
    response = client.post(reverse("reconciliation:remap", args=[extract.pk]), {**choices, "shape": "iuran"})
    extract = Extract.objects.get()
    assert extract.mapping["NOMOR REG KPJ"] == "kpj"
    assert extract.batch.summary["counts"] == {"new": len(core.rows), "updated": 0, "unchanged": 0, "error": 0}
    client.post(reverse("reconciliation:preview", args=[extract.pk]))
    extract.refresh_from_db()
    counts = extract.summary["counts"]
    assert {kind: counts[kind] for kind in core.expected} == dict(core.expected)
    assert counts["hanya_sini"] == 0 and counts["kpj_kosong"] == 0
    # Both readings of the branch, counted here independently.
    first, last = core.first, core.last
    conflict_nik = extract.findings.get(kind=FindingKind.CONFLICT).nik
    confirmed_rows = [row for row in core.rows if row[1] != conflict_nik]
    readings = extract.summary["readings"]
    assert readings["months"] == [
        Contribution.objects.filter(month__gte=first, month__lte=last).count(),
        len(confirmed_rows),
    ]
    month_of = {number: number for number in range(1, 13)} | {
        word: n for n, word in enumerate(("Jan", "Feb", "Mar", "Apr", "Mei", "Jun", "Jul", "Agu", "Sep", "Okt", "Nov",
                                          "Des"), start=1)
    }  # fmt: skip
    assert readings["active"] == [
        sum(VillageMonthStat.objects.filter(month=last).values_list("active", flat=True)),
        len({row[1] for row in confirmed_rows if (month_of[row[3]], row[4]) == (last.month, last.year)}),
    ]
    assert readings["amount"][1] == sum(row[5] for row in confirmed_rows)
    page = client.get(reverse("reconciliation:result", args=[extract.pk])).content.decode()
    assert f'data-testid="confirmed-months">{format_thousands(len(confirmed_rows))}<' in page

    before = Contribution.objects.count(), Participant.objects.count()
    apply_url = reverse("reconciliation:apply", args=[extract.pk])
    chosen = {"add_months": "1", "register_known": "1"}
    preview = client.post(apply_url, {**chosen, "action": "pratinjau"}).content.decode()
    assert f'data-testid="plan-months">{core.expected["bulan_kurang"]}<' in preview
    assert 'data-testid="plan-registrations">1<' in preview
    assert (Contribution.objects.count(), Participant.objects.count()) == before
    client.post(apply_url, {**chosen, "action": "terapkan"})
    unknown = extract.findings.get(kind=FindingKind.CORE_ONLY)
    worker = Participant.objects.get(nik=unknown.nik)
    assert worker.village == unknown.village and worker.contributions.count() == 2
    assert Contribution.objects.count() == before[0] + core.expected["bulan_kurang"] + 2
    assert Participant.objects.count() == before[1] + 1
    history = Contribution.history.count(), Participant.history.count()
    client.post(apply_url, {**chosen, "action": "terapkan"})
    after = before[0] + core.expected["bulan_kurang"] + 2, before[1] + 1
    assert (Contribution.objects.count(), Participant.objects.count()) == after
    assert (Contribution.history.count(), Participant.history.count()) == history
