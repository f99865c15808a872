"""Writes on village data made from the web pages: engagement activities."""

from __future__ import annotations

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from core.dates import date_range_error
from villages.models import Activity, Village

# An activity is recorded once held (the form refuses a future day); the service bounds every path (core.dates).
ACTIVITY_HORIZON_MONTHS = 0


def _check_date(activity: Activity) -> None:
    if activity.date and date_range_error(activity.date, horizon_months=ACTIVITY_HORIZON_MONTHS):
        raise ValidationError({"date": date_range_error(activity.date, horizon_months=ACTIVITY_HORIZON_MONTHS)})


def _check_village(*, user, village: Village) -> None:
    if not Village.objects.for_user(user).filter(pk=village.pk).exists():
        raise PermissionDenied(_("Desa ini di luar wilayah tugas Anda."))


@transaction.atomic
def activity_record(*, user, village: Village, **fields) -> Activity:
    """Record a socialisation, training, hand-over, meeting or door-to-door visit held in `village`."""
    _check_village(user=user, village=village)
    activity = Activity(village=village, recorded_by=user, **fields)
    _check_date(activity)
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
    _check_date(activity)
    activity.full_clean()
    activity.save()
    return activity
