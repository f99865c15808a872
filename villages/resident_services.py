"""Writes on a village's resident list: the denominators drawn from it, and deleting it.

The list itself is written by its import (`participants.imports.resident_rows`), which calls
`resident_denominators_record` after its last chunk. The figures are counted in the database (one
grouped query), so a list of 100,000 residents is never held in memory.

Definitions, as of the import date: *alive* is `status_dasar` 1 (hidup); *aged 15+* is alive and
born on or before that date fifteen years earlier; *working* is aged 15+ with an occupation code that
counts as working (not belum/tidak bekerja, mengurus rumah tangga, pelajar/mahasiswa, pensiunan);
*informal* is working with a code that counts as informal (BPU). The codes' flags are data
(`OccupationCode`, editable in the admin).
"""

from __future__ import annotations

import datetime

from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.db.models import Count, Q
from django.utils import timezone

from villages.models import Village
from villages.residents import WORKING_AGE, Denominator, Resident, ResidentList, ResidentStatus

SOURCE = "data penduduk OpenSID"


def years_before(day: datetime.date, years: int) -> datetime.date:
    """The same day `years` earlier (28 February for a 29 February in a common year)."""
    try:
        return day.replace(year=day.year - years)
    except ValueError:
        return day.replace(year=day.year - years, day=28)


def denominator_filters(*, on: datetime.date) -> dict[str, Q]:
    """The four figures as conditions on a resident, for counting (shared with the prospect list)."""
    alive = Q(status=ResidentStatus.ALIVE)
    aged = alive & Q(birth_date__lte=years_before(on, WORKING_AGE))
    working = aged & Q(occupation__working=True)
    return {"alive": alive, "aged_15": aged, "working": working, "informal": working & Q(occupation__informal=True)}


def resident_denominators_record(*, resident_list: ResidentList) -> list[Denominator]:
    """Count the list's figures per jorong and for the whole village, and keep them as a new version."""
    as_of = timezone.localtime(resident_list.imported_at).date()
    counts = {name: Count("pk", filter=condition) for name, condition in denominator_filters(on=as_of).items()}
    rows = list(Resident.objects.filter(resident_list=resident_list).values("hamlet").annotate(**counts))
    total = {name: sum(row[name] for row in rows) for name in counts}
    figures = [*rows, {"hamlet": "", **total}]
    return Denominator.objects.bulk_create(
        Denominator(village_id=resident_list.village_id, as_of=as_of, source=SOURCE, **figure) for figure in figures
    )


@transaction.atomic
def resident_list_delete(*, user, village: Village) -> int:
    """Delete a village's resident list and its residents (the denominators, figures without names, stay)."""
    if (
        not user.has_perm("villages.delete_resident")
        or not Village.objects.for_user(user).filter(pk=village.pk).exists()
    ):
        raise PermissionDenied
    deleted, _ = Resident.objects.filter(village=village).delete()
    ResidentList.objects.filter(village=village).delete()
    return deleted
