"""Reads of the resident pages: a village's current list and denominators, its prospect list, and the
branch's findings. In dashboards because the prospect list compares residents with participants
(villages may not import participants).

The prospect list holds exactly the residents counted as informal workers (alive, aged 15+ today,
working, informal occupation) whose NIK is not a registered participant who has not exited, anywhere:
village apparatus (codes 85, 86) first, then by jorong and name.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass

from django.db.models import Case, Count, IntegerField, OuterRef, Q, QuerySet, Subquery, Value, When
from django.utils import timezone

from participants.models import Participant
from villages.models import Village
from villages.resident_services import denominator_filters
from villages.residents import APPARATUS_CODES, Denominator, Resident, ResidentList, stale


@dataclass(frozen=True)
class ResidentFigures:
    """A village's current list: when and by whom, its denominators per jorong, and whether it is stale."""

    resident_list: ResidentList | None
    village: Denominator | None
    hamlets: list[Denominator]
    stale: bool


def resident_figures(*, user, village: Village, today: datetime.date) -> ResidentFigures:
    """Two queries: the list, and the denominators of its latest import."""
    resident_list = ResidentList.objects.for_user(user).filter(village=village).select_related("uploaded_by").first()
    if resident_list is None:
        return ResidentFigures(None, None, [], False)
    rows = list(latest_denominators(user=user).filter(village=village))
    total = next((row for row in rows if not row.hamlet), None)
    return ResidentFigures(
        resident_list,
        total,
        [row for row in rows if row.hamlet],
        stale(total.as_of, today=today) if total else False,
    )


def latest_denominators(*, user) -> QuerySet[Denominator]:
    """The denominators of each village's latest import, for villages whose list has not been deleted."""
    newest = Denominator.objects.filter(village=OuterRef("village")).order_by("-created_at").values("created_at")[:1]
    return (
        Denominator.objects.for_user(user)
        .filter(village__resident_list__isnull=False, created_at=Subquery(newest))
        .order_by("village_id", "hamlet")
    )


def active_participant_niks() -> QuerySet:
    return Participant.objects.filter(exit_date__isnull=True).values("nik")


def prospect_list(*, user, village: Village, today: datetime.date) -> QuerySet[Resident]:
    """The informal workers of the village not yet covered, apparatus first, then by jorong and name."""
    return (
        Resident.objects.for_user(user)
        .filter(village=village)
        .filter(denominator_filters(on=today)["informal"])
        .exclude(nik__in=active_participant_niks())
        .select_related("occupation")
        .annotate(
            apparatus=Case(
                When(occupation_id__in=APPARATUS_CODES, then=Value(0)), default=Value(1), output_field=IntegerField()
            )
        )
        .order_by("apparatus", "hamlet", "name", "pk")
    )


def residents_elsewhere(*, user, village: Village) -> QuerySet[Resident]:
    """Residents whose NIK was an active participant of another village when the list was imported (the
    finding kept by the import). The other village is for branch staff only: the template shows an
    official "terdaftar sebagai peserta di desa lain; hubungi kantor cabang"."""
    return (
        Resident.objects.for_user(user)
        .filter(village=village, participant_village__isnull=False)
        .select_related("participant_village")
        .order_by("participant_village__name", "name", "pk")
    )


@dataclass(frozen=True)
class ListedVillage:
    village_id: int
    name: str
    code: str
    as_of: datetime.date
    stale: bool
    informal: int
    prospects: int
    elsewhere: int

    @property
    def covered(self) -> int:
        return self.informal - self.prospects


def resident_list_summary(
    *, user, today: datetime.date, villages: QuerySet[Village] | None = None
) -> list[ListedVillage]:
    """The user's villages (or those of `villages` among them) with a current resident list: its date,
    informal workers, prospect count and the residents found to be participants elsewhere (three
    queries). Informal workers covered = informal workers less prospects, both counted today."""
    informal = denominator_filters(on=today)["informal"]
    scope = Village.objects.for_user(user)
    if villages is not None:
        scope = scope.filter(pk__in=villages.values("pk"))
    residents = Resident.objects.filter(village__in=scope).filter(informal)
    totals = dict(residents.values("village_id").annotate(n=Count("pk")).values_list("village_id", "n"))
    prospects = dict(
        residents.exclude(nik__in=active_participant_niks())
        .values("village_id")
        .annotate(n=Count("pk"))
        .values_list("village_id", "n")
    )
    rows = (
        ResidentList.objects.filter(village__in=scope)
        .select_related("village")
        .annotate(elsewhere=Count("residents", filter=Q(residents__participant_village__isnull=False)))
        .order_by("village__name")
    )
    return [
        ListedVillage(
            village_id=row.village_id,
            name=row.village.name,
            code=row.village.code,
            as_of=timezone.localtime(row.imported_at).date(),
            stale=row.is_stale(today=today),
            informal=totals.get(row.village_id, 0),
            prospects=prospects.get(row.village_id, 0),
            elsewhere=row.elsewhere,
        )
        for row in rows
    ]
