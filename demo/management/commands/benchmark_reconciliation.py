"""Time and memory of a reconciliation on the current database (docs/reconciliation.md, "How long it takes"):
a payment list made from it by `demo.core_extract` is uploaded, matched and applied twice as branch staff
`staf` would, and the times, counts and the process's peak memory are printed. It writes the missing months it
finds: run it on a demo or benchmark database, never on real data."""

from __future__ import annotations

import io
import resource
import time

from django.conf import settings
from django.contrib.auth.models import User
from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone
from openpyxl import Workbook

from demo.core_extract import core_extract_build
from reconciliation import applying, services


class Command(BaseCommand):
    help = "Ukur waktu rekonsiliasi ekstrak sistem inti pada cabang demo."

    def add_arguments(self, parser):
        parser.add_argument("--months", type=int, default=6)
        parser.add_argument("--force", action="store_true", help="run with DEBUG off")

    def handle(self, *args, months: int, force: bool, **options):
        if not settings.DEBUG and not force:
            raise CommandError("Only for a demo or benchmark database (DEBUG on), or with --force.")
        staff = User.objects.filter(username="staf").first()
        if staff is None:
            raise CommandError("No user 'staf': run seed_demo first.")
        today = timezone.localdate()
        start = time.perf_counter()
        core = core_extract_build(today=today, months=months)
        book = Workbook(write_only=True)
        sheet = book.create_sheet("DATA")
        sheet.append(list(core.headers))
        for row in core.rows:
            sheet.append(row)
        buffer = io.BytesIO()
        book.save(buffer)
        self.stdout.write(f"ekstrak: {len(core.rows)} baris, {len(buffer.getvalue()):,} byte, {self._since(start)}")
        start = time.perf_counter()
        extract = services.extract_upload(
            user=staff, name="ekstrak.xlsx", content=buffer.getvalue(), shape="", extract_date=today
        )
        self.stdout.write(f"unggah dan pratinjau: {self._since(start)}")
        start = time.perf_counter()
        services.extract_confirm(extract=extract, user=staff)
        self.stdout.write(f"cocokkan: {self._since(start)}; temuan {extract.summary['counts']}")
        self.stdout.write(f"yang diharapkan: {dict(core.expected)}")
        for attempt in ("terapkan", "terapkan lagi"):
            start = time.perf_counter()
            written = applying.extract_apply(extract=extract, user=staff, add_months=True, fill_kpj=True, register={})
            self.stdout.write(f"{attempt}: {self._since(start)}; {written}")
        self.stdout.write(f"memori puncak: {resource.getrusage(resource.RUSAGE_SELF).ru_maxrss // 1024} MB")

    @staticmethod
    def _since(start: float) -> str:
        return f"{time.perf_counter() - start:.1f} s"
