"""Background jobs of participants (`core.jobs`): a large import's preview and confirmation, and the full
rebuild of the monthly statistics. Imported by `ParticipantsConfig.ready`, so the worker knows them."""

from __future__ import annotations

import datetime
import logging

from django.db import IntegrityError
from django.urls import reverse
from django.utils import timezone

from core.formatting import format_thousands
from core.jobs import JobFailed, job_files_sweep, job_kind, job_start
from core.models import Job
from participants.coverage import grace_schedule
from participants.imports.batch import import_confirm, import_preview
from participants.imports.kept_rows import ROWS_FILE
from participants.imports.reading import ImportFileError
from participants.models import ImportBatch
from participants.stats import ALL_BATCH, stats_refresh
from villages.models import Village

logger = logging.getLogger(__name__)

CHANGED_MEANWHILE = (
    "Data berubah saat impor berjalan (ada NIK atau bulan yang baru saja dicatat orang lain). "
    "Tidak ada yang disimpan; unggah ulang berkasnya."
)


def _batch(job: Job, batch_id: str) -> ImportBatch:
    batch = ImportBatch.objects.select_related("uploaded_by", "village").filter(pk=batch_id).first()
    if batch is None:
        raise JobFailed("Berkas impor ini sudah tidak ada; unggah lagi.")
    job.result = {"url": reverse("participants:import_preview", kwargs={"pk": batch.pk})}
    return batch


def _upload_url(batch: ImportBatch) -> str:
    """Where a file of this kind is uploaded again (after a preview that failed)."""
    if batch.kind == ImportBatch.Kind.PARTICIPANTS:
        return reverse("participants:import")
    if batch.kind == ImportBatch.Kind.CONTRIBUTIONS:
        return reverse("participants:import_contributions")
    if batch.kind == ImportBatch.Kind.RESIDENTS and batch.village is not None:
        return reverse("dashboard:village_residents", kwargs={"code": batch.village.code})
    return reverse("jobs:list")


# Both run outside one job transaction: the preview writes once, at its end; the confirmation has its own
# (a changed row rolls it back, and the fresh preview it then keeps must stay).
@job_kind("participants.import_preview", title="Pratinjau impor", atomic=False)
def import_preview_job(job: Job, *, batch_id: str) -> None:
    batch = _batch(job, batch_id)
    try:
        import_preview(batch=batch, job=job)
    except ImportFileError as error:
        job.result = {"url": _upload_url(batch)}
        raise JobFailed(str(error)) from error
    counts = batch.summary["counts"]
    job.report(done=sum(counts.values()), total=sum(counts.values()), message="Pratinjau siap.")


@job_kind("participants.import_confirm", title="Simpan impor", atomic=False)
def import_confirm_job(
    job: Job, *, batch_id: str, correction_reason: str, update_rows: list[int], update_all: bool
) -> None:
    batch = _batch(job, batch_id)
    try:
        written = import_confirm(
            batch=batch,
            user=job.owner,
            correction_reason=correction_reason,
            update_rows=update_rows,
            update_all=update_all,
            job=job,
        )
    except ImportFileError as error:
        raise JobFailed(str(error)) from error
    except IntegrityError as error:
        raise JobFailed(CHANGED_MEANWHILE) from error
    new, updated, rejected = (format_thousands(written[key]) for key in ("new", "updated", "error"))
    job.report(message=f"Impor selesai: {new} baru, {updated} diubah, {rejected} ditolak.")


@job_kind("participants.stats_rebuild", title="Hitung ulang statistik bulanan", atomic=False)
def stats_rebuild_job(job: Job, *, since: str | None = None, village_ids: list[int] | None = None) -> None:
    """`stats.stats_refresh_all` (or of `village_ids`), batch by batch of villages with its progress; each batch
    commits on its own (one transaction over every village would hold every village's lock to the end)."""
    start = datetime.date.fromisoformat(since) if since else None
    villages = Village.objects.order_by("pk")
    if village_ids is not None:
        villages = villages.filter(pk__in=village_ids)
    village_ids = list(villages.values_list("pk", flat=True))
    graces = grace_schedule()
    job.report(done=0, total=len(village_ids), message="Menghitung ulang statistik desa…")
    try:
        for first in range(0, len(village_ids), ALL_BATCH):
            stats_refresh(village_ids=village_ids[first : first + ALL_BATCH], since=start, graces=graces)
            job.report(done=min(first + ALL_BATCH, len(village_ids)))
    except Exception as error:
        logger.exception("statistics rebuild failed")
        raise JobFailed(
            "Hitung ulang statistik gagal di tengah jalan; sebagian desa sudah dihitung ulang. "
            "Jalankan lagi (admin cabang, atau manage.py refresh_stats)."
        ) from error
    job.result = {"url": reverse("admin:participants_villagemonthstat_changelist")}
    job.report(message=f"Statistik {format_thousands(len(village_ids))} desa dihitung ulang.")


def stats_rebuild_start(*, owner, since: datetime.date | None, village_ids: list[int] | None = None) -> Job:
    """Rebuild the statistics of every village (or of `village_ids`) from `since` (None: entirely) as a
    background job."""
    params: dict = {"since": since.isoformat() if since else None}
    if village_ids is not None:
        params["village_ids"] = village_ids
    return job_start(kind="participants.stats_rebuild", owner=owner, params=params)


@job_files_sweep
def import_uploads_sweep(*, older_than: datetime.datetime) -> int:
    """Uploads never confirmed (a preview left as it was) since before `older_than` are deleted, file and batch
    (they hold names and NIKs); the jobs that previewed them say so on their page and link to the upload page.
    A core-system extract's batch stays (the reconciliation keeps its extracts)."""
    left = ImportBatch.objects.filter(
        status=ImportBatch.Status.PREVIEW, created_at__lt=older_than, extract__isnull=True
    ).select_related("village")
    removed = 0
    for batch in left.order_by("created_at").iterator():
        Job.objects.filter(params__batch_id=str(batch.pk)).update(
            file_removed_at=timezone.now(), result={"url": _upload_url(batch)}
        )
        if kept := batch.summary.get(ROWS_FILE):
            batch.file.storage.delete(kept)
        batch.file.delete(save=False)
        batch.delete()
        removed += 1
    return removed
