"""Load test of Desa Sadar Jamsostek: village officials entering data and branch staff reading dashboards.

Run by loadtest/run.sh against gunicorn and PostgreSQL on 127.0.0.1. Every locust user logs in with
its own account (LOADTEST_ACCOUNTS, written by `loadtest/accounts.py prepare`):

- operators (weight 7) open their village page, their participant list and the monthly payment
  screen, register workers of their village, and record their monthly contributions one month at a
  time, from the enrolment month onwards;
- branch users (weight 3) open the branch dashboard, the villages list, village and region pages.

Every registration and contribution the application accepts (a redirect to the participant page) is
written to LOADTEST_RESULTS when the run ends; `loadtest/accounts.py verify` then checks each is in
the database.
"""

from __future__ import annotations

import datetime
import itertools
import json
import os
import random
import re
from pathlib import Path

from locust import HttpUser, between, events, task

ACCOUNTS = json.loads(Path(os.environ["LOADTEST_ACCOUNTS"]).read_text())
RESULTS = Path(os.environ["LOADTEST_RESULTS"])
PASSWORD = ACCOUNTS["password"]
TODAY = datetime.date.today()
# The load test's workers enrol two months ago and pay from then on: arrears within the grace (Perdir 22/2022),
# which an official may still record (older months would be refused, as the rule says).
ENROLLED = (TODAY.replace(day=1) - datetime.timedelta(days=40)).replace(day=1)
PARTICIPANT_URL = re.compile(r"/participants/(\d+)/$")
PROPOSED_AMOUNT = re.compile(r'name="amount" value="([\d.]+)"')

operator_accounts = iter(ACCOUNTS["operators"])
branch_accounts = iter(ACCOUNTS["branch"])
worker_numbers = itertools.count(1)
accepted = {"registered": [], "contributions": []}


@events.quitting.add_listener
def write_results(environment, **kwargs) -> None:
    RESULTS.write_text(json.dumps(accepted))


def nik_for(region: str, number: int) -> tuple[str, datetime.date]:
    """A valid NIK of the operator's district, unique in the run: a distinct birth date per worker and a
    serial (9xxx) that the demo data never reaches."""
    birth = datetime.date(1960, 1, 1) + datetime.timedelta(days=number * 3)
    return f"{region}{birth:%d%m%y}{9000 + number % 1000:04d}", birth


class SignedIn(HttpUser):
    abstract = True
    wait_time = between(1, 3)
    account: dict

    def on_start(self) -> None:
        self.client.get("/accounts/login/", name="login form")
        response = self.client.post(
            "/accounts/login/",
            {
                "username": self.account["username"],
                "password": PASSWORD,
                "csrfmiddlewaretoken": self.client.cookies["csrftoken"],
            },
            allow_redirects=False,
            name="login",
        )
        if response.status_code != 302:
            raise RuntimeError(f"login of {self.account['username']} failed: {response.status_code}")

    def post_form(self, url: str, data: dict, *, name: str):
        """POST a form; success is the application's redirect, anything else is a failure."""
        data = {**data, "csrfmiddlewaretoken": self.client.cookies["csrftoken"]}
        with self.client.post(url, data, allow_redirects=False, name=name, catch_response=True) as response:
            if response.status_code == 302:
                response.success()
            else:
                response.failure(f"{name}: expected a redirect, got {response.status_code}")
            return response


class VillageOfficial(SignedIn):
    weight = 7

    def on_start(self) -> None:
        self.account = next(operator_accounts)
        super().on_start()
        self.workers: list[dict] = []  # {"pk", "nik", "next_month"}

    @task(4)
    def village_page(self) -> None:
        self.client.get(f"/villages/{self.account['village']}/", name="/villages/[code]/ (operator)")

    @task(3)
    def participant_list(self) -> None:
        self.client.get("/participants/", name="/participants/")

    @task(2)
    def monthly_screen(self) -> None:
        month = f"{TODAY:%m/%Y}"
        self.client.get(f"/participants/contributions/monthly/?month={month}", name="/participants/monthly/")

    @task(1)
    def register_worker(self) -> None:
        number = next(worker_numbers)
        nik, birth = nik_for(self.account["region"], number)
        self.client.get("/participants/new/", name="/participants/new/ (form)")
        response = self.post_form(
            "/participants/new/",
            {
                "nik": nik,
                "name": f"Pekerja Uji {number}",
                "sex": "L",
                "birth_date": f"{birth:%d/%m/%Y}",
                "phone": f"0812{number:08d}",
                "hamlet": "Jorong Uji",
                "occupation": "petani",
                "monthly_income": "1.500.000",
                "funding_source": "mandiri",
                "enrolled_on": f"{ENROLLED:%d/%m/%Y}",
            },
            name="/participants/new/ (register)",
        )
        found = PARTICIPANT_URL.search(response.headers.get("Location", ""))
        if response.status_code == 302 and found:
            accepted["registered"].append(nik)
            self.workers.append({"pk": int(found.group(1)), "nik": nik, "next_month": ENROLLED})

    @task(6)
    def record_contribution(self) -> None:
        payable = [worker for worker in self.workers if worker["next_month"] <= TODAY]
        if not payable:
            self.register_worker()
            return
        worker = random.choice(payable)
        month = worker["next_month"]
        url = f"/participants/{worker['pk']}/contributions/new/"
        form = self.client.get(url, name="/participants/[pk]/contributions/new/ (form)")
        # The amount the contribution rules give the month (relief months included), as the form proposes it.
        proposed = PROPOSED_AMOUNT.search(form.text)
        response = self.post_form(
            url,
            {
                "first_month": f"{month:%m/%Y}",
                "months": "1",
                "amount": proposed.group(1) if proposed else "",
                "paid_on": f"{TODAY:%d/%m/%Y}",
                "channel": "agen_perisai",
                "funding_source": "mandiri",
            },
            name="/participants/[pk]/contributions/new/ (record)",
        )
        if response.status_code == 302:
            accepted["contributions"].append((worker["nik"], month.isoformat()))
            worker["next_month"] = (month.replace(day=28) + datetime.timedelta(days=4)).replace(day=1)


class BranchStaff(SignedIn):
    weight = 3

    def on_start(self) -> None:
        self.account = next(branch_accounts)
        super().on_start()

    @task(4)
    def dashboard(self) -> None:
        self.client.get("/", name="/ (branch dashboard)")

    @task(2)
    def village_list(self) -> None:
        self.client.get("/villages/", name="/villages/")

    @task(4)
    def village_page(self) -> None:
        code = random.choice(ACCOUNTS["villages"])
        self.client.get(f"/villages/{code}/", name="/villages/[code]/ (branch)")

    @task(1)
    def region_page(self) -> None:
        code = random.choice(ACCOUNTS["regions"])
        self.client.get(f"/regions/{code}/", name="/regions/[code]/")
