"""Who is who, and the one way a view fetches a scoped object.

The roles of the branch are Django groups; branch roles see every village, a village
official only the villages assigned to them. The access scope itself is
`Village.objects.for_user(user)` and every other model's `for_user` goes through it.
Views fetch a single object with `get_for_user_or_404`, so an object outside the
user's scope answers exactly like one that does not exist. What each role may do
(the Django permissions of each group) is in villages/permissions.py.
"""

from __future__ import annotations

from typing import TypeVar

from django.db.models import Model
from django.http import Http404
from django.utils.text import capfirst

Scoped = TypeVar("Scoped", bound=Model)

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


def is_village_official(user) -> bool:
    return ROLE_OFFICIAL in role_names(user) and not is_branch_user(user)


def get_for_user_or_404(model: type[Scoped], user, *, related: tuple[str, ...] = (), **lookup) -> Scoped:
    """The object matching `lookup` within the user's scope (`for_user`), else 404.

    "Not yours" and "not found" give the same answer, so an official cannot probe
    which ids or codes exist in other villages. `related` is passed to select_related.
    """
    queryset = model._default_manager.for_user(user)
    if related:
        queryset = queryset.select_related(*related)
    try:
        return queryset.get(**lookup)
    except model.DoesNotExist:
        raise Http404(f"{capfirst(model._meta.verbose_name)} tidak ditemukan.") from None
