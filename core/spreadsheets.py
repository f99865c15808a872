"""Every .xlsx and CSV the application hands out is written here, safe to open in a spreadsheet.

A name, jorong or activity title typed as `=HYPERLINK("http://…","klik")` or `@SUM(1)` would be a
live formula in Excel or LibreOffice when the branch opens an export (CSV or formula injection).
Following OWASP's CSV-injection guidance, `safe_cell` prefixes a single quote to every text cell
that starts with `=`, `+`, `-`, `@`, a tab or a carriage return, so the spreadsheet shows it as text.
Numbers stay numbers (a negative amount is still -5, not text), and text that is only a number
("-5", "+62", "-12,5%") is left alone: it calls no function. Characters a .xlsx cannot hold
(control characters) are dropped rather than failing the download.

Nothing else writes a spreadsheet: `xlsx_bytes` saves a workbook after passing every cell of every
sheet through `safe_cell`; `xlsx_stream_bytes` writes long tables row by row (write-only mode, for
the import's rejected rows); `csv_text` writes CSV; `spreadsheet_response` serves either with its
content type.
"""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Iterable, Sequence

from django.http import HttpResponse
from openpyxl import Workbook
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE

XLSX_CONTENT_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
CSV_CONTENT_TYPE = "text/csv; charset=utf-8"
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
# Digits, separators and a sign (or a percent sign) call no function: "-5", "+62", "-12,5%" stay as written.
PLAIN_NUMBER = re.compile(r"[+-]?\d+(?:[.,]\d+)*%?")


def safe_cell(value):
    """The value as a spreadsheet must receive it: text that a spreadsheet would run as a formula is quoted."""
    if not isinstance(value, str):
        return value
    value = ILLEGAL_CHARACTERS_RE.sub("", value)
    if value.startswith(FORMULA_STARTS) and not PLAIN_NUMBER.fullmatch(value):
        return "'" + value
    return value


def safe_row(values: Iterable) -> list:
    return [safe_cell(value) for value in values]


def xlsx_bytes(workbook: Workbook) -> bytes:
    """The workbook as an .xlsx file, every text cell of every sheet passed through `safe_cell` first."""
    if workbook.write_only:
        raise ValueError("A write-only workbook cannot be checked cell by cell: use xlsx_stream_bytes.")
    for sheet in workbook.worksheets:
        for row in sheet.iter_rows():
            for cell in row:
                if isinstance(cell.value, str):
                    # openpyxl stores text starting with "=" as a formula; assigning the safe text makes it text again.
                    cell.value = safe_cell(cell.value)
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def xlsx_stream_bytes(*, title: str, rows: Iterable[Sequence]) -> bytes:
    """One sheet written row by row (openpyxl's write-only mode: memory stays flat however long the table)."""
    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet(title)
    for row in rows:
        sheet.append(safe_row(row))
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def csv_text(rows: Iterable[Sequence]) -> str:
    """The rows as CSV, every cell through `safe_cell`, None as an empty cell; a byte-order mark first so
    Excel opens the file as UTF-8."""
    text = io.StringIO()
    writer = csv.writer(text)
    for row in rows:
        writer.writerow(["" if value is None else value for value in safe_row(row)])
    return "\ufeff" + text.getvalue()


def spreadsheet_response(content: bytes | str, *, filename: str) -> HttpResponse:
    """A download of an .xlsx (bytes) or .csv (text) file, its content type taken from the file name."""
    if filename.endswith(".xlsx"):
        content_type = XLSX_CONTENT_TYPE
    elif filename.endswith(".csv"):
        content_type = CSV_CONTENT_TYPE
    else:
        raise ValueError(f"Not a spreadsheet file name: {filename!r}")
    response = HttpResponse(content, content_type=content_type)
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response
