"""Each village measured against the programme's own bar (`villages.designation`): met or not, and what is missing.

The criteria are rows (all apparatus protected; for the national award more than 80 % of
the workers), so the village page, the villages list and the anev read the same answer
from here: how many are protected, out of how many, and how many more it takes. Counts come
from the monthly statistics table, the same numbers as the indicators "aktif" and
"cakupan": apparatus aktif out of the village's apparatus headcount (else out of the
apparatus registered here, and the page says so), active participants out of the
working-age population (the coverage denominator). Two queries for any number of villages.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass
from decimal import Decimal

from django.db.models import OuterRef, QuerySet, Subquery

from core.formatting import format_percent
from participants.models import VillageMonthStat
from villages.designation import DesignationCriterion
from villages.models import Village

STAT_COLUMNS = ("active", "apparatus_active", "apparatus_registered")


@dataclass(frozen=True)
class CriterionState:
    """One village against one criterion in one month. `met` is None when the denominator is unknown."""

    criterion: DesignationCriterion
    protected: int
    out_of: int | None
    out_of_label: str
    needed: int | None

    @property
    def met(self) -> bool | None:
        return None if self.needed is None else self.protected >= self.needed

    @property
    def missing(self) -> int | None:
        return None if self.needed is None else max(0, self.needed - self.protected)

    @property
    def unit(self) -> str:
        return "perangkat" if self.criterion.measure == DesignationCriterion.Measure.APPARATUS else "pekerja"

    @property
    def share(self) -> Decimal | None:
        if not self.out_of:
            return None
        return Decimal(self.protected) * 100 / self.out_of

    @property
    def share_text(self) -> str:
        return format_percent(self.share)


def needed_for(criterion: DesignationCriterion, out_of: int) -> int:
    """The fewest protected that meet the bar: at least t % of `out_of`, or more than t %."""
    exact = criterion.threshold * out_of / 100
    whole = int(exact)
    if criterion.strictly_above:
        return whole + 1
    return whole if whole == exact else whole + 1


def _state(criterion: DesignationCriterion, *, stat: dict, village: dict) -> CriterionState:
    if criterion.measure == DesignationCriterion.Measure.APPARATUS:
        protected = stat.get("apparatus_active", 0)
        if village["headcount"]:
            out_of, label = village["headcount"], "perangkat (data desa)"
        else:
            registered = stat.get("apparatus_registered", 0)
            out_of, label = registered or None, "perangkat terdaftar (jumlah perangkat desa belum diisi)"
    else:
        protected = stat.get("active", 0)
        out_of, label = village["working_age_population"] or None, "penduduk usia kerja"
    return CriterionState(
        criterion=criterion,
        protected=protected,
        out_of=out_of,
        out_of_label=label,
        needed=needed_for(criterion, out_of) if out_of else None,
    )


def programme_bar(*, villages: QuerySet[Village], month: datetime.date) -> dict[int, list[CriterionState]]:
    """Per village id, its state against every criterion in `month` (the month's statistics row)."""
    criteria = list(DesignationCriterion.objects.all())
    stat = VillageMonthStat.objects.filter(village=OuterRef("pk"), month=month)
    rows = villages.annotate(**{column: Subquery(stat.values(column)[:1]) for column in STAT_COLUMNS}).values(
        "pk", "working_age_population", "apparatus_headcount__count", *STAT_COLUMNS
    )
    return {
        row["pk"]: [
            _state(
                criterion,
                stat={column: row[column] or 0 for column in STAT_COLUMNS},
                village={"headcount": row["apparatus_headcount__count"], **row},
            )
            for criterion in criteria
        ]
        for row in rows
    }
