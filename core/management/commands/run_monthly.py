"""Run the monthly routines due for the current month (what Celery beat runs on the 1st)."""

from __future__ import annotations

from django.core.management.base import BaseCommand

from core.monthly import monthly_pending, monthly_run_due


class Command(BaseCommand):
    help = (
        "Jalankan rutinitas bulanan yang belum berjalan bulan ini (bulan proyeksi statistik yang baru). "
        "Aman dijalankan berulang: yang sudah berjalan bulan ini dilewati."
    )

    def handle(self, *args, **options) -> None:
        ran = monthly_run_due()
        waiting = monthly_pending()
        for name in ran:
            self.stdout.write(f"Dijalankan: {name}.")
        for name in waiting:
            self.stdout.write(f"Sedang dijalankan proses lain: {name}.")
        if not ran and not waiting:
            self.stdout.write("Semua rutinitas bulanan sudah berjalan bulan ini.")
