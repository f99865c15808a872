"""Django admin of regions, villages and their programme membership, in Indonesian.

The branch administrator sets up villages, users and their village assignments here.
"""

from __future__ import annotations

from axes.admin import AccessAttemptAdmin, AccessFailureLogAdmin, AccessLogAdmin
from axes.models import AccessAttempt, AccessFailureLog, AccessLog
from django.contrib import admin
from django.contrib.auth.admin import UserAdmin
from django.contrib.auth.models import User
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from simple_history.admin import SimpleHistoryAdmin

from villages.admin_scope import BoundedChangeListMixin, ReadOnlyAdminMixin, ScopedAdminMixin
from villages.designation import ApparatusHeadcount, DesignationCriterion
from villages.models import (
    Activity,
    Agent,
    Assignment,
    Award,
    Budget,
    Commitment,
    District,
    ExportLog,
    Regency,
    Target,
    Village,
)
from villages.residents import Denominator, OccupationCode, Resident, ResidentList


class InProgrammeFilter(admin.SimpleListFilter):
    title = _("program Desa Sadar")
    parameter_name = "program"

    def lookups(self, request, model_admin):
        return [("ya", _("Sudah bergabung")), ("tidak", _("Belum bergabung"))]

    def queryset(self, request, queryset):
        if self.value() == "ya":
            return queryset.filter(joined_on__isnull=False)
        if self.value() == "tidak":
            return queryset.filter(joined_on__isnull=True)
        return queryset


@admin.register(Regency)
class RegencyAdmin(ScopedAdminMixin, admin.ModelAdmin):
    list_display = ["code", "name", "kind", "population", "population_year"]
    list_filter = ["kind"]
    search_fields = ["code", "name"]


@admin.register(OccupationCode)
class OccupationCodeAdmin(ScopedAdminMixin, admin.ModelAdmin):
    """Dukcapil's occupation codes: which count as working and as informal (BPU) in the resident denominators."""

    list_display = ["code", "name", "working", "informal"]
    list_editable = ["working", "informal"]
    list_filter = ["working", "informal"]
    search_fields = ["name"]


@admin.register(District)
class DistrictAdmin(ScopedAdminMixin, admin.ModelAdmin):
    list_display = ["code", "name", "regency"]
    list_filter = ["regency"]
    list_select_related = ["regency"]
    search_fields = ["code", "name", "regency__name"]
    autocomplete_fields = ["regency"]


class CommitmentInline(ScopedAdminMixin, admin.TabularInline):
    model = Commitment
    extra = 0
    fields = ["kind", "number", "title", "signed_on", "valid_until"]


class BudgetInline(ScopedAdminMixin, admin.TabularInline):
    model = Budget
    extra = 0


class AgentInline(ScopedAdminMixin, admin.TabularInline):
    model = Agent
    extra = 0
    fields = ["name", "role", "phone", "active_since", "active_until"]


class AwardInline(ScopedAdminMixin, admin.TabularInline):
    model = Award
    extra = 0


class TargetInline(ScopedAdminMixin, admin.TabularInline):
    model = Target
    extra = 0


@admin.register(Village)
class VillageAdmin(ScopedAdminMixin, SimpleHistoryAdmin):
    list_display = ["code", "name", "kind", "district", "regency_name", "joined_on", "working_age_population"]
    list_filter = [InProgrammeFilter, "kind", "district__regency"]
    list_select_related = ["district__regency"]
    search_fields = ["code", "name", "district__name"]
    autocomplete_fields = ["district"]
    readonly_fields = ["commitment_today"]
    inlines = [CommitmentInline, BudgetInline, AgentInline, AwardInline, TargetInline]
    fieldsets = [
        (None, {"fields": ["code", "name", "kind", "district", "head_name", "phone"]}),
        (
            _("Penduduk"),
            {
                "fields": [
                    ("population", "population_source", "population_year"),
                    ("working_age_population", "working_age_source", "working_age_year"),
                ]
            },
        ),
        (_("Program Desa Sadar"), {"fields": ["joined_on", "commitment_today"]}),
    ]

    @admin.display(description=_("kabupaten/kota"), ordering="district__regency__code")
    def regency_name(self, village: Village) -> str:
        return village.district.regency.name

    @admin.display(description=_("skor komitmen hari ini (0–4)"))
    def commitment_today(self, village: Village) -> str:
        if village.pk is None:
            return "—"
        return f"{village.commitment_score(on=timezone.localdate())} / 4"


@admin.register(Assignment)
class AssignmentAdmin(ScopedAdminMixin, admin.ModelAdmin):
    list_display = ["user", "village", "district"]
    list_select_related = ["user", "village__district"]
    list_filter = ["village__district__regency"]
    search_fields = ["user__username", "user__first_name", "user__last_name", "village__name", "village__code"]
    autocomplete_fields = ["user", "village"]

    @admin.display(description=_("kecamatan"), ordering="village__district__code")
    def district(self, assignment: Assignment):
        return assignment.village.district


class VillageChildAdmin(ScopedAdminMixin, admin.ModelAdmin):
    """Common set-up of the models that belong to one village."""

    list_select_related = ["village"]
    search_fields = ["village__name", "village__code"]
    autocomplete_fields = ["village"]


@admin.register(Commitment)
class CommitmentAdmin(VillageChildAdmin):
    list_display = ["village", "kind", "number", "signed_on", "valid_until"]
    list_filter = ["kind", "village__district__regency"]
    search_fields = [*VillageChildAdmin.search_fields, "number", "title"]
    date_hierarchy = "signed_on"


@admin.register(Budget)
class BudgetAdmin(VillageChildAdmin):
    list_display = ["village", "year", "amount"]
    list_filter = ["year", "village__district__regency"]


@admin.register(Agent)
class AgentAdmin(VillageChildAdmin):
    list_display = ["name", "role", "village", "phone", "active_since", "active_until"]
    list_filter = ["role", "village__district__regency"]
    search_fields = [*VillageChildAdmin.search_fields, "name", "phone"]


@admin.register(Award)
class AwardAdmin(VillageChildAdmin):
    list_display = ["village", "year", "level", "rank", "title"]
    list_filter = ["level", "rank", "year"]


@admin.register(Target)
class TargetAdmin(VillageChildAdmin):
    list_display = ["village", "year", "active_participants"]
    list_filter = ["year", "village__district__regency"]


@admin.register(Activity)
class ActivityAdmin(ScopedAdminMixin, SimpleHistoryAdmin):
    list_display = ["date", "kind", "village", "title", "attendees", "enrolled_on_spot", "recorded_by"]
    list_filter = ["kind", "village__district__regency"]
    list_select_related = ["village", "recorded_by"]
    search_fields = ["village__name", "village__code", "title", "notes"]
    autocomplete_fields = ["village", "recorded_by"]
    date_hierarchy = "date"


@admin.register(ExportLog)
class ExportLogAdmin(ReadOnlyAdminMixin, ScopedAdminMixin, admin.ModelAdmin):
    """The audit trail of exports: nobody edits or deletes it."""

    list_display = ["created_at", "user", "what", "file_format", "rows", "personal_data"]
    list_filter = ["personal_data", "file_format"]
    list_select_related = ["user"]
    search_fields = ["user__username", "what"]
    date_hierarchy = "created_at"


@admin.register(ResidentList)
class ResidentListAdmin(ReadOnlyAdminMixin, ScopedAdminMixin, admin.ModelAdmin):
    """Written by the resident import; deleted from the village's resident page."""

    list_display = ["village", "imported_at", "uploaded_by"]
    list_select_related = ["village", "uploaded_by"]
    search_fields = ["village__name", "village__code"]


@admin.register(Resident)
class ResidentAdmin(ReadOnlyAdminMixin, ScopedAdminMixin, admin.ModelAdmin):
    """Residents of the villages' lists, NIK masked (UU PDP: they are not participants)."""

    list_display = ["name", "masked_nik", "village", "hamlet", "occupation", "status"]
    list_filter = ["status", "village__district__regency"]
    list_select_related = ["village", "occupation"]
    search_fields = ["name", "village__name"]
    exclude = ["nik", "birth_date"]
    readonly_fields = ["masked_nik"]

    @admin.display(description=_("NIK"))
    def masked_nik(self, resident: Resident) -> str:
        return resident.masked_nik


@admin.register(Denominator)
class DenominatorAdmin(ReadOnlyAdminMixin, ScopedAdminMixin, admin.ModelAdmin):
    list_display = ["village", "hamlet", "as_of", "source", "alive", "aged_15", "working", "informal"]
    list_select_related = ["village"]
    search_fields = ["village__name", "hamlet"]
    date_hierarchy = "as_of"


class AssignmentInline(ScopedAdminMixin, admin.TabularInline):
    model = Assignment
    extra = 0
    autocomplete_fields = ["village"]
    verbose_name = _("desa yang ditugaskan")
    verbose_name_plural = _("desa yang ditugaskan (khusus Operator Desa)")


# django-axes' login logs, with the guard against an impossible year in their date hierarchy.
for axes_model, axes_admin in (
    (AccessAttempt, AccessAttemptAdmin),
    (AccessLog, AccessLogAdmin),
    (AccessFailureLog, AccessFailureLogAdmin),
):
    if admin.site.is_registered(axes_model):
        admin.site.unregister(axes_model)
        admin.site.register(axes_model, type(axes_admin.__name__, (BoundedChangeListMixin, axes_admin), {}))

admin.site.unregister(User)


@admin.register(User)
class UserWithVillagesAdmin(ScopedAdminMixin, UserAdmin):
    """The stock user admin plus the villages an official may reach."""

    inlines = [*UserAdmin.inlines, AssignmentInline]
    list_display = ["username", "first_name", "last_name", "email", "is_active", "is_staff", "roles"]
    list_filter = [*UserAdmin.list_filter, "village_assignments__village__district__regency"]

    def get_queryset(self, request):
        return super().get_queryset(request).prefetch_related("groups")

    @admin.display(description=_("peran"))
    def roles(self, user: User) -> str:
        return ", ".join(group.name for group in user.groups.all()) or "—"


@admin.register(DesignationCriterion)
class DesignationCriterionAdmin(ScopedAdminMixin, SimpleHistoryAdmin):
    """The programme's bar: thresholds the village pages, the villages list and the anev measure against."""

    list_display = ["name", "measure", "bar_text", "source", "order"]
    search_fields = ["name", "source"]

    @admin.display(description=_("ambang"))
    def bar_text(self, criterion: DesignationCriterion) -> str:
        return criterion.bar_text


@admin.register(ApparatusHeadcount)
class ApparatusHeadcountAdmin(ScopedAdminMixin, SimpleHistoryAdmin):
    list_display = ["village", "count", "year", "source"]
    list_select_related = ["village"]
    search_fields = ["village__name", "village__code"]
    autocomplete_fields = ["village"]
