"""Write a core-system payment list made from the demo branch, with deliberate disagreements, to try the
reconciliation at /reconciliation/ (demo/core_extract.py; docs/reconciliation.md). Development only."""

from __future__ import annotations

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone
from openpyxl import Workbook

from core.spreadsheets import xlsx_bytes
from demo.core_extract import DIALECTS, core_extract_build


class Command(BaseCommand):
    help = "Tulis ekstrak sistem inti (daftar pembayaran) dari cabang demo, dengan beberapa perbedaan yang disengaja."

    def add_arguments(self, parser):
        parser.add_argument("path", nargs="?", default="ekstrak-sistem-inti.xlsx")
        parser.add_argument("--seed", type=int, default=12)
        parser.add_argument("--months", type=int, default=6)
        parser.add_argument(
            "--dialect", choices=sorted(DIALECTS), default="thbl", help="thbl: one month column; terpisah: BLN and THN"
        )
        parser.add_argument("--force", action="store_true", help="run with DEBUG off")

    def handle(self, *args, path: str, seed: int, months: int, dialect: str, force: bool, **options):
        if not settings.DEBUG and not force:
            raise CommandError("Only for a development database (DEBUG on), or with --force.")
        try:
            extract = core_extract_build(today=timezone.localdate(), seed=seed, months=months, dialect=dialect)
        except ValueError as error:
            raise CommandError(str(error)) from error
        workbook = Workbook()
        sheet = workbook.active
        sheet.title = "DATA"
        sheet.append([f"DATA IURAN BPU CABANG SOLOK {extract.first:%m/%Y} S.D. {extract.last:%m/%Y}"])
        sheet.append(list(extract.headers))
        for row in extract.rows:
            sheet.append(row)
        with open(path, "wb") as output:
            output.write(xlsx_bytes(workbook))
        self.stdout.write(f"{path}: {len(extract.rows)} baris. Yang harus ditemukan:")
        for kind, count in sorted(extract.expected.items()):
            self.stdout.write(f"  {kind}: {count}")
