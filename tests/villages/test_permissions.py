"""villages/permissions.py: each role holds exactly the permissions of the matrix after a migrate."""

from __future__ import annotations

import pytest
from django.contrib.auth.models import Group, Permission

from villages.access import ROLE_ADMIN, ROLE_HEAD, ROLE_OFFICIAL, ROLE_STAFF
from villages.permissions import ensure_roles

pytestmark = pytest.mark.django_db


def codes(role: str) -> set[str]:
    permissions = Group.objects.get(name=role).permissions.select_related("content_type")
    return {f"{p.content_type.app_label}.{p.codename}" for p in permissions}


def test_the_migrate_gave_every_role_its_permissions():
    official, head, staff, admin = codes(ROLE_OFFICIAL), codes(ROLE_HEAD), codes(ROLE_STAFF), codes(ROLE_ADMIN)
    assert {"participants.add_participant", "participants.add_contribution"} <= official
    assert not {"participants.delete_participant", "evaluations.approve_villageevaluation"} & official
    assert "evaluations.approve_villageevaluation" in head
    assert not any(code.startswith(("participants.add_", "participants.change_")) for code in head)
    assert "evaluations.approve_villageevaluation" not in staff and "participants.delete_contribution" in staff
    assert "villages.delete_village" in admin and "auth.delete_user" not in admin


def test_ensure_roles_restores_the_matrix_and_is_idempotent():
    before = {role: codes(role) for role in (ROLE_ADMIN, ROLE_STAFF, ROLE_HEAD, ROLE_OFFICIAL)}
    official = Group.objects.get(name=ROLE_OFFICIAL)
    official.permissions.add(Permission.objects.get(codename="delete_participant"))
    Group.objects.get(name=ROLE_HEAD).delete()
    ensure_roles()
    ensure_roles()
    assert {role: codes(role) for role in before} == before
