"""Measure the server time and query count of the dashboard pages on the current database.

Each page is requested through Django's test client (the whole middleware stack,
template rendering included, no network) as a branch staff user: once to warm
up, then --runs times for the time (no query capture), then once more to count
the queries. Prints a Markdown table for docs/performance.md.

--full adds, side by side in the same run, the trivial logged-in page
(/accounts/password_change/) and each page's median as a multiple of it; the
largest village's page; the participant list unfiltered, its last page and a
name search; and writes through the forms: one contribution and one
registration in the largest village and in the smallest one with participants
(each run a different participant, a new NIK). The runs are interleaved (every
page once per round), so a burst of load on the shared machine hits all alike.

--server http://127.0.0.1:PORT measures over HTTP against a running server
(gunicorn, `gunicorn.conf.py`) serving the same database, as the client's wall
time; the query counts are then not taken.
"""

from __future__ import annotations

import datetime
import http.cookiejar
import platform
import re
import secrets
import statistics
import time
import urllib.error
import urllib.parse
import urllib.request

from django.conf import settings
from django.contrib.auth.models import Group, User
from django.core.management.base import BaseCommand, CommandError
from django.db import connection
from django.db.models import Count
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from participants.models import Contribution, Participant
from villages.access import ROLE_STAFF
from villages.models import Village

USERNAME = "benchmark.staf"
TRIVIAL = "Halaman sepele `/accounts/password_change/`"
ERROR_TEXT = re.compile(r'class="invalid-feedback"[^>]*>\s*<[^>]*>(?:<strong>)?([^<]+)')
VALUE = re.compile(r'value="([^"]*)"')
PARTICIPANT_URL = re.compile(r"/participants/(\d+)/$")


class Command(BaseCommand):
    help = "Ukur waktu server dan jumlah kueri halaman dasbor (uji beban)."

    def add_arguments(self, parser):
        parser.add_argument("--runs", type=int, default=5)
        parser.add_argument("--village", default="13.02.07.2006", help="Kode desa untuk halaman desa.")
        parser.add_argument("--full", action="store_true", help="Juga halaman sepele, daftar peserta dan penyimpanan.")
        parser.add_argument("--no-writes", action="store_true", help="Dengan --full: tanpa penyimpanan.")
        parser.add_argument("--server", default="", help="Ukur lewat HTTP ke server ini, mis. http://127.0.0.1:8004.")

    def handle(self, *args, runs: int, village: str, full: bool, server: str, no_writes: bool, **options) -> None:
        self.runs = runs
        target = Village.objects.select_related("district__regency").filter(code=village).first()
        if target is None:
            raise CommandError(f"Desa {village} tidak ada.")
        user, _created = User.objects.get_or_create(username=USERNAME, defaults={"is_active": True})
        user.groups.add(Group.objects.get(name=ROLE_STAFF))
        if server:
            password = secrets.token_urlsafe(16)
            user.set_password(password)
            user.save(update_fields=["password"])
            client = HttpClient(server, username=USERNAME, password=password)
        else:
            client = Client(HTTP_HOST=settings.ALLOWED_HOSTS[0] if settings.ALLOWED_HOSTS else "localhost")
            client.force_login(user)
        pages = self._pages(target, full=full)
        writes = self._writes(runs + 1) if full and not no_writes else []
        self._header()
        timings = {label: [] for label, _url in pages} | {label: [] for label, _write in writes}
        for _label, url in pages:  # warm up, and refuse a broken page before timing anything
            status = client.get(url).status_code
            if status != 200:
                raise CommandError(f"{url} menjawab {status}.")
        for _write_label, write in writes:
            write(client, timings=None)
        for _ in range(runs):
            for label, url in pages:
                started = time.perf_counter()
                client.get(url)
                timings[label].append((time.perf_counter() - started) * 1000)
            for label, write in writes:
                write(client, timings=timings[label])
        trivial = statistics.median(timings[TRIVIAL]) if full else None
        for label, url in pages:
            queries = None
            if not server:
                with CaptureQueriesContext(connection) as captured:
                    client.get(url)
                queries = len(captured.captured_queries)
            self._row(label, timings[label], queries, trivial)
        for label, _write in writes:
            self._row(label, timings[label], None, trivial)

    # --- what is measured ---------------------------------------------------------------------------------

    def _pages(self, target: Village, *, full: bool) -> list[tuple[str, str]]:
        regency = target.district.regency.code
        pages = [
            ("Dasbor cabang `/`", reverse("home")),
            (f"Kabupaten `/regions/{regency}/`", reverse("dashboard:region_detail", kwargs={"code": regency})),
            (f"Desa `/villages/{target.code}/`", reverse("dashboard:village_detail", kwargs={"code": target.code})),
            ("Daftar desa `/villages/`", reverse("dashboard:village_list")),
        ]
        if not full:
            return pages
        self.largest, self.smallest = self._largest_and_smallest()
        middle = Participant.objects.order_by("pk")[Participant.objects.count() // 2]
        words = middle.name.split()
        search = " ".join(words[-2:]) if len(words) > 1 else middle.name
        participants = reverse("participants:list")
        largest_url = reverse("dashboard:village_detail", kwargs={"code": self.largest.code})
        return [
            (TRIVIAL, reverse("password_change")),
            *pages,
            (f"Desa terbesar `/villages/{self.largest.code}/` ({self.largest.people:,} peserta)", largest_url),
            ("Peserta `/participants/`", participants),
            ("Peserta, halaman terakhir `?page=999999`", f"{participants}?page=999999"),
            (f"Peserta, cari nama `?q={search}`", f"{participants}?q={search.replace(' ', '+')}"),
        ]

    def _largest_and_smallest(self) -> tuple[Village, Village]:
        """The village with the most participants, and the one with the fewest that still has enough for the
        writes (a participant per run, most of them not exited)."""
        villages = Village.objects.annotate(people=Count("participants"))
        largest = villages.order_by("-people", "code").first()
        smallest = villages.filter(people__gte=2 * (self.runs + 1)).order_by("people", "code").first()
        return largest, smallest or largest

    def _writes(self, count: int) -> list:
        writes = []
        for village in (self.largest, self.smallest):
            size = f"desa {village.code}, {village.people:,} peserta"
            # Each pays its first payable month (arrears within the grace, this month or the next one ahead).
            # Without JHT: the form proposes an amount with JHT that its own check then refuses for some funding
            # sources (reported, not this command's business).
            payers = Participant.objects.filter(village=village, exit_date__isnull=True, has_jht=False)
            payers = list(payers.order_by("pk")[:count])
            if len(payers) < count:
                raise CommandError(f"Desa {village.code}: kurang dari {count} peserta yang belum keluar.")
            writes.append((f"Simpan satu iuran ({size})", _ContributionWrite(payers)))
            writes.append((f"Daftarkan satu peserta ({size})", _Registration(village)))
        return writes

    # --- output -------------------------------------------------------------------------------------------

    def _header(self) -> None:
        vendor = connection.vendor
        version = connection.cursor().connection.server_version if vendor == "postgresql" else None
        self.stdout.write(
            f"Basis data: {vendor}{f' {version}' if version else ''}; {Participant.objects.count():,} peserta; "
            f"{Contribution.objects.count():,} iuran; Python {platform.python_version()}; "
            f"{platform.processor() or platform.machine()}; beban {_load_average()}"
        )
        self.stdout.write("")
        self.stdout.write("| halaman | median (ms) | maks (ms) | × sepele | kueri |")
        self.stdout.write("|---|---:|---:|---:|---:|")

    def _row(self, label: str, timings: list[float], queries: int | None, trivial: float | None) -> None:
        median, slowest = statistics.median(timings), max(timings)
        ratio = f"{median / trivial:.1f}" if trivial else "—"
        self.stdout.write(f"| {label} | {median:.0f} | {slowest:.0f} | {ratio} | {queries if queries else '—'} |")


class _ContributionWrite:
    """One payment per call through the payment form, each a different participant's first payable month."""

    def __init__(self, participants: list[Participant]) -> None:
        self.participants = iter(participants)

    def __call__(self, client, *, timings: list[float] | None) -> None:
        participant = next(self.participants)
        url = reverse("participants:contribution_create", args=[participant.pk])
        # What the form proposes, as an official accepts it: the first payable month and its amount.
        form = client.get(url).content.decode()
        month, amount = (_input_value(form, name) for name in ("first_month", "amount"))
        months = re.search(r'<input[^>]*name="months" value="(\d+)"[^>]*checked', form)
        data = {
            "first_month": month,
            "months": months.group(1) if months else "1",
            "amount": amount,
            "paid_on": f"{timezone.localdate():%d/%m/%Y}",
            "channel": "agen_perisai",
            "funding_source": participant.funding_source,
        }
        _timed_post(client, url, data, timings)


class _Registration:
    """One registration per call through the registration form, a new valid NIK of the village's district."""

    def __init__(self, village: Village) -> None:
        self.village = village
        self.region = village.code.replace(".", "")[:6]
        self.number = 0

    def __call__(self, client, *, timings: list[float] | None) -> None:
        while True:
            self.number += 1
            birth = datetime.date(1958, 1, 1) + datetime.timedelta(days=self.number)
            nik = f"{self.region}{birth:%d%m%y}{8000 + secrets.randbelow(1000):04d}"
            if not Participant.objects.filter(nik=nik).exists():
                break
        url = reverse("participants:create")
        client.get(url)
        data = {
            "village": self.village.pk,
            "nik": nik,
            "name": f"Pekerja Ukur {self.number}",
            "sex": "L",
            "birth_date": f"{birth:%d/%m/%Y}",
            "phone": f"0813{self.number:08d}",
            "hamlet": "Jorong Ukur",
            "occupation": "petani",
            "monthly_income": "1.500.000",
            "funding_source": "mandiri",
            "enrolled_on": f"{timezone.localdate():%d/%m/%Y}",
        }
        _timed_post(client, url, data, timings)


def _input_value(html: str, name: str) -> str:
    field = re.search(rf'<input[^>]*name="{name}"[^>]*>', html)
    value = VALUE.search(field.group(0)) if field else None
    return value.group(1) if value else ""


def _load_average() -> str:
    try:
        with open("/proc/loadavg") as load:
            return " ".join(load.read().split()[:3])
    except OSError:
        return "?"


def _timed_post(client, url: str, data: dict, timings: list[float] | None) -> None:
    started = time.perf_counter()
    response = client.post(url, data)
    elapsed = (time.perf_counter() - started) * 1000
    if response.status_code != 302:
        problems = ERROR_TEXT.findall(response.content.decode())
        raise CommandError(
            f"POST {url} menjawab {response.status_code}, bukan pengalihan: data tidak tersimpan "
            f"({'; '.join(' '.join(problem.split()) for problem in problems[:3]) or 'tanpa pesan'})."
        )
    if timings is not None:
        timings.append(elapsed)


class HttpClient:
    """A logged-in browser over HTTP (urllib, cookies, the CSRF token; redirects are answers, not followed)."""

    class _Response:
        def __init__(self, status_code: int, content: bytes) -> None:
            self.status_code, self.content = status_code, content

    class _NoRedirect(urllib.request.HTTPRedirectHandler):
        def redirect_request(self, *args, **kwargs):
            return None

    def __init__(self, server: str, *, username: str, password: str) -> None:
        if not server.startswith(("http://", "https://")):
            raise CommandError("--server harus berupa alamat http:// atau https://.")
        self.server = server.rstrip("/")
        self.cookies = http.cookiejar.CookieJar()
        self.opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(self.cookies), self._NoRedirect)
        self.get(reverse("login"))
        if self.post(reverse("login"), {"username": username, "password": password}).status_code != 302:
            raise CommandError(f"Gagal masuk ke {server} sebagai {username}: server memakai basis data yang sama?")

    def get(self, path: str) -> HttpClient._Response:
        return self._open(urllib.request.Request(self.server + path))  # noqa: S310 - http(s) only, checked above

    def post(self, path: str, data: dict) -> HttpClient._Response:
        token = next((cookie.value for cookie in self.cookies if cookie.name == settings.CSRF_COOKIE_NAME), "")
        body = urllib.parse.urlencode({**data, "csrfmiddlewaretoken": token}).encode()
        request = urllib.request.Request(self.server + path, data=body, headers={"Referer": self.server})  # noqa: S310
        return self._open(request)

    def _open(self, request: urllib.request.Request) -> HttpClient._Response:
        try:
            with self.opener.open(request, timeout=120) as response:
                return self._Response(response.status, response.read())
        except urllib.error.HTTPError as error:  # 3xx (not followed) and 4xx/5xx answers
            return self._Response(error.code, error.read())
