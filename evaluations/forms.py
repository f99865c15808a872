"""Forms of the anev pages. Dates are typed dd/mm/yyyy, months mm/yyyy and scores 3,5 (the fields of `core.forms`)."""

from __future__ import annotations

from decimal import Decimal

import django_filters
from django import forms
from django.utils import timezone

from core.forms import DateField, DecimalField, MonthField
from evaluations import selectors
from evaluations.models import ActionItem, EvaluationCycle, Pillar, VillageEvaluation

MONTH_HELP = "Bulan dan tahun, mis. 01/2019."


class CycleForm(forms.ModelForm):
    start_month = MonthField(label="Bulan awal", help_text=MONTH_HELP)
    end_month = MonthField(label="Bulan akhir", help_text=f"{MONTH_HELP} Satu siklus biasanya tiga tahun.")
    baseline_date = DateField(
        label="Tanggal baseline", help_text="dd/mm/yyyy; nilai baseline = 12 bulan yang berakhir pada bulan ini."
    )

    class Meta:
        model = EvaluationCycle
        fields = ["name", "start_month", "end_month", "baseline_date", "rubric", "previous"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["rubric"].queryset = selectors.rubric_choices()
        self.fields["previous"].queryset = selectors.cycle_choices()
        self.fields["previous"].help_text = "Untuk membandingkan skor dengan siklus sebelumnya."
        self.fields["name"].widget.attrs["placeholder"] = "Anev 2019–2022"

    def clean(self):
        cleaned = super().clean()
        start, end = cleaned.get("start_month"), cleaned.get("end_month")
        if start and end and end < start:
            self.add_error("end_month", "Bulan akhir harus sesudah bulan awal.")
        return cleaned


class NotesForm(forms.ModelForm):
    class Meta:
        model = VillageEvaluation
        fields = ["findings", "recommendations"]
        widgets = {
            "findings": forms.Textarea(attrs={"rows": 5}),
            "recommendations": forms.Textarea(attrs={"rows": 5}),
        }


class PillarAdjustForm(forms.Form):
    score = DecimalField(
        label="Skor disesuaikan",
        min_value=Decimal(1),
        max_value=Decimal(5),
        max_digits=3,
        decimal_places=2,
        required=False,
        help_text="1–5, boleh dengan koma, misalnya 3,5; kosongkan untuk kembali ke skor hitungan.",
    )
    justification = forms.CharField(
        label="Alasan penyesuaian", widget=forms.Textarea(attrs={"rows": 2}), required=False
    )

    def clean(self):
        cleaned = super().clean()
        if cleaned.get("score") is not None and not (cleaned.get("justification") or "").strip():
            self.add_error("justification", "Tuliskan alasan penyesuaian skor pilar.")
        return cleaned


class CommentForm(forms.Form):
    comment = forms.CharField(label="Komentar", widget=forms.Textarea(attrs={"rows": 2}), required=False)


class ReturnForm(forms.Form):
    comment = forms.CharField(
        label="Alasan pengembalian", widget=forms.Textarea(attrs={"rows": 2}), help_text="Wajib diisi."
    )


class ActionItemForm(forms.ModelForm):
    due_date = DateField(label="Tenggat", help_text="dd/mm/yyyy")

    class Meta:
        model = ActionItem
        fields = ["action", "pillar", "owner", "due_date", "status"]


class ActionItemStatusForm(forms.Form):
    status = forms.ChoiceField(label="Status", choices=ActionItem.Status.choices)


class EvaluationFilter(django_filters.FilterSet):
    """Filters of the cycle results; the queryset it filters is already in the user's scope."""

    name = django_filters.CharFilter(field_name="village__name", lookup_expr="icontains", label="Nama desa")
    regency = django_filters.ModelChoiceFilter(
        field_name="village__district__regency",
        queryset=selectors.regency_choices(),
        label="Kabupaten/kota",
        empty_label="Semua kabupaten/kota",
    )
    category = django_filters.ChoiceFilter(label="Kategori", choices=[], empty_label="Semua kategori")
    status = django_filters.ChoiceFilter(
        choices=VillageEvaluation.Status.choices, label="Status", empty_label="Semua status"
    )

    class Meta:
        model = VillageEvaluation
        fields = ["name", "regency", "category", "status"]

    def __init__(self, *args, categories: list[str], **kwargs):
        super().__init__(*args, **kwargs)
        self.filters["category"].extra["choices"] = [(name, name) for name in categories]


class TrackerFilter(django_filters.FilterSet):
    status = django_filters.ChoiceFilter(choices=ActionItem.Status.choices, label="Status", empty_label="Semua status")
    pillar = django_filters.ChoiceFilter(choices=Pillar.choices, label="Pilar", empty_label="Semua pilar")
    overdue = django_filters.BooleanFilter(
        method="filter_overdue", label="Hanya yang lewat tenggat", widget=forms.CheckboxInput
    )

    class Meta:
        model = ActionItem
        fields = ["status", "pillar", "overdue"]

    def filter_overdue(self, queryset, name, value):
        if value:
            return queryset.overdue(today=timezone.localdate())
        return queryset
