"""What every API view shares: Indonesian answers, bounded bodies and ids, the write permission of each action.

Ids in URLs are checked to be whole numbers within the database's range before any
lookup, so `/participants/abc/` and `/participants/99999999999999999999/` are 404s
like any id outside the user's scope. A query parameter sent without a value is a 400,
not an absent filter.
"""

from __future__ import annotations

from django.conf import settings
from django.http import Http404, JsonResponse
from django.utils import translation
from django.utils.translation import gettext as _
from django_filters.rest_framework import DjangoFilterBackend
from rest_framework import exceptions, status
from rest_framework.exceptions import ValidationError
from rest_framework.permissions import BasePermission, IsAuthenticated

from api.fields import MAX_ID
from api.filters import OrderingFilter


class PayloadTooLarge(exceptions.APIException):
    status_code = status.HTTP_413_REQUEST_ENTITY_TOO_LARGE
    default_code = "payload_too_large"


class ActionPermission(BasePermission):
    """The Django permission an action needs (`view.action_permissions`), as the same page requires."""

    def has_permission(self, request, view) -> bool:
        needed = getattr(view, "action_permissions", {}).get(getattr(view, "action", None))
        return needed is None or request.user.has_perm(needed)


class ApiViewMixin:
    permission_classes = [IsAuthenticated, ActionPermission]
    filter_backends = [DjangoFilterBackend, OrderingFilter]
    lookup_value_regex = "[^/]+"
    action_permissions: dict[str, str] = {}

    def dispatch(self, request, *args, **kwargs):
        # Indonesian answers whatever the client's Accept-Language, like the documents of the branch.
        with translation.override(settings.LANGUAGE_CODE):
            return super().dispatch(request, *args, **kwargs)

    def initial(self, request, *args, **kwargs):
        length = request.META.get("CONTENT_LENGTH") or "0"
        if length.isdigit() and int(length) > settings.DATA_UPLOAD_MAX_MEMORY_SIZE:
            raise PayloadTooLarge(
                _("Isi permintaan terlalu besar: paling besar %(mb)s MB.")
                % {"mb": settings.DATA_UPLOAD_MAX_MEMORY_SIZE // (1024 * 1024)}
            )
        super().initial(request, *args, **kwargs)
        empty = sorted(name for name, value in request.query_params.items() if value == "")
        if empty:
            # A parameter sent without a value is a client's mistake, not "no filter": say so.
            raise ValidationError({name: [_("Isi nilainya, atau jangan kirim parameter ini.")] for name in empty})

    def get_object(self):
        lookup = self.kwargs.get(self.lookup_url_kwarg or self.lookup_field, "")
        if self.lookup_field == "pk" and not (lookup.isascii() and lookup.isdigit() and 0 < int(lookup[:20]) <= MAX_ID):
            raise Http404
        return super().get_object()


def validated(serializer) -> dict:
    """The serializer's data, or a 400 listing every problem by field."""
    serializer.is_valid(raise_exception=True)
    return dict(serializer.validated_data)


def unknown_address(request, *args, **kwargs) -> JsonResponse:
    """Any other address under /api/v1/ answers like the API (JSON), not with the site's HTML 404 page."""
    return JsonResponse(
        {"detail": _("Alamat API tidak dikenal. Daftar alamat ada di /api/docs/ (perhatikan garis miring di akhir).")},
        status=404,
    )
