"""The access scope applied to the Django admin.

Every ModelAdmin (and inline) of the project mixes in `ScopedAdminMixin`, so a
non-superuser admin user sees, changes and picks only what `for_user` allows.
"""

from __future__ import annotations

from django.db import models

from villages.access import is_branch_user
from villages.models import Village

# Paths from a model to its village, tried in order when the model has no `for_user` of its own.
VILLAGE_PATHS = ("village", "participant__village", "evaluation__village")


def _field_names(model: type[models.Model]) -> set[str]:
    return {field.name for field in model._meta.get_fields()}


def scope_queryset(queryset: models.QuerySet, user) -> models.QuerySet:
    """`queryset` limited to what `user` may see; fails closed for models it cannot place.

    Models not tied to any village (regions, rates, rubrics, users, groups) are
    shown to branch users only.
    """
    if hasattr(queryset, "for_user"):
        return queryset.for_user(user)
    names = _field_names(queryset.model)
    for path in VILLAGE_PATHS:
        if path.split("__")[0] in names:
            return queryset.filter(**{f"{path}__in": Village.objects.for_user(user)})
    return queryset if is_branch_user(user) else queryset.none()


class ScopedAdminMixin:
    """get_queryset and foreign-key/many-to-many choices through the user's access scope."""

    def get_queryset(self, request):
        return scope_queryset(super().get_queryset(request), request.user)

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        if "queryset" not in kwargs:
            kwargs["queryset"] = scope_queryset(db_field.related_model._default_manager.all(), request.user)
        return super().formfield_for_foreignkey(db_field, request, **kwargs)

    def formfield_for_manytomany(self, db_field, request, **kwargs):
        if "queryset" not in kwargs:
            kwargs["queryset"] = scope_queryset(db_field.related_model._default_manager.all(), request.user)
        return super().formfield_for_manytomany(db_field, request, **kwargs)


class ReadOnlyAdminMixin:
    """For records the application writes itself (logs, statistics, the approval trail): view only."""

    def has_add_permission(self, request) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False

    def has_delete_permission(self, request, obj=None) -> bool:
        return False
