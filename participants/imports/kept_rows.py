"""The rows a preview read, kept next to the upload so the confirmation does not parse the workbook again.

The preview reads the file (openpyxl or csv), finds the header row and streams the data rows; while it
validates them, `RowKeeper` writes each row's number and cell values, one JSON line per row (gzip), to a
temporary file, stored next to the upload when the preview ends (its name in the batch's summary,
`ROWS_FILE`). The confirmation (and a fresh preview, and the rejected rows download) read those lines back as
the same `Table`: the same headers, columns and cell values, so every row is parsed and re-validated against
the database exactly as before; only openpyxl's second parse of the XML is saved. JSON, not pickle: the file
holds only strings, numbers, booleans, None and tagged dates. A cell of another type leaves nothing kept
(the workbook is read again, as before); a kept file gone missing too.
"""

from __future__ import annotations

import datetime
import gzip
import io
import json
import tempfile
from collections.abc import Iterator

from django.core.files import File
from django.core.files.storage import Storage

from participants.imports.reading import Table

ROWS_FILE = "rows_file"  # the batch summary's key naming the kept rows
SUFFIX = ".rows.jsonl.gz"


class _Unkeepable(Exception):
    pass


def _encode(value):
    if value is None or isinstance(value, (str, int, float)):  # bool is an int
        return value
    if isinstance(value, datetime.datetime):
        return ["dt", value.isoformat()]
    if isinstance(value, datetime.date):
        return ["d", value.isoformat()]
    if isinstance(value, datetime.time):
        return ["t", value.isoformat()]
    if isinstance(value, datetime.timedelta):
        return ["td", value.days, value.seconds, value.microseconds]
    raise _Unkeepable


def _decode(value: list):
    tag = value[0]
    if tag == "dt":
        return datetime.datetime.fromisoformat(value[1])
    if tag == "d":
        return datetime.date.fromisoformat(value[1])
    if tag == "t":
        return datetime.time.fromisoformat(value[1])
    return datetime.timedelta(days=value[1], seconds=value[2], microseconds=value[3])


class RowKeeper:
    """Wraps a table read from the workbook: `table` yields the same rows and writes each one down."""

    def __init__(self, table: Table):
        self._spool = tempfile.TemporaryFile()  # noqa: SIM115 (closed by save or discard)
        self._zipped = gzip.GzipFile(fileobj=self._spool, mode="wb", compresslevel=1)
        self._broken = False
        self._write({"headers": table.headers, "columns": table.columns, "ignored": table.ignored})
        self.table = Table(
            headers=table.headers, rows=self._keeping(table.rows), columns=table.columns, ignored=table.ignored
        )

    def _write(self, item) -> None:
        self._zipped.write(json.dumps(item, separators=(",", ":")).encode() + b"\n")

    def _keeping(self, rows: Iterator[tuple[int, tuple]]) -> Iterator[tuple[int, tuple]]:
        for number, cells in rows:
            if not self._broken:
                try:
                    self._write([number, [_encode(cell) for cell in cells]])
                except _Unkeepable:
                    self._broken = True
            yield number, cells

    def save(self, storage: Storage, *, beside: str) -> str | None:
        """Store the rows read (the table must have been read to its end) next to the upload `beside`; its
        name, or None when a cell could not be kept."""
        try:
            self._zipped.close()
            if self._broken:
                return None
            self._spool.seek(0)
            return storage.save(beside + SUFFIX, File(self._spool))
        finally:
            self._spool.close()

    def discard(self) -> None:
        self._zipped.close()
        self._spool.close()


def kept_table(storage: Storage, name: str) -> Table | None:
    """The table kept by a preview under `name`, its rows read lazily; None when the file is gone."""
    try:
        stored = storage.open(name, "rb")
    except OSError:
        return None
    lines = io.BufferedReader(gzip.GzipFile(fileobj=stored, mode="rb"))
    try:
        head = json.loads(lines.readline())
    except (OSError, EOFError, ValueError):
        stored.close()
        return None

    def rows() -> Iterator[tuple[int, tuple]]:
        with stored, lines:
            for line in lines:
                number, cells = json.loads(line)
                yield number, tuple(_decode(cell) if cell.__class__ is list else cell for cell in cells)

    return Table(headers=head["headers"], rows=rows(), columns=head["columns"], ignored=head["ignored"])
