"""Writes on village data made from the web pages: engagement activities."""

from __future__ import annotations

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from core.dates import date_range_error
from villages.models import Activity, Village

# An activity is recorded once held (the form refuses a future day); the service bounds every path (core.dates).
ACTIVITY_HORIZON_MONTHS = 0


def activity_problems(*, day, attendees, enrolled_on_spot) -> dict[str, str]:
    """The activity's own rules, by field, with the texts the form shows (the form and every write path)."""
    problems = {}
    if attendees is not None and enrolled_on_spot is not None and enrolled_on_spot > attendees:
        problems["enrolled_on_spot"] = _("Peserta terdaftar di tempat tidak boleh lebih dari jumlah hadir.")
    if day and date_range_error(day, horizon_months=ACTIVITY_HORIZON_MONTHS):
        problems["date"] = date_range_error(day, horizon_months=ACTIVITY_HORIZON_MONTHS)
    elif day and day > timezone.localdate():
        problems["date"] = _("Tanggal kegiatan tidak boleh di masa depan.")
    return problems


def _check_date(activity: Activity) -> None:
    problems = activity_problems(
        day=activity.date, attendees=activity.attendees, enrolled_on_spot=activity.enrolled_on_spot
    )
    if problems:
        raise ValidationError(problems)


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
