"""The columns of an import kind: how their headers are recognised, and the template workbook built from them.

Villages write headers their own way ("N I K", "Jenis Kelamin (L/P)", "Tgl. Lahir", "NO_KPJ"). A header
matches a column when, compared case-, space- and punctuation-insensitively (`alnum`), it equals the
column's own header or one of its synonyms; a hint in brackets is ignored. A kind lists its synonyms
already in that compared form ("tgllahir", "nokpj").
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import TYPE_CHECKING

from openpyxl import Workbook
from openpyxl.worksheet.datavalidation import DataValidation

from core.parsing import text
from core.spreadsheets import xlsx_bytes
from participants.parsing import alnum

if TYPE_CHECKING:
    from collections.abc import Iterable

    from participants.imports.kinds import ImportKind

# A hint in a header, as in "Jenis Kelamin (L/P)" or "Tanggal Lahir (dd/mm/yyyy)".
HINT = re.compile(r"\(.*?\)|\[.*?\]")
TEMPLATE_ROWS = 1000
VALIDATED_ROWS = 5000


@dataclass(frozen=True)
class Column:
    key: str
    header: str
    required: bool
    aliases: tuple[str, ...] = ()


def header_keys(columns: Iterable[Column]) -> dict[str, str]:
    """Every accepted spelling of the columns' headers (compared form) → column key."""
    keys = {}
    for column in columns:
        keys[alnum(column.header)] = column.key
        for alias in column.aliases:
            keys[alias] = column.key
    return keys


def match_headers(cells: tuple, columns: Iterable[Column], chosen: dict[str, str] | None = None) -> dict[str, int]:
    """Column key → index of the cell naming it (the first one, when a header is repeated).

    `chosen` holds the mapping a user corrected in a preview (compared header → column key, "" for a header
    to ignore): it wins over the synonyms (`ImportKind.header_choices`)."""
    columns = tuple(columns)
    keys = header_keys(columns)
    known = {column.key for column in columns}
    chosen = {header: key for header, key in (chosen or {}).items() if key in known or key == ""}
    found: dict[str, int] = {}
    for index, cell in enumerate(cells):
        compared = alnum(cell)
        if compared in chosen:
            key = chosen[compared]
        else:
            key = keys.get(compared) or keys.get(alnum(HINT.sub("", text(cell))))
        if key and key not in found:
            found[key] = index
    return found


def template_workbook(kind: type[ImportKind]) -> bytes:
    """An empty list with the kind's columns, identity columns formatted as text, drop-down choices and a
    sheet of instructions."""
    workbook = Workbook()
    sheet = workbook.active
    sheet.title = kind.sheet_title
    sheet.append([column.header for column in kind.columns])
    choices = kind.template_choices()
    as_text = kind.text_columns | kind.template_text_columns
    for index, column in enumerate(kind.columns, start=1):
        letter = sheet.cell(row=1, column=index).column_letter
        sheet.column_dimensions[letter].width = max(14, len(column.header) + 4)
        if column.key in as_text:
            for row in range(2, TEMPLATE_ROWS + 2):
                sheet.cell(row=row, column=index).number_format = "@"
        if column.key in choices:
            validation = DataValidation(
                type="list", formula1='"' + ",".join(choices[column.key]) + '"', allow_blank=True
            )
            validation.add(f"{letter}2:{letter}{VALIDATED_ROWS}")
            sheet.add_data_validation(validation)
    notes = workbook.create_sheet("Petunjuk")
    notes.append(["Kolom", "Wajib", "Keterangan"])
    hints = kind.column_hints()
    for column in kind.columns:
        notes.append([column.header, "ya" if column.required else "tidak", hints.get(column.key, "")])
    return xlsx_bytes(workbook)
