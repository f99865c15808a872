"""The five demo accounts (one per role, two village officials), all with the documented password."""

from __future__ import annotations

from django.contrib.auth.hashers import make_password
from django.contrib.auth.models import Group, User

from demo.plans import BATANG_BARUS, SIKALANG
from villages.access import ROLE_ADMIN, ROLE_HEAD, ROLE_OFFICIAL, ROLE_STAFF
from villages.models import Assignment, Village

DEMO_PASSWORD = "demo12345"  # noqa: S105 - the documented password of the demo accounts

DEMO_USERS = [
    # username, first name, last name, role, superuser, staff, village code
    ("admin", "Admin", "Cabang", ROLE_ADMIN, True, True, None),
    ("staf", "Rahmat", "Hidayat", ROLE_STAFF, False, True, None),
    ("kepala", "Kepala", "Cabang", ROLE_HEAD, False, False, None),
    ("operator.batangbarus", "Yusnimar", "Operator Batang Barus", ROLE_OFFICIAL, False, False, BATANG_BARUS),
    ("operator.sikalang", "Afrizal", "Operator Sikalang", ROLE_OFFICIAL, False, False, SIKALANG),
]


def demo_users_ensure() -> int:
    """The five demo accounts, all with password demo12345; returns how many were created."""
    created_count = 0
    hashed = make_password(DEMO_PASSWORD)  # hashed once: the same password for every demo account
    for username, first, last, role, superuser, staff, village_code in DEMO_USERS:
        user, created = User.objects.get_or_create(
            username=username,
            defaults={"first_name": first, "last_name": last, "is_superuser": superuser, "is_staff": staff},
        )
        if created:
            user.password = hashed
            user.save(update_fields=["password"])
            created_count += 1
        user.groups.add(Group.objects.get(name=role))
        if village_code:
            Assignment.objects.get_or_create(user=user, village=Village.objects.get(code=village_code))
    return created_count
