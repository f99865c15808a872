"""The contribution rules as the phones cache them: rates, reliefs, each occupation's sector, NIK provinces.

Read-only and the same for every signed-in user (the rules are the branch's, not a village's):
the payment form prices months with them when there is no signal (`static/js/offline/rules.js`),
the same way `participants.rules.RuleBook.due` does on the server.
"""

from __future__ import annotations

from rest_framework import serializers

from api.fields import MonthField
from participants.models import FundingSource, Occupation, Programme
from participants.rules import Scope


class RateSerializer(serializers.Serializer):
    valid_from = MonthField()
    valid_to = MonthField(allow_null=True)
    jkk_percent = serializers.DecimalField(max_digits=5, decimal_places=2)
    jkm_amount = serializers.IntegerField()
    jht_percent = serializers.DecimalField(max_digits=5, decimal_places=2)
    minimum_income = serializers.IntegerField()


class AdjustmentSerializer(serializers.Serializer):
    name = serializers.CharField()
    percent = serializers.DecimalField(max_digits=5, decimal_places=2)
    programmes = serializers.ListField(child=serializers.ChoiceField(choices=Programme.choices))
    valid_from = MonthField()
    valid_to = MonthField(allow_null=True)
    sector_scope = serializers.ChoiceField(choices=Scope.choices)
    sectors = serializers.ListField(child=serializers.IntegerField(), help_text="Id sektor yang dipilih.")
    funding_scope = serializers.ChoiceField(choices=Scope.choices)
    funding_sources = serializers.ListField(child=serializers.ChoiceField(choices=FundingSource.choices))
    regulation = serializers.CharField()


class ContributionRulesSerializer(serializers.Serializer):
    rates = RateSerializer(many=True)
    adjustments = AdjustmentSerializer(many=True)
    occupation_sectors = serializers.DictField(
        child=serializers.IntegerField(), help_text=f"Pekerjaan ({', '.join(Occupation.values)}) → id sektornya."
    )
    nik_provinces = serializers.ListField(
        child=serializers.CharField(), help_text="Kode provinsi (2 angka pertama NIK) yang dikenal."
    )
    payment_periods = serializers.ListField(child=serializers.IntegerField(), help_text="Banyak bulan sekali bayar.")
