"""Measure the server time and query count of the dashboard pages on the current database.

Each page is requested through Django's test client (the whole middleware stack,
template rendering included, no network) as a branch staff user: once to warm
up, then --runs times for the time (no query capture), then once more to count
the queries. Prints a Markdown table for docs/performance.md.
"""

from __future__ import annotations

import platform
import statistics
import time

from django.conf import settings
from django.contrib.auth.models import Group, User
from django.core.management.base import BaseCommand, CommandError
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from participants.models import Contribution, Participant
from villages.access import ROLE_STAFF
from villages.models import Village

USERNAME = "benchmark.staf"


class Command(BaseCommand):
    help = "Ukur waktu server dan jumlah kueri halaman dasbor (uji beban)."

    def add_arguments(self, parser):
        parser.add_argument("--runs", type=int, default=5)
        parser.add_argument("--village", default="13.02.07.2006", help="Kode desa untuk halaman desa.")

    def handle(self, *args, runs: int, village: str, **options) -> None:
        target = Village.objects.select_related("district__regency").filter(code=village).first()
        if target is None:
            raise CommandError(f"Desa {village} tidak ada.")
        user, _created = User.objects.get_or_create(username=USERNAME, defaults={"is_active": True})
        user.groups.add(Group.objects.get(name=ROLE_STAFF))
        client = Client(HTTP_HOST=settings.ALLOWED_HOSTS[0] if settings.ALLOWED_HOSTS else "localhost")
        client.force_login(user)
        pages = [
            ("Dasbor cabang `/`", reverse("home")),
            (
                f"Kabupaten `/regions/{target.district.regency.code}/`",
                reverse("dashboard:region_detail", kwargs={"code": target.district.regency.code}),
            ),
            (f"Desa `/villages/{target.code}/`", reverse("dashboard:village_detail", kwargs={"code": target.code})),
            ("Daftar desa `/villages/`", reverse("dashboard:village_list")),
        ]
        participants = Participant.objects.count()
        contributions = Contribution.objects.count()
        vendor = connection.vendor
        version = connection.cursor().connection.server_version if vendor == "postgresql" else None
        self.stdout.write(
            f"Basis data: {vendor}{f' {version}' if version else ''}; {participants:,} peserta; "
            f"{contributions:,} iuran; Python {platform.python_version()}; {platform.processor() or platform.machine()}"
        )
        self.stdout.write("")
        self.stdout.write("| halaman | median (ms) | maks (ms) | kueri |")
        self.stdout.write("|---|---:|---:|---:|")
        for label, url in pages:
            response = client.get(url)
            if response.status_code != 200:
                raise CommandError(f"{url} menjawab {response.status_code}.")
            timings = []
            for _ in range(runs):
                started = time.perf_counter()
                client.get(url)
                timings.append((time.perf_counter() - started) * 1000)
            with CaptureQueriesContext(connection) as captured:
                client.get(url)
            median, slowest, queries = statistics.median(timings), max(timings), len(captured.captured_queries)
            self.stdout.write(f"| {label} | {median:.0f} | {slowest:.0f} | {queries} |")
