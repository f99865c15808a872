"""What the dashboard, region, village and list pages read, each in a fixed number of queries.

Every function takes a queryset of villages already limited to the user's scope.
Figures come from `indicators` (the one definition of each indicator)
and the monthly statistics table; nothing here loops over participants.
"""

from __future__ import annotations

import datetime
from collections import Counter
from dataclasses import dataclass
from decimal import Decimal
from functools import cached_property

from django.db.models import Case, Count, F, Q, QuerySet, Sum, When, Window
from django.utils import timezone

from indicators import REGISTRY, Period, Result
from indicators.compute import ResultsOf
from indicators.facts import Facts, compiled_rows
from participants.coverage import (
    COHORT_OFFSETS,
)
from participants.models import Claim, HamletMonthStat, VillageMonthStat
from participants.months import add_months, month_start, months_between
from villages.models import Commitment, CommitmentState, Village

# The headline cards, the most important first (two per row on a phone): how many are protected and of whom,
# against the target, whether they keep paying, who joined, who waits for a first payment, then the rest.
HEADLINE_KEYS = (
    "active_participants",
    "coverage",
    "target_attainment",
    "collection_rate",
    "new_enrolments",
    "awaiting_first_payment",
    "retention",
    "lapse_rate",
    "net_growth",
    "growth_rate",
    "awaiting_months",
    "voluntary_share",
    "cohort_survival",
    "funding_mix",
    "socialisation_reach",
    "claims_count",
    "claims_amount",
    "activities",
    "commitment",
    "apparatus_covered",
)
RANKING_KEYS = (
    "active_participants",
    "new_enrolments",
    "net_growth",
    "coverage",
    "target_attainment",
    "retention",
    "collection_rate",
    "lapse_rate",
    "voluntary_share",
    "activities",
    "commitment",
)


@dataclass(frozen=True)
class Headline:
    """An indicator now and in the previous period, with the direction of the change."""

    current: Result
    previous: Result

    @property
    def indicator(self):
        return REGISTRY[self.current.key]

    @property
    def trend(self) -> str:
        """ "naik", "turun", "tetap" or "" (not comparable)."""
        now, before = self.current.value, self.previous.value
        if now is None or before is None:
            return ""
        return "naik" if now > before else "turun" if now < before else "tetap"

    @property
    def improving(self) -> bool | None:
        if self.trend in ("", "tetap"):
            return None
        return (self.trend == "naik") == self.indicator.higher_is_better


def period_facts(*, villages: QuerySet[Village], period: Period) -> Facts:
    """Every group of facts of the period, for headlines and rankings alike (4 queries, and one for retention and
    two for lapses when the period's length is one the statistics table does not hold)."""
    return Facts(villages=villages, period=period).need(*Facts.GROUPS)


def period_facts_with_previous(*, villages: QuerySet[Village], period: Period) -> tuple[Facts, Facts]:
    """The period's facts and the previous period's (for the headlines), each group read for both at once: 4 queries
    (and retention or lapses counted directly per period, as `period_facts`)."""
    return Facts.with_previous(villages=villages, period=period)


def headlines(*, current: Facts, previous: Facts, keys=HEADLINE_KEYS) -> list[Headline]:
    now, before = current.scope(), previous.scope()
    return [
        Headline(
            current=REGISTRY[key].from_facts(now, current.period),
            previous=REGISTRY[key].from_facts(before, previous.period),
        )
        for key in keys
    ]


def results_by_village(*, facts: Facts, keys=RANKING_KEYS) -> dict[int, ResultsOf]:
    """Each village's indicators, computed when read (the ranking sorts on one, shows the rest for a page)."""
    return {pk: ResultsOf(numbers, facts.period, keys) for pk, numbers in facts.by_village().items()}


def results_by_group(*, facts: Facts, groups: dict[int, str], keys=RANKING_KEYS) -> dict[str, ResultsOf]:
    """Indicators of groups of villages (regencies, kecamatan): their villages' facts added up."""
    totals: dict[str, Counter] = {}
    for pk, numbers in facts.by_village().items():
        totals.setdefault(groups[pk], Counter()).update(numbers)
    return {group: ResultsOf(numbers, facts.period, keys) for group, numbers in totals.items()}


def village_rows(*, villages: QuerySet[Village]) -> list[dict]:
    """Name, kind and region of each village of the scope (one query)."""
    return list(
        villages.order_by("code").values(
            "pk",
            "code",
            "name",
            "kind",
            "district__code",
            "district__name",
            "district__regency__code",
            "district__regency__name",
        )
    )


def reporting_month(*, today: datetime.date | None = None) -> datetime.date:
    return month_start(today or timezone.localdate())


def reporting_completeness(*, villages: QuerySet[Village], month: datetime.date) -> dict[int, dict]:
    """Per village: participants enrolled this month and how many have this month's contribution recorded."""
    rows = VillageMonthStat.objects.filter(village__in=villages, month=month).values("village_id", "enrolled", "active")
    return {row["village_id"]: {"enrolled": row["enrolled"], "paid": row["active"]} for row in rows}


@dataclass
class RankingRow:
    """One village of a ranking; `cells` are (key, shown value, working) ready for the template."""

    village: dict
    results: dict[str, Result]
    reported: dict
    spark: dict | None = None  # the sparkline of active participants, on the villages list

    @cached_property
    def cells(self) -> list[tuple[str, str, str]]:
        """Formatted only for the rows a page shows (the dashboard shows the head of 277)."""
        return ranking_cells(self.results)

    @property
    def values(self) -> list:
        return [self.results[key].value for key in RANKING_KEYS if key in self.results]

    @property
    def target_status(self) -> str:
        attainment = self.results["target_attainment"]
        if attainment.value is None:
            return "tanpa target"
        return "tercapai" if attainment.value >= 100 else "di bawah target"

    @property
    def has_reported(self) -> bool:
        return self.reported.get("paid", 0) > 0

    @property
    def reporting_label(self) -> str:
        if not self.reported.get("enrolled"):
            return "belum ada peserta"
        return "sudah" if self.has_reported else "belum"


def ranking_cells(results) -> list[tuple[str, str, str]]:
    """(key, shown value, working) of each ranking indicator in `results`, in the columns' order."""
    cells = []
    for key in RANKING_KEYS:
        result = results.get(key)
        if result is None:
            continue
        working = result.period.label
        if result.denominator is not None:
            working = f"{result.numerator_display} / {result.denominator_display} · {working}"
        cells.append((key, result.display, working))
    return cells


def ranking_columns() -> list[dict]:
    return [{"key": key, "label": REGISTRY[key].label, "descending_key": f"-{key}"} for key in RANKING_KEYS]


def ranking(
    *,
    villages: list[dict],
    results: dict[int, dict[str, Result]],
    reported: dict[int, dict],
    sort: str,
    descending: bool,
) -> list[RankingRow]:
    """Villages ordered by one indicator (undefined values last) or by name."""
    rows = [
        RankingRow(village=village, results=results.get(village["pk"], {}), reported=reported.get(village["pk"], {}))
        for village in villages
    ]
    if sort in REGISTRY:
        defined = [row for row in rows if row.results[sort].value is not None]
        undefined = [row for row in rows if row.results[sort].value is None]
        defined.sort(key=lambda row: (row.results[sort].value, row.village["code"]), reverse=descending)
        return defined + undefined
    rows.sort(key=lambda row: row.village["name" if sort == "name" else "code"], reverse=descending)
    return rows


def monthly_series(*, villages: QuerySet[Village], first: datetime.date, last: datetime.date) -> list[dict]:
    """One row per month of the scope's statistics table (one query), months without rows filled with zeros."""
    fields = (
        "enrolled",
        "active",
        "arrears",
        "inactive",
        "awaiting_first_payment",
        "new_enrolments",
        "lapsed",
        "exits",
        "cohort_active_3",
        "cohort_active_6",
        "cohort_active_12",
        "contribution_amount",
    )
    rows = compiled_rows(
        villages,
        (first, last),
        lambda: (
            VillageMonthStat.objects.filter(village__in=villages, month__gte=first, month__lte=last)
            .values("month")
            .annotate(**{f"total_{name}": Sum(name) for name in fields})
        ),
    )
    by_month = {row["month"]: row for row in rows}
    series = []
    month = first
    while month <= last:
        row = by_month.get(month, {})
        series.append({"month": month, **{name: row.get(f"total_{name}") or 0 for name in fields}})
        month = add_months(month, 1)
    return series


def cohort_chart(*, series: list[dict], today: datetime.date | None = None) -> list[dict]:
    """Per enrolment month: the share still aktif 3, 6 and 12 months later (None until that month has passed)."""
    current = month_start(today or timezone.localdate())
    rows = []
    for row in series:
        shares = {}
        for offset in COHORT_OFFSETS:
            observed = add_months(row["month"], offset) < current and row["new_enrolments"]
            shares[offset] = (
                (Decimal(row[f"cohort_active_{offset}"]) * 100 / row["new_enrolments"]).quantize(Decimal("0.1"))
                if observed
                else None
            )
        rows.append(
            {"month": row["month"], "size": row["new_enrolments"], **{f"after_{k}": v for k, v in shares.items()}}
        )
    return rows


# --- claims and commitments --------------------------------------------------------------------------------------


def claims_of(*, claims: QuerySet[Claim], villages: QuerySet[Village], period: Period) -> QuerySet[Claim]:
    """Claims of `villages` paid in the period (as the claims indicators count them), and those not yet paid
    whose event falls in it; newest first, unpaid on top."""
    paid = Q(paid_on__gte=period.start, paid_on__lte=period.last_day)
    unpaid = Q(paid_on__isnull=True, event_date__gte=period.start, event_date__lte=period.last_day)
    return (
        claims.filter(participant__village__in=villages)
        .filter(paid | unpaid)
        .select_related("participant__village__district__regency")
        .order_by(F("paid_on").desc(nulls_first=True), "-event_date", "-pk")
    )


def claim_totals(*, claims: QuerySet[Claim]) -> dict:
    """How many claims, how many paid and the Rupiah paid (one query)."""
    totals = claims.order_by().aggregate(
        count=Count("pk"),
        paid=Count("pk", filter=Q(paid_on__isnull=False)),
        amount=Sum("amount", filter=Q(paid_on__isnull=False)),
    )
    return {**totals, "amount": totals["amount"] or 0, "unpaid": totals["count"] - totals["paid"]}


def village_claims(*, village: Village, limit: int) -> tuple[list[Claim], dict]:
    """A village's latest claims, and the totals of all its claims carried on each row by window functions
    (one query)."""
    paid = Case(When(paid_on__isnull=False, then=1), default=0)
    latest = list(
        Claim.objects.filter(participant__village=village)
        .select_related("participant")
        .annotate(
            total_count=Window(Count("pk")),
            total_paid=Window(Sum(paid)),
            total_amount=Window(Sum(Case(When(paid_on__isnull=False, then=F("amount")), default=0))),
        )
        .order_by(F("paid_on").desc(nulls_first=True), "-event_date", "-pk")[:limit]
    )
    first = latest[0] if latest else None
    count, paid_count = (first.total_count, first.total_paid) if first else (0, 0)
    totals = {"count": count, "paid": paid_count, "amount": first.total_amount if first else 0}
    return latest, {**totals, "unpaid": count - paid_count}


def commitments_to_renew(*, commitments: QuerySet[Commitment], today: datetime.date) -> QuerySet[Commitment]:
    """Lapsed and lapsing commitments nobody has renewed, the soonest end date first."""
    return (
        commitments.needing_renewal(today=today)
        .select_related("village__district__regency")
        .order_by("valid_until", "village__code", "pk")
    )


def renewal_counts(*, commitments: QuerySet[Commitment], today: datetime.date) -> dict[str, int]:
    """How many have lapsed and how many lapse soon (one query)."""
    counts = dict(commitments.needing_renewal(today=today).order_by().values_list("state").annotate(total=Count("pk")))
    return {state: counts.get(state, 0) for state in (CommitmentState.LAPSED, CommitmentState.LAPSING)}


# --- small charts: sparklines of the villages list, the jorong heat map of a village page ------------------------


def active_series(*, village_ids: list[int], first: datetime.date, last: datetime.date) -> dict[int, list[int]]:
    """Per village, its active participants of each month from `first` to `last` (one query); missing months 0."""
    rows = VillageMonthStat.objects.filter(village_id__in=village_ids, month__gte=first, month__lte=last).values_list(
        "village_id", "month", "active"
    )
    by_village: dict[int, dict[datetime.date, int]] = {}
    for village_id, month, active in rows:
        by_village.setdefault(village_id, {})[month] = active
    months = [add_months(first, offset) for offset in range(months_between(first, last) + 1)]
    return {pk: [by_village.get(pk, {}).get(month, 0) for month in months] for pk in village_ids}


@dataclass(frozen=True)
class HeatCell:
    """One jorong in one month: participants enrolled, and how many of them paid that month."""

    month: datetime.date
    enrolled: int
    paid: int

    @property
    def share(self) -> Decimal | None:
        return (Decimal(self.paid) * 100 / self.enrolled).quantize(Decimal("1")) if self.enrolled else None

    @property
    def level(self) -> int | None:
        """0–4 by quintile of the paid share, for the cell's colour (None: nobody enrolled)."""
        return None if self.share is None else min(int(self.share) // 20, 4)


def jorong_paid_shares(*, village: Village, months: list[datetime.date]) -> list[tuple[str, list[HeatCell]]]:
    """Per jorong of the village, per month: participants enrolled and those who paid (one query).

    Enrolled is `enrolled_in` (registered by the month's end, not exited before it); paid, that the person is
    enrolled and the month's contribution is recorded: the aktif status of the coverage rule. Read from the
    jorong table (`HamletMonthStat`, kept by every write): a row per jorong and month, whatever the size of the
    village.
    """
    counts = {
        (hamlet, month): (enrolled, active)
        for hamlet, month, enrolled, active in HamletMonthStat.objects.filter(
            village=village, month__gte=months[0], month__lte=months[-1]
        ).values_list("hamlet", "month", "enrolled", "active")
    }
    heat = []
    for hamlet in sorted({hamlet for hamlet, _month in counts}):
        cells = [HeatCell(month, *counts.get((hamlet, month), (0, 0))) for month in months]
        if any(cell.enrolled for cell in cells):
            heat.append((hamlet or "(tanpa jorong)", cells))
    return heat
