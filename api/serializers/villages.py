"""What the API says about regions, villages (with their programme record) and engagement activities."""

from __future__ import annotations

from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from api.fields import MAX_INT, DateField
from api.serializers.base import InputSerializer, ScopedVillageField
from villages.models import Activity, Agent, Award, Budget, Commitment, District, Regency, Target, Village


class DistrictBriefSerializer(serializers.ModelSerializer):
    class Meta:
        model = District
        fields = ["code", "name"]


class RegencyBriefSerializer(serializers.ModelSerializer):
    class Meta:
        model = Regency
        fields = ["code", "name"]


class RegencySerializer(serializers.ModelSerializer):
    districts = DistrictBriefSerializer(many=True, read_only=True, source="scoped_districts")

    class Meta:
        model = Regency
        fields = ["code", "name", "kind", "population", "population_source", "population_year", "districts"]


class DistrictSerializer(serializers.ModelSerializer):
    regency = serializers.CharField(source="regency.code", read_only=True)

    class Meta:
        model = District
        fields = ["code", "name", "regency"]


class CommitmentSerializer(serializers.ModelSerializer):
    class Meta:
        model = Commitment
        fields = ["kind", "number", "title", "signed_on", "valid_until"]


class AgentSerializer(serializers.ModelSerializer):
    class Meta:
        model = Agent
        fields = ["name", "role", "phone", "active_since", "active_until"]


class AwardSerializer(serializers.ModelSerializer):
    class Meta:
        model = Award
        fields = ["year", "level", "rank", "title"]


class TargetSerializer(serializers.ModelSerializer):
    class Meta:
        model = Target
        fields = ["year", "active_participants"]


class BudgetSerializer(serializers.ModelSerializer):
    class Meta:
        model = Budget
        fields = ["year", "amount"]


class DenominatorSerializer(serializers.Serializer):
    value = serializers.IntegerField(allow_null=True)
    source = serializers.CharField()
    year = serializers.IntegerField(allow_null=True)


class DenominatorsSerializer(serializers.Serializer):
    population = DenominatorSerializer()
    working_age = DenominatorSerializer(help_text="Penduduk usia kerja: penyebut cakupan kepesertaan.")


class VillageSerializer(serializers.ModelSerializer):
    district = DistrictBriefSerializer(read_only=True)
    regency = serializers.SerializerMethodField()
    in_programme = serializers.SerializerMethodField()
    denominators = serializers.SerializerMethodField()
    commitments = CommitmentSerializer(many=True, read_only=True)
    agents = AgentSerializer(many=True, read_only=True)
    awards = AwardSerializer(many=True, read_only=True)
    targets = TargetSerializer(many=True, read_only=True)
    budgets = BudgetSerializer(many=True, read_only=True)

    class Meta:
        model = Village
        fields = [
            "id",
            "code",
            "name",
            "kind",
            "district",
            "regency",
            "joined_on",
            "in_programme",
            "head_name",
            "phone",
            "denominators",
            "commitments",
            "agents",
            "awards",
            "targets",
            "budgets",
        ]

    @extend_schema_field(RegencyBriefSerializer)
    def get_regency(self, village: Village) -> dict:
        return RegencyBriefSerializer(village.district.regency).data

    def get_in_programme(self, village: Village) -> bool:
        return village.joined_on is not None

    @extend_schema_field(DenominatorsSerializer)
    def get_denominators(self, village: Village) -> dict:
        return {
            "population": {
                "value": village.population,
                "source": village.population_source,
                "year": village.population_year,
            },
            "working_age": {
                "value": village.working_age_population,
                "source": village.working_age_source,
                "year": village.working_age_year,
            },
        }


class ActivitySerializer(serializers.ModelSerializer):
    class Meta:
        model = Activity
        fields = ["id", "village", "date", "kind", "title", "attendees", "enrolled_on_spot", "notes"]


class ActivityInputSerializer(InputSerializer):
    """An activity recorded (POST) or changed (PATCH) through villages.services."""

    village = ScopedVillageField(required=False, help_text="Bisa dikosongkan bila pengguna hanya punya satu desa.")
    date = DateField()
    kind = serializers.ChoiceField(choices=Activity.Kind.choices)
    title = serializers.CharField(required=False, allow_blank=True)
    attendees = serializers.IntegerField(required=False, min_value=0, max_value=MAX_INT)
    enrolled_on_spot = serializers.IntegerField(required=False, min_value=0, max_value=MAX_INT)
    notes = serializers.CharField(required=False, allow_blank=True)
