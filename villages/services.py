"""Writes on village data made from the web pages: engagement activities."""

from __future__ import annotations

from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.utils.translation import gettext as _

from villages.models import Activity, Village


def _check_village(*, user, village: Village) -> None:
    if not Village.objects.for_user(user).filter(pk=village.pk).exists():
        raise PermissionDenied(_("Desa ini di luar wilayah tugas Anda."))


@transaction.atomic
def activity_record(*, user, village: Village, **fields) -> Activity:
    """Record a socialisation, training, hand-over, meeting or door-to-door visit held in `village`."""
    _check_village(user=user, village=village)
    activity = Activity(village=village, recorded_by=user, **fields)
    activity.full_clean()
    activity.save()
    return activity


@transaction.atomic
def activity_update(*, user, activity: Activity, **changes) -> Activity:
    _check_village(user=user, village=activity.village)
    if "village" in changes:
        _check_village(user=user, village=changes["village"])
    for name, value in changes.items():
        setattr(activity, name, value)
    activity.full_clean()
    activity.save()
    return activity
