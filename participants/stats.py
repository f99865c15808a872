"""The per-village monthly analytics table (`VillageMonthStat`), rebuilt in SQL.

One statement expands every participant into one row per month from their
enrolment month to their exit month (or the horizon), joins the paid months,
derives the coverage status with window functions and groups by village and
month. The rules are those of `participants.models.coverage_status`:

- aktif: the month is paid;
- menunggak: unpaid, and the unpaid run since the last paid month (or since the
  month before enrolment) is 1..ARREARS_GRACE_MONTHS long;
- nonaktif: a longer unpaid run; the month the run passes the grace is "lapsed";
- keluar: months after the exit month (no row at all here);
- nothing before the enrolment month (payments for those months are ignored).

The SQL uses only what SQLite (3.25+) and PostgreSQL share: CTEs, VALUES,
LEFT JOIN, window functions. Months are passed in as a VALUES list of
(index, first day, first day of next month), so no date function is needed.

Rows are written from the earliest enrolment up to HORIZON_MONTHS after the
current month: future months hold the projection "if nobody pays", so the
table never goes stale when a new month starts, and the follow-up lists can
read who is about to lapse.
"""

from __future__ import annotations

import datetime
from collections.abc import Iterable, Sequence

from django.conf import settings
from django.db import connection, transaction
from django.db.models import Min
from django.utils import timezone

from participants.models import Contribution, FundingSource, Occupation, Participant, VillageMonthStat
from participants.months import add_months, month_start, months_between
from villages.models import Village

HORIZON_MONTHS = 12
# Cohort fields of a month depend on payments up to 12 months later, so a
# refresh from month M also rewrites the 12 months before it.
COHORT_LOOKBACK = 12
RETENTION_LAGS = (1, 3, 6, 12)
COHORT_OFFSETS = (3, 6, 12)
# Villages refreshed per statement by `stats_refresh_all`: keeps each sort small.
ALL_BATCH = 20

STAT_COLUMNS = (
    "enrolled",
    "active",
    "arrears",
    "inactive",
    "new_enrolments",
    "new_self_funded",
    "exits",
    "lapsed",
    "apparatus_registered",
    "apparatus_active",
    "active_self_funded",
    "active_village_budget",
    "active_regional_budget",
    "active_csr",
    "active_other_funding",
    "contribution_amount",
    "cohort_active_3",
    "cohort_active_6",
    "cohort_active_12",
    "retained_1",
    "retained_3",
    "retained_6",
    "retained_12",
)

_FUNDING_COLUMNS = {
    "active_self_funded": FundingSource.SELF,
    "active_village_budget": FundingSource.VILLAGE_BUDGET,
    "active_regional_budget": FundingSource.REGIONAL_BUDGET,
    "active_csr": FundingSource.CSR,
    "active_other_funding": FundingSource.OTHER,
}


def _quoted(name: str) -> str:
    return connection.ops.quote_name(name)


def _select_sql(*, months_count: int, villages_count: int) -> str:
    """The SELECT producing one row per (village, month) with every STAT_COLUMNS value."""
    participant = _quoted(Participant._meta.db_table)
    contribution = _quoted(Contribution._meta.db_table)
    months_values = ", ".join(["(%s, %s, %s)"] * months_count)
    village_marks = ", ".join(["%s"] * villages_count)
    lags = ",\n".join(f"        COALESCE(LAG(paid, {k}) OVER w, 0) AS paid_lag_{k}" for k in RETENTION_LAGS)
    leads = ",\n".join(f"        COALESCE(LEAD(paid, {k}) OVER w, 0) AS paid_lead_{k}" for k in COHORT_OFFSETS)
    funding_sums = ",\n".join(
        f"    SUM(CASE WHEN paid = 1 AND funding_source = %s THEN 1 ELSE 0 END) AS {column}"
        for column in _FUNDING_COLUMNS
    )
    cohort_sums = ",\n".join(
        f"    SUM(CASE WHEN idx = first_idx THEN paid_lead_{k} ELSE 0 END) AS cohort_active_{k}" for k in COHORT_OFFSETS
    )
    retained_sums = ",\n".join(
        f"    SUM(CASE WHEN paid = 1 AND paid_lag_{k} = 1 THEN 1 ELSE 0 END) AS retained_{k}" for k in RETENTION_LAGS
    )
    # A refresh from month M only expands the months from M - 24 (the rows written start 12 months before M
    # for the cohorts, and retention looks 12 months further back). What came before is carried in as a
    # seed: the participant's enrolment month and last paid month before the expansion (index lookups).
    # One window for everything (one sort): with one row per participant and month, MAX over the default
    # frame (first row to the current one) is the last paid month so far.
    # Only table names, placeholders and fixed column expressions are interpolated; values are parameters.
    return f"""
WITH months(idx, first_day, next_first_day) AS (VALUES {months_values}),
seeds AS (
    SELECT p.id AS pid, p.village_id, p.funding_source, p.occupation, p.enrolled_on, p.exit_date,
        enrolment.idx AS first_idx,
        (SELECT MAX(c0.month) FROM {contribution} c0
            WHERE c0.participant_id = p.id AND c0.month < %s) AS paid_before
    FROM {participant} p
    JOIN months enrolment ON enrolment.first_day <= p.enrolled_on AND enrolment.next_first_day > p.enrolled_on
    WHERE p.village_id IN ({village_marks})
),
participant_months AS (
    SELECT s.pid, s.village_id, s.funding_source, s.occupation, s.first_idx, m.idx, m.first_day,
        CASE WHEN earlier.idx >= s.first_idx THEN earlier.idx ELSE s.first_idx - 1 END AS seed_idx,
        CASE WHEN c.id IS NULL THEN 0 ELSE 1 END AS paid,
        COALESCE(c.amount, 0) AS amount,
        CASE WHEN s.exit_date IS NOT NULL AND s.exit_date >= m.first_day
            AND s.exit_date < m.next_first_day THEN 1 ELSE 0 END AS exits_now
    FROM seeds s
    LEFT JOIN months earlier ON earlier.first_day = s.paid_before
    JOIN months m ON m.idx >= %s AND m.next_first_day > s.enrolled_on
        AND (s.exit_date IS NULL OR m.first_day <= s.exit_date)
    LEFT JOIN {contribution} c ON c.participant_id = s.pid AND c.month = m.first_day
),
windowed AS (
    SELECT pid, village_id, funding_source, occupation, idx, first_day, paid, amount, exits_now, first_idx,
        seed_idx,
        MAX(CASE WHEN paid = 1 THEN idx END) OVER w AS last_paid_idx,
{lags},
{leads}
    FROM participant_months
    WINDOW w AS (PARTITION BY pid ORDER BY idx)
),
statused AS (
    SELECT *, idx - COALESCE(last_paid_idx, seed_idx) AS unpaid_run FROM windowed
)
SELECT village_id, first_day,
    COUNT(*) AS enrolled,
    SUM(paid) AS active,
    SUM(CASE WHEN paid = 0 AND unpaid_run <= %s THEN 1 ELSE 0 END) AS arrears,
    SUM(CASE WHEN paid = 0 AND unpaid_run > %s THEN 1 ELSE 0 END) AS inactive,
    SUM(CASE WHEN idx = first_idx THEN 1 ELSE 0 END) AS new_enrolments,
    SUM(CASE WHEN idx = first_idx AND funding_source = %s THEN 1 ELSE 0 END) AS new_self_funded,
    SUM(exits_now) AS exits,
    SUM(CASE WHEN paid = 0 AND unpaid_run = %s THEN 1 ELSE 0 END) AS lapsed,
    SUM(CASE WHEN occupation = %s THEN 1 ELSE 0 END) AS apparatus_registered,
    SUM(CASE WHEN occupation = %s THEN paid ELSE 0 END) AS apparatus_active,
{funding_sums},
    SUM(amount) AS contribution_amount,
{cohort_sums},
{retained_sums}
FROM statused
WHERE idx >= %s
GROUP BY village_id, first_day
"""  # noqa: S608


def stats_refresh(*, village_ids: Iterable[int], since: datetime.date | None = None) -> None:
    """Recompute VillageMonthStat rows of these villages for every month from `since` (default: the
    earliest enrolment) up to HORIZON_MONTHS after the current month, in one SQL statement."""
    village_ids = sorted({int(pk) for pk in village_ids})
    if not village_ids:
        return
    first_enrolment = Participant.objects.filter(village_id__in=village_ids).aggregate(first=Min("enrolled_on"))[
        "first"
    ]
    table = _quoted(VillageMonthStat._meta.db_table)
    village_marks = ", ".join(["%s"] * len(village_ids))
    write_from = add_months(month_start(since), -COHORT_LOOKBACK) if since else None
    with transaction.atomic(), connection.cursor() as cursor:
        # Two refreshes of one village at once (two officials saving) would both delete, then both insert
        # and break the unique (village, month): lock the villages' rows first, in a fixed order.
        list(Village.objects.select_for_update().filter(pk__in=village_ids).order_by("pk").values_list("pk"))
        if write_from is None:
            cursor.execute(f"DELETE FROM {table} WHERE village_id IN ({village_marks})", village_ids)  # noqa: S608
        else:
            cursor.execute(
                f"DELETE FROM {table} WHERE village_id IN ({village_marks}) AND month >= %s",  # noqa: S608
                [*village_ids, write_from],
            )
        if first_enrolment is None:
            return
        months = _months(first=month_start(first_enrolment))
        from_idx = max(0, months_between(months[0], write_from)) if write_from else 0
        if from_idx >= len(months):
            return
        expand_idx = max(0, from_idx - max(RETENTION_LAGS))
        select = _select_sql(months_count=len(months), villages_count=len(village_ids))
        params: list = []
        for idx, month in enumerate(months):
            params += [idx, month, add_months(month, 1)]
        params += [months[expand_idx], *village_ids, expand_idx]
        grace = settings.ARREARS_GRACE_MONTHS
        params += [grace, grace, FundingSource.SELF.value, grace + 1, Occupation.APPARATUS.value]
        params += [Occupation.APPARATUS.value]
        params += [source.value for source in _FUNDING_COLUMNS.values()]
        params += [from_idx]
        columns = ", ".join(_quoted(column) for column in ("village_id", "month", *STAT_COLUMNS))
        cursor.execute(f"INSERT INTO {table} ({columns}) {select}", params)


def stats_refresh_all(*, since: datetime.date | None = None) -> None:
    """Recompute the rows of every village that has participants (and drop the others' rows)."""
    village_ids = list(Village.objects.order_by("pk").values_list("pk", flat=True))
    for start in range(0, len(village_ids), ALL_BATCH):
        stats_refresh(village_ids=village_ids[start : start + ALL_BATCH], since=since)


def _months(*, first: datetime.date) -> Sequence[datetime.date]:
    last = add_months(month_start(timezone.localdate()), HORIZON_MONTHS)
    first = min(first, last)
    return [add_months(first, offset) for offset in range(months_between(first, last) + 1)]
