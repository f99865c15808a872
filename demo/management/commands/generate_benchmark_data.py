"""Fill the database with a large synthetic branch for the benchmark, in set-based SQL.

Participants and their monthly contributions are written with INSERT … SELECT
over a number series (generate_series on PostgreSQL, a recursive CTE on
SQLite): no Python loop over rows. Values are deterministic functions of the
participant number, so two runs with the same size give the same data.

Three kinds of payer: steady (70%, pay ~93% of months), lapsing (20%, pay the
first 3–14 months, then stop) and sporadic (10%, pay ~35% of months); 5% exit
1–12 months after enrolment. Enrolments are spread over the last --months
months (84 by default: the programme runs since 2019). Participants are spread
evenly over the villages, or, with --largest-village N, the first village by
code gets N of them and the others share the rest evenly (a nagari at
universal coverage next to ordinary ones). Villages without a working-age
population or a target for this year get synthetic ones, so coverage and
target attainment are defined.

Never run this against a database with real data: it refuses to unless --replace,
which deletes every participant, contribution and claim first.
"""

from __future__ import annotations

import datetime
import time

from django.core.management.base import BaseCommand, CommandError
from django.db import connection, transaction
from django.utils import timezone

from participants.models import Claim, Contribution, Participant
from participants.months import add_months, month_start
from participants.stats import stats_refresh_all
from villages.models import Activity, Target, Village

BIRTH_DATES = 1000  # distinct birth dates; with a 4-digit serial: 10 million unique NIKs
DAYS_PER_MONTH = 28


class Command(BaseCommand):
    help = "Buat data uji beban: N peserta beserta iuran bulanannya (SQL berbasis himpunan)."

    def add_arguments(self, parser):
        parser.add_argument("--participants", type=int, required=True)
        parser.add_argument("--months", type=int, default=84, help="Lama riwayat dalam bulan (bawaan 84).")
        parser.add_argument(
            "--largest-village",
            type=int,
            default=0,
            help="Jumlah peserta desa terbesar (desa pertama menurut kode); sisanya dibagi rata ke desa lain.",
        )
        parser.add_argument("--replace", action="store_true", help="Hapus dulu semua peserta, iuran dan klaim.")

    def handle(self, *args, participants: int, months: int, replace: bool, largest_village: int, **options) -> None:
        if participants < 1 or participants > 10_000_000:
            raise CommandError("--participants harus antara 1 dan 10.000.000.")
        if months < 2 or months > 120:
            raise CommandError("--months harus antara 2 dan 120.")
        if largest_village < 0 or largest_village > participants:
            raise CommandError("--largest-village harus antara 0 dan jumlah peserta.")
        self.largest = largest_village
        if Village.objects.count() < 2 and largest_village:
            raise CommandError("--largest-village perlu sedikitnya dua desa.")
        if Participant.objects.exists() and not replace:
            raise CommandError("Basis data sudah berisi peserta. Pakai --replace untuk menghapusnya lebih dulu.")
        started = time.perf_counter()
        self.current = month_start(timezone.localdate())
        self.first = add_months(self.current, 1 - months)
        self.months = months
        self.vendor = connection.vendor
        with transaction.atomic():
            if replace:
                self._delete_all()
            self._lookup_tables()
            self._villages_context()
            base = self._insert_participants(participants)
            self.stdout.write(f"{participants} peserta ditulis ({time.perf_counter() - started:.0f} s).")
            self._insert_contributions(base)
            self.stdout.write(f"{Contribution.objects.count()} iuran ditulis ({time.perf_counter() - started:.0f} s).")
            self._insert_claims_and_activities(base, participants)
            self._drop_lookup_tables()
        if largest_village:
            self.stdout.write(f"Desa terbesar: {self.largest_code} dengan {largest_village} peserta.")
        if self.vendor == "postgresql":
            with connection.cursor() as cursor:
                cursor.execute(f"ANALYZE {Participant._meta.db_table}")
                cursor.execute(f"ANALYZE {Contribution._meta.db_table}")
        stats_refresh_all()
        self.stdout.write(f"Statistik diperbarui ({time.perf_counter() - started:.0f} s).")
        if self.vendor == "postgresql" and connection.get_autocommit():
            # As autovacuum leaves a production database: the visibility map set, so that index-only scans
            # (the paid months of a participant) do not read the table as well.
            with connection.cursor() as cursor:
                cursor.execute("VACUUM (ANALYZE)")
        self.stdout.write(f"Selesai dalam {time.perf_counter() - started:.0f} s.")

    # --- helpers -----------------------------------------------------------------------------------------

    def _execute(self, sql: str, params: list | None = None) -> None:
        with connection.cursor() as cursor:
            cursor.execute(sql, params)

    def _delete_all(self) -> None:
        for model in (Claim, Contribution, Participant):
            self._execute(f"DELETE FROM {model._meta.db_table}")  # noqa: S608
            history = getattr(model, "history", None)
            if history is not None:
                self._execute(f"DELETE FROM {history.model._meta.db_table}")  # noqa: S608

    def _lookup_tables(self) -> None:
        """Small tables the set-based inserts join to: villages, birth dates, enrolment days, months."""
        self._drop_lookup_tables()
        self._execute("CREATE TEMPORARY TABLE bench_village (idx integer PRIMARY KEY, village_id bigint, region text)")
        self._execute("CREATE TEMPORARY TABLE bench_birth (idx integer PRIMARY KEY, birth_date date, ddmmyy text)")
        self._execute("CREATE TEMPORARY TABLE bench_day (idx integer PRIMARY KEY, day date, month_idx integer)")
        self._execute("CREATE TEMPORARY TABLE bench_month (idx integer PRIMARY KEY, first_day date)")
        villages = list(Village.objects.order_by("code").values_list("pk", "code"))
        self.village_count = len(villages)
        self.largest_code = villages[0][1]
        births = []
        for idx in range(BIRTH_DATES):
            born = datetime.date(1965, 1, 1) + datetime.timedelta(days=idx * 13)
            births.append((idx, born, f"{born:%d%m%y}"))
        days, month_rows = [], []
        for month_idx in range(self.months):
            month = add_months(self.first, month_idx)
            month_rows.append((month_idx, month))
            for day in range(DAYS_PER_MONTH):
                days.append((month_idx * DAYS_PER_MONTH + day, month.replace(day=day + 1), month_idx))
        with connection.cursor() as cursor:
            cursor.executemany(
                "INSERT INTO bench_village VALUES (%s, %s, %s)",
                [(idx, pk, code.replace(".", "")[:6]) for idx, (pk, code) in enumerate(villages)],
            )
            cursor.executemany("INSERT INTO bench_birth VALUES (%s, %s, %s)", births)
            cursor.executemany("INSERT INTO bench_day VALUES (%s, %s, %s)", days)
            cursor.executemany("INSERT INTO bench_month VALUES (%s, %s)", month_rows)

    def _drop_lookup_tables(self) -> None:
        for table in ("bench_village", "bench_birth", "bench_day", "bench_month", "bench_participant"):
            self._execute(f"DROP TABLE IF EXISTS {table}")

    def _villages_context(self) -> None:
        """Working-age population and this year's target where missing, so ratios are defined."""
        for village in Village.objects.filter(working_age_population__isnull=True).only("pk", "population"):
            working_age = 2_000 + (village.pk * 7919) % 6_000
            Village.objects.filter(pk=village.pk).update(
                working_age_population=working_age,
                population=max(village.population or 0, working_age * 3 // 2),
                working_age_source="data uji beban",
            )
        year = self.current.year
        have = set(Target.objects.filter(year=year).values_list("village_id", flat=True))
        Target.objects.bulk_create(
            Target(village_id=pk, year=year, active_participants=200 + (pk * 104729) % 800)
            for pk in Village.objects.exclude(pk__in=have).values_list("pk", flat=True)
        )

    def _series(self, count: int) -> str:
        """A FROM clause yielding i = 0..count-1."""
        if self.vendor == "postgresql":
            return f"generate_series(0::bigint, {int(count) - 1}) AS seq(i)"
        last = int(count) - 1
        return f"(WITH RECURSIVE s(i) AS (SELECT 0 UNION ALL SELECT i + 1 FROM s WHERE i < {last}) SELECT i FROM s) seq"  # noqa: S608

    def _insert_participants(self, count: int) -> int:
        """One bench_participant row per participant (its payer kind and months), then the participants."""
        last_day = self.months * DAYS_PER_MONTH - 1
        largest, villages = int(self.largest), self.village_count
        self._execute(
            f"""
            CREATE TEMPORARY TABLE bench_participant AS
            SELECT i,
                CASE WHEN {largest} = 0 THEN i % {villages} WHEN i < {largest} THEN 0
                     ELSE 1 + (i - {largest}) % {villages - 1} END AS village_idx,
                (i * 2654435761) % 1000003 AS h,
                ((i * 2654435761) % 1000003) % {last_day + 1} AS enrol_day,
                CASE WHEN ((i * 40503) % 100) < 70 THEN 0 WHEN ((i * 40503) % 100) < 90 THEN 1 ELSE 2 END AS kind,
                3 + (i * 97) % 12 AS stop_after,
                CASE WHEN (i * 7919) % 100 < 5 THEN 1 + (i * 31) % 12 END AS exit_after
            FROM {self._series(count)}
            """  # noqa: S608
        )
        base = (Participant.objects.order_by("-pk").values_list("pk", flat=True).first() or 0) + 1
        table = Participant._meta.db_table
        now = timezone.now()
        self._execute(
            f"""
            INSERT INTO {table} (id, village_id, nik, kpj, name, sex, birth_date, phone, hamlet, occupation,
                monthly_income, has_jht, funding_source, enrolled_on, exit_date, exit_reason, created_at, updated_at)
            SELECT %s + bp.i, bv.village_id,
                bv.region || bb.ddmmyy || substr(CAST(10000 + bp.i %% 10000 AS text), 2, 4),
                NULL, 'Peserta Uji ' || CAST(bp.i AS text), 'L', bb.birth_date,
                '08' || CAST(1200000000 + bp.i AS text), '',
                CASE WHEN bp.h %% 17 = 0 THEN 'perangkat' WHEN bp.h %% 3 = 0 THEN 'pedagang' ELSE 'petani' END,
                1000000 + (bp.h %% 20) * 100000, bp.h %% 4 = 0,
                CASE WHEN bp.h %% 10 < 6 THEN 'mandiri' WHEN bp.h %% 10 < 8 THEN 'apbdes'
                     WHEN bp.h %% 10 < 9 THEN 'apbd' ELSE 'csr' END,
                enrol.day,
                leaving.day,
                CASE WHEN leaving.day IS NULL THEN '' ELSE 'pindah' END,
                %s, %s
            FROM bench_participant bp
            JOIN bench_village bv ON bv.idx = bp.village_idx
            JOIN bench_birth bb ON bb.idx = (bp.i / 10000) %% {BIRTH_DATES}
            JOIN bench_day enrol ON enrol.idx = bp.enrol_day
            LEFT JOIN bench_day leaving ON bp.exit_after IS NOT NULL
                AND leaving.idx = bp.enrol_day + bp.exit_after * {DAYS_PER_MONTH}
            """,  # noqa: S608
            [base, now, now],
        )
        if self.vendor == "postgresql":
            self._execute(f"SELECT setval(pg_get_serial_sequence('{table}', 'id'), (SELECT MAX(id) FROM {table}))")  # noqa: S608
        return base

    def _insert_contributions(self, base: int) -> None:
        table = Contribution._meta.db_table
        now = timezone.now()
        self._execute(
            f"""
            INSERT INTO {table} (participant_id, month, amount, paid_on, channel, funding_source, created_at)
            SELECT p.id, bm.first_day, CASE WHEN bp.h %% 4 = 0 THEN 36800 ELSE 16800 END, bm.first_day,
                CASE WHEN (bp.i + bm.idx) %% 4 = 0 THEN 'agen_perisai' WHEN (bp.i + bm.idx) %% 4 = 1 THEN 'bank_pos'
                     WHEN (bp.i + bm.idx) %% 4 = 2 THEN 'online' ELSE 'bendahara' END,
                p.funding_source, %s
            FROM bench_participant bp
            JOIN {Participant._meta.db_table} p ON p.id = %s + bp.i
            JOIN bench_month bm ON bm.idx >= bp.enrol_day / {DAYS_PER_MONTH}
                AND (bp.exit_after IS NULL OR bm.idx <= bp.enrol_day / {DAYS_PER_MONTH} + bp.exit_after)
            WHERE (bp.kind = 0 AND (bp.i * 31 + bm.idx * 17) %% 100 < 93)
                OR (bp.kind = 1 AND bm.idx < bp.enrol_day / {DAYS_PER_MONTH} + bp.stop_after)
                OR (bp.kind = 2 AND (bp.i * 7 + bm.idx * 13) %% 100 < 35)
            """,  # noqa: S608
            [now, base],
        )

    def _insert_claims_and_activities(self, base: int, count: int) -> None:
        """A few claims (one per 500 participants) and an activity per village every other month."""
        today = timezone.localdate()
        Claim.objects.bulk_create(
            Claim(
                participant_id=base + number,
                programme="JKK" if number % 3 else "JKM",
                event_date=add_months(self.first, number % self.months),
                paid_on=min(add_months(self.first, number % self.months) + datetime.timedelta(days=20), today),
                amount=42_000_000 if number % 3 == 0 else 5_000_000,
            )
            for number in range(0, count, 500)
        )
        villages = list(Village.objects.values_list("pk", flat=True))
        Activity.objects.bulk_create(
            Activity(
                village_id=pk,
                date=add_months(self.first, month_idx).replace(day=10),
                kind=Activity.Kind.SOCIALISATION if month_idx % 2 else Activity.Kind.DOOR_TO_DOOR,
                title="Kegiatan uji beban",
                attendees=20 + (pk + month_idx) % 40,
                enrolled_on_spot=(pk + month_idx) % 5,
            )
            for pk in villages
            for month_idx in range(0, self.months, 2)
        )
