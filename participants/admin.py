"""Django admin of participants, contributions, claims, the contribution rules, imports and the analytics table.

Rates and reliefs are money: their forms refuse overlaps (two rates for one month, two reliefs for
one sector, funding source and month) with a message naming the other rule, and keep a history.
"""

from __future__ import annotations

import datetime

from django import forms
from django.contrib import admin
from django.utils import timezone
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _
from simple_history.admin import SimpleHistoryAdmin

from core.formatting import format_rupiah
from core.forms import MonthField
from participants.benefits import Benefit
from participants.coverage import participant_status
from participants.forms import ParticipantNumbersMixin
from participants.jobs import stats_rebuild_start
from participants.models import (
    Claim,
    Contribution,
    ContributionAdjustment,
    ContributionRate,
    CoverageRule,
    FundingSource,
    HamletMonthStat,
    ImportBatch,
    OccupationSector,
    Participant,
    Sector,
    VillageMonthStat,
)
from participants.months import month_start
from participants.rules import RuleBook, Scope, adjustment_clashes, months_text
from participants.signals import coverage_rule_rebuild_since
from villages.admin_scope import ReadOnlyAdminMixin, ScopedAdminMixin
from villages.models import PROGRAMME_START_YEAR


class ContributionInline(ScopedAdminMixin, admin.TabularInline):
    model = Contribution
    extra = 0
    fields = ["month", "amount", "paid_on", "channel", "funding_source"]
    ordering = ["-month"]


class ClaimInline(ScopedAdminMixin, admin.TabularInline):
    model = Claim
    extra = 0
    fields = ["programme", "event_date", "paid_on", "amount", "notes"]


class ParticipantAdminForm(ParticipantNumbersMixin, forms.ModelForm):
    class Meta:
        model = Participant
        fields = ["nik", "kpj", "phone"]  # the admin adds the rest of its fieldsets


@admin.register(Participant)
class ParticipantAdmin(ScopedAdminMixin, SimpleHistoryAdmin):
    form = ParticipantAdminForm
    list_display = [
        "name",
        "masked_nik",
        "village",
        "occupation",
        "funding_source",
        "has_jht",
        "enrolled_on",
        "exit_date",
    ]
    list_filter = ["occupation", "funding_source", "sex", "has_jht", "exit_reason", "village__district__regency"]
    list_select_related = ["village"]
    search_fields = ["name", "=nik", "=kpj", "village__name", "village__code"]
    autocomplete_fields = ["village"]
    date_hierarchy = "enrolled_on"
    show_full_result_count = False
    readonly_fields = ["coverage_this_month", "created_at", "updated_at"]
    inlines = [ContributionInline, ClaimInline]
    fieldsets = [
        (None, {"fields": ["village", "nik", "kpj", "name", "sex", "birth_date", "phone", "hamlet"]}),
        (_("Kepesertaan"), {"fields": ["occupation", "monthly_income", "has_jht", "funding_source", "enrolled_on"]}),
        (_("Keluar"), {"fields": ["exit_date", "exit_reason"]}),
        (_("Status"), {"fields": ["coverage_this_month", "created_at", "updated_at"]}),
    ]

    @admin.display(description=_("NIK"))
    def masked_nik(self, participant: Participant) -> str:
        return participant.masked_nik

    @admin.display(description=_("status kepesertaan bulan ini"))
    def coverage_this_month(self, participant: Participant) -> str:
        if participant.pk is None:
            return "—"
        status = participant_status(participant, month_start(timezone.localdate()))
        return "—" if status is None else status.label


class RateForm(forms.ModelForm):
    valid_from = MonthField(label=_("Berlaku mulai bulan iuran"), help_text=_("mm/yyyy"))
    valid_to = MonthField(
        label=_("Berlaku sampai bulan iuran"), required=False, help_text=_("mm/yyyy; kosong: seterusnya")
    )

    class Meta:
        model = ContributionRate
        fields = ["valid_from", "valid_to", "jkk_percent", "jkm_amount", "jht_percent", "minimum_income", "regulation"]


@admin.register(ContributionRate)
class ContributionRateAdmin(ScopedAdminMixin, SimpleHistoryAdmin):
    form = RateForm
    list_display = [
        "__str__",
        "jkk_percent",
        "jkm_amount",
        "jht_percent",
        "minimum_income",
        "minimum_contribution",
        "regulation",
    ]
    readonly_fields = ["minimum_contribution", "minimum_contribution_with_jht"]
    search_fields = ["regulation"]

    def _minimum(self, rate: ContributionRate, *, with_jht: bool) -> str:
        if rate.pk is None:
            return "—"
        # The rate alone, before any relief: what its minimum income base costs.
        due = RuleBook([rate], [], {}).due(
            month=rate.valid_from, income=rate.minimum_income, with_jht=with_jht, occupation="", funding_source=""
        )
        return format_rupiah(due.total)

    @admin.display(description=_("iuran minimum per bulan (tanpa keringanan)"))
    def minimum_contribution(self, rate: ContributionRate) -> str:
        return self._minimum(rate, with_jht=False)

    @admin.display(description=_("iuran minimum dengan JHT (tanpa keringanan)"))
    def minimum_contribution_with_jht(self, rate: ContributionRate) -> str:
        return self._minimum(rate, with_jht=True)


class AdjustmentForm(forms.ModelForm):
    valid_from = MonthField(label=_("Berlaku mulai bulan iuran"), help_text=_("mm/yyyy"))
    valid_to = MonthField(
        label=_("Berlaku sampai bulan iuran"), required=False, help_text=_("mm/yyyy; kosong: seterusnya")
    )
    funding_sources = forms.MultipleChoiceField(
        label=_("Sumber dana dipilih"),
        choices=FundingSource.choices,
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )

    class Meta:
        model = ContributionAdjustment
        fields = [
            "name",
            "percent",
            "on_jkk",
            "on_jkm",
            "on_jht",
            "valid_from",
            "valid_to",
            "sector_scope",
            "sectors",
            "funding_scope",
            "funding_sources",
            "regulation",
        ]
        widgets = {"sectors": forms.CheckboxSelectMultiple}

    def clean(self):
        cleaned = super().clean()
        needed = ("valid_from", "sector_scope", "funding_scope", "sectors", "funding_sources")
        if all(name in cleaned for name in needed):
            if cleaned["sector_scope"] != Scope.ALL and not cleaned["sectors"]:
                self.add_error("sectors", _("Pilih sektor, atau pilih «Semua»."))
                return cleaned
            for problem in adjustment_clashes(
                valid_from=cleaned["valid_from"],
                valid_to=cleaned.get("valid_to"),
                sector_scope=cleaned["sector_scope"],
                sector_ids=[sector.pk for sector in cleaned["sectors"]],
                funding_scope=cleaned["funding_scope"],
                funding_sources=cleaned["funding_sources"],
                exclude_pk=self.instance.pk,
            ):
                self.add_error(None, problem)
        return cleaned


@admin.register(ContributionAdjustment)
class ContributionAdjustmentAdmin(ScopedAdminMixin, SimpleHistoryAdmin):
    form = AdjustmentForm
    list_display = ["name", "percent", "programmes_shown", "months", "sector_scope", "funding_scope", "regulation"]
    search_fields = ["name", "regulation"]

    @admin.display(description=_("program"))
    def programmes_shown(self, adjustment: ContributionAdjustment) -> str:
        return "/".join(adjustment.programmes)

    @admin.display(description=_("bulan iuran"), ordering="valid_from")
    def months(self, adjustment: ContributionAdjustment) -> str:
        return months_text(adjustment.valid_from, adjustment.valid_to)


class OccupationSectorInline(ScopedAdminMixin, admin.TabularInline):
    model = OccupationSector
    extra = 0


@admin.register(Sector)
class SectorAdmin(ScopedAdminMixin, admin.ModelAdmin):
    list_display = ["name", "code"]
    search_fields = ["name", "code"]
    inlines = [OccupationSectorInline]


@admin.register(OccupationSector)
class OccupationSectorAdmin(ScopedAdminMixin, admin.ModelAdmin):
    list_display = ["occupation", "sector"]
    list_editable = ["sector"]
    list_select_related = ["sector"]


class CoverageRuleForm(forms.ModelForm):
    valid_from = MonthField(label=_("Berlaku mulai bulan"), help_text=_("mm/yyyy"))

    class Meta:
        model = CoverageRule
        fields = ["valid_from", "grace_months", "regulation"]


@admin.register(CoverageRule)
class CoverageRuleAdmin(ScopedAdminMixin, SimpleHistoryAdmin):
    """The grace of the coverage rule. Saving or deleting one rebuilds the statistics (`participants.signals`)."""

    form = CoverageRuleForm
    list_display = ["valid_from_month", "grace_months", "regulation"]

    @admin.display(description=_("berlaku mulai"), ordering="valid_from")
    def valid_from_month(self, rule: CoverageRule) -> str:
        return f"{rule.valid_from:%m/%Y}"

    def has_delete_permission(self, request, obj=None) -> bool:
        # Every month needs a rule: the last one cannot go.
        return super().has_delete_permission(request, obj) and CoverageRule.objects.count() > 1

    def get_actions(self, request):
        # One rule at a time (deleting them all at once would leave months without a rule).
        actions = super().get_actions(request)
        actions.pop("delete_selected", None)
        return actions

    def save_model(self, request, obj, form, change) -> None:
        obj._stats_rebuild_by_job = True
        super().save_model(request, obj, form, change)
        self._rebuild(request, obj, _("Statistik bulanan semua desa dihitung ulang dengan aturan ini"))

    def delete_model(self, request, obj) -> None:
        obj._stats_rebuild_by_job = True
        super().delete_model(request, obj)
        self._rebuild(request, obj, _("Statistik bulanan semua desa dihitung ulang tanpa aturan ini"))

    def _rebuild(self, request, rule: CoverageRule, what: str) -> None:
        """The rebuild runs as a background job: sent to a worker once the admin's transaction commits, or
        run at once without a broker; the message links to its progress page."""
        job = stats_rebuild_start(owner=request.user, since=coverage_rule_rebuild_since(rule))
        self.message_user(
            request, format_html('{}: <a href="{}">{}</a>.', what, job.get_absolute_url(), job.get_status_display())
        )


class ContributionYearFilter(admin.SimpleListFilter):
    title = _("tahun iuran")
    parameter_name = "tahun"

    def lookups(self, request, model_admin):
        return [(str(year), str(year)) for year in range(timezone.localdate().year, PROGRAMME_START_YEAR - 1, -1)]

    def queryset(self, request, queryset):
        if self.value() in dict(self.lookup_choices):  # only a year offered: ?tahun=² or ?tahun=99999 is none
            year = int(self.value())
            return queryset.filter(month__gte=datetime.date(year, 1, 1), month__lt=datetime.date(year + 1, 1, 1))
        return queryset


@admin.register(Contribution)
class ContributionAdmin(ScopedAdminMixin, SimpleHistoryAdmin):
    list_display = ["participant", "village", "month", "amount", "paid_on", "channel", "funding_source"]
    list_filter = [ContributionYearFilter, "channel", "funding_source", "participant__village__district__regency"]
    list_select_related = ["participant__village"]
    search_fields = ["participant__name", "=participant__nik", "participant__village__name"]
    autocomplete_fields = ["participant", "recorded_by"]
    # No date_hierarchy: on SQLite its year list runs a Python function over every row (2 s at 200,000).
    show_full_result_count = False

    @admin.display(description=_("desa"), ordering="participant__village__code")
    def village(self, contribution: Contribution):
        return contribution.participant.village


@admin.register(Claim)
class ClaimAdmin(ScopedAdminMixin, SimpleHistoryAdmin):
    list_display = ["participant", "village", "programme", "event_date", "paid_on", "amount"]
    list_filter = ["programme", "participant__village__district__regency"]
    list_select_related = ["participant__village"]
    search_fields = ["participant__name", "=participant__nik", "participant__village__name"]
    autocomplete_fields = ["participant", "recorded_by"]
    date_hierarchy = "event_date"

    @admin.display(description=_("desa"), ordering="participant__village__code")
    def village(self, claim: Claim):
        return claim.participant.village


@admin.register(ImportBatch)
class ImportBatchAdmin(ScopedAdminMixin, admin.ModelAdmin):
    list_display = ["original_name", "kind", "status", "uploaded_by", "village", "created_at", "confirmed_at"]
    list_filter = ["kind", "status"]
    list_select_related = ["uploaded_by", "village"]
    search_fields = ["original_name", "uploaded_by__username", "village__name"]
    autocomplete_fields = ["uploaded_by", "village"]
    readonly_fields = ["summary", "created_at", "confirmed_at"]
    date_hierarchy = "created_at"


def stat_column(field: str, label: str):
    """A list column of a statistics table with an Indonesian header (the models' fields have none)."""

    @admin.display(description=label, ordering=field)
    def column(stat: VillageMonthStat):
        return getattr(stat, field)

    column.__name__ = f"{field}_column"
    return column


@admin.register(VillageMonthStat)
class VillageMonthStatAdmin(ReadOnlyAdminMixin, ScopedAdminMixin, admin.ModelAdmin):
    """Derived rows (manage.py refresh_stats): shown for checking, never edited by hand."""

    list_display = [
        stat_column("village", _("desa")),
        stat_column("month", _("bulan")),
        stat_column("enrolled", _("terdaftar")),
        stat_column("active", _("aktif")),
        stat_column("arrears", _("menunggak")),
        stat_column("inactive", _("nonaktif")),
        stat_column("new_enrolments", _("daftar baru")),
        stat_column("exits", _("keluar")),
        stat_column("contribution_amount", _("iuran (Rp)")),
    ]
    list_filter = ["village__district__regency"]
    list_select_related = ["village"]
    search_fields = ["village__name", "village__code"]
    date_hierarchy = "month"
    show_full_result_count = False
    actions = ["rebuild"]

    def has_rebuild_permission(self, request) -> bool:
        return request.user.is_superuser

    @admin.action(
        description=_("Hitung ulang statistik desa-desa baris terpilih (pekerjaan latar)"), permissions=["rebuild"]
    )
    def rebuild(self, request, queryset) -> None:
        """A full rebuild of the villages of the chosen rows ("pilih semua" for every village), as a background
        job; the message links to its progress page."""
        village_ids = sorted(queryset.order_by().values_list("village_id", flat=True).distinct())
        job = stats_rebuild_start(owner=request.user, since=None, village_ids=village_ids)
        self.message_user(
            request,
            format_html(
                'Statistik {} desa dihitung ulang: <a href="{}">{}</a>.',
                len(village_ids),
                job.get_absolute_url(),
                job.get_status_display(),
            ),
        )


@admin.register(HamletMonthStat)
class HamletMonthStatAdmin(ReadOnlyAdminMixin, ScopedAdminMixin, admin.ModelAdmin):
    """Derived rows of the village pages' jorong heat map, kept with the statistics: shown for checking."""

    list_display = [
        stat_column("village", _("desa")),
        stat_column("hamlet", _("jorong/dusun")),
        stat_column("month", _("bulan")),
        stat_column("enrolled", _("terdaftar")),
        stat_column("active", _("aktif")),
    ]
    list_filter = ["village__district__regency"]
    list_select_related = ["village"]
    search_fields = ["village__name", "village__code", "hamlet"]
    date_hierarchy = "month"
    show_full_result_count = False


@admin.register(Benefit)
class BenefitAdmin(ScopedAdminMixin, SimpleHistoryAdmin):
    """Benefits fixed by regulation (JKM's santunan), from an event date on; claims are checked against them."""

    list_display = ["programme", "valid_from", "amount", "regulation"]
    list_filter = ["programme"]
