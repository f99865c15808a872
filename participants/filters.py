"""The participant list's search and filters; the status filter reads the annotation of `participants.coverage`."""

from __future__ import annotations

import re

import django_filters
from django import forms
from django.db.models import Q, QuerySet
from django.forms.utils import flatatt
from django.utils.html import format_html, format_html_join
from django.utils.safestring import mark_safe
from django.utils.translation import gettext_lazy as _

from core.parsing import normalise_digits
from participants.coverage import CoverageStatus
from participants.models import FundingSource, Occupation, Participant
from villages.models import Village

NIK_LENGTH, KPJ_LENGTH = 16, 11
SELECTED = mark_safe(" selected")


def _villages(request) -> QuerySet[Village]:
    return Village.objects.for_user(request.user) if request else Village.objects.none()


class VillageSelect(forms.Select):
    """The village choice, rendered in Python: a branch user's 277 options without a template and a translated
    kind per option (they cost more than the rest of a participant page); the same HTML as `forms.Select`."""

    def render(self, name, value, attrs=None, renderer=None) -> str:
        widget = self.get_context(name, value, attrs)["widget"]
        options = format_html_join(
            "",
            '<option value="{}"{}>{}</option>',
            (
                (option["value"], SELECTED if option["selected"] else "", option["label"])
                for _group, group_options, _index in widget["optgroups"]
                for option in group_options
            ),
        )
        return format_html('<select name="{}"{}>{}</select>', widget["name"], flatatt(widget["attrs"]), options)


class VillageChoiceFilter(django_filters.ModelChoiceFilter):
    """Villages labelled as `Village.__str__` does, with the kind's label looked up once per page."""

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, widget=VillageSelect, **kwargs)

    @property
    def field(self):
        field = super().field
        kinds = {kind: str(label) for kind, label in Village.Kind.choices}
        field.label_from_instance = lambda village: f"{kinds.get(village.kind, village.kind)} {village.name}"
        return field


class ParticipantFilter(django_filters.FilterSet):
    """Filters a queryset annotated by `participants.coverage.with_coverage_status` (its `status`)."""

    q = django_filters.CharFilter(label=_("Cari nama, NIK atau KPJ"), method="search")
    village = VillageChoiceFilter(label=_("Desa/nagari"), queryset=_villages, empty_label=_("Semua desa/nagari"))
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
