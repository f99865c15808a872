"""Rebuild the per-village monthly statistics table (all villages, or some)."""

from __future__ import annotations

import datetime

from django.core.management.base import BaseCommand, CommandError

from participants.months import month_start
from participants.stats import stats_refresh, stats_refresh_all
from villages.models import Village


class Command(BaseCommand):
    help = "Hitung ulang tabel statistik bulanan desa (VillageMonthStat) dari peserta dan iuran."

    def add_arguments(self, parser):
        parser.add_argument("--village", action="append", default=[], help="Kode desa (boleh berulang).")
        parser.add_argument("--since", help="Bulan awal, format mm/yyyy (bawaan: sejak pendaftaran pertama).")

    def handle(self, *args, village: list[str], since: str | None, **options) -> None:
        since_month = None
        if since:
            try:
                since_month = month_start(datetime.datetime.strptime(since, "%m/%Y").date())
            except ValueError as error:
                raise CommandError("Format --since harus mm/yyyy, misalnya 01/2024.") from error
        if village:
            found = dict(Village.objects.filter(code__in=village).values_list("code", "pk"))
            missing = sorted(set(village) - set(found))
            if missing:
                raise CommandError(f"Kode desa tidak dikenal: {', '.join(missing)}")
            stats_refresh(village_ids=found.values(), since=since_month)
            self.stdout.write(f"Statistik {len(found)} desa diperbarui.")
        else:
            stats_refresh_all(since=since_month)
            self.stdout.write("Statistik semua desa diperbarui.")
