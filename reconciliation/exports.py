"""The reconciliation's lists as .xlsx: formula-safe (`core.spreadsheets`), NIK masked as in every list,
scoped by the caller's selector, and logged in ExportLog (they carry names)."""

from __future__ import annotations

from django.utils import timezone
from openpyxl import Workbook

from core.spreadsheets import xlsx_bytes
from reconciliation.models import Extract, FindingKind
from villages.models import ExportLog

HEADER = ("Kode desa", "Desa", "Temuan", "NIK", "Nomor KPJ", "Nama", "Bulan", "Keterangan", "Diterapkan")


def findings_workbook(*, extract: Extract, user, findings, kind: str | None, village: str | None) -> bytes:
    workbook = Workbook()
    sheet = workbook.active
    sheet.title = "Temuan rekonsiliasi"
    sheet.append(["Rekonsiliasi", extract.source_label])
    sheet.append(["Daftar", str(FindingKind(kind).label) if kind else "Semua temuan"])
    sheet.append(["Diunduh", f"{timezone.localtime():%d/%m/%Y %H:%M} oleh {user.get_username()}"])
    sheet.append([])
    sheet.append(list(HEADER))
    count = 0
    for finding in findings.iterator(chunk_size=2000):
        sheet.append(
            [
                finding.village.code if finding.village else "",
                finding.village.name if finding.village else "belum ditempatkan",
                str(finding.get_kind_display()),
                finding.masked_nik,
                finding.kpj,
                finding.name,
                f"{finding.month:%m/%Y}" if finding.month else "",
                finding.detail,
                f"{timezone.localtime(finding.applied_at):%d/%m/%Y}" if finding.applied_at else "",
            ]
        )
        count += 1
    ExportLog.objects.create(
        user=user,
        what=f"Rekonsiliasi {extract.source_label}"[:200],
        file_format="xlsx",
        filters={"extract": str(extract.pk), "kind": kind or "", "village": village or ""},
        rows=count,
        personal_data=True,
    )
    return xlsx_bytes(workbook)
