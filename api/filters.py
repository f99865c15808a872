"""Filters and ordering of the API's lists: village, regency, status and period, and a whitelist of sort keys.

Every list starts from a queryset already limited to the user's scope, so a filter
can only narrow it: another village's id gives an empty list, never its rows.
`start` and `end` are months (`YYYY-MM`) bounding the list's own date (the month
paid, the date of the activity, the claim's payment, the enrolment).
A filter value of the wrong type and an unknown sort key are a 400.
"""

from __future__ import annotations

import django_filters
from django import forms
from django.db.models import QuerySet
from django.utils.translation import gettext as _
from drf_spectacular.utils import extend_schema_field
from rest_framework.exceptions import ValidationError
from rest_framework.filters import BaseFilterBackend

from api.fields import MAX_ID, MONTH_SCHEMA, MonthFormField
from evaluations.models import EvaluationCycle, VillageEvaluation
from participants import filters as participant_list
from participants.models import Claim, Contribution, Programme, VillageMonthStat
from participants.months import add_months
from villages.models import Activity, District, Village


@extend_schema_field(MONTH_SCHEMA)
class MonthFilter(django_filters.Filter):
    """`start` (from the first day of the month) or `end` (to the last day of the month) of a period."""

    field_class = MonthFormField

    def __init__(self, *, bound: str, **kwargs):
        self.bound = bound
        kwargs.setdefault("help_text", "Bulan awal (YYYY-MM)." if bound == "start" else "Bulan akhir (YYYY-MM).")
        super().__init__(**kwargs)

    def filter(self, queryset: QuerySet, value) -> QuerySet:
        if value is None:
            return queryset
        if self.bound == "start":
            return queryset.filter(**{f"{self.field_name}__gte": value})
        return queryset.filter(**{f"{self.field_name}__lt": add_months(value, 1)})


@extend_schema_field({"type": "integer", "minimum": 1, "maximum": MAX_ID})
class IdFilter(django_filters.NumberFilter):
    """An id: a whole number within the database's range (no float, no overflow)."""

    field_class = forms.IntegerField

    def __init__(self, **kwargs):
        super().__init__(min_value=1, max_value=MAX_ID, **kwargs)


def _village(path: str) -> IdFilter:
    return IdFilter(field_name=f"{path}_id", help_text="Id desa/nagari.")


def _regency(path: str) -> django_filters.CharFilter:
    prefix = f"{path}__" if path else ""
    return django_filters.CharFilter(
        field_name=f"{prefix}district__regency__code", help_text="Kode kabupaten/kota, misalnya 13.02."
    )


def _district(path: str) -> django_filters.CharFilter:
    prefix = f"{path}__" if path else ""
    return django_filters.CharFilter(
        field_name=f"{prefix}district__code", help_text="Kode kecamatan, misalnya 13.02.07."
    )


class DistrictFilter(django_filters.FilterSet):
    regency = django_filters.CharFilter(field_name="regency__code", help_text="Kode kabupaten/kota.")

    class Meta:
        model = District
        fields = ["regency"]


class VillageFilter(django_filters.FilterSet):
    regency = _regency("")
    district = _district("")
    kind = django_filters.ChoiceFilter(choices=Village.Kind.choices)
    code = django_filters.CharFilter(help_text="Kode desa, misalnya 13.02.07.2006.")
    in_programme = django_filters.BooleanFilter(
        field_name="joined_on", lookup_expr="isnull", exclude=True, help_text="Sudah bergabung Desa Sadar."
    )
    q = django_filters.CharFilter(field_name="name", lookup_expr="icontains", help_text="Bagian dari nama desa.")

    class Meta:
        model = Village
        fields = ["regency", "district", "kind", "code", "in_programme", "q"]


class ParticipantFilter(participant_list.ParticipantFilter):
    """The participant list's own filters (search, status this month, occupation, funding source), with the
    village as an id, the regency and the period of enrolment."""

    village = _village("village")
    regency = _regency("village")
    start = MonthFilter(bound="start", field_name="enrolled_on", help_text="Terdaftar mulai bulan (YYYY-MM).")
    end = MonthFilter(bound="end", field_name="enrolled_on", help_text="Terdaftar sampai bulan (YYYY-MM).")

    class Meta(participant_list.ParticipantFilter.Meta):
        fields = ["q", "village", "regency", "status", "occupation", "funding_source", "start", "end"]


class ContributionFilter(django_filters.FilterSet):
    village = _village("participant__village")
    regency = _regency("participant__village")
    participant = IdFilter(field_name="participant_id", help_text="Id peserta.")
    channel = django_filters.ChoiceFilter(choices=Contribution.Channel.choices)
    funding_source = django_filters.ChoiceFilter(choices=Contribution._meta.get_field("funding_source").choices)
    start = MonthFilter(bound="start", field_name="month")
    end = MonthFilter(bound="end", field_name="month")

    class Meta:
        model = Contribution
        fields = ["village", "regency", "participant", "channel", "funding_source", "start", "end"]


class ClaimFilter(django_filters.FilterSet):
    village = _village("participant__village")
    regency = _regency("participant__village")
    participant = IdFilter(field_name="participant_id", help_text="Id peserta.")
    programme = django_filters.ChoiceFilter(choices=Programme.choices)
    status = django_filters.ChoiceFilter(
        choices=[("dibayar", "Dibayar"), ("belum_dibayar", "Belum dibayar")], method="by_status"
    )
    start = MonthFilter(bound="start", field_name="paid_on", help_text="Dibayar mulai bulan (YYYY-MM).")
    end = MonthFilter(bound="end", field_name="paid_on", help_text="Dibayar sampai bulan (YYYY-MM).")

    class Meta:
        model = Claim
        fields = ["village", "regency", "participant", "programme", "status", "start", "end"]

    def by_status(self, queryset: QuerySet, name: str, value: str) -> QuerySet:
        return queryset.filter(paid_on__isnull=value != "dibayar")


class ActivityFilter(django_filters.FilterSet):
    village = _village("village")
    regency = _regency("village")
    kind = django_filters.ChoiceFilter(choices=Activity.Kind.choices)
    start = MonthFilter(bound="start", field_name="date")
    end = MonthFilter(bound="end", field_name="date")

    class Meta:
        model = Activity
        fields = ["village", "regency", "kind", "start", "end"]


class StatisticFilter(django_filters.FilterSet):
    village = _village("village")
    regency = _regency("village")
    start = MonthFilter(bound="start", field_name="month")
    end = MonthFilter(bound="end", field_name="month")

    class Meta:
        model = VillageMonthStat
        fields = ["village", "regency", "start", "end"]


class CycleFilter(django_filters.FilterSet):
    status = django_filters.ChoiceFilter(choices=EvaluationCycle.Status.choices)

    class Meta:
        model = EvaluationCycle
        fields = ["status"]


class EvaluationFilter(django_filters.FilterSet):
    cycle = IdFilter(field_name="cycle_id", help_text="Id siklus anev.")
    village = _village("village")
    regency = _regency("village")
    status = django_filters.ChoiceFilter(choices=VillageEvaluation.Status.choices)

    class Meta:
        model = VillageEvaluation
        fields = ["cycle", "village", "regency", "status"]


class OrderingFilter(BaseFilterBackend):
    """`?ordering=name` or `?ordering=-month,village`, from the view's `ordering_fields` (public name → ORM path).

    The primary key is always the last key, so pages never overlap.
    """

    param = "ordering"

    def terms(self, request, view) -> list[str]:
        choices: dict[str, str] = view.ordering_fields
        raw = request.query_params.get(self.param)
        if raw is None or raw.strip() == "":
            return list(view.ordering)
        terms = [term.strip() for term in raw.split(",")]
        unknown = [term for term in terms if term.lstrip("-") not in choices or term.count("-") > 1]
        if unknown or len(terms) > len(choices):
            raise ValidationError(
                {
                    self.param: [
                        _("Urutan tidak dikenal: %(terms)s. Pilihan: %(choices)s (awali dengan - untuk menurun).")
                        % {"terms": ", ".join(unknown) or raw, "choices": ", ".join(choices)}
                    ]
                }
            )
        return terms

    def filter_queryset(self, request, queryset: QuerySet, view) -> QuerySet:
        choices: dict[str, str] = view.ordering_fields
        order = []
        for term in self.terms(request, view):
            descending = term.startswith("-")
            order.append(("-" if descending else "") + choices[term.lstrip("-")])
        return queryset.order_by(*order, "pk")

    def get_schema_operation_parameters(self, view) -> list[dict]:
        names = list(view.ordering_fields)
        return [
            {
                "name": self.param,
                "required": False,
                "in": "query",
                "description": "Urutan: satu kunci, diawali - untuk menurun. Bawaan: " + ", ".join(view.ordering) + ".",
                "schema": {"type": "string", "enum": [*names, *(f"-{name}" for name in names)]},
            }
        ]
