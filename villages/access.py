"""Who is who: the roles of the branch, as Django groups.

The access scope itself is `Village.objects.for_user(user)`; every other model's
`for_user` goes through it. This module only says which roles are branch-wide.
"""

from __future__ import annotations

ROLE_ADMIN = "Admin Cabang"
ROLE_STAFF = "Staf Cabang"
ROLE_HEAD = "Kepala Cabang"
ROLE_OFFICIAL = "Operator Desa"

BRANCH_ROLES = (ROLE_ADMIN, ROLE_STAFF, ROLE_HEAD)


def role_names(user) -> set[str]:
    """The user's group names, cached on the user object for the request."""
    if not getattr(user, "is_authenticated", False):
        return set()
    cached = getattr(user, "_role_names", None)
    if cached is None:
        cached = set(user.groups.values_list("name", flat=True))
        user._role_names = cached
    return cached


def is_branch_user(user) -> bool:
    """Branch roles see every village; superusers are branch administrators."""
    if not getattr(user, "is_authenticated", False) or not user.is_active:
        return False
    return user.is_superuser or bool(role_names(user) & set(BRANCH_ROLES))


def is_branch_head(user) -> bool:
    return getattr(user, "is_authenticated", False) and (user.is_superuser or ROLE_HEAD in role_names(user))


def is_village_official(user) -> bool:
    return ROLE_OFFICIAL in role_names(user) and not is_branch_user(user)
