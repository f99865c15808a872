"""Times of a participant import of N rows through the background jobs (docs/performance.md, "Import").

Writes a participant workbook of N new workers (openpyxl write-only), submits it as a page would
(`import_submit`: more rows than JOB_INLINE_MAX_ROWS go to a job), waits for the preview job, confirms
(`import_confirm_start`) and waits for that job, printing each step's time as the user waits for it
(queue, worker, progress), and the CPU this process used for it (all of the step's Python when the jobs run
inline). With CELERY_BROKER_URL set a running worker does the work (measure its peak
memory with /usr/bin/time -v around it); without, the jobs run inline in this process. It registers
N participants in the village: run it on a benchmark or development database, never on real data.
"""

from __future__ import annotations

import datetime
import io
import time

from django.conf import settings
from django.contrib.auth.models import User
from django.core.management.base import BaseCommand, CommandError
from openpyxl import Workbook

from core.models import Job
from participants.imports import import_confirm_start, import_job, import_submit
from participants.models import ImportBatch
from villages.models import Village

HEADERS = ("NIK", "Nama", "Jenis Kelamin", "Tanggal Lahir", "Pekerjaan", "Penghasilan", "Sumber Dana", "Tanggal Daftar")
BIRTHS_FROM = datetime.date(1961, 1, 1)
BIRTH_DAYS = 16_000  # birth dates 1961-2004; a new NIK serial every lap


def participant_rows(count: int, *, region: str):
    for index in range(count):
        birth = BIRTHS_FROM + datetime.timedelta(days=index % BIRTH_DAYS)
        female = index % 2 == 1
        day = birth.day + (40 if female else 0)
        nik = f"{region}{day:02d}{birth.month:02d}{birth.year % 100:02d}{index // BIRTH_DAYS + 1:04d}"
        yield (nik, f"Pekerja {index}", "P" if female else "L", f"{birth:%d/%m/%Y}", "Petani", "1.500.000",
               "Mandiri", "02/01/2025")  # fmt: skip


def workbook_bytes(count: int, *, region: str) -> bytes:
    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet("Peserta")
    sheet.append(HEADERS)
    for row in participant_rows(count, region=region):
        sheet.append(row)
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def wait(job: Job, timeout: float) -> Job:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        job.refresh_from_db()
        if job.finished:
            return job
        time.sleep(0.2)
    raise CommandError(f"pekerjaan {job.pk} belum selesai setelah {timeout:.0f} s (status {job.status})")


class Command(BaseCommand):
    help = "Ukur waktu impor peserta besar lewat pekerjaan latar (uji kinerja; mendaftarkan N peserta)."

    def add_arguments(self, parser):
        parser.add_argument("--rows", type=int, default=20_000)
        parser.add_argument("--village", default="13.02.07.2006")
        parser.add_argument("--user", default="admin")
        parser.add_argument("--timeout", type=float, default=1800)

    def handle(self, *args, rows: int, village: str, user: str, timeout: float, **options) -> None:
        try:
            target = Village.objects.get(code=village)
            uploader = User.objects.get(username=user)
        except (Village.DoesNotExist, User.DoesNotExist) as error:
            raise CommandError(str(error)) from error
        mode = f"worker lewat {settings.CELERY_BROKER_URL}" if settings.CELERY_BROKER_URL else "inline"
        content = workbook_bytes(rows, region=target.code.replace(".", "")[:6])
        self.stdout.write(f"berkas: {rows} baris, {len(content) / 1e6:.1f} MB; pekerjaan: {mode}")

        began, cpu = time.perf_counter(), time.process_time()
        batch = import_submit(
            user=uploader, kind=ImportBatch.Kind.PARTICIPANTS, name="peserta.xlsx", content=content, village=target
        )
        submitted = time.perf_counter() - began
        preview = import_job(batch)
        if preview is None:
            raise CommandError(f"{rows} baris tidak melebihi JOB_INLINE_MAX_ROWS={settings.JOB_INLINE_MAX_ROWS}")
        wait(preview, timeout)
        batch.refresh_from_db()
        took, used = time.perf_counter() - began, time.process_time() - cpu
        self.stdout.write(
            f"pratinjau: {took:.1f} s ({rows / took:,.0f} baris/s; unggah {submitted:.1f} s; CPU proses ini "
            f"{used:.1f} s), {preview.get_status_display()}, {batch.summary.get('counts')}"
        )

        began, cpu = time.perf_counter(), time.process_time()
        confirm = wait(import_confirm_start(batch=batch, user=uploader), timeout)
        took, used = time.perf_counter() - began, time.process_time() - cpu
        self.stdout.write(
            f"konfirmasi: {took:.1f} s ({rows / took:,.0f} baris/s; CPU proses ini {used:.1f} s), "
            f"{confirm.get_status_display()}: {confirm.message}"
        )
