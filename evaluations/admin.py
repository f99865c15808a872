"""Django admin of the anev: rubrics, cycles, village evaluations and their action plans."""

from __future__ import annotations

from django.contrib import admin
from django.db.models import Count
from django.utils.translation import gettext_lazy as _
from simple_history.admin import SimpleHistoryAdmin

from evaluations.models import (
    ActionItem,
    Category,
    EvaluationCycle,
    EvaluationStep,
    PillarScore,
    Rubric,
    RubricItem,
    VillageEvaluation,
)
from villages.admin_scope import ReadOnlyAdminMixin, ScopedAdminMixin


class RubricItemInline(ScopedAdminMixin, admin.TabularInline):
    model = RubricItem
    extra = 0
    fields = [
        "indicator",
        "pillar",
        "weight",
        "higher_is_better",
        "threshold_2",
        "threshold_3",
        "threshold_4",
        "threshold_5",
    ]


class CategoryInline(ScopedAdminMixin, admin.TabularInline):
    model = Category
    extra = 0


@admin.register(Rubric)
class RubricAdmin(ScopedAdminMixin, admin.ModelAdmin):
    list_display = ["name", "items_count", "categories_count"]
    search_fields = ["name", "description"]
    inlines = [RubricItemInline, CategoryInline]

    def get_queryset(self, request):
        return (
            super()
            .get_queryset(request)
            .annotate(items_total=Count("items", distinct=True), categories_total=Count("categories", distinct=True))
        )

    @admin.display(description=_("butir"), ordering="items_total")
    def items_count(self, rubric: Rubric) -> int:
        return rubric.items_total

    @admin.display(description=_("kategori"), ordering="categories_total")
    def categories_count(self, rubric: Rubric) -> int:
        return rubric.categories_total


@admin.register(RubricItem)
class RubricItemAdmin(ScopedAdminMixin, admin.ModelAdmin):
    list_display = ["indicator", "rubric", "pillar", "weight", "higher_is_better", "threshold_2", "threshold_5"]
    list_filter = ["rubric", "pillar"]
    list_select_related = ["rubric"]
    search_fields = ["indicator", "rubric__name"]
    autocomplete_fields = ["rubric"]


@admin.register(Category)
class CategoryAdmin(ScopedAdminMixin, admin.ModelAdmin):
    list_display = ["name", "rubric", "min_score", "description"]
    list_filter = ["rubric"]
    list_select_related = ["rubric"]
    search_fields = ["name", "rubric__name"]
    autocomplete_fields = ["rubric"]


@admin.register(EvaluationCycle)
class EvaluationCycleAdmin(ScopedAdminMixin, admin.ModelAdmin):
    list_display = ["name", "start_month", "end_month", "baseline_date", "rubric", "status", "evaluations_count"]
    list_filter = ["status", "rubric"]
    list_select_related = ["rubric"]
    search_fields = ["name"]
    autocomplete_fields = ["rubric", "previous"]
    readonly_fields = ["created_at"]

    def get_queryset(self, request):
        return super().get_queryset(request).annotate(evaluations_total=Count("evaluations"))

    @admin.display(description=_("evaluasi desa"), ordering="evaluations_total")
    def evaluations_count(self, cycle: EvaluationCycle) -> int:
        return cycle.evaluations_total


class PillarScoreInline(ScopedAdminMixin, admin.TabularInline):
    model = PillarScore
    extra = 0
    fields = ["pillar", "computed_score", "adjusted_score", "justification"]
    readonly_fields = ["computed_score"]

    def has_change_permission(self, request, obj=None) -> bool:
        return super().has_change_permission(request, obj) and not (obj is not None and obj.is_locked)

    def has_delete_permission(self, request, obj=None) -> bool:
        return super().has_delete_permission(request, obj) and not (obj is not None and obj.is_locked)


class ActionItemInline(ScopedAdminMixin, admin.TabularInline):
    model = ActionItem
    extra = 0
    fields = ["action", "pillar", "owner", "due_date", "status"]


class EvaluationStepInline(ScopedAdminMixin, admin.TabularInline):
    """The approval trail is written by the workflow, never by hand."""

    model = EvaluationStep
    extra = 0
    fields = ["action", "user", "at", "comment"]
    readonly_fields = fields
    can_delete = False

    def has_add_permission(self, request, obj=None) -> bool:
        return False


@admin.register(VillageEvaluation)
class VillageEvaluationAdmin(ScopedAdminMixin, SimpleHistoryAdmin):
    list_display = ["village", "cycle", "status", "overall_score", "category", "computed_at"]
    list_filter = ["cycle", "status", "category", "village__district__regency"]
    list_select_related = ["village", "cycle"]
    search_fields = ["village__name", "village__code", "cycle__name"]
    autocomplete_fields = ["village", "cycle"]
    readonly_fields = ["values", "baseline_values", "computed_at"]
    inlines = [PillarScoreInline, ActionItemInline, EvaluationStepInline]

    def has_change_permission(self, request, obj=None) -> bool:
        """An approved evaluation is locked, in the admin too; its action items' status is set on its page."""
        return super().has_change_permission(request, obj) and not (obj is not None and obj.is_locked)

    def has_delete_permission(self, request, obj=None) -> bool:
        return super().has_delete_permission(request, obj) and not (obj is not None and obj.is_locked)


@admin.register(PillarScore)
class PillarScoreAdmin(ScopedAdminMixin, SimpleHistoryAdmin):
    list_display = ["evaluation", "pillar", "computed_score", "adjusted_score"]
    list_filter = ["pillar", "evaluation__cycle"]
    list_select_related = ["evaluation__village", "evaluation__cycle"]
    search_fields = ["evaluation__village__name", "evaluation__village__code"]
    autocomplete_fields = ["evaluation"]

    def has_change_permission(self, request, obj=None) -> bool:
        return super().has_change_permission(request, obj) and not (obj is not None and obj.evaluation.is_locked)

    def has_delete_permission(self, request, obj=None) -> bool:
        return super().has_delete_permission(request, obj) and not (obj is not None and obj.evaluation.is_locked)


@admin.register(ActionItem)
class ActionItemAdmin(ScopedAdminMixin, SimpleHistoryAdmin):
    list_display = ["action", "evaluation", "pillar", "owner", "due_date", "status"]
    list_filter = ["status", "pillar", "evaluation__cycle"]
    list_select_related = ["evaluation__village", "evaluation__cycle"]
    search_fields = ["action", "owner", "evaluation__village__name", "evaluation__village__code"]
    autocomplete_fields = ["evaluation"]
    date_hierarchy = "due_date"


@admin.register(EvaluationStep)
class EvaluationStepAdmin(ReadOnlyAdminMixin, ScopedAdminMixin, admin.ModelAdmin):
    """Read-only: the approval trail of every evaluation."""

    list_display = ["evaluation", "action", "user", "at"]
    list_filter = ["action", "evaluation__cycle"]
    list_select_related = ["evaluation__village", "evaluation__cycle", "user"]
    search_fields = ["evaluation__village__name", "user__username", "comment"]
    date_hierarchy = "at"
