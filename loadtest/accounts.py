"""Load-test accounts: `prepare` creates them in the load database, `verify` checks the writes.

    python loadtest/accounts.py prepare OUT.json   # operators (one village each, or LOADTEST_LARGEST_SHARE of
                                                   # them in the largest village) and branch staff
    python loadtest/accounts.py verify RESULTS.json  # every write locust saw succeed is in the database

Run with DATABASE_URL pointing at the load-test database (loadtest/run.sh does all of it).
"""

from __future__ import annotations

import datetime
import json
import os
import sys
from pathlib import Path

import django

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "desa_sadar.settings")
django.setup()

from django.contrib.auth.models import Group, User  # noqa: E402
from django.db import transaction  # noqa: E402
from django.db.models import Count  # noqa: E402

from participants.models import Contribution, Participant  # noqa: E402
from villages.access import ROLE_HEAD, ROLE_OFFICIAL, ROLE_STAFF  # noqa: E402
from villages.models import Assignment, Village  # noqa: E402

PASSWORD = "beban-uji-2026"  # noqa: S105 - a throwaway database on 127.0.0.1
OPERATORS = 50
BRANCH_USERS = 20
# LOADTEST_LARGEST_SHARE=0.2: that share of the operators work in the village with the most participants
# (one village's officials entering data at once), the others one village each.
LARGEST_SHARE = float(os.environ.get("LOADTEST_LARGEST_SHARE") or 0)


@transaction.atomic
def prepare(out: Path) -> None:
    villages = list(
        Village.objects.in_programme()
        .annotate(people=Count("participants"))
        .filter(people__gt=0)
        .order_by("-people", "code")[:OPERATORS]
    )
    if len(villages) < OPERATORS:
        # Fewer programme villages than operators: the rest get villages without participants yet.
        villages += list(Village.objects.exclude(pk__in=[v.pk for v in villages]).order_by("code"))
        villages = villages[:OPERATORS]
    in_largest = round(OPERATORS * LARGEST_SHARE)
    if in_largest:
        largest = Village.objects.annotate(people=Count("participants")).order_by("-people", "code").first()
        others = [village for village in villages if village.pk != largest.pk]
        villages = [largest] * in_largest + others[: OPERATORS - in_largest]
    official, staff, head = (Group.objects.get(name=name) for name in (ROLE_OFFICIAL, ROLE_STAFF, ROLE_HEAD))
    accounts = {"password": PASSWORD, "operators": [], "branch": []}
    for number, village in enumerate(villages, start=1):
        user = _user(f"beban.operator.{number:02d}", official)
        Assignment.objects.get_or_create(user=user, village=village)
        accounts["operators"].append(
            {"username": user.username, "village": village.code, "region": village.code.replace(".", "")[:6]}
        )
    for number in range(1, BRANCH_USERS + 1):
        user = _user(f"beban.cabang.{number:02d}", head if number % 5 == 0 else staff)
        accounts["branch"].append({"username": user.username})
    accounts["villages"] = list(Village.objects.order_by("code").values_list("code", flat=True))
    accounts["regions"] = sorted({code[:5] for code in accounts["villages"]})
    out.write_text(json.dumps(accounts, indent=1))
    print(f"{len(accounts['operators'])} operators, {len(accounts['branch'])} branch users → {out}")
    if in_largest:
        print(f"{in_largest} operators in {largest.code} ({largest.people} participants)")


def _user(username: str, group: Group) -> User:
    user, _ = User.objects.get_or_create(username=username)
    user.set_password(PASSWORD)
    user.save()
    user.groups.set([group])
    return user


def verify(results_path: Path) -> int:
    """Every registration and every contribution locust saw accepted must be in the database."""
    results = json.loads(results_path.read_text())
    registered = set(results["registered"])
    paid = {(nik, datetime.date.fromisoformat(month)) for nik, month in results["contributions"]}
    found_participants = set(Participant.objects.filter(nik__in=registered).values_list("nik", flat=True))
    found_paid = set(
        Contribution.objects.filter(participant__nik__in=registered).values_list("participant__nik", "month")
    )
    lost_participants = registered - found_participants
    lost_paid = paid - found_paid
    unexpected = found_paid - paid
    print(f"registrations accepted: {len(registered)}, in the database: {len(found_participants)}")
    print(f"contributions accepted: {len(paid)}, in the database: {len(found_paid)}")
    if lost_participants or lost_paid or unexpected:
        print(f"LOST participants: {sorted(lost_participants)[:10]} ({len(lost_participants)})")
        print(f"LOST contributions: {sorted(lost_paid)[:10]} ({len(lost_paid)})")
        print(f"UNEXPECTED contributions: {sorted(unexpected)[:10]} ({len(unexpected)})")
        return 1
    print("no lost writes")
    return 0


if __name__ == "__main__":
    command, path = sys.argv[1], Path(sys.argv[2])
    if command == "prepare":
        prepare(path)
    elif command == "verify":
        sys.exit(verify(path))
    else:
        sys.exit(f"unknown command {command!r}: prepare or verify")
