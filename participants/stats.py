"""The per-village monthly analytics table (`VillageMonthStat`), rebuilt in SQL; with it the per-jorong
table of the heat map (`HamletMonthStat`: enrolled and aktif) and, in a full rebuild, each participant's
`last_paid_month`.

One statement expands every participant into one row per month from their
enrolment month to their exit month (or the horizon), joins the paid months,
derives each month's unpaid run with window functions and groups by village and
month. The coverage rule applied to those rows is `participants.coverage`'s
(`SQL_STATUS`, `SQL_LAPSED`), the same rule as `coverage_status`, under the grace
each month's coverage rule gives (carried by the months' VALUES list):

- belum aktif: nothing paid yet from the enrolment month on (with how many months
  since registration, `awaiting_months`);
- aktif: the month is paid;
- menunggak: unpaid, and the unpaid run since the last paid month is 1..grace long;
- nonaktif: a longer unpaid run; the month a run passes the grace is "lapsed", and
  `lapsed_again_d` counts lapses d months after the same person's previous lapse;
- keluar: months after the exit month (no row at all here);
- nothing before the enrolment month (payments for those months are ignored).

Every column is a sum over participants of a function of one participant and the
month, so every write adds only the difference it makes to its participants (`participants.stats_delta`);
this rebuild serves `refresh_stats`, a change of the grace and repairs. What must count each person
once over a period is derived from them (`indicators.facts`), or read by
`lapses_by_village` for periods longer than the lapse gaps reach.

The SQL uses only what SQLite (3.25+) and PostgreSQL share: CTEs, VALUES,
LEFT JOIN, window functions, and named parameters. Months are passed in as a
VALUES list of (index, first day, first day of next month, grace, grace of the
month before), so no date function is needed.

Rows are written from the earliest enrolment up to HORIZON_MONTHS after the
current month: future months hold the projection "if nobody pays", so the
table never goes stale when a new month starts, and the follow-up lists can
read who is about to lapse. The month that enters the projection when a month
begins is written by `stats_extend_horizon`, a monthly routine (`core.monthly`).
"""

from __future__ import annotations

import datetime
from collections.abc import Iterable, Sequence

from django.db import connection, transaction
from django.db.models import F, Min, Q, QuerySet, Subquery
from django.utils import timezone

from core.monthly import monthly_done, monthly_routine
from participants.coverage import (
    COHORT_OFFSETS,
    FUNDING_COLUMNS,
    LAPSE_GAPS,
    RETENTION_LAGS,
    SQL_LAPSED,
    SQL_STATUS,
    CoverageStatus,
    GraceSchedule,
    grace_schedule,
    paid_since_enrolment,
)
from participants.models import (
    Contribution,
    FundingSource,
    HamletMonthStat,
    Occupation,
    Participant,
    VillageMonthStat,
)
from participants.months import add_months, month_start, months_between
from villages.models import Village

HORIZON_MONTHS = 12
HORIZON_ROUTINE = "participants.stats_horizon"
# Cohort fields of a month depend on payments up to the longest cohort offset later, so a
# refresh from month M also rewrites that many months before it.
COHORT_LOOKBACK = max(COHORT_OFFSETS)
# Villages refreshed per statement by `stats_refresh_all`: keeps each sort small.
ALL_BATCH = 20

STAT_COLUMNS = (
    "enrolled",
    "active",
    "arrears",
    "inactive",
    "awaiting_first_payment",
    "awaiting_months",
    "new_enrolments",
    "new_self_funded",
    "exits",
    "lapsed",
    *(f"lapsed_again_{d}" for d in LAPSE_GAPS),
    "apparatus_registered",
    "apparatus_active",
    *FUNDING_COLUMNS.values(),
    "contribution_amount",
    *(f"cohort_active_{k}" for k in COHORT_OFFSETS),
    *(f"retained_{k}" for k in RETENTION_LAGS),
)


def _quoted(name: str) -> str:
    return connection.ops.quote_name(name)


def _marks(prefix: str, count: int) -> list[str]:
    return [f"%({prefix}_{n})s" for n in range(count)]


def _months_values(months: Sequence[datetime.date], graces: GraceSchedule) -> tuple[str, dict]:
    """The VALUES list of months (index, first day, next first day, grace, grace the month before), its params."""
    rows, params = [], {}
    for n, month in enumerate(months):
        names = ("month_idx", "month_first", "month_next", "grace", "grace_before")
        rows.append("(" + ", ".join(f"%({name}_{n})s" for name in names) + ")")
        params |= {
            f"month_idx_{n}": n,
            f"month_first_{n}": month,
            f"month_next_{n}": add_months(month, 1),
            f"grace_{n}": graces.for_month(month),
            f"grace_before_{n}": graces.for_month(add_months(month, -1)),
        }
    return ", ".join(rows), params


def _select_sql(*, months_values: str, villages_count: int) -> str:
    """The SELECT producing one row per (village, month) with every STAT_COLUMNS value.

    Its named parameters: those of `_months_values`, `village_n` for each village, `expand_from` (first day)
    and `expand_idx`, `write_idx`, `self_funded`, `apparatus` and one `funding_<column>` per funding column.
    """
    participant = _quoted(Participant._meta.db_table)
    contribution = _quoted(Contribution._meta.db_table)
    village_marks = ", ".join(_marks("village", villages_count))
    lags = ",\n".join(f"        COALESCE(LAG(paid, {k}) OVER w, 0) AS paid_lag_{k}" for k in RETENTION_LAGS)
    leads = ",\n".join(f"        COALESCE(LEAD(paid, {k}) OVER w, 0) AS paid_lead_{k}" for k in COHORT_OFFSETS)
    funding_sums = ",\n".join(
        f"    SUM(CASE WHEN {SQL_STATUS[CoverageStatus.ACTIVE]} AND funding_source = %(funding_{column})s"
        f" THEN 1 ELSE 0 END) AS {column}"
        for column in FUNDING_COLUMNS.values()
    )
    cohort_sums = ",\n".join(
        f"    SUM(CASE WHEN idx = first_idx THEN paid_lead_{k} ELSE 0 END) AS cohort_active_{k}" for k in COHORT_OFFSETS
    )
    retained_sums = ",\n".join(
        f"    SUM(CASE WHEN {SQL_STATUS[CoverageStatus.ACTIVE]} AND paid_lag_{k} = 1 THEN 1 ELSE 0 END) AS retained_{k}"
        for k in RETENTION_LAGS
    )
    again_sums = ",\n".join(
        f"    SUM(CASE WHEN lapsed_now = 1 AND idx - previous_lapse_idx = {d} THEN 1 ELSE 0 END) AS lapsed_again_{d}"
        for d in LAPSE_GAPS
    )
    # A refresh from month M only expands the months from M - 24 (the rows written start 12 months before M
    # for the cohorts, and retention looks 12 months further back). What came before is carried in as a
    # seed: the participant's enrolment month and last paid month before the expansion (index lookups); a
    # month paid before the enrolment month is no seed. One window for the statuses (one sort): with one row
    # per participant and month, MAX over the default frame (first row to the current one) is the last paid
    # month so far. The previous lapse of a row written lies at most max(LAPSE_GAPS) months back, inside
    # the expanded months.
    # Only table names, placeholders and fixed column expressions are interpolated; values are parameters.
    return f"""
WITH months(idx, first_day, next_first_day, grace, grace_before) AS (VALUES {months_values}),
seeds AS (
    SELECT p.id AS pid, p.village_id, p.funding_source, p.occupation, p.enrolled_on, p.exit_date,
        enrolment.idx AS first_idx,
        (SELECT MAX(c0.month) FROM {contribution} c0
            WHERE c0.participant_id = p.id AND c0.month < %(expand_from)s) AS paid_before
    FROM {participant} p
    JOIN months enrolment ON enrolment.first_day <= p.enrolled_on AND enrolment.next_first_day > p.enrolled_on
    WHERE p.village_id IN ({village_marks})
),
participant_months AS (
    SELECT s.pid, s.village_id, s.funding_source, s.occupation, s.first_idx, m.idx, m.first_day, m.grace,
        m.grace_before,
        CASE WHEN earlier.idx >= s.first_idx THEN earlier.idx END AS seed_idx,
        CASE WHEN c.id IS NULL THEN 0 ELSE 1 END AS paid,
        COALESCE(c.amount, 0) AS amount,
        CASE WHEN s.exit_date IS NOT NULL AND s.exit_date >= m.first_day
            AND s.exit_date < m.next_first_day THEN 1 ELSE 0 END AS exits_now
    FROM seeds s
    LEFT JOIN months earlier ON earlier.first_day = s.paid_before
    JOIN months m ON m.idx >= %(expand_idx)s AND m.next_first_day > s.enrolled_on
        AND (s.exit_date IS NULL OR m.first_day <= s.exit_date)
    LEFT JOIN {contribution} c ON c.participant_id = s.pid AND c.month = m.first_day
),
windowed AS (
    SELECT pid, village_id, funding_source, occupation, idx, first_day, grace, grace_before, paid, amount,
        exits_now, first_idx, seed_idx,
        MAX(CASE WHEN paid = 1 THEN idx END) OVER w AS last_paid_idx,
{lags},
{leads}
    FROM participant_months
    WINDOW w AS (PARTITION BY pid ORDER BY idx)
),
statused AS (
    -- coverage.unpaid_run: months since the last paid month; NULL while nothing is paid (belum aktif).
    SELECT *, idx - COALESCE(last_paid_idx, seed_idx) AS unpaid_run FROM windowed
),
lapses AS (
    SELECT *, CASE WHEN {SQL_LAPSED} THEN 1 ELSE 0 END AS lapsed_now FROM statused
),
relapses AS (
    SELECT *, MAX(CASE WHEN lapsed_now = 1 THEN idx END)
        OVER (PARTITION BY pid ORDER BY idx ROWS BETWEEN UNBOUNDED PRECEDING AND 1 PRECEDING) AS previous_lapse_idx
    FROM lapses
)
SELECT village_id, first_day,
    COUNT(*) AS enrolled,
    SUM(CASE WHEN {SQL_STATUS[CoverageStatus.ACTIVE]} THEN 1 ELSE 0 END) AS active,
    SUM(CASE WHEN {SQL_STATUS[CoverageStatus.ARREARS]} THEN 1 ELSE 0 END) AS arrears,
    SUM(CASE WHEN {SQL_STATUS[CoverageStatus.INACTIVE]} THEN 1 ELSE 0 END) AS inactive,
    SUM(CASE WHEN {SQL_STATUS[CoverageStatus.AWAITING]} THEN 1 ELSE 0 END) AS awaiting_first_payment,
    SUM(CASE WHEN {SQL_STATUS[CoverageStatus.AWAITING]} THEN idx - first_idx ELSE 0 END) AS awaiting_months,
    SUM(CASE WHEN idx = first_idx THEN 1 ELSE 0 END) AS new_enrolments,
    SUM(CASE WHEN idx = first_idx AND funding_source = %(self_funded)s THEN 1 ELSE 0 END) AS new_self_funded,
    SUM(exits_now) AS exits,
    SUM(lapsed_now) AS lapsed,
{again_sums},
    SUM(CASE WHEN occupation = %(apparatus)s THEN 1 ELSE 0 END) AS apparatus_registered,
    SUM(CASE WHEN occupation = %(apparatus)s AND {SQL_STATUS[CoverageStatus.ACTIVE]} THEN 1 ELSE 0 END)
        AS apparatus_active,
{funding_sums},
    SUM(amount) AS contribution_amount,
{cohort_sums},
{retained_sums}
FROM relapses
WHERE idx >= %(write_idx)s
GROUP BY village_id, first_day
"""  # noqa: S608


def _hamlet_select_sql(*, months_values: str, villages_count: int) -> str:
    """The SELECT producing one row per (village, jorong, month): the participants enrolled and those aktif.

    Two expansions added up rather than a join of every participant-month with its payment: the enrolled months
    of each participant, and their paid months among them (the month's contribution, inside the enrolment).
    Named parameters: those of `_months_values`, `village_n` for each village and `write_idx`."""
    participant = _quoted(Participant._meta.db_table)
    contribution = _quoted(Contribution._meta.db_table)
    village_marks = ", ".join(_marks("village", villages_count))
    enrolled_in = (
        "m.idx >= %(write_idx)s AND m.next_first_day > p.enrolled_on AND (p.exit_date IS NULL OR m.first_day <= "
        "p.exit_date)"
    )
    return f"""
WITH months(idx, first_day, next_first_day, grace, grace_before) AS (VALUES {months_values}),
people AS (
    SELECT id, village_id, hamlet, enrolled_on, exit_date FROM {participant} WHERE village_id IN ({village_marks})
),
counted AS (
    SELECT p.village_id, p.hamlet, m.first_day, 1 AS enrolled, 0 AS active
    FROM people p JOIN months m ON {enrolled_in}
    UNION ALL
    SELECT p.village_id, p.hamlet, m.first_day, 0 AS enrolled, 1 AS active
    FROM people p
    JOIN {contribution} c ON c.participant_id = p.id
    JOIN months m ON m.first_day = c.month AND {enrolled_in}
)
SELECT village_id, hamlet, first_day, SUM(enrolled), SUM(active) FROM counted GROUP BY village_id, hamlet, first_day
"""  # noqa: S608


def last_paid_refresh(*, village_ids: Sequence[int]) -> None:
    """Set `Participant.last_paid_month` of these villages' participants where it is not their last month paid
    from the enrolment month on (a repair: every write keeps it, `participants.stats_delta`)."""
    latest = Subquery(paid_since_enrolment().order_by("-month").values("month")[:1])
    stale = (
        Participant.objects.filter(village_id__in=village_ids)
        .alias(latest=latest)
        .filter(
            Q(last_paid_month__isnull=True, latest__isnull=False)
            | Q(last_paid_month__isnull=False, latest__isnull=True)
            | Q(last_paid_month__lt=F("latest"))
            | Q(last_paid_month__gt=F("latest"))
        )
    )
    Participant.objects.filter(pk__in=stale.values("pk")).update(last_paid_month=latest)


def stats_refresh(
    *,
    village_ids: Iterable[int],
    since: datetime.date | None = None,
    graces: GraceSchedule | None = None,
    hamlets_only: bool = False,
) -> None:
    """Recompute the VillageMonthStat and HamletMonthStat rows of these villages for every month from `since`
    (default: the earliest enrolment) up to HORIZON_MONTHS after the current month, one SQL statement each,
    under the coverage rules `graces` (default: read from the database); a full rebuild (no `since`) also sets
    the participants' `last_paid_month` where it is wrong. `hamlets_only`: leave VillageMonthStat alone (the
    migration that brought the jorong table fills it so)."""
    village_ids = sorted({int(pk) for pk in village_ids})
    if not village_ids:
        return
    hamlet_table = _quoted(HamletMonthStat._meta.db_table)
    table = None if hamlets_only else _quoted(VillageMonthStat._meta.db_table)
    tables = [name for name in (table, hamlet_table) if name]
    villages = {f"village_{n}": pk for n, pk in enumerate(village_ids)}
    village_marks = ", ".join(_marks("village", len(village_ids)))
    write_from = add_months(month_start(since), -COHORT_LOOKBACK) if since else None
    with transaction.atomic(), connection.cursor() as cursor:
        # Two refreshes of one village at once would both delete, then both insert and break the unique
        # (village, month); a write adding its difference meanwhile (`stats_delta`) would add it to rows
        # computed without it, or have it overwritten. On PostgreSQL the table is locked first against other
        # refreshes and those upserts: they wait for this transaction, this one for those already written, and
        # its statements see what they committed (a write whose upsert waits adds its difference to the
        # rebuilt rows, which do not hold it yet). No row is locked before, so nothing waits in a circle.
        # SQLite runs one writer at a time.
        # The jorong table likewise, locked after the villages' as the writes' upserts reach them.
        for name in tables:
            if connection.vendor == "postgresql":
                cursor.execute(f"LOCK TABLE {name} IN SHARE ROW EXCLUSIVE MODE")
        from_month = "" if write_from is None else " AND month >= %(write_from)s"
        for name in tables:
            cursor.execute(
                f"DELETE FROM {name} WHERE village_id IN ({village_marks}){from_month}",  # noqa: S608
                {**villages, "write_from": write_from},
            )
        if write_from is None:
            last_paid_refresh(village_ids=village_ids)
        first_enrolment = Participant.objects.filter(village_id__in=village_ids).aggregate(first=Min("enrolled_on"))[
            "first"
        ]
        if first_enrolment is None:
            return
        months = _months(first=month_start(first_enrolment))
        write_idx = max(0, months_between(months[0], write_from)) if write_from else 0
        if write_idx >= len(months):
            return
        expand_idx = max(0, write_idx - max(RETENTION_LAGS))
        months_values, month_params = _months_values(months, graces or grace_schedule())
        params: dict = {**villages, **month_params}
        params |= {
            "expand_from": months[expand_idx],
            "expand_idx": expand_idx,
            "write_idx": write_idx,
            "self_funded": FundingSource.SELF.value,
            "apparatus": Occupation.APPARATUS.value,
        }
        params |= {f"funding_{column}": source.value for source, column in FUNDING_COLUMNS.items()}
        if table:
            select = _select_sql(months_values=months_values, villages_count=len(village_ids))
            columns = ", ".join(_quoted(column) for column in ("village_id", "month", *STAT_COLUMNS))
            cursor.execute(f"INSERT INTO {table} ({columns}) {select}", params)
        hamlet_select = _hamlet_select_sql(months_values=months_values, villages_count=len(village_ids))
        hamlet_columns = ", ".join(
            _quoted(column) for column in ("village_id", "hamlet", "month", "enrolled", "active")
        )
        cursor.execute(f"INSERT INTO {hamlet_table} ({hamlet_columns}) {hamlet_select}", params)


def stats_refresh_all(*, since: datetime.date | None = None, hamlets_only: bool = False) -> None:
    """Recompute the rows of every village that has participants (and drop the others' rows). A full rebuild
    (no `since`) writes the current projection, so this month's horizon routine has nothing left to do."""
    village_ids = list(Village.objects.order_by("pk").values_list("pk", flat=True))
    graces = grace_schedule()
    for start in range(0, len(village_ids), ALL_BATCH):
        batch = village_ids[start : start + ALL_BATCH]
        stats_refresh(village_ids=batch, since=since, graces=graces, hamlets_only=hamlets_only)
    if since is None and not hamlets_only:
        monthly_done(HORIZON_ROUTINE)


@monthly_routine(HORIZON_ROUTINE)
def stats_extend_horizon(*, first_due: datetime.date) -> None:
    """The monthly routine (`core.monthly`: beat on the 1st, or the first request of the month): each month
    from `first_due` on moved the projection one month further, so rebuild every village from the first month
    that entered it to the new horizon (with the cohort months before it, as `stats_refresh` does)."""
    stats_refresh_all(since=add_months(first_due, HORIZON_MONTHS))


def _months(*, first: datetime.date) -> Sequence[datetime.date]:
    last = add_months(month_start(timezone.localdate()), HORIZON_MONTHS)
    first = min(first, last)
    return [add_months(first, offset) for offset in range(months_between(first, last) + 1)]


def lapses_by_village(*, villages: QuerySet[Village], start: datetime.date, end: datetime.date) -> dict[int, int]:
    """Per village, the participants who lapse (`coverage.is_lapse`) in a month from `start` to `end`, each once.

    For periods longer than the statistics' lapse gaps reach (`coverage.LAPSE_TABLE_MONTHS`): one grouped
    query over the scope's contributions of the period and the grace before it, each with the participant's next
    paid month (one sort), so that a lapse is a paid month whose next payment (if any up to the period's end)
    comes after the month the grace runs out. Its cost grows with those contributions (docs/performance.md).
    """
    graces = grace_schedule()
    lookback = max(grace for _valid_from, grace in graces.rules) + 1
    months = [add_months(month_start(start), offset) for offset in range(-lookback, months_between(start, end) + 1)]
    values = ", ".join("(%s, %s, %s, %s, %s)" for _month in months)
    params: list = []
    for n, month in enumerate(months):
        params += [n, month, add_months(month, 1), graces.for_month(month), graces.for_month(add_months(month, -1))]
    village_sql, village_params = villages.order_by().values("pk").query.sql_with_params()
    participant = _quoted(Participant._meta.db_table)
    contribution = _quoted(Contribution._meta.db_table)
    # A lapse in month m: the last paid month is `paid` (from the enrolment month on), the next payment comes
    # after m (or never), m is past its grace and the month before was not, and the participant has not left.
    sql = f"""
WITH months(idx, first_day, next_first_day, grace, grace_before) AS (VALUES {values}),
payments AS (
    SELECT c.participant_id, c.month, LEAD(c.month) OVER (PARTITION BY c.participant_id ORDER BY c.month) AS next_month
    FROM {contribution} c
    JOIN {participant} scope ON scope.id = c.participant_id
    WHERE c.month >= %s AND c.month <= %s AND scope.village_id IN ({village_sql})
)
SELECT p.village_id, COUNT(DISTINCT p.id)
FROM payments
JOIN months paid ON paid.first_day = payments.month
JOIN months m ON m.idx > paid.idx AND m.idx - paid.idx > m.grace AND m.idx - paid.idx - 1 <= m.grace_before
JOIN {participant} p ON p.id = payments.participant_id
WHERE m.first_day >= %s
    AND paid.next_first_day > p.enrolled_on
    AND (p.exit_date IS NULL OR p.exit_date >= m.first_day)
    AND (payments.next_month IS NULL OR payments.next_month > m.first_day)
GROUP BY p.village_id
"""  # noqa: S608
    with connection.cursor() as cursor:
        cursor.execute(sql, [*params, months[0], month_start(end), *village_params, month_start(start)])
        return dict(cursor.fetchall())
