"""Reporting completeness per official: who entered what in a month, so the branch can thank or chase each one.

Source: the audit history (simple_history), whose "+" rows say who created each participant, contribution
and activity and when, whatever the path (form, monthly screen, import, API, offline sync): the middleware
or `bulk_create_with_history(default_user=...)` sets `history_user` on every one. A month counts what was
*entered* in it (the history's date, local time), not the month a contribution is about.

Rows: every active official assigned to a village of the scope (also those who entered nothing: they are
the ones to chase), and anyone else, such as branch staff, who entered something there. Entries count only
for the villages of the scope. Five queries, however many officials and entries.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass, field

from django.contrib.auth import get_user_model
from django.db.models import Count, Max, Prefetch, Q, QuerySet
from django.utils import timezone

from participants.models import Contribution, Participant
from participants.months import add_months
from villages.access import is_branch_user
from villages.models import Activity, Assignment, Village


@dataclass
class OfficialEntries:
    """One user's entries in the month: participants registered, contribution months recorded, activities."""

    user: object
    villages: list[Village] = field(default_factory=list)
    registrations: int = 0
    payments: int = 0
    activities: int = 0
    last_entry: datetime.datetime | None = None

    @property
    def total(self) -> int:
        return self.registrations + self.payments + self.activities

    @property
    def name(self) -> str:
        return self.user.get_full_name() or self.user.get_username()


def _month_bounds(month: datetime.date) -> tuple[datetime.datetime, datetime.datetime]:
    """The month as aware datetimes in the local time zone (WIB): entries are counted by the local day."""
    zone = timezone.get_current_timezone()
    start = datetime.datetime.combine(month.replace(day=1), datetime.time.min, tzinfo=zone)
    end = datetime.datetime.combine(add_months(month.replace(day=1), 1), datetime.time.min, tzinfo=zone)
    return start, end


def official_entries(*, user, villages: QuerySet[Village], month: datetime.date) -> list[OfficialEntries]:
    """Per official of `villages` (already the viewer's scope), what they entered in `month`; an official
    viewer gets only their own row. The ones who entered least come first."""
    start, end = _month_bounds(month)
    only_self = not is_branch_user(user)
    created = Q(history_type="+", history_date__gte=start, history_date__lt=end, history_user__isnull=False)
    if only_self:
        created &= Q(history_user=user)
    counts: dict[int, OfficialEntries] = {}
    sources = [
        ("registrations", Participant.history.filter(created, village__in=villages)),
        ("payments", Contribution.history.filter(created, participant__village__in=villages)),
        ("activities", Activity.history.filter(created, village__in=villages)),
    ]
    found: dict[int, dict] = {}
    for name, records in sources:
        for row in records.values("history_user_id").annotate(count=Count("history_id"), last=Max("history_date")):
            entry = found.setdefault(row["history_user_id"], {"last_entry": None})
            entry[name] = row["count"]
            if entry["last_entry"] is None or row["last"] > entry["last_entry"]:
                entry["last_entry"] = row["last"]
    assigned = Assignment.objects.filter(village__in=villages).select_related("village").order_by("village__name")
    users = get_user_model().objects.filter(
        Q(is_active=True, village_assignments__village__in=villages) | Q(pk__in=list(found))
    )
    if only_self:
        users = users.filter(pk=user.pk)
    users = users.distinct().prefetch_related(Prefetch("village_assignments", queryset=assigned, to_attr="in_scope"))
    for person in users:
        counts[person.pk] = OfficialEntries(
            user=person, villages=[assignment.village for assignment in person.in_scope], **found.get(person.pk, {})
        )
    return sorted(counts.values(), key=lambda row: (row.total, row.villages[0].name if row.villages else "~", row.name))
