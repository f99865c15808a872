"""Dashboard tables to .xlsx and CSV (written safely by `core.spreadsheets`), period and filters on top, logged."""

from __future__ import annotations

import re
from collections.abc import Sequence
from decimal import Decimal

from django.conf import settings
from django.http import HttpResponse
from django.utils import timezone
from django.utils.functional import Promise
from django.utils.text import slugify
from openpyxl import Workbook
from openpyxl.styles import Font

from core.formatting import format_datetime
from core.spreadsheets import csv_text, spreadsheet_response, xlsx_bytes
from villages.models import ExportLog

FORMATS = ("xlsx", "csv")


def _cell(value):
    """Numbers stay numbers (Decimal as float for spreadsheets), lazy labels become text, None stays empty."""
    if isinstance(value, Decimal):
        return float(value)
    if isinstance(value, Promise):
        return str(value)
    return value


def export_response(
    *,
    user,
    title: str,
    description: dict[str, str],
    header: Sequence[str],
    rows: Sequence[Sequence],
    file_format: str,
    personal_data: bool = False,
) -> HttpResponse:
    """One table as a file, its context (branch, period, filters, who and when) above it; recorded in ExportLog."""
    if file_format not in FORMATS:
        raise ValueError(f"Unknown export format {file_format!r}")
    now = timezone.localtime()
    context = [
        ("Judul", title),
        ("Cabang", settings.BRANCH_NAME),
        *description.items(),
        ("Diunduh", f"{format_datetime(now)} oleh {user.get_username()}"),
    ]
    filename = f"{slugify(title)}-{now:%Y%m%d-%H%M}.{file_format}"
    if file_format == "xlsx":
        workbook = Workbook()
        sheet = workbook.active
        # Excel forbids []:*?/\ in sheet titles and allows 31 characters.
        sheet.title = re.sub(r"[\[\]:*?/\\]", "-", title)[:31]
        for name, value in context:
            sheet.append([_cell(name), _cell(value)])
            sheet.cell(row=sheet.max_row, column=1).font = Font(bold=True)
        sheet.append([])
        sheet.append(list(header))
        for cell in sheet[sheet.max_row]:
            cell.font = Font(bold=True)
        for row in rows:
            sheet.append([_cell(value) for value in row])
        response = spreadsheet_response(xlsx_bytes(workbook), filename=filename)
    else:
        table = [[name, _cell(value)] for name, value in context] + [[], list(header)]
        table += [[_cell(value) for value in row] for row in rows]
        response = spreadsheet_response(csv_text(table), filename=filename)
    ExportLog.objects.create(
        user=user,
        what=title,
        file_format=file_format,
        filters=dict(description),
        rows=len(rows),
        personal_data=personal_data,
    )
    return response
