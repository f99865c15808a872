"""What every input serializer of the API shares: unknown fields refused, Indonesian messages, scoped ids."""

from __future__ import annotations

from collections.abc import Mapping

from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from api.fields import MAX_ID
from api.messages import localise
from villages.models import Village


class InputSerializer(serializers.Serializer):
    """A request body: only the declared fields, each checked for its JSON type; the rules are the services'."""

    default_error_messages = {"unknown": _("Kolom tidak dikenal.")}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        localise(self)

    def to_internal_value(self, data):
        if isinstance(data, Mapping):
            writable = {name for name, field in self.fields.items() if not field.read_only}
            unknown = sorted(str(name) for name in data if name not in writable)
            if unknown:
                raise serializers.ValidationError({name: [self.error_messages["unknown"]] for name in unknown})
        return super().to_internal_value(data)


@extend_schema_field({"type": "integer", "minimum": 1, "maximum": MAX_ID})
class ScopedVillageField(serializers.PrimaryKeyRelatedField):
    """A village id of the user's scope; any other id reads "not found", like a village that does not exist."""

    default_error_messages = {"does_not_exist": _("Desa/nagari dengan id {pk_value} tidak ditemukan.")}

    def get_queryset(self):
        return Village.objects.for_user(self.context["request"].user)


def chosen_village(*, user, village: Village | None) -> Village:
    """The village named in the body, or the user's only village when they have exactly one."""
    if village is not None:
        return village
    villages = list(Village.objects.for_user(user)[:2])
    if len(villages) != 1:
        raise serializers.ValidationError({"village": [_("Pilih desa/nagari (id).")]})
    return villages[0]
