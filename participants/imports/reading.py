"""Reading an uploaded spreadsheet, whatever its kind: .xlsx or .csv in the dialects villages save.

Nothing here knows what the rows mean. An import kind gives its columns; `read_table` finds the
header row (title rows above it are skipped) through `columns.match_headers`, and hands back the
data rows as an iterator: rows stream from the file (openpyxl read-only mode, or the csv module), so
tens of thousands of rows never sit in memory at once. A file that cannot be read at all raises
`ImportFileError` with one Indonesian message.
"""

from __future__ import annotations

import csv
import io
import zipfile
from collections.abc import Iterator
from dataclasses import dataclass
from itertools import islice, takewhile
from pathlib import Path
from typing import TYPE_CHECKING

from django.conf import settings
from openpyxl import load_workbook
from openpyxl.utils.exceptions import InvalidFileException

from core.parsing import text
from participants.imports.columns import match_headers

if TYPE_CHECKING:
    from participants.imports.kinds import ImportKind

HEADER_SEARCH_ROWS = 20
ALLOWED_SUFFIXES = (".xlsx", ".csv")
CSV_DELIMITERS = ";,\t|"
OLD_EXCEL_SIGNATURE = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"


class ImportFileError(Exception):
    """The file as a whole cannot be imported; the message says why, in Indonesian."""


def check_upload(*, name: str, size: int) -> None:
    """Refuse a file by its name and size, before reading it."""
    if Path(name).suffix.lower() not in ALLOWED_SUFFIXES:
        raise ImportFileError("Hanya berkas Excel (.xlsx) atau CSV (.csv) yang dapat diimpor.")
    if size > settings.MAX_UPLOAD_MB * 1024 * 1024:
        raise ImportFileError(
            f"Berkas terlalu besar: paling besar {settings.MAX_UPLOAD_MB} MB. Bagi menjadi beberapa berkas."
        )
    if size == 0:
        raise ImportFileError("Berkas kosong.")


@dataclass
class Table:
    """The header row of a file and an iterator over its data rows as (row number, cells)."""

    headers: list
    rows: Iterator[tuple[int, tuple]]
    columns: dict[str, int]  # column key → index
    ignored: list[str]

    def cell(self, cells: tuple, key: str):
        index = self.columns.get(key)
        return cells[index] if index is not None and index < len(cells) else None


def read_table(*, content: bytes, name: str, kind: type[ImportKind]) -> Table:
    """The table of `kind`'s columns in the first sheet that has one: its header row is the first row naming
    one of the kind's anchor columns; a required column missing from that row refuses the file."""
    columns = kind.columns
    chosen = kind.header_choices()
    for rows in _open_sheets(content, name):
        numbered = enumerate(rows, start=1)
        for number, cells in islice(numbered, HEADER_SEARCH_ROWS):
            cells = tuple(cells or ())
            found = match_headers(cells, columns, chosen)
            if not any(anchor in found for anchor in kind.anchors):
                continue
            missing = [column.header for column in columns if column.required and column.key not in found]
            if missing:
                raise ImportFileError(
                    f"Kolom wajib tidak ditemukan di baris judul (baris {number}): {', '.join(missing)}. "
                    "Gunakan templat yang dapat diunduh di halaman ini."
                )
            ignored = [text(cell) for index, cell in enumerate(cells) if text(cell) and index not in found.values()]
            data = ((row_number, tuple(row or ())) for row_number, row in numbered)
            if kind.end_marker and kind.end_marker[0] in found:
                data = _until(data, found[kind.end_marker[0]], kind.end_marker[1])
            mapped = sorted(found.values())
            return Table(
                headers=[text(cell) for cell in cells],
                # A row with only a running number ("No") or notes filled in is an empty row.
                rows=((n, row) for n, row in data if not _blank(tuple(row[i] for i in mapped if i < len(row)))),
                columns=found,
                ignored=ignored,
            )
    raise ImportFileError(
        "Baris judul kolom tidak ditemukan. Baris judul harus memuat kolom "
        + ", ".join(column.header for column in columns if column.required)
        + "."
    )


def _until(data: Iterator[tuple[int, tuple]], index: int, marker: str) -> Iterator[tuple[int, tuple]]:
    """The rows before the first whose cell `index` holds `marker`."""
    return takewhile(lambda item: index >= len(item[1]) or text(item[1][index]) != marker, data)


def _blank(cells: tuple) -> bool:
    return all(text(cell) == "" for cell in cells)


def _open_sheets(content: bytes, name: str) -> Iterator[Iterator[tuple]]:
    """Each sheet of the file as an iterator of row tuples."""
    suffix = Path(name).suffix.lower()
    if suffix not in ALLOWED_SUFFIXES:
        raise ImportFileError("Hanya berkas Excel (.xlsx) atau CSV (.csv) yang dapat diimpor.")
    if content[:8] == OLD_EXCEL_SIGNATURE:
        raise ImportFileError(
            "Ini berkas Excel lama (.xls). Buka di Excel, pilih Simpan Sebagai → Buku Kerja Excel (.xlsx), "
            "lalu unggah lagi."
        )
    if suffix == ".xlsx" or content[:2] == b"PK":
        yield from _xlsx_sheets(content)
    else:
        yield _csv_rows(content)


def _xlsx_sheets(content: bytes) -> Iterator[Iterator[tuple]]:
    try:
        workbook = load_workbook(io.BytesIO(content), read_only=True, data_only=True)
    except (zipfile.BadZipFile, InvalidFileException, KeyError, OSError, ValueError) as error:
        raise ImportFileError(
            "Berkas ini bukan spreadsheet Excel (.xlsx) yang dapat dibaca. Simpan ulang dari Excel sebagai .xlsx "
            "atau sebagai CSV."
        ) from error
    try:
        for sheet in workbook.worksheets:
            if hasattr(sheet, "reset_dimensions"):
                sheet.reset_dimensions()
            yield sheet.iter_rows(values_only=True)
    finally:
        workbook.close()


def _decode(content: bytes) -> str:
    if content[:2] in (b"\xff\xfe", b"\xfe\xff"):
        return content.decode("utf-16")
    for encoding in ("utf-8-sig", "cp1252"):
        try:
            return content.decode(encoding)
        except UnicodeDecodeError:
            continue
    return content.decode("latin-1")


def _csv_rows(content: bytes) -> Iterator[tuple]:
    decoded = _decode(content)
    if "\x00" in decoded:
        raise ImportFileError("Berkas ini bukan CSV teks yang dapat dibaca. Simpan ulang dari Excel sebagai CSV.")
    sample = decoded[:8192]
    try:
        delimiter = csv.Sniffer().sniff(sample, delimiters=CSV_DELIMITERS).delimiter
    except csv.Error:
        delimiter = max(CSV_DELIMITERS, key=sample.count)
    try:
        for row in csv.reader(io.StringIO(decoded, newline=""), delimiter=delimiter):
            yield tuple(row)
    except csv.Error as error:
        raise ImportFileError(f"Berkas CSV rusak: {error}.") from error
