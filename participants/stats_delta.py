"""Statistics by difference: a write changes `VillageMonthStat` by what it changes of its participants.

The same difference keeps the jorong table (`HamletMonthStat`: enrolled and aktif per jorong and month) and each
participant's `last_paid_month` (the follow-up list's), so that no page reads a village's every participant.

Every column of the statistics table is a sum over participants of a function of one participant and the
month (`participants.stats`). So a write that touches some participants changes the table by, for each of
them, their contribution to every (village, month) row after the write less their contribution before it.
That difference is computed here in Python from the participant's own row and paid months, under the one
coverage rule (`participants.coverage`: `coverage_status` and `is_lapse`, asked once per unpaid run and
grace), and applied in the same transaction with one upsert (`col = col + difference`, inserting the month
rows missing). Its cost is the touched participants' own months, whatever the size of their village or the
branch's history.

- Single-row saves and deletes of participants and contributions: the signals (`participants.signals`: their
  `participant_saving` / `participant_saved`, `contribution_saving` / `contribution_saved` and
  `deleting` / `deleted`) read the states under the lock and call `stats_apply`.
- Bulk writes (the payment form's months, the monthly screen, the imports, reconciliation):
  `with stats_tracking(participant_ids=[...]) as tracker:` around the writes; participants created inside
  the block by `bulk_create` are added with `tracker.add(ids)`. Signals inside the block leave the tracked
  participants to it.

Concurrent writers: the before-state is read after locking the participants' rows (select_for_update, in
primary-key order, then a second statement, so that it sees what a writer that held the lock committed),
and the upsert's increments are atomic, taking the month rows' locks in (village, month) order. A full
rebuild (`stats_refresh`) locks the table against these increments while it runs (PostgreSQL).

The months written are those of the full rebuild: from the enrolment month to the exit month or
HORIZON_MONTHS after the current month. A month row left with nobody enrolled is deleted, as the rebuild
would not write it. When a new month starts, the new last projected month is written by the monthly routine
`participants.stats.stats_extend_horizon` (core/monthly.py); until then differences for it go to a partial row.
"""

from __future__ import annotations

import datetime
import functools
import threading
from collections import Counter
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass

from django.db import connection, transaction
from django.utils import timezone

from participants.coverage import (
    COHORT_OFFSETS,
    FUNDING_COLUMNS,
    LAPSE_GAPS,
    RETENTION_LAGS,
    CoverageStatus,
    GraceSchedule,
    coverage_status,
    grace_schedule,
    is_lapse,
)
from participants.models import (
    Contribution,
    FundingSource,
    HamletMonthStat,
    Occupation,
    Participant,
    VillageMonthStat,
)
from participants.months import add_months, month_start
from participants.stats import HORIZON_MONTHS, STAT_COLUMNS

# The participant's fields the statistics read.
STATE_FIELDS = ("village_id", "enrolled_on", "exit_date", "funding_source", "occupation", "hamlet")
# Month rows per upsert statement (two parameters each).
UPSERT_BATCH = 2000

_COLUMN = {name: n for n, name in enumerate(STAT_COLUMNS)}
_STATUS_COLUMN = {
    CoverageStatus.ACTIVE: _COLUMN["active"],
    CoverageStatus.ARREARS: _COLUMN["arrears"],
    CoverageStatus.INACTIVE: _COLUMN["inactive"],
    CoverageStatus.AWAITING: _COLUMN["awaiting_first_payment"],
}
_FUNDING_COLUMN = {source.value: _COLUMN[column] for source, column in FUNDING_COLUMNS.items()}
_AGAIN_COLUMN = {d: _COLUMN[f"lapsed_again_{d}"] for d in LAPSE_GAPS}
_EPOCH = datetime.date(2000, 1, 1)


@dataclass(frozen=True)
class State:
    """What the statistics read of one participant: its row and its paid months (month index → amount)."""

    village_id: int
    enrolled_on: datetime.date
    exit_date: datetime.date | None
    funding_source: str
    occupation: str
    hamlet: str
    paid: tuple[tuple[int, int], ...] = ()

    @property
    def last_paid_month(self) -> datetime.date | None:
        """The last month paid from the enrolment month on (`Participant.last_paid_month`)."""
        first = _index(self.enrolled_on)
        paid = [index for index, _amount in self.paid if index >= first]
        return _month(max(paid)) if paid else None


States = dict[int, State]


def _index(day: datetime.date) -> int:
    return day.year * 12 + day.month - 1


def _month(index: int) -> datetime.date:
    return datetime.date(index // 12, index % 12 + 1, 1)


# --- reading participants -----------------------------------------------------------------------------------------


def _states(rows: Iterable[tuple], paid: dict[int, list[tuple[int, int]]]) -> States:
    return {
        pk: State(*fields, paid=tuple(sorted(paid.get(pk, ()))))
        for pk, *fields in rows  # type: ignore[misc]
    }


def _paid_by_participant(rows: Iterable[tuple]) -> dict[int, list[tuple[int, int]]]:
    paid: dict[int, list[tuple[int, int]]] = {}
    for pk, month, amount in rows:
        if month is not None:
            paid.setdefault(pk, []).append((_index(month), amount))
    return paid


def states_locked(participant_ids: Iterable[int]) -> States:
    """Lock these participants' rows (in primary-key order) and read their state: two queries, the second
    after the lock, so that it sees the contributions a writer that held the lock has committed."""
    ids = sorted({int(pk) for pk in participant_ids})
    if not ids:
        return {}
    rows = list(
        Participant.objects.select_for_update().filter(pk__in=ids).order_by("pk").values_list("pk", *STATE_FIELDS)
    )
    contributions = Contribution.objects.filter(participant_id__in=[row[0] for row in rows])
    return _states(rows, _paid_by_participant(contributions.values_list("participant_id", "month", "amount")))


def states_read(participant_ids: Iterable[int]) -> tuple[States, dict[int, datetime.date | None]]:
    """These participants' state now (a participant that no longer exists is absent) and their stored
    `last_paid_month`, in one query."""
    ids = sorted({int(pk) for pk in participant_ids})
    if not ids:
        return {}, {}
    rows = Participant.objects.filter(pk__in=ids).values_list(
        "pk", *STATE_FIELDS, "last_paid_month", "contributions__month", "contributions__amount"
    )
    fields: dict[int, tuple] = {}
    stored: dict[int, datetime.date | None] = {}
    paid: list[tuple] = []
    for pk, *values, last_paid, month, amount in rows:
        fields[pk] = (pk, *values)
        stored[pk] = last_paid
        paid.append((pk, month, amount))
    return _states(fields.values(), _paid_by_participant(paid)), stored


# --- one participant's rows ---------------------------------------------------------------------------------------


@functools.lru_cache(maxsize=1024)
def _status(run: int | None, grace: int) -> CoverageStatus:
    """The coverage rule's status of an unpaid month `run` months after the last paid one (None: nothing paid
    from the enrolment month on), under `grace`: `coverage_status` of a history with that run."""
    if run is None:
        return coverage_status(enrolled_on=_EPOCH, exit_date=None, paid_months=(), month=_EPOCH, grace_months=grace)
    return coverage_status(
        enrolled_on=_EPOCH, exit_date=None, paid_months={_EPOCH}, month=add_months(_EPOCH, run), grace_months=grace
    )


@functools.lru_cache(maxsize=1024)
def _lapses(run: int, grace: int, grace_before: int) -> bool:
    """`is_lapse` of an unpaid month `run` (>= 1) months after the last paid one, under `grace` and the month
    before under `grace_before`."""
    month = add_months(_EPOCH, run)
    rules = ((_EPOCH, grace_before), (month, grace)) if grace != grace_before else ((_EPOCH, grace),)
    return is_lapse(
        enrolled_on=_EPOCH, exit_date=None, paid_months={_EPOCH}, month=month, graces=GraceSchedule(rules=rules)
    )


class _Graces:
    """The grace of each month index, looked up once."""

    def __init__(self, schedule: GraceSchedule) -> None:
        self.schedule = schedule
        self.known: dict[int, int] = {}

    def __getitem__(self, index: int) -> int:
        grace = self.known.get(index)
        if grace is None:
            grace = self.known[index] = self.schedule.for_month(_month(index))
        return grace


def _add_rows(totals: dict[tuple[int, int], list[int]], state: State, sign: int, horizon: int, graces: _Graces):
    """Add `sign` times the participant's contribution to every column of every (village, month index) row
    (`sign`: any integer, the count of equal states, negative to take them away).

    The inner loop runs once per participant-month of every bulk write: column positions are looked up once,
    the status once per unpaid run and grace (`_status`, `_lapses`)."""
    first = _index(state.enrolled_on)
    last = horizon if state.exit_date is None else min(horizon, _index(state.exit_date))
    exit_index = None if state.exit_date is None else _index(state.exit_date)
    paid = dict(state.paid)
    apparatus = state.occupation == Occupation.APPARATUS
    funding = _FUNDING_COLUMN.get(state.funding_source)
    village, width = state.village_id, len(STAT_COLUMNS)
    enrolled, active, amount_column = _COLUMN["enrolled"], _COLUMN["active"], _COLUMN["contribution_amount"]
    awaiting, lapsed = _STATUS_COLUMN[CoverageStatus.AWAITING], _COLUMN["lapsed"]
    retained = [(lag, _COLUMN[f"retained_{lag}"]) for lag in RETENTION_LAGS]
    last_paid = previous_lapse = None
    for month in range(first, last + 1):
        row = totals.get((village, month))
        if row is None:
            row = totals[(village, month)] = [0] * width
        row[enrolled] += sign
        amount = paid.get(month)
        if amount is not None:
            last_paid = month
            row[active] += sign
            row[amount_column] += sign * amount
            if funding is not None:
                row[funding] += sign
            if apparatus:
                row[_COLUMN["apparatus_active"]] += sign
            for lag, column in retained:
                if month - lag >= first and month - lag in paid:
                    row[column] += sign
        else:
            run = None if last_paid is None else month - last_paid
            column = _STATUS_COLUMN[_status(run, graces[month])]
            row[column] += sign
            if column == awaiting:
                row[_COLUMN["awaiting_months"]] += sign * (month - first)
            elif run is not None and _lapses(run, graces[month], graces[month - 1]):
                row[lapsed] += sign
                if previous_lapse is not None and month - previous_lapse in _AGAIN_COLUMN:
                    row[_AGAIN_COLUMN[month - previous_lapse]] += sign
                previous_lapse = month
        if apparatus:
            row[_COLUMN["apparatus_registered"]] += sign
    if first > last:
        return
    row = totals[(village, first)]
    row[_COLUMN["new_enrolments"]] += sign
    if state.funding_source == FundingSource.SELF:
        row[_COLUMN["new_self_funded"]] += sign
    for offset in COHORT_OFFSETS:
        if first + offset <= last and first + offset in paid:
            row[_COLUMN[f"cohort_active_{offset}"]] += sign
    if exit_index is not None and exit_index <= last:
        totals[(village, exit_index)][_COLUMN["exits"]] += sign


def _add_hamlet_rows(totals: dict[tuple[int, str, int], list[int]], state: State, sign: int, horizon: int):
    """Add `sign` times the participant's [enrolled, aktif] to every (village, jorong, month index) row."""
    first = _index(state.enrolled_on)
    last = horizon if state.exit_date is None else min(horizon, _index(state.exit_date))
    paid = {index for index, _amount in state.paid}
    village, hamlet = state.village_id, state.hamlet
    for month in range(first, last + 1):
        row = totals.get((village, hamlet, month))
        if row is None:
            row = totals[(village, hamlet, month)] = [0, 0]
        row[0] += sign
        if month in paid:
            row[1] += sign


# --- applying a difference ----------------------------------------------------------------------------------------


def stats_apply(
    *,
    before: States,
    after: States,
    graces: GraceSchedule | None = None,
    stored_last_paid: dict[int, datetime.date | None] | None = None,
) -> None:
    """Change the statistics tables by `after` less `before` (participant id → `State`; a participant absent
    from one side did not exist then): one upsert each, and a delete of month rows left with nobody enrolled;
    and set `last_paid_month` where `after` changes it (or, given `stored_last_paid`, differs from it)."""
    _write_last_paid(before=before, after=after, stored=stored_last_paid)
    changed = [pk for pk in {*before, *after} if before.get(pk) != after.get(pk)]
    if not changed:
        return
    horizon = _index(add_months(month_start(timezone.localdate()), HORIZON_MONTHS))
    month_graces = _Graces(graces or grace_schedule())
    # Every column is linear in the participants: equal states (an import's new workers enrolled the same day,
    # nothing paid yet) are added once, times how many there are.
    weights: Counter[State] = Counter()
    for pk in changed:
        if pk in before:
            weights[before[pk]] -= 1
        if pk in after:
            weights[after[pk]] += 1
    totals: dict[tuple[int, int], list[int]] = {}
    hamlet_totals: dict[tuple[int, str, int], list[int]] = {}
    for state, weight in weights.items():
        if weight:
            _add_rows(totals, state, weight, horizon, month_graces)
            _add_hamlet_rows(hamlet_totals, state, weight, horizon)
    rows = [(key, values) for key, values in sorted(totals.items()) if any(values)]
    for start in range(0, len(rows), UPSERT_BATCH):
        _upsert(rows[start : start + UPSERT_BATCH])
    emptied = sorted({village for (village, _month_index), values in rows if values[_COLUMN["enrolled"]] < 0})
    if emptied:
        VillageMonthStat.objects.filter(village_id__in=emptied, enrolled=0).delete()
    hamlet_rows = [(key, values) for key, values in sorted(hamlet_totals.items()) if any(values)]
    for start in range(0, len(hamlet_rows), UPSERT_BATCH):
        _upsert_hamlets(hamlet_rows[start : start + UPSERT_BATCH])
    emptied = sorted({village for (village, _hamlet, _month), (enrolled, _active) in hamlet_rows if enrolled < 0})
    if emptied:
        HamletMonthStat.objects.filter(village_id__in=emptied, enrolled=0).delete()


def _write_last_paid(*, before: States, after: States, stored: dict[int, datetime.date | None] | None) -> None:
    """Set `last_paid_month` of the participants of `after` whose value it changes, or who have another one
    stored: one UPDATE per month written (a payment screen's participants share one)."""
    changes: dict[datetime.date | None, list[int]] = {}
    for pk, state in after.items():
        value = state.last_paid_month
        was = stored.get(pk) if stored is not None else (before[pk].last_paid_month if pk in before else None)
        if value != was:
            changes.setdefault(value, []).append(pk)
    for value, pks in changes.items():
        Participant.objects.filter(pk__in=sorted(pks)).update(last_paid_month=value)


def _upsert(rows: list[tuple[tuple[int, int], list[int]]]) -> None:
    """Add each row's values to its (village, month) row, inserting it when missing, in (village, month) order
    (so concurrent writers take the rows' locks in the same order). The values are integers computed here,
    written as literals; the village and month are parameters."""
    quote = connection.ops.quote_name
    table = quote(VillageMonthStat._meta.db_table)
    columns = [quote(name) for name in STAT_COLUMNS]
    values, params = [], []
    for (village_id, month_index), numbers in rows:
        values.append("(%s, %s, " + ", ".join(str(int(number)) for number in numbers) + ")")
        params += [village_id, _month(month_index)]
    names = ", ".join(["village_id", "month", *columns])
    updates = ", ".join(f"{column} = {table}.{column} + excluded.{column}" for column in columns)
    sql = (
        f"WITH difference({names}) AS (VALUES {', '.join(values)}) "  # noqa: S608 (literals are ints we computed)
        f"INSERT INTO {table} ({names}) SELECT {names} FROM difference WHERE 1 = 1 ORDER BY village_id, month "
        f"ON CONFLICT (village_id, month) DO UPDATE SET {updates}"
    )
    with connection.cursor() as cursor:
        cursor.execute(sql, params)


def _upsert_hamlets(rows: list[tuple[tuple[int, str, int], list[int]]]) -> None:
    """As `_upsert`, for the jorong table: (village, jorong, month index) → [enrolled, aktif]."""
    table = connection.ops.quote_name(HamletMonthStat._meta.db_table)
    values, params = [], []
    for (village_id, hamlet, month_index), (enrolled, active) in rows:
        values.append(f"(%s, %s, %s, {int(enrolled)}, {int(active)})")
        params += [village_id, hamlet, _month(month_index)]
    sql = (
        f"WITH difference(village_id, hamlet, month, enrolled, active) AS (VALUES {', '.join(values)}) "  # noqa: S608
        f"INSERT INTO {table} (village_id, hamlet, month, enrolled, active) "
        "SELECT village_id, hamlet, month, enrolled, active FROM difference WHERE 1 = 1 "
        "ORDER BY village_id, hamlet, month ON CONFLICT (village_id, hamlet, month) DO UPDATE SET "
        f"enrolled = {table}.enrolled + excluded.enrolled, active = {table}.active + excluded.active"
    )
    with connection.cursor() as cursor:
        cursor.execute(sql, params)


# --- bulk writes --------------------------------------------------------------------------------------------------

_local = threading.local()


def _tracked() -> list[set[int]]:
    if not hasattr(_local, "tracked"):
        _local.tracked = []
    return _local.tracked


def is_tracked(participant_id: int | None) -> bool:
    """Whether a `stats_tracking` block of this thread applies this participant's difference."""
    return any(participant_id in ids for ids in _tracked())


class StatsTracker:
    """The participants of a `stats_tracking` block and their state before it."""

    def __init__(self, participant_ids: Iterable[int], graces: GraceSchedule | None = None) -> None:
        self.ids = {int(pk) for pk in participant_ids}
        self.graces = graces
        self.before = states_locked(self.ids)
        self.created: States = {}

    def add(self, participant_ids: Iterable[int]) -> None:
        """Participants created inside the block (nothing of them before it)."""
        self.ids |= {int(pk) for pk in participant_ids}

    def add_created(self, participants: Iterable[Participant]) -> None:
        """Participants inserted inside the block, nothing paid: their state after it is what was inserted (no
        other transaction sees them before this one commits), so it is not read again."""
        for participant in participants:
            self.created[participant.pk] = State(**{name: getattr(participant, name) for name in STATE_FIELDS})

    def paid_months(self, participant_id: int) -> set[datetime.date] | None:
        """The participant's paid months as read under its lock at the start of the block (None: it does not
        exist), so that a writer's checks need not read them again."""
        state = self.before.get(participant_id)
        return None if state is None else {_month(index) for index, _amount in state.paid}

    def apply(self) -> None:
        read, stored = states_read(self.ids - set(self.created))
        # Those created here were inserted without a payment: nothing stored, nothing paid.
        stored |= dict.fromkeys(self.created)
        stats_apply(before=self.before, after={**self.created, **read}, graces=self.graces, stored_last_paid=stored)


@contextmanager
def stats_tracking(
    *, participant_ids: Iterable[int] = (), graces: GraceSchedule | None = None
) -> Iterator[StatsTracker]:
    """Around bulk writes of these participants and their contributions: lock them, read their state, and
    after the block apply the difference the block made (not when it raises). Inside a transaction. `graces`:
    the coverage rules when the caller has read them already (else one query)."""
    with transaction.atomic(savepoint=False):
        tracker = StatsTracker(participant_ids, graces)
        stack = _tracked()
        stack.append(tracker.ids)
        try:
            yield tracker
        finally:
            stack.remove(tracker.ids)
        tracker.apply()
