"""The participant list's search and filters; the status filter reads the annotation of `participants.coverage`."""

from __future__ import annotations

import re

import django_filters
from django.db.models import Q, QuerySet
from django.utils.translation import gettext_lazy as _

from core.parsing import normalise_digits
from participants.coverage import CoverageStatus
from participants.models import FundingSource, Occupation, Participant
from villages.models import Village

NIK_LENGTH, KPJ_LENGTH = 16, 11


def _villages(request) -> QuerySet[Village]:
    return Village.objects.for_user(request.user) if request else Village.objects.none()


class ParticipantFilter(django_filters.FilterSet):
    """Filters a queryset annotated by `participants.coverage.with_coverage_status` (its `status`)."""

    q = django_filters.CharFilter(label=_("Cari nama, NIK atau KPJ"), method="search")
    village = django_filters.ModelChoiceFilter(
        label=_("Desa/nagari"), queryset=_villages, empty_label=_("Semua desa/nagari")
    )
    status = django_filters.ChoiceFilter(
        label=_("Status bulan ini"), choices=CoverageStatus.choices, empty_label=_("Semua status")
    )
    occupation = django_filters.ChoiceFilter(
        label=_("Pekerjaan"), choices=Occupation.choices, empty_label=_("Semua pekerjaan")
    )
    funding_source = django_filters.ChoiceFilter(
        label=_("Sumber dana"), choices=FundingSource.choices, empty_label=_("Semua sumber dana")
    )

    class Meta:
        model = Participant
        fields = ["q", "village", "status", "occupation", "funding_source"]

    @property
    def is_filtered(self) -> bool:
        """Whether a search or a filter narrows the list (an invalid one counts: it shows nothing)."""
        if not self.is_bound:
            return False
        return not self.form.is_valid() or any(value not in (None, "") for value in self.form.cleaned_data.values())

    def search(self, queryset: QuerySet[Participant], name: str, value: str) -> QuerySet[Participant]:
        value = normalise_digits(value).strip()  # a NIK typed in full-width digits is the same NIK
        if not value:
            return queryset
        digits = re.sub(r"\D", "", value)
        if digits and len(digits) == len(re.sub(r"[\s.\-]", "", value)):
            # A whole NIK or KPJ is looked up exactly, through its unique index.
            if len(digits) == NIK_LENGTH:
                return queryset.filter(nik=digits)
            if len(digits) == KPJ_LENGTH:
                return queryset.filter(kpj=digits)
        # A name part (PostgreSQL: the trigram index of participants/0009); a number's part also in NIK and KPJ.
        condition = Q(name__icontains=value)
        if len(digits) >= 4 and len(digits) == len(re.sub(r"[\s.\-]", "", value)):
            condition |= Q(nik__contains=digits) | Q(kpj__contains=digits)
        return queryset.filter(condition)
