"""Per-village additive facts: the numerators and denominators every indicator is built from.

A scope's figure is the sum of its villages' facts, so a ranking of villages and
the branch total always add up. Each group of facts is read with one grouped
query, whatever the data size.

Lapses count each person once per period. The statistics table counts a month's lapses and, among them,
those of people whose previous lapse was d months earlier (`lapsed_again_d`); a lapse in month M is a
person's second one in the period exactly when its previous lapse falls in the period, that is when
d <= M - start. So the period's people are the lapses less those repeats, for periods of up to
`LAPSE_TABLE_MONTHS` months; longer periods are counted directly (`lapses_direct`).
"""

from __future__ import annotations

import functools
import operator
from collections import Counter, OrderedDict
from functools import cached_property

from django.core.exceptions import EmptyResultSet
from django.db import connections
from django.db.models import Case, Count, Exists, F, OuterRef, Q, QuerySet, Subquery, Sum, Value, When
from django.utils import timezone

from indicators.periods import Period
from participants.coverage import COHORT_OFFSETS, FUNDING_COLUMNS, LAPSE_GAPS, LAPSE_TABLE_MONTHS, RETENTION_LAGS
from participants.models import Claim, Contribution, Participant, VillageMonthStat
from participants.months import add_months
from participants.stats import lapses_by_village
from villages.models import Activity, Agent, Budget, Commitment, Denominator, Target, Village
from villages.residents import stale


class Facts:
    """Additive numbers of each village of a scope for a period, read with a fixed number of queries.

    Each group is loaded on first use only, so computing one indicator reads only what it needs.
    """

    GROUPS = ("stats", "village_facts", "activities", "claims", "retention_direct", "lapses_direct")

    def __init__(self, *, villages: QuerySet[Village], period: Period) -> None:
        self.villages = villages
        self.period = period

    def scope(self) -> Counter:
        total: dict[str, int] = {}
        for village_facts in self.by_village().values():
            for name, number in village_facts.items():
                total[name] = total.get(name, 0) + number
        return Counter(total)

    def by_village(self) -> dict[int, Counter]:
        loaded = tuple(name for name in self.GROUPS if name in self.__dict__)
        cached = self.__dict__.get("_by_village")
        if cached is not None and cached[0] == loaded:
            return cached[1]
        # The groups hold different names, so a village's facts are their union (no addition needed).
        groups = self._loaded_groups()
        empty: dict = {}
        facts = {}
        for pk in {*self.village_rows, *(pk for group in groups for pk in group)}:
            merged: dict[str, int] = {}
            for group in groups:
                merged.update(group.get(pk, empty))
            facts[pk] = Counter(merged)
        self.__dict__["_by_village"] = (loaded, facts)
        return facts

    def _loaded_groups(self) -> list[dict[int, Counter]]:
        return [self.__dict__[name] for name in self.GROUPS if name in self.__dict__]

    def need(self, *groups: str) -> Facts:
        for group in groups:
            getattr(self, group)
        return self

    @cached_property
    def village_rows(self) -> dict[int, dict]:
        """Each village's own facts: working-age population, target, commitment (one query)."""
        return _village_rows(self.villages, [self.period])[0]

    @cached_property
    def stats(self) -> dict[int, Counter]:
        return _stats(self.villages, [self.period])[0]

    @cached_property
    def lapses_direct(self) -> dict[int, Counter]:
        """Lapses, once per person, for periods longer than the statistics' lapse gaps reach (one grouped query)."""
        if self.period.months <= LAPSE_TABLE_MONTHS:
            return {}
        lapses = lapses_by_village(villages=self.villages, start=self.period.start, end=self.period.end)
        return {pk: Counter({"lapsed": count}) for pk, count in lapses.items()}

    @cached_property
    def retention_direct(self) -> dict[int, Counter]:
        """Retention for period lengths the statistics table does not hold: an indexed join on contributions."""
        if self.period.months in RETENTION_LAGS:
            return {}
        end = self.period.end
        rows = (
            Contribution.objects.filter(participant__village__in=self.villages, month=self.period.before)
            .filter(participant__in=Participant.objects.enrolled_in(end).filter(contributions__month=end))
            .filter(participant__in=Participant.objects.enrolled_in(self.period.before))
            .values("participant__village_id")
            .annotate(retained=Count("participant_id", distinct=True))
        )
        return {row["participant__village_id"]: Counter({"retained": row["retained"]}) for row in rows}

    @cached_property
    def village_facts(self) -> dict[int, Counter]:
        """Per-village denominators, restricted to villages where they are known."""
        stats = self.stats
        facts = {}
        for pk, row in self.village_rows.items():
            active_end = stats.get(pk, Counter())["active_end"]
            listed = row["informal_workers"] is not None
            working_age = row["informal_workers"] if listed else row["working_age_population"]
            target = row["target"]
            score = sum(bool(row[name]) for name in ("has_regulation", "has_agreement", "has_budget", "has_agent"))
            facts[pk] = Counter(
                {
                    "villages": 1,
                    "commitment_points": score,
                    "working_age": working_age or 0,
                    "active_where_working_age": active_end if working_age else 0,
                    "target": target or 0,
                    "active_where_target": active_end if target else 0,
                    "has_working_age": 1 if working_age else 0,
                    "villages_listed": 1 if listed else 0,
                    "listed_on": row["informal_as_of"].toordinal() if listed else 0,
                    "listed_stale": 1 if listed and stale(row["informal_as_of"], today=timezone.localdate()) else 0,
                }
            )
        return facts

    @cached_property
    def activities(self) -> dict[int, Counter]:
        return _activities(self.villages, [self.period], self.village_rows)[0]

    @cached_property
    def claims(self) -> dict[int, Counter]:
        return _claims(self.villages, [self.period])[0]

    @classmethod
    def with_previous(cls, *, villages: QuerySet[Village], period: Period) -> tuple[Facts, Facts]:
        """Every group of facts of a period and of the previous one, each group read for both with one grouped query
        (the headlines show both): each aggregate filtered to its period, so the numbers are those of two reads."""
        pair = (cls(villages=villages, period=period), cls(villages=villages, period=period.previous()))
        periods = [facts.period for facts in pair]
        rows = _village_rows(villages, periods)
        groups = {
            "village_rows": rows,
            "stats": _stats(villages, periods),
            "activities": _activities(villages, periods, rows[0]),
            "claims": _claims(villages, periods),
        }
        for index, facts in enumerate(pair):
            for name, values in groups.items():
                facts.__dict__[name] = values[index]
            facts.need(*cls.GROUPS)
        return pair


def _village_rows(villages: QuerySet[Village], periods: list[Period]) -> list[dict[int, dict]]:
    """Per period: each village's working-age population, target and commitment (one query for all)."""

    def build() -> QuerySet:
        # Built only when its SQL is not kept yet (`compiled_rows`): resolving these filters is most of the cost.
        latest = Denominator.objects.filter(
            village=OuterRef("pk"), hamlet="", village__resident_list__isnull=False
        ).order_by("-created_at")
        annotations = {
            # A current resident list's informal workers replace the estimated working-age population.
            "informal_workers": Subquery(latest.values("informal")[:1]),
            "informal_as_of": Subquery(latest.values("as_of")[:1]),
        }
        for index, period in enumerate(periods):
            on = min(period.last_day, timezone.localdate())
            in_force = Commitment.objects.in_force(on=on).filter(village=OuterRef("pk"))
            annotations |= {
                f"target_{index}": Subquery(
                    Target.objects.filter(village=OuterRef("pk"), year=period.end.year).values("active_participants")[
                        :1
                    ]
                ),
                f"has_regulation_{index}": Exists(in_force.filter(kind=Commitment.Kind.REGULATION)),
                f"has_agreement_{index}": Exists(in_force.filter(kind=Commitment.Kind.AGREEMENT)),
                f"has_budget_{index}": Exists(
                    Budget.objects.filter(village=OuterRef("pk"), year=on.year, amount__gt=0)
                ),
                f"has_agent_{index}": Exists(Agent.objects.active(on=on).filter(village=OuterRef("pk"))),
            }
        return villages.annotate(**annotations).values("pk", "working_age_population", *annotations)

    rows = compiled_rows(villages, (tuple(periods), timezone.localdate()), build)
    by_period = []
    for index in range(len(periods)):
        own = {}
        for row in rows:
            own[row["pk"]] = {
                "pk": row["pk"],
                "working_age_population": row["working_age_population"],
                **{name: row[f"{name}_{index}"] for name in PERIOD_ROW_FIELDS},
                "informal_workers": row["informal_workers"],
                "informal_as_of": row["informal_as_of"],
            }
        by_period.append(own)
    return by_period


PERIOD_ROW_FIELDS = ("target", "has_regulation", "has_agreement", "has_budget", "has_agent")


def _stat_sums(period: Period) -> dict:
    """The statistics table's sums of one period, each filtered to its months."""
    in_period = Q(month__gte=period.start, month__lte=period.end)
    at_end = Q(month=period.end)
    sums = {
        "active_end": Sum("active", filter=at_end),
        "active_before": Sum("active", filter=Q(month=period.before)),
        "arrears_end": Sum("arrears", filter=at_end),
        "inactive_end": Sum("inactive", filter=at_end),
        "awaiting_end": Sum("awaiting_first_payment", filter=at_end),
        "awaiting_months_end": Sum("awaiting_months", filter=at_end),
        "enrolled_end": Sum("enrolled", filter=at_end),
        "new_enrolments": Sum("new_enrolments", filter=in_period),
        "new_self_funded": Sum("new_self_funded", filter=in_period),
        "lapse_events": Sum("lapsed", filter=in_period),
        "exits": Sum("exits", filter=in_period),
        "active_months": Sum("active", filter=in_period),
        "enrolled_months": Sum("enrolled", filter=in_period),
        "contribution_amount": Sum("contribution_amount", filter=in_period),
        "apparatus_registered": Sum("apparatus_registered", filter=at_end),
        "apparatus_active": Sum("apparatus_active", filter=at_end),
    }
    for column in FUNDING_COLUMNS.values():
        sums[column] = Sum(column, filter=at_end)
    if period.months in RETENTION_LAGS:
        sums["retained"] = Sum(f"retained_{period.months}", filter=at_end)
    # Repeats: lapses whose previous one (d months earlier) is in the period too, in month M when M >= start + d;
    # one sum of them all (a period longer than the lapse gaps reach counts its lapses directly).
    repeats = [
        Case(When(month__gte=add_months(period.start, d), then=F(f"lapsed_again_{d}")), default=Value(0))
        for d in LAPSE_GAPS
        if d < period.months
    ]
    if repeats and period.months <= LAPSE_TABLE_MONTHS:
        sums["lapse_repeats"] = Sum(functools.reduce(operator.add, repeats), filter=in_period)
    for offset in COHORT_OFFSETS:
        cohorts = Q(month__gte=add_months(period.start, -offset), month__lte=add_months(period.end, -offset))
        sums[f"cohort_size_{offset}"] = Sum("new_enrolments", filter=cohorts)
        sums[f"cohort_active_{offset}"] = Sum(f"cohort_active_{offset}", filter=cohorts)
    return sums


# Compiled grouped queries by (database, query, villages' SQL and parameters, key), the least recently used dropped
# first: see `compiled_rows`. Room for every village page's four queries and the regions' (about 20 KB each).
_COMPILED: OrderedDict[tuple, tuple] = OrderedDict()
_COMPILED_MAX = 2048


def compiled_rows(villages: QuerySet[Village], key: tuple, build) -> list[dict]:
    """The rows of the `values()` query `build()` returns, its SQL built and compiled once per process for the same
    villages and `key` (whatever else the SQL depends on: the periods, the day): the ORM takes longer to resolve and
    compile a hundred filtered aggregates than PostgreSQL takes to run them. Only the SQL is kept, never the rows: they
    are those of `list(build())`, converted by the ORM's own converters."""
    try:
        scope_sql = villages.query.sql_with_params()
    except EmptyResultSet:
        return list(build())
    key = (villages.db, build.__qualname__, scope_sql[0], tuple(scope_sql[1]), key)
    entry = _COMPILED.get(key)
    if entry is not None:
        _COMPILED.move_to_end(key)
    else:
        queryset = build()
        compiler = queryset.query.get_compiler(using=queryset.db)
        try:
            sql, params = compiler.as_sql()
        except EmptyResultSet:
            return list(queryset)
        query = queryset.query
        # As `ValuesIterable` names the columns.
        names = (
            list(query.selected)
            if query.selected
            else [*query.extra_select, *query.values_select, *query.annotation_select]
        )
        converters = compiler.get_converters([column[0] for column in compiler.select[: compiler.col_count]])
        if len(_COMPILED) >= _COMPILED_MAX:
            _COMPILED.popitem(last=False)
        entry = _COMPILED[key] = (queryset.db, sql, params, names, list(converters.items()))
    using, sql, params, names, converters = entry
    connection = connections[using]
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        rows = cursor.fetchall()
    result = []
    for row in rows:
        row = list(row)
        for position, (functions, expression) in converters:
            value = row[position]
            for function in functions:
                value = function(value, expression, connection)
            row[position] = value
        result.append({name: row[index] for index, name in enumerate(names)})
    return result


def _stats(villages: QuerySet[Village], periods: list[Period]) -> list[dict[int, Counter]]:
    """Per period: each village's sums of the statistics table (one grouped query for all the periods).

    A period reads its months and the 12 before (the cohorts); a village is in a period's facts when it has a row
    in those months, as a read of that period alone would give."""
    sums, firsts, columns = {}, [], []
    for index, period in enumerate(periods):
        first = add_months(period.start, -max(COHORT_OFFSETS))
        firsts.append(first)
        sums[f"p{index}_rows"] = Count("pk", filter=Q(month__gte=first, month__lte=period.end))
        # Prefixed: an annotation may not share a name with a field it sums. (column, fact) of the period.
        period_sums = {f"p{index}_{name}": (name, aggregate) for name, aggregate in _stat_sums(period).items()}
        sums |= {column: aggregate for column, (_name, aggregate) in period_sums.items()}
        columns.append([(column, name) for column, (name, _aggregate) in period_sums.items()])

    def build() -> QuerySet:
        return (
            VillageMonthStat.objects.filter(
                village__in=villages, month__gte=min(firsts), month__lte=max(period.end for period in periods)
            )
            .values("village_id")
            .annotate(**sums)
        )

    by_period: list[dict[int, Counter]] = [{} for _period in periods]
    for row in compiled_rows(villages, tuple(periods), build):
        for index, period in enumerate(periods):
            if not row[f"p{index}_rows"]:
                continue
            numbers = Counter({name: row[column] or 0 for column, name in columns[index]})
            if period.months <= LAPSE_TABLE_MONTHS:
                numbers["lapsed"] = numbers["lapse_events"] - numbers.pop("lapse_repeats", 0)
            by_period[index][row["village_id"]] = numbers
    return by_period


def _activities(
    villages: QuerySet[Village], periods: list[Period], village_rows: dict[int, dict]
) -> list[dict[int, Counter]]:
    """Per period: each village's activities by kind (one grouped query for all the periods)."""
    aggregates = {}
    for index, period in enumerate(periods):
        within = Q(date__gte=period.start, date__lte=period.last_day)
        aggregates[f"count_{index}"] = Count("id", filter=within)
        aggregates[f"attendees_{index}"] = Sum("attendees", filter=within)
    rows = compiled_rows(
        villages,
        tuple(periods),
        lambda: (
            Activity.objects.filter(
                village__in=villages,
                date__gte=min(period.start for period in periods),
                date__lte=max(period.last_day for period in periods),
            )
            .values("village_id", "kind")
            .annotate(**aggregates)
        ),
    )
    working_age = {pk: row["working_age_population"] for pk, row in village_rows.items()}
    by_period: list[dict[int, Counter]] = [{} for _period in periods]
    for row in rows:
        for index, facts in enumerate(by_period):
            count = row[f"count_{index}"]
            if not count:
                continue
            numbers = facts.setdefault(row["village_id"], Counter())
            numbers["activities"] += count
            numbers[f"activities_{row['kind']}"] += count
            if row["kind"] == Activity.Kind.SOCIALISATION and working_age.get(row["village_id"]):
                numbers["socialisation_attendees"] += row[f"attendees_{index}"] or 0
    return by_period


def _claims(villages: QuerySet[Village], periods: list[Period]) -> list[dict[int, Counter]]:
    """Per period: each village's claims paid in it, their number and amount (one grouped query for all)."""
    aggregates = {}
    for index, period in enumerate(periods):
        within = Q(paid_on__gte=period.start, paid_on__lte=period.last_day)
        aggregates[f"count_{index}"] = Count("id", filter=within)
        aggregates[f"amount_{index}"] = Sum("amount", filter=within)
    rows = compiled_rows(
        villages,
        tuple(periods),
        lambda: (
            Claim.objects.filter(
                participant__village__in=villages,
                paid_on__gte=min(period.start for period in periods),
                paid_on__lte=max(period.last_day for period in periods),
            )
            .values("participant__village_id")
            .annotate(**aggregates)
        ),
    )
    return [
        {
            row["participant__village_id"]: Counter(
                {"claims": row[f"count_{index}"], "claims_amount": row[f"amount_{index}"] or 0}
            )
            for row in rows
            if row[f"count_{index}"]
        }
        for index in range(len(periods))
    ]
