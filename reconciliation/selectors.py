"""Reads of the reconciliation, each scoped: branch users see every extract and village, an official the
results of their own villages only (never the branch's totals, nor the workers placed nowhere)."""

from __future__ import annotations

from django.db.models import F, QuerySet

from reconciliation.models import Extract, Finding, FindingKind, VillageResult
from villages.access import get_for_user_or_404, is_branch_user
from villages.models import Village

UNPLACED = "belum"  # the ?village= value of the workers the extract placed in no village we know


def extracts_recent(*, user, limit: int = 20) -> list[Extract]:
    return list(Extract.objects.for_user(user).select_related("uploaded_by")[:limit])


def extract_get(*, user, pk) -> Extract:
    return get_for_user_or_404(Extract, user, related=("batch", "uploaded_by"), pk=pk)


def village_results(*, extract: Extract, user) -> list[VillageResult]:
    """The villages' results, the ones that disagree most first (then by code: "belum ditempatkan", all its workers
    disagreeing, comes first), each knowing its extract (one query)."""
    results = extract.village_results.select_related("village", "village__district").order_by(
        F("quality").asc(nulls_last=True), "village__code"
    )
    if not is_branch_user(user):
        results = results.filter(village__in=Village.objects.for_user(user))
    results = list(results)
    for result in results:
        result.extract = extract
    return results


def findings_list(*, extract: Extract, user, kind: str | None, village: str | None) -> QuerySet[Finding]:
    """The findings of one kind (all when None), of one village (a code, UNPLACED, or all the user may see)."""
    findings = Finding.objects.for_user(user).filter(extract=extract).select_related("village")
    if kind in FindingKind.values:
        findings = findings.filter(kind=kind)
    if village == UNPLACED:
        findings = findings.filter(village__isnull=True)
    elif village:
        findings = findings.filter(village__code=village)
    return findings.order_by("kind", "village__code", "name", "month", "id")


def village_latest_result(*, village: Village) -> VillageResult | None:
    """The village's result of the latest extract matched (the date it was last reconciled)."""
    return (
        VillageResult.objects.filter(
            village=village, extract__status__in=[Extract.Status.MATCHED, Extract.Status.APPLIED]
        )
        .select_related("extract")
        .order_by("-extract__extract_date", "-extract__matched_at")
        .first()
    )
