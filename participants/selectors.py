"""What the participant, payment and import pages read; the views call these and the services only.

Every read starts from the user's scope (`for_user`), or from an object already fetched in it, so a
participant or an upload outside the scope is a 404 wherever it is asked for. Writes are in
`participants.services`.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass

from django.db import connection
from django.db.models import Exists, OuterRef, QuerySet
from django.http import Http404

from participants.coverage import (
    CoverageStatus,
    first_payable_month,
    grace_schedule,
    participant_status,
    with_coverage_status,
    with_payable,
)
from participants.models import Claim, Contribution, ImportBatch, Participant
from participants.months import add_months, month_range, month_start
from participants.rules import Due, RuleBook, RuleError, contribution_due
from villages.access import get_for_user_or_404, is_branch_user
from villages.history import HistoryEntry, history_entries
from villages.models import Village

# The participant page shows the status of the last COVERAGE_MONTHS months.
COVERAGE_MONTHS = 24
RECENT_PAID_MONTHS = 24
RECENT_IMPORTS = 5
# The branch-wide participant list shows an estimated count from this many participants on (PostgreSQL).
PARTICIPANT_ESTIMATE_FROM = 100_000


def participant_get(*, user, pk: int) -> Participant:
    """The participant if it is in the user's scope; 404 otherwise ("not yours" looks like "not found")."""
    return get_for_user_or_404(Participant, user, pk=pk, related=("village__district",))


def participant_list(*, user, month: datetime.date) -> QuerySet[Participant]:
    """The user's participants with their coverage status in `month` (`status`, which the list filters on)."""
    return with_coverage_status(Participant.objects.for_user(user).select_related("village"), month=month)


def participant_list_count(*, user) -> tuple[int, bool] | None:
    """The size of a branch user's unfiltered list on PostgreSQL, in one query, and whether it is an estimate:
    from PARTICIPANT_ESTIMATE_FROM participants on, the table's row count kept by ANALYZE and autovacuum
    (`pg_class.reltuples`) to three significant digits, below it COUNT(*). None where the list counts its own
    rows (a village's list, SQLite; the caller does not ask for a filtered list)."""
    if connection.vendor != "postgresql" or not is_branch_user(user):
        return None
    table = Participant._meta.db_table
    with connection.cursor() as cursor:
        cursor.execute(
            f"SELECT reltuples, CASE WHEN reltuples < %s THEN (SELECT COUNT(*) FROM {table}) END"  # noqa: S608
            " FROM pg_class WHERE oid = %s::regclass",
            [PARTICIPANT_ESTIMATE_FROM, table],
        )
        estimate, exact = cursor.fetchone()
    if exact is not None:
        return exact, False
    estimate = int(estimate)
    return round(estimate, 3 - len(str(estimate))), True  # 1,000,000 rather than 999,874


@dataclass(frozen=True)
class ParticipantPage:
    participant: Participant
    contributions: list[Contribution]
    claims: list[Claim]
    coverage: list[tuple[datetime.date, CoverageStatus | None]]  # newest month first
    status_now: CoverageStatus | None
    history: list[HistoryEntry]  # newest first


def participant_page(*, participant: Participant, month: datetime.date, private: frozenset[str]) -> ParticipantPage:
    """A participant's page up to `month`: payments, claims, the status of each recent month and the audit
    history of the participant, its contributions and claims (`private` fields shown hidden), in a fixed
    number of queries however long the history."""
    contributions = list(participant.contributions.select_related("recorded_by"))
    paid = {contribution.month for contribution in contributions}
    month = month_start(month)
    first = max(month_start(participant.enrolled_on), add_months(month, 1 - COVERAGE_MONTHS))
    graces = grace_schedule()
    coverage = [
        (each, participant_status(participant, each, paid_months=paid, graces=graces))
        for each in month_range(first, month)
    ]
    history = history_entries(
        participant.history.select_related("history_user"), subject=lambda record: "Data peserta", private=private
    )
    history += history_entries(
        Contribution.history.filter(participant_id=participant.pk).select_related("history_user"),
        subject=lambda record: f"Iuran {record.month:%m/%Y}",
    )
    history += history_entries(
        Claim.history.filter(participant_id=participant.pk).select_related("history_user"),
        subject=lambda record: f"Klaim {record.programme} {record.event_date:%d/%m/%Y}",
    )
    history.sort(key=lambda entry: entry.when, reverse=True)
    return ParticipantPage(
        participant=participant,
        contributions=contributions,
        claims=list(participant.claims.all()),
        coverage=list(reversed(coverage)),
        status_now=participant_status(participant, month, paid_months=paid, graces=graces),
        history=history,
    )


# --- payments ------------------------------------------------------------------------------------------------------


def contribution_first_unpaid_month(*, participant: Participant) -> datetime.date:
    """The month a new payment would start from (`coverage.first_payable_month`): after the last paid month
    while its arrears may still be paid, else the current month."""
    return first_payable_month(
        enrolled_on=participant.enrolled_on, paid_months=set(participant.contributions.values_list("month", flat=True))
    )


def contribution_dues(
    *, participant: Participant, first_month: datetime.date, months: int, with_jht: bool, funding_source: str
) -> list[Due]:
    """What each month of a payment costs (`rules.contribution_due`): a payment across the edge of a
    relief adds up month by month. Raises RuleError naming a month the rules do not cover."""
    rules = RuleBook.load()
    return [
        contribution_due(
            participant=participant, month=month, funding_source=funding_source, with_jht=with_jht, rules=rules
        )
        for month in month_range(first_month, add_months(first_month, months - 1))
    ]


def contribution_due_now(*, participant: Participant, month: datetime.date) -> tuple[Due | None, str]:
    """The amount of `month` for the participant page, or why there is none (no rule for the month)."""
    try:
        return contribution_due(participant=participant, month=month), ""
    except RuleError as error:
        return None, " ".join(error.messages)


def recent_paid_months(*, participant: Participant) -> list[datetime.date]:
    """The participant's latest paid months, newest first (shown beside the payment form)."""
    return list(participant.contributions.order_by("-month").values_list("month", flat=True)[:RECENT_PAID_MONTHS])


def contributions_due_month(*, village: Village, month: datetime.date) -> QuerySet[Participant]:
    """Participants of `village` enrolled in `month`, each annotated with whether the month is paid and whether
    the arrears limit lets it be paid (`payable`): together the queryset form of `coverage.payable_problems`."""
    month = month_start(month)
    paid = Contribution.objects.filter(participant=OuterRef("pk"), month=month)
    return (
        with_payable(Participant.objects.filter(village=village).enrolled_in(month), month=month)
        .annotate(paid=Exists(paid))
        .order_by("hamlet", "name", "pk")
    )


def monthly_rows(*, village: Village, month: datetime.date) -> list[tuple[Participant, Due]]:
    """The monthly screen's rows: each participant due `month` (with `paid`) and what they pay for it,
    from their own funding source. Raises RuleError when the rules do not cover the month."""
    rules = RuleBook.load()
    return [
        (participant, contribution_due(participant=participant, month=month, rules=rules))
        for participant in contributions_due_month(village=village, month=month)
    ]


# --- imports -------------------------------------------------------------------------------------------------------


def import_batch_get(*, user, pk) -> ImportBatch:
    """An upload is its uploader's only: anyone else gets a 404."""
    try:
        return user.import_batches.select_related("village").get(pk=pk)
    except ImportBatch.DoesNotExist:
        raise Http404("Berkas impor tidak ditemukan.") from None


def import_batches_recent(*, user) -> QuerySet[ImportBatch]:
    return user.import_batches.order_by("-created_at")[:RECENT_IMPORTS]


def offline_scope(*, user) -> tuple[list[Village], list[int]]:
    """The user's villages and the ids of their current participants (no exit yet): what a phone keeps offline."""
    villages = list(Village.objects.for_user(user).order_by("code"))
    ids = list(
        Participant.objects.for_user(user)
        .filter(exit_date__isnull=True)
        .order_by("name", "pk")
        .values_list("pk", flat=True)
    )
    return villages, ids
