"""The permission matrix: the Django permissions each role (a Django group) holds.

`ensure_roles` creates the four groups and sets exactly these permissions after every
migrate (idempotent); the role names and the village scope are in villages/access.py.
"""

from __future__ import annotations

from django.contrib.auth.models import Group, Permission

from villages.access import ROLE_ADMIN, ROLE_HEAD, ROLE_OFFICIAL, ROLE_STAFF

# app_label.codename patterns; "*" means every model permission of the app.
ROLE_PERMISSIONS: dict[str, list[str]] = {
    ROLE_ADMIN: [
        "villages.*",
        "participants.*",
        "evaluations.*",
        "auth.view_user",
        "auth.change_user",
        "auth.add_user",
    ],
    ROLE_STAFF: [
        "villages.view_*",
        "villages.add_activity",
        "villages.change_activity",
        "villages.add_resident",
        "villages.delete_resident",
        "participants.*",
        "evaluations.view_*",
        "evaluations.add_villageevaluation",
        "evaluations.change_villageevaluation",
        "evaluations.add_actionitem",
        "evaluations.change_actionitem",
        "evaluations.delete_actionitem",
        "evaluations.add_evaluationcycle",
        "evaluations.change_evaluationcycle",
    ],
    ROLE_HEAD: [
        "villages.view_*",
        "participants.view_*",
        "evaluations.view_*",
        "evaluations.approve_villageevaluation",
    ],
    ROLE_OFFICIAL: [
        "villages.view_village",
        "villages.view_activity",
        "villages.add_activity",
        "villages.change_activity",
        "villages.view_resident",
        "villages.add_resident",
        "villages.delete_resident",
        "participants.view_participant",
        "participants.add_participant",
        "participants.change_participant",
        "participants.view_contribution",
        "participants.add_contribution",
        "participants.view_claim",
        "participants.add_claim",
        "evaluations.view_villageevaluation",
        "evaluations.view_actionitem",
        "evaluations.change_actionitem",
    ],
}


def _matching(pattern: str):
    app_label, codename = pattern.split(".")
    permissions = Permission.objects.filter(content_type__app_label=app_label)
    if codename == "*":
        return permissions
    if codename.endswith("*"):
        return permissions.filter(codename__startswith=codename[:-1])
    return permissions.filter(codename=codename)


def ensure_roles(**kwargs) -> None:
    """Create the role groups and give each exactly its permissions (a post_migrate receiver)."""
    for role, patterns in ROLE_PERMISSIONS.items():
        group, _ = Group.objects.get_or_create(name=role)
        wanted = set()
        for pattern in patterns:
            wanted.update(_matching(pattern).values_list("pk", flat=True))
        group.permissions.set(wanted)
