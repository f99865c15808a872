"""Writes of the reconciliation: an extract's upload, its confirmation (matching) and the header mapping users
correct; its application is `reconciliation.applying`.

Only branch staff (`may_reconcile`) write here. Uploading and confirming an extract write nothing but the
extract itself (its file, rows and findings); `applying.extract_apply` is the one step that changes participants
and contributions, and only what staff chose in its preview (docs/reconciliation.md).
"""

from __future__ import annotations

import datetime
from collections import defaultdict
from itertools import islice
from pathlib import Path

from django.conf import settings
from django.core.exceptions import PermissionDenied
from django.core.files.base import ContentFile
from django.db import transaction
from django.utils import timezone

from core.dates import date_range_error
from core.jobs import job_start
from core.models import Job
from participants.imports import ImportFileError, import_upload
from participants.imports.batch import _estimated_rows, import_preview, validate_rows  # the rows a sheet records
from participants.imports.reading import Table, check_upload, read_table
from participants.models import ImportBatch
from participants.parsing import alnum
from reconciliation.imports import SHAPE_KINDS
from reconciliation.matching import extract_match
from reconciliation.models import Extract, HeaderChoice, Shape
from villages.access import is_branch_user

# The background jobs of an extract (reconciliation/jobs.py): their params name it.
EXTRACT_JOBS = ("reconciliation.extract_preview", "reconciliation.extract_confirm")


def may_reconcile(user) -> bool:
    """Branch staff (and the branch administrator): upload, confirm and apply extracts. The head reads."""
    return is_branch_user(user) and user.has_perm("participants.add_participant")


def require_reconciler(user) -> None:
    if not may_reconcile(user):
        raise PermissionDenied("Hanya staf cabang yang dapat mengunggah dan menerapkan ekstrak sistem inti.")


# Columns only a participant list has: two of them make a file a participant list even if it also names a month.
PARTICIPANT_ONLY = ("birth_date", "sex", "registered_on", "programmes", "core_status")
NO_HEADER_ROW = (
    "Baris judul kolom tidak ditemukan: ekstrak harus memuat kolom NIK atau nomor KPJ (misalnya NIK, NO_KTP, "
    "NO_KPJ, KPJ, NOMOR KPJ) dalam 20 baris pertamanya."
)


def shape_tables(*, name: str, content: bytes) -> tuple[str, dict[str, Table]]:
    """The shape of a file, and its table read as each shape: a participant list when its header row names two of
    its own columns (birth date, sex, registration date, programmes, status), else a payment list when it names a
    month column, else a participant list. Raises ImportFileError (one message) for a file that cannot be read or
    has no NIK/KPJ header."""
    try:
        tables = {shape: read_table(content=content, name=name, kind=kind) for shape, kind in SHAPE_KINDS.items()}
    except ImportFileError as error:
        if str(error).startswith("Baris judul"):
            raise ImportFileError(NO_HEADER_ROW) from error
        raise
    if sum(key in tables[Shape.PARTICIPANTS].columns for key in PARTICIPANT_ONLY) >= 2:
        return Shape.PARTICIPANTS, tables
    return (Shape.PAYMENTS if "month" in tables[Shape.PAYMENTS].columns else Shape.PARTICIPANTS), tables


def extract_upload(
    *,
    user,
    name: str,
    content: bytes,
    shape: str,
    extract_date: datetime.date,
    force_shape: bool = False,
    in_background: bool = False,
) -> Extract:
    """Keep the file and preview its rows through the import pipeline; nothing else is written. `shape` ""
    detects it. Raises ImportFileError with one message for a file that cannot be read or is plainly of the other
    shape (a payment list, by its month column, chosen as a participant list, or the reverse), unless
    `force_shape` (the user chose the shape again in the preview, with the columns it maps). `in_background` (a
    page): a file of more than JOB_INLINE_MAX_ROWS rows is kept here and previewed by a background job
    (`extract_read`; `extract_job` names it). The size a sheet records (or a CSV's lines) tells without reading the
    file, so the job also reads its shape and header row; a sheet that records none is read here up to the limit."""
    require_reconciler(user)
    if date_range_error(extract_date) or extract_date > timezone.localdate():
        raise ImportFileError("Tanggal ekstrak tidak boleh di masa depan atau sebelum program berjalan.")
    limit, rows = settings.JOB_INLINE_MAX_ROWS, _estimated_rows(content=content, name=name)
    if in_background and rows > limit:
        return _upload_in_background(
            user=user, name=name, content=content, shape=shape, extract_date=extract_date, force_shape=force_shape,
            rows=rows,
        )  # fmt: skip
    detected, mapping, table = _read_shape(name=name, content=content, shape=shape, force_shape=force_shape)
    # A sheet that records no size (a streamed export): its rows counted up to the limit.
    if in_background and sum(1 for _ in islice(table.rows, limit + 1)) > limit:
        return _upload_in_background(
            user=user, name=name, content=content, shape=detected, extract_date=extract_date, force_shape=True,
            rows=rows,
        )  # fmt: skip
    with transaction.atomic():
        batch = import_upload(user=user, kind=SHAPE_KINDS[detected].key, name=name, content=content)
        return Extract.objects.create(
            batch=batch,
            shape=detected,
            extract_date=extract_date,
            uploaded_by=user,
            mapping=mapping,
            headers=list(mapping),
        )


def _read_shape(*, name: str, content: bytes, shape: str, force_shape: bool) -> tuple[str, dict[str, str], Table]:
    """The file's shape (the one chosen, unless the file is plainly of the other), its header mapping, and its
    table read as that shape."""
    detected, tables = shape_tables(name=name, content=content)
    if shape in SHAPE_KINDS:
        if detected != shape and not force_shape and _plainly(detected, tables):
            raise ImportFileError(
                f"Berkas ini tampaknya {Shape(detected).label.lower()}, bukan {Shape(shape).label.lower()}. "
                "Pilih bentuk yang sesuai (atau 'Kenali otomatis') lalu unggah lagi."
            )
        detected = shape
    table = tables[detected]
    mapping = {header: _column_of(table.columns, index) for index, header in enumerate(table.headers) if header}
    return detected, mapping, table


def _upload_in_background(
    *, user, name: str, content: bytes, shape: str, extract_date: datetime.date, force_shape: bool, rows: int
) -> Extract:
    """Keep a large file as an extract of the shape chosen ("" to detect) and start the job that reads it."""
    with transaction.atomic():
        batch = _kept(user=user, kind=SHAPE_KINDS[shape or Shape.PAYMENTS].key, name=name, content=content)
        extract = Extract.objects.create(batch=batch, shape=shape, extract_date=extract_date, uploaded_by=user)
    job_start(
        kind="reconciliation.extract_preview",
        owner=user,
        params={"extract_id": str(extract.pk), "force_shape": force_shape},
        total=rows,
        title=f"Pratinjau ekstrak {batch.original_name}",
    )
    return extract


def extract_read(*, extract: Extract, force_shape: bool, job: Job | None = None) -> None:
    """The background half of a large upload (`extract_upload`): the file's shape, header row and mapping, read
    from the kept file as the request reads a smaller one's, then the pipeline's preview. Raises ImportFileError."""
    batch = extract.batch
    with batch.file.open("rb") as stored:
        content = stored.read()
    detected, mapping, _ = _read_shape(
        name=batch.original_name, content=content, shape=extract.shape, force_shape=force_shape
    )
    batch.kind = SHAPE_KINDS[detected].key
    batch.save(update_fields=["kind"])
    extract.shape, extract.mapping, extract.headers = detected, mapping, list(mapping)
    extract.save(update_fields=["shape", "mapping", "headers"])
    import_preview(batch=batch, job=job)


def _kept(*, user, kind: str, name: str, content: bytes) -> ImportBatch:
    """The file kept as a batch whose preview a background job makes (`import_preview`), checked as every upload."""
    check_upload(name=name, size=len(content))
    batch = ImportBatch(kind=kind, uploaded_by=user, original_name=Path(name).name[:255])
    batch.file.save(Path(name).name, ContentFile(content), save=False)
    batch.save()
    return batch


def extract_job(extract: Extract) -> Job | None:
    """The latest job that previewed or matched the extract, if any (its page tells how far it got, or why it
    failed)."""
    return Job.objects.filter(kind__in=EXTRACT_JOBS, params__extract_id=str(extract.pk)).order_by("-created_at").first()


def _plainly(detected: str, tables: dict[str, Table]) -> bool:
    """Whether the detected shape rests on columns the file names (not only on a month column it lacks)."""
    if detected == Shape.PAYMENTS:
        return True
    return sum(key in tables[Shape.PARTICIPANTS].columns for key in PARTICIPANT_ONLY) >= 2


def _column_of(columns: dict[str, int], index: int) -> str:
    return next((key for key, at in columns.items() if at == index), "")


def extract_remap(*, extract: Extract, user, choices: dict[str, str], shape: str | None = None) -> Extract:
    """Remember the columns the user chose for the file's headers (header → column key, "" to ignore) for the
    shape (the extract's, or `shape` when the user chose the other one), and preview the file again with them:
    a new extract in place of this one (kept when the file cannot be read so)."""
    require_reconciler(user)
    if extract.uploaded_by_id != user.pk or extract.status != Extract.Status.PREVIEW:
        raise PermissionDenied
    shape = shape if shape in SHAPE_KINDS else extract.shape
    kind = SHAPE_KINDS[shape]
    known = {column.key for column in kind.columns}
    with transaction.atomic():
        for header, column in choices.items():
            if header not in extract.mapping or (column and column not in known):
                continue
            HeaderChoice.objects.update_or_create(
                kind=kind.key, header=alnum(header)[:100], defaults={"column": column, "chosen_by": user}
            )
        with extract.batch.file.open("rb") as stored:
            content = stored.read()
        name, extract_date = extract.batch.original_name, extract.extract_date
        batch = extract.batch
        extract.delete()
        batch.delete()
        return extract_upload(
            user=user,
            name=name,
            content=content,
            shape=shape,
            extract_date=extract_date,
            force_shape=True,
            in_background=True,
        )


def extract_discard(extract: Extract) -> None:
    """Forget an extract whose file turned out unreadable in its preview: the extract, its batch and the file."""
    batch = extract.batch
    extract.delete()
    batch.file.delete(save=False)
    batch.delete()


def extract_runs_as_job(extract: Extract) -> bool:
    """Whether the extract is matched by a background job: more rows than JOB_INLINE_MAX_ROWS."""
    return sum(extract.batch.summary.get("counts", {}).values()) > settings.JOB_INLINE_MAX_ROWS


def extract_confirm_start(*, extract: Extract, user) -> Job:
    """Start the job that matches a large extract (`extract_confirm`), after the checks the user can act on."""
    require_reconciler(user)
    if extract.uploaded_by_id != user.pk:
        raise PermissionDenied
    if extract.status != Extract.Status.PREVIEW:
        raise ImportFileError("Ekstrak ini sudah dicocokkan sebelumnya.")
    return job_start(
        kind="reconciliation.extract_confirm",
        owner=user,
        params={"extract_id": str(extract.pk)},
        total=sum(extract.batch.summary.get("counts", {}).values()),
        title=f"Cocokkan {extract.batch.original_name}",
    )


def extract_confirm(*, extract: Extract, user, job: Job | None = None) -> Extract:
    """Keep the extract's valid rows and match them (`matching`): its findings and per-village results. Writes
    no participant or contribution. A second confirmation is refused. `job` hears how far it got."""
    require_reconciler(user)
    if extract.uploaded_by_id != user.pk:
        raise PermissionDenied
    with transaction.atomic():
        locked = Extract.objects.select_for_update().get(pk=extract.pk)
        if locked.status != Extract.Status.PREVIEW:
            raise ImportFileError("Ekstrak ini sudah dicocokkan sebelumnya.")
        batch = extract.batch
        with batch.file.open("rb") as stored:
            content = stored.read()
        kind_class = SHAPE_KINDS[extract.shape]
        table = read_table(content=content, name=batch.original_name, kind=kind_class)
        kind = kind_class(user=user, village=None)
        kind.extract = extract
        counts = defaultdict(int)
        for results in validate_rows(table=table, kind=kind):
            for result in results:
                counts[result.status] += 1
            kind.apply(results)
            if job is not None:
                job.report(done=sum(counts.values()), message=f"Membaca baris: {sum(counts.values())}")
        if job is not None:
            job.report(message="Mencocokkan dengan data desa…")
        extract_match(extract)
        extract.status = Extract.Status.MATCHED
        extract.matched_at = timezone.now()
        extract.save()
        batch.status = ImportBatch.Status.CONFIRMED
        batch.confirmed_at = extract.matched_at
        batch.summary = {**batch.summary, "written": dict(counts)}
        batch.save(update_fields=["status", "confirmed_at", "summary"])
    return extract
