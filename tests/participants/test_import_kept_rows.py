"""The rows a preview read, kept next to the upload: the confirmation reads them instead of the workbook, and
still re-validates every row against the database."""

from __future__ import annotations

import datetime

import pytest
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.utils import timezone

from participants.imports import import_confirm
from participants.imports.batch import ImportChanged
from participants.imports.kept_rows import ROWS_FILE, RowKeeper, kept_table
from participants.imports.reading import Table
from participants.jobs import import_uploads_sweep
from participants.models import ImportBatch, Participant
from tests.factories import ParticipantFactory, make_nik
from tests.participants.test_import import BIRTH, HEADERS, upload, worker, xlsx


def test_the_confirmation_reads_the_rows_the_preview_kept(official):
    content = xlsx([HEADERS, worker(1, **{"Tanggal Lahir": datetime.datetime(1985, 3, 14)}), worker(2)])
    batch = upload(official, content)
    kept = batch.summary[ROWS_FILE]
    storage = batch.file.storage
    assert storage.exists(kept)
    # The workbook is no longer read: even a stored file that became unreadable confirms as previewed.
    storage.delete(batch.file.name)
    storage.save(batch.file.name, ContentFile(b"not a workbook any more"))
    assert import_confirm(batch=batch, user=official)["new"] == 2
    assert Participant.objects.get(name="Warga 1").birth_date == BIRTH  # a date cell, kept as a date
    batch.refresh_from_db()
    assert ROWS_FILE not in batch.summary and not storage.exists(kept)


def test_kept_rows_are_still_checked_against_the_database(official, batang_barus):
    batch = upload(official, xlsx([HEADERS, worker(1), worker(2)]))
    assert batch.summary["counts"]["new"] == 2
    ParticipantFactory(village=batang_barus, nik=make_nik(birth_date=BIRTH, sex="L", serial=2))
    with pytest.raises(ImportChanged, match="1 baris kini diputuskan lain"):
        import_confirm(batch=batch, user=official)
    assert Participant.objects.count() == 1
    batch.refresh_from_db()
    assert batch.summary["differences"] == [3]
    assert batch.file.storage.exists(batch.summary[ROWS_FILE])  # the fresh preview confirms from them too
    assert import_confirm(batch=batch, user=official)["new"] == 1
    with pytest.raises(Exception, match="sudah dikonfirmasi"):
        import_confirm(batch=batch, user=official)
    assert Participant.objects.count() == 2


def test_kept_rows_gone_missing_the_workbook_is_read_again(official):
    batch = upload(official, xlsx([HEADERS, worker(1)]))
    batch.file.storage.delete(batch.summary[ROWS_FILE])
    assert import_confirm(batch=batch, user=official)["new"] == 1


def test_every_cell_type_comes_back_as_it_was_read():
    cells = (
        "Budi",
        "",
        None,
        0,
        3172011403850001,
        1.5,
        True,
        datetime.datetime(2025, 1, 2, 8, 30),
        datetime.date(2025, 1, 2),
        datetime.time(7, 15),
        datetime.timedelta(days=2, seconds=5),
    )
    table = Table(headers=["NIK", "Nama"], rows=iter([(2, cells), (4, ("x",))]), columns={"nik": 0}, ignored=["Lain"])
    keeper = RowKeeper(table)
    assert list(keeper.table.rows) == [(2, cells), (4, ("x",))]
    kept = kept_table(default_storage, keeper.save(default_storage, beside="imports/a.xlsx"))
    assert (kept.headers, kept.columns, kept.ignored) == (["NIK", "Nama"], {"nik": 0}, ["Lain"])
    read = list(kept.rows)
    assert read == [(2, cells), (4, ("x",))]
    assert [type(value) for value in read[0][1]] == [type(value) for value in cells]
    # A cell of a type the file cannot hold: nothing kept, the workbook is read again.
    keeper = RowKeeper(Table(headers=[], rows=iter([(2, (object(),))]), columns={}, ignored=[]))
    list(keeper.table.rows)
    assert keeper.save(default_storage, beside="imports/b.xlsx") is None


def test_the_sweep_deletes_the_kept_rows_with_the_upload(official):
    batch = upload(official, xlsx([HEADERS, worker(1)]))
    kept = batch.summary[ROWS_FILE]
    ImportBatch.objects.update(created_at=timezone.now() - datetime.timedelta(days=30))
    assert import_uploads_sweep(older_than=timezone.now() - datetime.timedelta(days=1)) == 1
    assert not batch.file.storage.exists(kept)
