"""The access scope applied to the Django admin.

Every ModelAdmin (and inline) of the project mixes in `ScopedAdminMixin`, so a
non-superuser admin user sees, changes and picks only what `for_user` allows.
The history pages are included: django-simple-history looks the object up
without `get_queryset` (and falls back to its last historical record, meant for
deleted objects), so an official given admin access could otherwise read, and
revert, another village's records through `…/history/` and `…/history/<id>/`.
"""

from __future__ import annotations

from django.contrib.admin.options import IncorrectLookupParameters
from django.contrib.admin.utils import unquote
from django.contrib.admin.views.main import ChangeList
from django.core.exceptions import ValidationError
from django.db import models
from django.http import Http404
from simple_history.utils import get_history_model_for_model

from core.parsing import normalise_digits
from villages.access import is_branch_user
from villages.admin_history import HistoryChangeHelper
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


class BoundedChangeList(ChangeList):
    """Django's changelist, refusing an impossible year of the date hierarchy like any other bad filter.

    Django 5.2 answers `?<date>__year=9999` (ValueError: year 10000) and `?<date>__year=99999999999999999999`
    (OverflowError) with a 500; fixed upstream as ticket #37357. Drop this once Django has the fix.
    """

    def get_filters(self, request):
        try:
            return super().get_filters(request)
        except (ValueError, OverflowError) as error:
            raise IncorrectLookupParameters(error) from error


class BoundedChangeListMixin:
    """For any ModelAdmin, the project's own and third-party ones re-registered (django-axes' logs)."""

    def get_changelist(self, request, **kwargs):
        return BoundedChangeList


class ScopedAdminMixin(BoundedChangeListMixin):
    """get_queryset and foreign-key/many-to-many choices through the user's access scope."""

    def get_queryset(self, request):
        return scope_queryset(super().get_queryset(request), request.user)

    def get_search_results(self, request, queryset, search_term):
        # PostgreSQL refuses NUL in text, and the admin's autocomplete passes ?term= on unchecked
        # (the changelist's own search form refuses it): no text with NUL matches anything.
        if "\x00" in search_term:
            return queryset.none(), False
        # A NIK or KPJ typed with full-width or other non-ASCII digits is the same number (core.parsing).
        return super().get_search_results(request, queryset, normalise_digits(search_term))

    def history_view(self, request, object_id, extra_context=None):
        self._history_in_scope_or_404(request, object_id)
        return super().history_view(request, object_id, extra_context)

    def get_historical_record_context_helper(self, request, historical_record):
        """The changes of the history page written as the app writes values ("—", 01/03/2024, labels)."""
        return HistoryChangeHelper(self.model, historical_record)

    def history_form_view(self, request, object_id, version_id, extra_context=None):
        """simple_history's page of one historical version (and its revert form)."""
        self._history_in_scope_or_404(request, object_id)
        try:
            get_history_model_for_model(self.model)._meta.pk.to_python(version_id)
        except ValidationError:
            raise Http404 from None
        return super().history_form_view(request, object_id, version_id, extra_context)

    def _history_in_scope_or_404(self, request, object_id) -> None:
        """An object's history is shown when the object is in the user's scope, like its change page.

        The history of a deleted object (no scope can place it any more) is left to branch users.
        """
        try:
            pk = self.model._meta.pk.to_python(unquote(object_id))
        except ValidationError:
            raise Http404 from None
        if self.get_queryset(request).filter(pk=pk).exists():
            return
        if is_branch_user(request.user) and not self.model._default_manager.filter(pk=pk).exists():
            return
        raise Http404

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
