"""What the API reads: every queryset starts from the user's scope (`for_user`), with what its list needs
joined or prefetched so that a page costs the same number of queries whatever its length.

Reference data that belongs to no village (regencies, districts, anev cycles) is
narrowed to the regions and cycles of the user's villages, so an official sees
their own regency and the cycles that evaluated their village.
"""

from __future__ import annotations

import functools

from django.db.models import Prefetch, QuerySet
from django.utils import timezone
from stdnum import numdb

from api.models import ApiToken
from evaluations.models import EvaluationCycle, VillageEvaluation
from participants.coverage import with_coverage_status
from participants.models import Claim, Contribution, Participant, VillageMonthStat
from participants.months import month_start
from participants.rules import RuleBook
from participants.services import PAYMENT_PERIODS
from villages.access import is_branch_user
from villages.models import Activity, District, Regency, Village


def regencies_for(user) -> QuerySet[Regency]:
    villages = Village.objects.for_user(user)
    districts = District.objects.filter(villages__in=villages).distinct().order_by("code")
    return (
        Regency.objects.filter(districts__villages__in=villages)
        .distinct()
        .prefetch_related(Prefetch("districts", queryset=districts, to_attr="scoped_districts"))
    )


def districts_for(user) -> QuerySet[District]:
    return District.objects.filter(villages__in=Village.objects.for_user(user)).distinct().select_related("regency")


def villages_for(user) -> QuerySet[Village]:
    return (
        Village.objects.for_user(user)
        .select_related("district__regency")
        .prefetch_related("commitments", "agents", "awards", "targets", "budgets")
    )


def participants_for(user) -> QuerySet[Participant]:
    """Participants of the scope, each with their coverage status this month (as on the participant list)."""
    return with_coverage_status(Participant.objects.for_user(user), month=month_start(timezone.localdate()))


def contributions_for(user) -> QuerySet[Contribution]:
    return Contribution.objects.for_user(user).select_related("participant")


def claims_for(user) -> QuerySet[Claim]:
    return Claim.objects.for_user(user).select_related("participant")


def activities_for(user) -> QuerySet[Activity]:
    return Activity.objects.for_user(user)


def statistics_for(user) -> QuerySet[VillageMonthStat]:
    return VillageMonthStat.objects.filter(village__in=Village.objects.for_user(user))


def cycles_for(user) -> QuerySet[EvaluationCycle]:
    """Every cycle for the branch; for an official, the cycles with an evaluation of their villages."""
    cycles = EvaluationCycle.objects.select_related("rubric")
    if is_branch_user(user):
        return cycles
    return cycles.filter(evaluations__in=VillageEvaluation.objects.for_user(user)).distinct()


def evaluations_for(user) -> QuerySet[VillageEvaluation]:
    return (
        VillageEvaluation.objects.for_user(user)
        .select_related("cycle", "village")
        .prefetch_related("pillar_scores", "action_items")
    )


def tokens_of(user) -> QuerySet[ApiToken]:
    return ApiToken.objects.filter(user=user)


def indicator_scope(*, user, village: int | None, district: str | None, regency: str | None) -> dict | None:
    """The villages an indicator read is about, and what they are called; None when outside the user's scope.

    Without a region, the scope is every village of the user (the whole branch for branch roles).
    """
    villages = Village.objects.for_user(user)
    if village is not None:
        found = villages.filter(pk=village).first()
        if found is None:
            return None
        return {"villages": villages.filter(pk=found.pk), "level": "desa", "code": found.code, "name": str(found)}
    if district is not None:
        found = District.objects.filter(code=district, villages__in=villages).first()
        if found is None:
            return None
        return {
            "villages": villages.filter(district=found),
            "level": "kecamatan",
            "code": found.code,
            "name": str(found),
        }
    if regency is not None:
        found = Regency.objects.filter(code=regency, districts__villages__in=villages).first()
        if found is None:
            return None
        return {
            "villages": villages.filter(district__regency=found),
            "level": "kabupaten",
            "code": found.code,
            "name": found.name,
        }
    return {"villages": villages, "level": "semua", "code": None, "name": "Semua desa dalam cakupan pengguna"}


@functools.cache
def nik_provinces() -> list[str]:
    """The province codes python-stdnum knows: the first two digits of a valid NIK (all it checks of the place)."""
    places = numdb.get("id/loc")
    return [code for code in (f"{number:02d}" for number in range(100)) if places.info(code)[0][1]]


def contribution_rules() -> dict:
    """The contribution rules (one RuleBook: four queries), each NIK province code, the payment periods."""
    rules = RuleBook.load()
    return {
        "rates": rules.rates,
        "adjustments": [
            {
                "name": adjustment.name,
                "percent": adjustment.percent,
                "programmes": adjustment.programmes,
                "valid_from": adjustment.valid_from,
                "valid_to": adjustment.valid_to,
                "sector_scope": adjustment.sector_scope,
                "sectors": sorted(sector.pk for sector in adjustment.sectors.all()),
                "funding_scope": adjustment.funding_scope,
                "funding_sources": adjustment.funding_sources,
                "regulation": adjustment.regulation,
            }
            for adjustment in rules.adjustments
        ],
        "occupation_sectors": rules.sectors,
        "nik_provinces": nik_provinces(),
        "payment_periods": list(PAYMENT_PERIODS),
    }
