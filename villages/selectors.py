"""Reads of the activity pages: the lists and histories the views show, each through the user's scope.

Views call these and the services only (writes are in villages/services.py), so every read of a
village's activities passes through `for_user` here, in one place a reviewer can check.
"""

from __future__ import annotations

from django.db.models import QuerySet

from villages.history import HistoryEntry, history_entries
from villages.models import Activity, Village


def activity_list(*, user, village_id: int | None = None, kind: str = "") -> QuerySet[Activity]:
    """The user's activities (newest first), narrowed to one of their villages and one kind when given."""
    activities = Activity.objects.for_user(user).select_related("village")
    if village_id is not None:
        activities = activities.filter(village__in=Village.objects.for_user(user).filter(pk=village_id))
    if kind:
        activities = activities.filter(kind=kind)
    return activities


def activity_filter_villages(*, user) -> QuerySet[Village] | None:
    """The villages the activity list offers to filter by; None for a user with only one."""
    villages = Village.objects.for_user(user)
    return villages if len(villages[:2]) > 1 else None


def activity_history(*, activity: Activity) -> list[HistoryEntry]:
    return history_entries(activity.history.select_related("history_user"), subject=lambda record: "Kegiatan")
