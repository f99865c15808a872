"""The participant list's search and filters, and the coverage status computed in SQL for it."""

from __future__ import annotations

import datetime
import re

import django_filters
from django.conf import settings
from django.db.models import Case, CharField, Exists, OuterRef, Q, QuerySet, Value, When
from django.utils.translation import gettext_lazy as _

from participants.models import Contribution, CoverageStatus, FundingSource, Occupation, Participant
from participants.months import add_months, month_start
from villages.models import Village


def with_coverage_status(queryset: QuerySet[Participant], *, month: datetime.date) -> QuerySet[Participant]:
    """Annotate `status` for `month` with the rules of `participants.models.coverage_status`, in one query."""
    month = month_start(month)
    grace = settings.ARREARS_GRACE_MONTHS
    paid = Contribution.objects.filter(participant=OuterRef("pk"))
    return queryset.annotate(
        status=Case(
            When(enrolled_on__gte=add_months(month, 1), then=Value(None)),
            When(exit_date__lt=month, then=Value(CoverageStatus.EXITED.value)),
            When(Exists(paid.filter(month=month)), then=Value(CoverageStatus.ACTIVE.value)),
            When(
                Q(Exists(paid.filter(month__gte=add_months(month, -grace), month__lt=month)))
                | Q(enrolled_on__gte=add_months(month, 1 - grace)),
                then=Value(CoverageStatus.ARREARS.value),
            ),
            default=Value(CoverageStatus.INACTIVE.value),
            output_field=CharField(),
        )
    )


def _villages(request) -> QuerySet[Village]:
    return Village.objects.for_user(request.user) if request else Village.objects.none()


class ParticipantFilter(django_filters.FilterSet):
    q = django_filters.CharFilter(label=_("Cari nama, NIK atau KPJ"), method="search")
    village = django_filters.ModelChoiceFilter(label=_("Desa/nagari"), queryset=_villages)
    status = django_filters.ChoiceFilter(label=_("Status bulan ini"), choices=CoverageStatus.choices)
    occupation = django_filters.ChoiceFilter(label=_("Pekerjaan"), choices=Occupation.choices)
    funding_source = django_filters.ChoiceFilter(label=_("Sumber dana"), choices=FundingSource.choices)

    class Meta:
        model = Participant
        fields = ["q", "village", "status", "occupation", "funding_source"]

    def search(self, queryset: QuerySet[Participant], name: str, value: str) -> QuerySet[Participant]:
        value = value.strip()
        if not value:
            return queryset
        digits = re.sub(r"\D", "", value)
        condition = Q(name__icontains=value)
        if len(digits) >= 4 and len(digits) == len(re.sub(r"[\s.\-]", "", value)):
            condition |= Q(nik__contains=digits) | Q(kpj__contains=digits)
        return queryset.filter(condition)
