"""The shape of an indicator result in the API: value with its numerator, denominator, period and definition."""

from __future__ import annotations

from decimal import Decimal

from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from api.fields import MonthField
from indicators import REGISTRY, Pillar, Result


@extend_schema_field({"type": "number", "nullable": True})
class NumberField(serializers.Field):
    """A whole number or a decimal (percent, score), or null when undefined (a zero denominator)."""

    def to_representation(self, value: Decimal | int | None):
        return value


class PeriodSerializer(serializers.Serializer):
    start = MonthField()
    end = MonthField()
    label = serializers.CharField()


class ResultPartSerializer(serializers.Serializer):
    key = serializers.CharField()
    label = serializers.CharField()
    value = NumberField()
    numerator = serializers.IntegerField(allow_null=True)
    denominator = serializers.IntegerField(allow_null=True)
    display = serializers.CharField(help_text="Nilai seperti di halaman, misalnya 12,5% atau Rp 1.234.567.")


class ResultSerializer(ResultPartSerializer):
    pillar = serializers.ChoiceField(choices=Pillar.choices)
    unit = serializers.ChoiceField(choices=sorted({indicator.unit for indicator in REGISTRY.values()}))
    definition = serializers.CharField()
    higher_is_better = serializers.BooleanField()
    period = PeriodSerializer()
    breakdown = ResultPartSerializer(many=True)


class ScopeSerializer(serializers.Serializer):
    level = serializers.ChoiceField(choices=["semua", "kabupaten", "kecamatan", "desa"])
    code = serializers.CharField(allow_null=True)
    name = serializers.CharField()
    villages = serializers.IntegerField(help_text="Banyak desa dalam cakupan.")


class IndicatorsSerializer(serializers.Serializer):
    scope = ScopeSerializer()
    period = PeriodSerializer()
    results = ResultSerializer(many=True)


class VillageBriefSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    code = serializers.CharField()
    name = serializers.CharField()


class VillageIndicatorsSerializer(serializers.Serializer):
    village = VillageBriefSerializer()
    results = ResultPartSerializer(many=True)


def period_data(result: Result) -> dict:
    return {"start": result.period.start, "end": result.period.end, "label": result.period.label}


def part_data(result: Result) -> dict:
    label = result.label or REGISTRY[result.key.split(".")[0]].label
    return {
        "key": result.key,
        "label": label,
        "value": result.value,
        "numerator": result.numerator,
        "denominator": result.denominator,
        "display": result.display,
    }


def result_data(result: Result) -> dict:
    indicator = REGISTRY[result.key]
    return {
        **part_data(result),
        "pillar": indicator.pillar,
        "unit": indicator.unit,
        "definition": indicator.definition,
        "higher_is_better": indicator.higher_is_better,
        "period": period_data(result),
        "breakdown": [part_data(part) for part in result.breakdown.values()],
    }
