"""Filters of the dashboards, the villages, claims and commitments lists: region, kind, name, period, sort order."""

from __future__ import annotations

import datetime

import django_filters
from django import forms
from django.forms.utils import flatatt
from django.utils import timezone
from django.utils.html import escape
from django.utils.safestring import mark_safe

from core.dates import month_range_error
from core.forms import MonthField
from dashboards.selectors import RANKING_KEYS
from indicators import REGISTRY, Period
from participants.models import Claim, Programme
from participants.months import add_months, month_start
from villages.models import Commitment, CommitmentState, District, Regency, Village

PERIOD_PRESETS = [
    ("12", "12 bulan penuh terakhir"),
    ("6", "6 bulan penuh terakhir"),
    ("3", "3 bulan penuh terakhir"),
    ("1", "Bulan lalu"),
    ("ytd", "Tahun berjalan"),
    ("custom", "Pilih bulan…"),
]


class QuickSelect(forms.Select):
    """A select written in Python, the same markup as Django's template (a template per option and per attribute
    list: the kecamatan filter's 85 options cost 5–7 ms of every dashboard request)."""

    def render(self, name, value, attrs=None, renderer=None):
        widget = self.get_context(name, value, attrs)["widget"]
        options = "".join(
            f'<option value="{escape(option["value"])}"{flatatt(option["attrs"])}>{escape(option["label"])}</option>'
            for _group, choices, _index in widget["optgroups"]
            for option in choices
        )
        return mark_safe(f'<select name="{escape(widget["name"])}"{flatatt(widget["attrs"])}>{options}</select>')  # noqa: S308


class VillageFilter(django_filters.FilterSet):
    """Region and kind filters over an already scoped queryset of villages."""

    regency = django_filters.ModelChoiceFilter(
        field_name="district__regency",
        queryset=Regency.objects.order_by("code"),
        label="Kabupaten/kota",
        empty_label="Semua kabupaten/kota",
        widget=QuickSelect,
    )
    district = django_filters.ModelChoiceFilter(
        queryset=District.objects.order_by("code"), label="Kecamatan", empty_label="Semua kecamatan", widget=QuickSelect
    )
    kind = django_filters.ChoiceFilter(choices=Village.Kind.choices, label="Jenis", empty_label="Semua jenis")
    q = django_filters.CharFilter(field_name="name", lookup_expr="icontains", label="Nama desa")

    class Meta:
        model = Village
        fields = ["regency", "district", "kind", "q"]

    def __init__(self, *args, districts=None, **kwargs):
        super().__init__(*args, **kwargs)
        if districts is not None:
            self.filters["district"].queryset = districts
        _bootstrap(self.form)

    def description(self) -> dict[str, str]:
        """The chosen filters in words, for exports and headings."""
        if not self.is_bound or not self.form.is_valid():
            return {}
        chosen = {}
        for name, value in self.form.cleaned_data.items():
            if value not in (None, ""):
                label = self.filters[name].label
                chosen[str(label)] = str(dict(Village.Kind.choices).get(value, value))
        return chosen


def _bootstrap(form: forms.Form) -> None:
    for field in form.fields.values():
        css = "form-select form-select-sm" if isinstance(field.widget, forms.Select) else "form-control form-control-sm"
        field.widget.attrs["class"] = css


class FollowUpSearchForm(forms.Form):
    """The search of a village's follow-up list: part of a name or jorong, or a whole NIK or KPJ."""

    q = forms.CharField(label="Cari nama, jorong, NIK atau KPJ", max_length=100, required=False, strip=True)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        _bootstrap(self)

    def search(self) -> str:
        """The text to look for ("" when none, or when it is too long: the form then says so)."""
        return self.cleaned_data["q"] if self.is_bound and self.is_valid() else ""


class PeriodForm(forms.Form):
    """The period of the figures: a preset, or two months written mm/yyyy."""

    period = forms.ChoiceField(label="Periode", choices=PERIOD_PRESETS, required=False)
    start = MonthField(label="Bulan awal (mm/yyyy)", required=False)
    end = MonthField(label="Bulan akhir (mm/yyyy)", required=False)

    def __init__(self, *args, today: datetime.date | None = None, **kwargs):
        super().__init__(*args, **kwargs)
        self.today = today or timezone.localdate()
        _bootstrap(self)

    def clean(self):
        cleaned = super().clean()
        if cleaned.get("period") == "custom":
            months = {name: cleaned[name] for name in ("start", "end") if cleaned.get(name)}
            for name in ("start", "end"):
                if name not in months and name not in self.errors:
                    self.add_error(name, "Tulis bulan sebagai mm/yyyy, misalnya 01/2024.")
            # From the programme's start to this month: a year like 0001 or 2099 is a typing mistake.
            for name, month in list(months.items()):
                if problem := month_range_error(month, today=self.today):
                    self.add_error(name, problem)
                    del months[name]
            if len(months) == 2:
                if months["start"] > months["end"]:
                    self.add_error("end", "Bulan akhir tidak boleh sebelum bulan awal.")
                else:
                    cleaned["months"] = months
        return cleaned

    def chosen_period(self) -> Period:
        """The chosen period; the default (also after a mistake) is the last 12 full months."""
        preset = self.cleaned_data.get("period") if self.is_valid() else ""
        if preset == "custom":
            return Period(start=self.cleaned_data["months"]["start"], end=self.cleaned_data["months"]["end"])
        if preset == "ytd":
            end = add_months(month_start(self.today), -1)
            return Period(start=min(end.replace(month=1), end), end=end)
        if preset in ("1", "3", "6"):
            return Period.last_full_months(int(preset), today=self.today)
        return Period.last_full_months(12, today=self.today)


# Rankings everywhere (dashboard, villages list, regency and kecamatan pages, their exports) start from the same
# order: the best coverage first.
DEFAULT_SORT = "-coverage"
SORT_CHOICES = [("code", "Kode desa"), ("name", "Nama desa")] + [(key, REGISTRY[key].label) for key in RANKING_KEYS]


def sort_order(params, *, default: str = DEFAULT_SORT) -> tuple[str, bool]:
    """(a ranking column's indicator key or "code"/"name", descending) from ?sort=key or ?sort=-key."""
    raw = (params.get("sort") or default).strip()
    descending = raw.startswith("-")
    key = raw.lstrip("-")
    if key not in dict(SORT_CHOICES):
        key, descending = default.lstrip("-"), default.startswith("-")
    return key, descending


def sort_options() -> list[tuple[str, str]]:
    """The choices of the "Urutkan" control: each ranking indicator both ways, then the name and the code."""
    options = []
    for key in RANKING_KEYS:
        label = REGISTRY[key].label
        options += [(f"-{key}", f"{label}: tertinggi dahulu"), (key, f"{label}: terendah dahulu")]
    return [*options, ("name", "Nama desa: A–Z"), ("-name", "Nama desa: Z–A"), ("code", "Kode desa")]


def sort_label(key: str, descending: bool) -> str:
    """The order in words, shown above a ranking."""
    value = f"-{key}" if descending else key
    return dict(sort_options()).get(value, "Kode desa")


class ClaimFilter(django_filters.FilterSet):
    """Programme and payment status of the claims list; the villages and the period come from the page scope."""

    class Status:
        PAID = "dibayar"
        UNPAID = "belum"

    village = django_filters.CharFilter(field_name="participant__village__code", label="Kode desa")
    programme = django_filters.ChoiceFilter(choices=Programme.choices, label="Program", empty_label="Semua program")
    status = django_filters.ChoiceFilter(
        choices=[(Status.PAID, "Sudah dibayar"), (Status.UNPAID, "Belum dibayar")],
        label="Pembayaran",
        empty_label="Semua klaim",
        method="filter_status",
    )

    class Meta:
        model = Claim
        fields = ["village", "programme", "status"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        _bootstrap(self.form)
        self.form.fields["village"].widget.attrs["placeholder"] = "13.02.07.2006"

    def filter_status(self, queryset, name, value):
        return queryset.filter(paid_on__isnull=value == self.Status.UNPAID)

    def description(self) -> dict[str, str]:
        if not self.is_bound or not self.form.is_valid():
            return {}
        return {
            str(self.filters[name].label): str(dict(getattr(self.form.fields[name], "choices", ())).get(value, value))
            for name, value in self.form.cleaned_data.items()
            if value
        }


class CommitmentFilter(django_filters.FilterSet):
    """Which commitments needing renewal to list: lapsed or lapsing, regulation or agreement, per regency."""

    state = django_filters.ChoiceFilter(
        choices=[(CommitmentState.LAPSING.value, "Segera berakhir"), (CommitmentState.LAPSED.value, "Sudah berakhir")],
        label="Keadaan",
        empty_label="Berakhir dan segera berakhir",
    )
    kind = django_filters.ChoiceFilter(choices=Commitment.Kind.choices, label="Jenis", empty_label="Semua jenis")
    regency = django_filters.ModelChoiceFilter(
        field_name="village__district__regency",
        queryset=Regency.objects.order_by("code"),
        label="Kabupaten/kota",
        empty_label="Semua kabupaten/kota",
        widget=QuickSelect,
    )

    class Meta:
        model = Commitment
        fields = ["state", "kind", "regency"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        _bootstrap(self.form)


class OfficialEntriesForm(forms.Form):
    """The month and regency of the per-official completeness page; after a mistake, this month and every regency."""

    month = MonthField(label="Bulan (mm/yyyy)", required=False)
    regency = forms.ModelChoiceField(
        queryset=Regency.objects.order_by("code"),
        label="Kabupaten/kota",
        required=False,
        empty_label="Semua kabupaten/kota",
        widget=QuickSelect,
    )

    def __init__(self, *args, today: datetime.date | None = None, **kwargs):
        super().__init__(*args, **kwargs)
        self.today = today or timezone.localdate()
        _bootstrap(self)

    def clean_month(self):
        month = self.cleaned_data.get("month")
        if month and (problem := month_range_error(month, today=self.today)):
            raise forms.ValidationError(problem)
        return month

    def chosen(self) -> tuple[datetime.date, Regency | None]:
        if not self.is_bound or not self.is_valid():
            return month_start(self.today), None
        return self.cleaned_data["month"] or month_start(self.today), self.cleaned_data["regency"]
