"""`manage.py seed_demo`: a believable, deterministic demo branch on top of the real regions."""

from __future__ import annotations

import time

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from demo.branch import DEFAULT_PARTICIPANTS, demo_branch_build
from demo.users import DEMO_PASSWORD, DEMO_USERS
from participants.models import Participant


class Command(BaseCommand):
    help = (
        "Membangun cabang demo (deterministik menurut --seed) di atas wilayah sebenarnya: peserta, iuran sejak "
        "2019, kegiatan, klaim, penghargaan, target, siklus Anev 2019–2022, dan akun demo (sandi demo12345). "
        "Penduduk per desa adalah sebaran acak dari total kabupaten/kota 2025, bukan data desa sebenarnya. "
        "Menjalankan ulang tidak menggandakan data."
    )

    def add_arguments(self, parser) -> None:
        parser.add_argument("--seed", type=int, default=2019, help="Benih acak (bawaan 2019).")
        parser.add_argument(
            "--scale",
            type=float,
            default=1.0,
            help=f"Pengali jumlah peserta (1 = sekitar {DEFAULT_PARTICIPANTS:,} peserta pada 2026).".replace(",", "."),
        )
        parser.add_argument("--if-empty", action="store_true", help="Hanya bila belum ada peserta sama sekali.")
        parser.add_argument("--force", action="store_true", help="Jalankan walau DEBUG mati (bukan untuk produksi).")

    def handle(self, *args, seed: int, scale: float, if_empty: bool, force: bool, **options) -> None:
        if not settings.DEBUG and not force:
            raise CommandError("seed_demo menolak berjalan dengan DEBUG mati; tambahkan --force bila memang sengaja.")
        if scale <= 0:
            raise CommandError("--scale harus lebih dari 0.")
        if if_empty and Participant.objects.exists():
            self.stdout.write("Sudah ada peserta: data demo tidak dimuat (--if-empty).")
            return
        self.stdout.write(
            "Membangun cabang demo. Penduduk usia kerja per desa disebar acak dari total kabupaten/kota "
            "(villages/data/penduduk_kabupaten_2025.csv): angka demo, bukan data desa."
        )
        started = time.monotonic()
        written = demo_branch_build(seed=seed, scale=scale, today=timezone.localdate(), log=self.stdout.write)
        for what, count in written.items():
            self.stdout.write(f"  {what}: {count}")
        self.stdout.write(self.style.SUCCESS(f"Selesai dalam {time.monotonic() - started:.1f} detik."))
        self.stdout.write(f"Akun demo (sandi {DEMO_PASSWORD}): " + ", ".join(user[0] for user in DEMO_USERS))
