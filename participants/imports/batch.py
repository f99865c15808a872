"""The batch flow every import kind shares: upload → preview → confirm, and the rejected rows to fix.

The uploaded file is kept as an `ImportBatch`; the preview classifies every row (new, updated,
unchanged, error) without writing and keeps the rows it read next to the file (`kept_rows`); confirming
reads those rows (the file again when they are gone), re-validates every row and writes the valid ones
in one transaction with bulk statements, chunk by chunk. The rejected rows download gives the rows
with errors back as they were written, with what to fix, so the corrected file can be uploaded again.

A file of more than `settings.JOB_INLINE_MAX_ROWS` data rows is previewed and confirmed as a
background job (`core.jobs`: a worker when a broker is configured, else inline) with a progress page:
`import_submit` and `import_confirm_start`; `participants/jobs.py` holds the two job kinds. Smaller
files are previewed and confirmed in the request. Figures: docs/performance.md, "Import".
"""

from __future__ import annotations

import io
import re
import zipfile
from collections.abc import Collection, Iterator
from itertools import islice
from pathlib import Path

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.base import ContentFile
from django.db import transaction
from django.utils import timezone

from core.formatting import format_thousands
from core.jobs import job_start
from core.models import Job
from core.parsing import text
from core.spreadsheets import xlsx_stream_bytes
from participants.coverage import correction_text
from participants.imports import columns
from participants.imports.contribution_rows import ContributionRows
from participants.imports.kept_rows import ROWS_FILE, RowKeeper, kept_table
from participants.imports.kinds import STATUS_LABELS, ImportKind, RowResult
from participants.imports.participant_rows import ParticipantRows
from participants.imports.reading import ImportFileError, Table, check_upload, read_table
from participants.imports.resident_rows import ResidentRows
from participants.models import ImportBatch
from villages.access import is_branch_user
from villages.models import ExportLog, Village

# Every kind of import, by its ImportBatch.Kind value (also its slug in URLs).
KINDS: dict[str, type[ImportKind]] = {kind.key: kind for kind in (ParticipantRows, ContributionRows, ResidentRows)}
# The kinds `import_confirm` writes: their preview keeps the rows it read for the confirmation (`kept_rows`).
# The reconciliation's extracts (added to KINDS by its app) read their file themselves.
ROWS_KEPT_FOR = frozenset(KINDS)
CHUNK = 1000
# The background jobs of an import (participants/jobs.py): their params name the batch.
JOB_KINDS = ("participants.import_preview", "participants.import_confirm")
PREVIEW_ERRORS = 500
PREVIEW_ROWS = 1000
DIMENSION = re.compile(r'<(?:\w+:)?dimension ref="[A-Z]+\d+:[A-Z]+(\d+)"')


def validate_rows(*, table: Table, kind: ImportKind) -> Iterator[list[RowResult]]:
    """Every data row of `table`, classified by `kind`, in chunks of CHUNK rows (in file order)."""
    rows = table.rows
    while chunk := list(islice(rows, CHUNK)):
        results = [kind.parse(table, number, cells) for number, cells in chunk]
        kind.classify(results)
        yield results


def template_workbook(*, kind: str) -> bytes:
    """The empty list to fill in for an import of `kind` (an ImportBatch.Kind value)."""
    return columns.template_workbook(KINDS[kind])


def import_upload(*, user, kind: str, name: str, content: bytes, village: Village | None = None) -> ImportBatch:
    """Keep the uploaded file and classify its rows (nothing else is written). Raises ImportFileError."""
    batch, _ = _receive(user=user, kind=kind, name=name, content=content, village=village)
    _preview_or_discard(batch)
    return batch


def import_submit(*, user, kind: str, name: str, content: bytes, village: Village | None = None) -> ImportBatch:
    """`import_upload` for a page: a file of more than JOB_INLINE_MAX_ROWS rows is kept and previewed by a
    background job (`import_job` then names it). A file that cannot be read at all, or lacks a required
    column, is refused here at once (ImportFileError)."""
    batch, table = _receive(user=user, kind=kind, name=name, content=content, village=village)
    limit = settings.JOB_INLINE_MAX_ROWS
    if sum(1 for _ in islice(table.rows, limit + 1)) <= limit:
        _preview_or_discard(batch)
        return batch
    job_start(
        kind="participants.import_preview",
        owner=user,
        params={"batch_id": str(batch.pk)},
        total=_estimated_rows(content=content, name=batch.original_name),
        title=f"Pratinjau impor {batch.original_name}",
    )
    return batch


def _receive(*, user, kind: str, name: str, content: bytes, village: Village | None) -> tuple[ImportBatch, Table]:
    """Check the upload and its header row, and keep the file as a batch waiting for its preview."""
    check_upload(name=name, size=len(content))
    if village is not None and not Village.objects.for_user(user).filter(pk=village.pk).exists():
        raise PermissionDenied
    table = read_table(content=content, name=name, kind=KINDS[kind])  # refuses a file without its header row
    batch = ImportBatch(kind=kind, uploaded_by=user, village=village, original_name=Path(name).name[:255])
    batch.file.save(Path(name).name, ContentFile(content), save=False)
    batch.save()
    return batch, table


def _preview_or_discard(batch: ImportBatch) -> None:
    """Preview the batch in the request; a file that turns out unreadable further down leaves nothing kept."""
    try:
        import_preview(batch=batch)
    except ImportFileError:
        batch.file.delete(save=False)
        batch.delete()
        raise


def import_preview(*, batch: ImportBatch, job: Job | None = None) -> None:
    """Classify every row of the batch's file and keep the preview in its summary (nothing else is written),
    telling `job` how far it got. The rows read are kept next to the file for the confirmation (`kept_rows`)."""
    table = _file_table(batch)
    keeper = RowKeeper(table) if batch.kind in ROWS_KEPT_FOR else None
    if keeper is not None:
        table = keeper.table
    kind = KINDS[batch.kind](user=batch.uploaded_by, village=batch.village)
    chunks = validate_rows(table=table, kind=kind)
    if job is not None:
        chunks = _reporting(chunks, job=job, message="Memeriksa baris")
    try:
        summary = _summarise(chunks, table, type(kind))
    except BaseException:
        if keeper is not None:
            keeper.discard()
        raise
    previous = batch.summary.get(ROWS_FILE)
    if keeper is not None and (kept := keeper.save(batch.file.storage, beside=batch.file.name)):
        summary[ROWS_FILE] = kept
    batch.summary = summary
    batch.save(update_fields=["summary"])
    if previous:
        batch.file.storage.delete(previous)


def import_job(batch: ImportBatch) -> Job | None:
    """The latest job that previewed or confirmed the batch, if any (its page tells how far it got, or why
    it failed)."""
    return Job.objects.filter(kind__in=JOB_KINDS, params__batch_id=str(batch.pk)).order_by("-created_at").first()


def import_runs_as_job(batch: ImportBatch) -> bool:
    """Whether the batch is confirmed by a background job (`import_confirm_start`): more rows than
    JOB_INLINE_MAX_ROWS."""
    return sum(batch.summary.get("counts", {}).values()) > settings.JOB_INLINE_MAX_ROWS


def import_confirm_start(
    *, batch: ImportBatch, user, correction_reason: str = "", update_rows: Collection[int] = (), update_all=False
) -> Job:
    """Start the job that runs `import_confirm` with these choices; what the user can fix at once (the
    correction reason, a batch already confirmed) is refused here (ImportFileError)."""
    _confirm_checks(batch=batch, user=user, correction_reason=correction_reason)
    return job_start(
        kind="participants.import_confirm",
        owner=user,
        params={
            "batch_id": str(batch.pk),
            "correction_reason": correction_reason,
            "update_rows": sorted({int(row) for row in update_rows}),
            "update_all": bool(update_all),
        },
        total=sum(batch.summary.get("counts", {}).values()),
        title=f"Simpan impor {batch.original_name}",
    )


def _reporting(chunks: Iterator[list[RowResult]], *, job: Job, message: str) -> Iterator[list[RowResult]]:
    done = 0
    for results in chunks:
        yield results
        done += len(results)
        job.report(done=done, total=max(job.total, done), message=f"{message}: {format_thousands(done)} baris")


def _estimated_rows(*, content: bytes, name: str) -> int:
    """About how many data rows the file has, for a progress bar: the CSV's lines, or the size the first sheet
    of a workbook records (its <dimension>, read without parsing the workbook); 0 when unknown."""
    if Path(name).suffix.lower() == ".csv":
        return max(0, content.count(b"\n") - 1)
    try:
        with zipfile.ZipFile(io.BytesIO(content)) as archive:
            sheets = sorted(entry for entry in archive.namelist() if entry.startswith("xl/worksheets/sheet"))
            with archive.open(sheets[0]) as sheet:
                head = sheet.read(4096).decode("utf-8", "replace")
    except (zipfile.BadZipFile, IndexError, KeyError, OSError):
        return 0
    found = DIMENSION.search(head)
    return max(0, int(found.group(1)) - 1) if found else 0


class ImportChanged(ImportFileError):
    """The data changed since the preview: a row's decision would differ. Nothing was written; the batch
    holds a fresh preview with those rows marked."""


def _decision(result: RowResult, kind: type[ImportKind]) -> list:
    """What the preview told the user a row will do: its status and its detail (the changes old → new,
    or what to fix)."""
    return [result.row, result.status, _row_detail(result, kind)]


def import_confirm(
    *,
    batch: ImportBatch,
    user,
    correction_reason: str = "",
    update_rows: Collection[int] = (),
    update_all: bool = False,
    job: Job | None = None,
) -> dict[str, int]:
    """Re-validate the batch and write every valid row in one transaction. Returns the counts written.

    Rows that are corrections (old months that only branch staff record) need `correction_reason`, which the
    audit history keeps; without it nothing is written.

    Confirmation applies exactly the decisions the preview showed (kept in the batch's summary): if any row
    would now be decided otherwise (a NIK registered by hand meanwhile, a field changed), nothing is written,
    the batch gets a fresh preview with those rows marked, and ImportChanged is raised. A row that changes
    an existing record is applied only when the user chose it: its row number in `update_rows`, or
    `update_all` after seeing them; the others are counted as skipped. `job`, when it runs as one, is told
    how far it got."""
    correction = _confirm_checks(batch=batch, user=user, correction_reason=correction_reason)
    kind = KINDS[batch.kind](user=user, village=batch.village)
    kind.correction_reason = correction
    kind.change_reason = f"impor {batch.original_name} {timezone.localdate():%d/%m/%Y}"
    counts = dict.fromkeys(STATUS_LABELS, 0)
    chosen = {int(row) for row in update_rows}
    previewed = iter(batch.summary.get("decisions", []))
    total = sum(batch.summary["counts"].values())
    try:
        with transaction.atomic():
            # A second click on "Simpan" waits here, then finds the batch confirmed.
            locked = ImportBatch.objects.select_for_update().get(pk=batch.pk)
            if locked.status == ImportBatch.Status.CONFIRMED:
                raise ImportFileError("Berkas ini sudah dikonfirmasi sebelumnya.")
            chunks = validate_rows(table=_batch_table(batch), kind=kind)
            if job is not None:
                job.report(done=0, total=total)
                chunks = _reporting(chunks, job=job, message="Menyimpan baris")
            for results in chunks:
                for result in results:
                    if _decision(result, type(kind)) != next(previewed, None):
                        raise ImportChanged("")  # rolls back whatever earlier chunks wrote
                    if result.status == "updated" and not (update_all or result.row in chosen):
                        result.status = "skipped"
                    counts[result.status] += 1
                kind.apply(results)
            if next(previewed, None) is not None:
                raise ImportChanged("")
            batch.status = ImportBatch.Status.CONFIRMED
            batch.confirmed_at = timezone.now()
            kept = batch.summary.get(ROWS_FILE)
            batch.summary = {key: value for key, value in batch.summary.items() if key != ROWS_FILE}
            batch.summary["written"] = counts
            batch.save(update_fields=["status", "confirmed_at", "summary"])
            if job is not None:
                job.report(message="Memperbarui statistik desa…")
            kind.finish()
    except ImportChanged:
        _repreview(batch=batch, user=user)
        changed = len(batch.summary["differences"])
        raise ImportChanged(
            f"Data berubah sejak pratinjau: {changed} baris kini diputuskan lain (ditandai di bawah). "
            "Tidak ada yang disimpan; periksa pratinjau baru ini lalu simpan lagi."
        ) from None
    if kept:  # the confirmed batch's rows are not read again
        batch.file.storage.delete(kept)
    return counts


def _confirm_checks(*, batch: ImportBatch, user, correction_reason: str) -> str:
    """What refuses a confirmation before any row is read; the correction reason as the history keeps it."""
    if batch.uploaded_by_id != user.pk:
        raise PermissionDenied
    if batch.status == ImportBatch.Status.CONFIRMED:
        raise ImportFileError("Berkas ini sudah dikonfirmasi sebelumnya.")
    if "counts" not in batch.summary:
        raise ImportFileError("Pratinjau berkas ini belum selesai; tunggu sampai selesai, lalu simpan.")
    try:
        return correction_text(reason=correction_reason, may_correct=is_branch_user(user))
    except ValidationError as error:
        raise ImportFileError(" ".join(error.messages)) from error


def _repreview(*, batch: ImportBatch, user) -> None:
    """Classify the batch again and keep the fresh preview, marking the rows decided otherwise than before."""
    before_summary = batch.summary
    before = {row: [status, detail] for row, status, detail in before_summary.get("decisions", [])}
    table = _batch_table(batch)
    kind = KINDS[batch.kind](user=user, village=batch.village)
    summary = _summarise(validate_rows(table=table, kind=kind), table, type(kind))
    if ROWS_FILE in before_summary:
        summary[ROWS_FILE] = before_summary[ROWS_FILE]
    summary["differences"] = [
        row for row, status, detail in summary["decisions"] if before.get(row) != [status, detail]
    ] + sorted(set(before) - {row for row, _, _ in summary["decisions"]})
    batch.summary = summary
    batch.save(update_fields=["summary"])


def import_rejected_workbook(*, batch: ImportBatch, user) -> bytes:
    """The rows with errors, as they were written, with a column saying what to fix: to correct and upload again."""
    if batch.uploaded_by_id != user.pk:
        raise PermissionDenied
    table = _batch_table(batch)
    kind = KINDS[batch.kind](user=user, village=batch.village)
    as_text = {table.columns[key] for key in kind.text_columns if key in table.columns}
    width = len(table.headers)
    rejected = 0

    def rows():
        nonlocal rejected
        yield ["Baris asal", *table.headers, "Kesalahan"]
        for results in validate_rows(table=table, kind=kind):
            for result in results:
                if result.status != "error":
                    continue
                # Identity numbers go back as text, so they are not truncated again.
                cells = [
                    text(value) if index in as_text and value is not None else value
                    for index, value in enumerate(result.cells)
                ]
                cells += [None] * (width - len(cells))
                rejected += 1
                yield [result.row, *cells[:width], _row_detail(result, type(kind))]

    content = xlsx_stream_bytes(title="Baris ditolak", rows=rows())
    # The rows carry names and NIKs: the download is logged like every export of personal data.
    ExportLog.objects.create(
        user=user,
        what=f"Baris ditolak impor {batch.original_name}"[:200],
        file_format="xlsx",
        filters={"import_batch": str(batch.pk)},
        rows=rejected,
        personal_data=True,
    )
    return content


def _batch_table(batch: ImportBatch) -> Table:
    """The batch's rows as its preview read them (kept next to the file), else read from the file."""
    kept = batch.summary.get(ROWS_FILE)
    table = kept_table(batch.file.storage, kept) if kept else None
    return table if table is not None else _file_table(batch)


def _file_table(batch: ImportBatch) -> Table:
    with batch.file.open("rb") as stored:
        content = stored.read()
    return read_table(content=content, name=batch.original_name, kind=KINDS[batch.kind])


def _summarise(batches: Iterator[list[RowResult]], table: Table, kind: type[ImportKind]) -> dict:
    counts = {status: 0 for status in STATUS_LABELS if status != "skipped"}  # skipped: decided at confirmation
    errors: list = []
    errors_total = 0
    rows: list = []
    decisions: list = []
    corrections = 0
    for results in batches:
        for result in results:
            counts[result.status] += 1
            decisions.append(_decision(result, kind))
            corrections += result.correction
            errors_total += len(result.errors)
            for column, message in result.errors:
                if len(errors) < PREVIEW_ERRORS:
                    errors.append([result.row, column, message])
            if len(rows) < PREVIEW_ROWS:
                rows.append([result.row, result.status, result.label, _row_detail(result, kind)])
    return {
        "counts": counts,
        "errors": errors,
        "errors_total": errors_total,
        "rows": rows,
        "ignored": table.ignored,
        "corrections": corrections,
        # Every row's decision as previewed: confirmation applies these or nothing (`import_confirm`).
        "decisions": decisions,
    }


def _row_detail(result: RowResult, kind: type[ImportKind]) -> str:
    """What a row changes (updated) or what to fix in it (error), for the preview table."""
    if result.errors:
        return "; ".join(f"{column}: {message}" for column, message in result.errors)
    changed = "; ".join(f"{header}: {old} → {new}" for header, old, new in result.diff) or ", ".join(
        kind.header_of(name) for name in result.changed
    )
    if result.correction:
        return "; ".join(filter(None, ["koreksi bulan lama (perlu alasan koreksi)", changed]))
    return changed
