"""Anev cycles and village evaluations, read-only: the values each evaluation stored, frozen once approved."""

from __future__ import annotations

from drf_spectacular.utils import extend_schema, extend_schema_view
from rest_framework import viewsets

from api import selectors
from api.filters import CycleFilter, EvaluationFilter
from api.serializers.evaluations import EvaluationCycleSerializer, VillageEvaluationSerializer
from api.views.base import ApiViewMixin


@extend_schema_view(
    list=extend_schema(summary="Siklus anev (pejabat desa: siklus yang mengevaluasi desanya)"),
    retrieve=extend_schema(summary="Satu siklus anev"),
)
class EvaluationCycleViewSet(ApiViewMixin, viewsets.ReadOnlyModelViewSet):
    serializer_class = EvaluationCycleSerializer
    filterset_class = CycleFilter
    ordering_fields = {"start_month": "start_month", "name": "name"}
    ordering = ["-start_month"]

    def get_queryset(self):
        return selectors.cycles_for(self.request.user)


@extend_schema_view(
    list=extend_schema(summary="Evaluasi desa dalam cakupan pengguna"),
    retrieve=extend_schema(summary="Satu evaluasi desa: nilai, skor pilar, kategori, temuan, rencana aksi"),
)
class VillageEvaluationViewSet(ApiViewMixin, viewsets.ReadOnlyModelViewSet):
    serializer_class = VillageEvaluationSerializer
    filterset_class = EvaluationFilter
    ordering_fields = {"cycle": "cycle__start_month", "village": "village__code", "score": "overall_score"}
    ordering = ["cycle", "village"]

    def get_queryset(self):
        return selectors.evaluations_for(self.request.user)
