"""Time and memory of a resident-list import of N rows (docs/performance.md, "Resident import").

Writes an OpenSID-style workbook of N residents (openpyxl write-only), then uploads (preview) and
confirms it for one village through the import pipeline, as a view would, and prints for each step
its wall-clock time, the CPU time of this process (what the step costs, whatever else the machine is
running) and the process's peak resident memory after it. It replaces that village's resident list:
run it on a benchmark or development database, never on real data.
"""

from __future__ import annotations

import contextlib
import datetime
import io
import resource
import time

from django.contrib.auth.models import User
from django.core.management.base import BaseCommand, CommandError
from openpyxl import Workbook

from participants.imports import import_confirm, import_upload
from participants.models import ImportBatch
from villages.models import Resident, Village

HEADERS = ("alamat", "dusun", "rw", "rt", "nama", "no_kk", "nik", "sex", "tempatlahir", "tanggallahir",
           "agama_id", "pekerjaan_id", "status_kawin", "status_dasar")  # fmt: skip
CODES = (1, 2, 3, 9, 9, 9, 19, 84, 88, 15, 5, 85, 14, 81)


def opensid_rows(count: int):
    """OpenSID rows with valid, distinct NIKs (a birth date every day of 1940-2022, a serial per lap)."""
    start = datetime.date(1940, 1, 1)
    for index in range(count):
        birth = start + datetime.timedelta(days=index % 30000)
        sex = 1 + index % 2
        day = birth.day + (40 if sex == 2 else 0)
        nik = f"130207{day:02d}{birth.month:02d}{birth.year % 100:02d}{index // 30000 + 1:04d}"
        code = CODES[index % len(CODES)]
        status = 2 if index % 50 == 0 else 1
        hamlet = f"JORONG {index % 7}"
        yield ("-", hamlet, "001", "002", f"WARGA {index}", f"13020700{index:08d}", nik, sex, "SOLOK",
               birth.isoformat(), 1, code, 2, status)  # fmt: skip


def workbook_bytes(count: int) -> bytes:
    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet("Penduduk")
    sheet.append(HEADERS)
    for row in opensid_rows(count):
        sheet.append(row)
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def peak_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


class Command(BaseCommand):
    help = "Ukur waktu dan memori impor data penduduk OpenSID (uji kinerja; mengganti data penduduk desa)."

    def add_arguments(self, parser):
        parser.add_argument("--rows", type=int, default=100_000)
        parser.add_argument("--village", default="13.02.07.2006")
        parser.add_argument("--user", default="admin")

    def handle(self, *args, rows: int, village: str, user: str, **options) -> None:
        try:
            target = Village.objects.get(code=village)
            uploader = User.objects.get(username=user)
        except (Village.DoesNotExist, User.DoesNotExist) as error:
            raise CommandError(str(error)) from error
        with self.step("berkas"):
            content = workbook_bytes(rows)
        self.stdout.write(f"berkas: {rows} baris, {len(content) / 1e6:.1f} MB")
        with self.step("pratinjau"):
            batch = import_upload(
                user=uploader, kind=ImportBatch.Kind.RESIDENTS, name="penduduk.xlsx", content=content, village=target
            )
        self.stdout.write(f"pratinjau: {batch.summary['counts']}")
        with self.step("konfirmasi"):
            written = import_confirm(batch=batch, user=uploader)
        self.stdout.write(f"konfirmasi: {written}")
        self.stdout.write(f"penduduk tersimpan: {Resident.objects.filter(village=target).count()}")

    @contextlib.contextmanager
    def step(self, name: str):
        wall, cpu = time.perf_counter(), time.process_time()
        yield
        self.stdout.write(
            f"{name}: {time.perf_counter() - wall:.1f} s, CPU proses {time.process_time() - cpu:.1f} s, "
            f"memori puncak {peak_mb():.0f} MB"
        )
