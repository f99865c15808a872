"""What the API says about anev cycles and village evaluations: the stored values, frozen once approved."""

from __future__ import annotations

from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from api.fields import MonthField
from evaluations.models import ActionItem, EvaluationCycle, PillarScore, VillageEvaluation

FROZEN_VALUES_SCHEMA = {
    "type": "object",
    "description": "Nilai indikator yang disimpan saat evaluasi dihitung, per kunci indikator "
    "(value, numerator, denominator, period, display, score, …).",
    "additionalProperties": {"type": "object"},
}


class EvaluationCycleSerializer(serializers.ModelSerializer):
    start_month = MonthField()
    end_month = MonthField()
    rubric = serializers.CharField(source="rubric.name", read_only=True)

    class Meta:
        model = EvaluationCycle
        fields = ["id", "name", "start_month", "end_month", "baseline_date", "rubric", "status", "previous"]


class PillarScoreSerializer(serializers.ModelSerializer):
    score = serializers.DecimalField(max_digits=3, decimal_places=2, read_only=True, allow_null=True)

    class Meta:
        model = PillarScore
        fields = ["pillar", "computed_score", "baseline_score", "adjusted_score", "score", "justification"]


class ActionItemSerializer(serializers.ModelSerializer):
    class Meta:
        model = ActionItem
        fields = ["id", "action", "pillar", "owner", "due_date", "status"]


@extend_schema_field(FROZEN_VALUES_SCHEMA)
class FrozenValuesField(serializers.JSONField):
    pass


class VillageEvaluationSerializer(serializers.ModelSerializer):
    cycle_name = serializers.CharField(source="cycle.name", read_only=True)
    village_code = serializers.CharField(source="village.code", read_only=True)
    village_name = serializers.CharField(source="village.name", read_only=True)
    locked = serializers.BooleanField(
        source="is_locked", read_only=True, help_text="Disetujui: nilai tidak berubah lagi."
    )
    values = FrozenValuesField(read_only=True)
    baseline_values = FrozenValuesField(read_only=True)
    pillar_scores = PillarScoreSerializer(many=True, read_only=True)
    action_items = ActionItemSerializer(many=True, read_only=True)

    class Meta:
        model = VillageEvaluation
        fields = [
            "id",
            "cycle",
            "cycle_name",
            "village",
            "village_code",
            "village_name",
            "status",
            "locked",
            "values",
            "baseline_values",
            "overall_score",
            "category",
            "findings",
            "recommendations",
            "computed_at",
            "pillar_scores",
            "action_items",
        ]
