"""Regions, villages with their programme record, and engagement activities (read, record, change)."""

from __future__ import annotations

from drf_spectacular.utils import extend_schema, extend_schema_view
from rest_framework import mixins, status, viewsets
from rest_framework.response import Response

from api import selectors
from api.filters import ActivityFilter, DistrictFilter, VillageFilter
from api.idempotency import idempotent
from api.serializers.base import chosen_village
from api.serializers.villages import (
    ActivityInputSerializer,
    ActivitySerializer,
    DistrictSerializer,
    RegencySerializer,
    VillageSerializer,
)
from api.views.base import ApiViewMixin, validated
from villages import services


@extend_schema_view(
    list=extend_schema(summary="Kabupaten/kota dalam cakupan pengguna, dengan kecamatannya"),
    retrieve=extend_schema(summary="Satu kabupaten/kota menurut kodenya"),
)
class RegencyViewSet(ApiViewMixin, viewsets.ReadOnlyModelViewSet):
    serializer_class = RegencySerializer
    lookup_field = "code"
    ordering_fields = {"code": "code", "name": "name"}
    ordering = ["code"]

    def get_queryset(self):
        return selectors.regencies_for(self.request.user)


@extend_schema_view(
    list=extend_schema(summary="Kecamatan dalam cakupan pengguna"),
    retrieve=extend_schema(summary="Satu kecamatan menurut kodenya"),
)
class DistrictViewSet(ApiViewMixin, viewsets.ReadOnlyModelViewSet):
    serializer_class = DistrictSerializer
    filterset_class = DistrictFilter
    lookup_field = "code"
    ordering_fields = {"code": "code", "name": "name"}
    ordering = ["code"]

    def get_queryset(self):
        return selectors.districts_for(self.request.user)


@extend_schema_view(
    list=extend_schema(summary="Desa/nagari dalam cakupan pengguna, dengan rekam jejak program"),
    retrieve=extend_schema(summary="Satu desa/nagari: komitmen, agen, penghargaan, target, anggaran, penyebut"),
)
class VillageViewSet(ApiViewMixin, viewsets.ReadOnlyModelViewSet):
    serializer_class = VillageSerializer
    filterset_class = VillageFilter
    ordering_fields = {"code": "code", "name": "name", "joined_on": "joined_on"}
    ordering = ["code"]

    def get_queryset(self):
        return selectors.villages_for(self.request.user)


@extend_schema_view(
    list=extend_schema(summary="Kegiatan di desa dalam cakupan pengguna"),
    retrieve=extend_schema(summary="Satu kegiatan"),
    create=extend_schema(
        summary="Catat kegiatan", request=ActivityInputSerializer, responses={201: ActivitySerializer}
    ),
    partial_update=extend_schema(
        summary="Ubah kegiatan", request=ActivityInputSerializer, responses={200: ActivitySerializer}
    ),
)
class ActivityViewSet(
    ApiViewMixin,
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    mixins.CreateModelMixin,
    mixins.UpdateModelMixin,
    viewsets.GenericViewSet,
):
    serializer_class = ActivitySerializer
    filterset_class = ActivityFilter
    http_method_names = ["get", "post", "patch", "head"]
    action_permissions = {"create": "villages.add_activity", "partial_update": "villages.change_activity"}
    ordering_fields = {"date": "date", "village": "village__code", "kind": "kind"}
    ordering = ["-date"]

    def get_queryset(self):
        return selectors.activities_for(self.request.user)

    def create(self, request, *args, **kwargs):
        def write() -> Response:
            data = validated(ActivityInputSerializer(data=request.data, context=self.get_serializer_context()))
            village = chosen_village(user=request.user, village=data.pop("village", None))
            activity = services.activity_record(user=request.user, village=village, **data)
            return Response(ActivitySerializer(activity).data, status=status.HTTP_201_CREATED)

        return idempotent(request, write)

    def partial_update(self, request, *args, **kwargs):
        activity = self.get_object()

        def write() -> Response:
            context = self.get_serializer_context()
            changes = validated(ActivityInputSerializer(data=request.data, partial=True, context=context))
            activity_saved = services.activity_update(user=request.user, activity=activity, **changes)
            return Response(ActivitySerializer(activity_saved).data)

        return idempotent(request, write)
