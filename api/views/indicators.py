"""Indicators for any scope and period, from the one registry the pages read (`indicators.REGISTRY`).

Each answer carries an ETag of its content: a client that sends it back in
If-None-Match gets a 304 without the body while the figures have not changed.
"""

from __future__ import annotations

import hashlib

from django.utils.translation import gettext as _
from drf_spectacular.utils import OpenApiResponse, extend_schema
from rest_framework import serializers, status
from rest_framework.exceptions import NotFound
from rest_framework.generics import GenericAPIView
from rest_framework.renderers import JSONRenderer
from rest_framework.response import Response

from api import selectors
from api.fields import MAX_ID, MonthField
from api.messages import localise
from api.serializers.indicators import (
    IndicatorsSerializer,
    VillageIndicatorsSerializer,
    part_data,
    result_data,
)
from api.views.base import ApiViewMixin, validated
from core.dates import month_range_error
from dashboards import selectors as dashboard_selectors
from indicators import REGISTRY, Period, indicators_by_village, indicators_compute
from villages.models import Village

DEFAULT_MONTHS = 12


class IndicatorQuerySerializer(serializers.Serializer):
    village = serializers.IntegerField(required=False, min_value=1, max_value=MAX_ID, help_text="Id desa/nagari.")
    district = serializers.CharField(required=False, max_length=8, help_text="Kode kecamatan, misalnya 13.02.07.")
    regency = serializers.CharField(required=False, max_length=5, help_text="Kode kabupaten/kota, misalnya 13.02.")
    start = MonthField(
        required=False, help_text="Bulan awal periode (YYYY-MM), bersama end; bawaan: 12 bulan penuh terakhir."
    )
    end = MonthField(required=False, help_text="Bulan akhir periode (YYYY-MM); paling akhir bulan ini.")
    keys = serializers.CharField(
        required=False, help_text="Kunci indikator dipisah koma; bawaan semua: " + ", ".join(REGISTRY) + "."
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        localise(self)

    def validate_keys(self, value: str) -> list[str]:
        keys = [key.strip() for key in value.split(",") if key.strip()]
        unknown = [key for key in keys if key not in REGISTRY]
        if unknown or not keys:
            raise serializers.ValidationError(
                _("Indikator tidak dikenal: %(keys)s. Pilihan: %(choices)s.")
                % {"keys": ", ".join(unknown) or value, "choices": ", ".join(REGISTRY)}
            )
        return list(dict.fromkeys(keys))

    def validate(self, attrs: dict) -> dict:
        if sum(attrs.get(name) is not None for name in ("village", "district", "regency")) > 1:
            raise serializers.ValidationError(_("Pilih salah satu: village, district atau regency."))
        start, end = attrs.get("start"), attrs.get("end")
        if (start is None) != (end is None):
            raise serializers.ValidationError(_("Isi start dan end bersama-sama, atau kosongkan keduanya."))
        if start is None:
            attrs["period"] = Period.last_full_months(DEFAULT_MONTHS)
            return attrs
        problems = {name: month_range_error(month) for name, month in (("start", start), ("end", end))}
        problems = {name: [problem] for name, problem in problems.items() if problem}
        if problems:
            raise serializers.ValidationError(problems)
        if start > end:
            raise serializers.ValidationError({"end": [_("Bulan akhir tidak boleh sebelum bulan awal.")]})
        attrs["period"] = Period(start=start, end=end)
        return attrs


class VillageIndicatorQuerySerializer(IndicatorQuerySerializer):
    kind = serializers.ChoiceField(required=False, choices=Village.Kind.choices)
    ordering = serializers.CharField(
        required=False, help_text="code, name atau kunci indikator; diawali - untuk menurun. Bawaan: code."
    )

    def validate_ordering(self, value: str) -> str:
        if value.lstrip("-") not in ("code", "name", *REGISTRY) or value.count("-") > 1:
            raise serializers.ValidationError(
                _("Urutan tidak dikenal: %(term)s. Pilihan: code, name, %(keys)s (awali dengan - untuk menurun).")
                % {"term": value, "keys": ", ".join(REGISTRY)}
            )
        return value


def _etag_response(request, data: dict) -> Response:
    etag = '"' + hashlib.sha256(JSONRenderer().render(data)).hexdigest()[:32] + '"'
    headers = {"ETag": etag, "Cache-Control": "private, no-cache", "Vary": "Authorization, Cookie"}
    wanted = {tag.strip() for tag in request.headers.get("If-None-Match", "").split(",")}
    if etag in wanted or "*" in wanted:
        return Response(status=status.HTTP_304_NOT_MODIFIED, headers=headers)
    return Response(data, headers=headers)


def _scope(request, query: dict) -> dict:
    scope = selectors.indicator_scope(
        user=request.user, village=query.get("village"), district=query.get("district"), regency=query.get("regency")
    )
    if scope is None:
        raise NotFound(_("Wilayah tidak ditemukan."))
    return scope


class IndicatorView(ApiViewMixin, GenericAPIView):
    filter_backends = []
    pagination_class = None

    @extend_schema(
        summary="Indikator untuk satu cakupan dan periode: nilai, pembilang, penyebut, periode, definisi",
        parameters=[IndicatorQuerySerializer],
        responses={200: IndicatorsSerializer, 304: OpenApiResponse(description="Tidak berubah (If-None-Match).")},
    )
    def get(self, request):
        query = validated(IndicatorQuerySerializer(data=request.query_params))
        scope = _scope(request, query)
        period = query["period"]
        villages = scope.pop("villages")
        results = indicators_compute(villages=villages, period=period, keys=query.get("keys"))
        data = {
            "scope": {**scope, "villages": villages.count()},
            "period": {"start": period.start, "end": period.end, "label": period.label},
            "results": [result_data(result) for result in results.values()],
        }
        return _etag_response(request, IndicatorsSerializer(data).data)


class VillageIndicatorView(ApiViewMixin, GenericAPIView):
    filter_backends = []

    @extend_schema(
        summary="Indikator per desa (peringkat seperti daftar desa), satu halaman",
        parameters=[VillageIndicatorQuerySerializer],
        responses={200: VillageIndicatorsSerializer(many=True)},
    )
    def get(self, request):
        query = validated(VillageIndicatorQuerySerializer(data=request.query_params))
        scope = _scope(request, query)
        villages = scope["villages"]
        if query.get("kind"):
            villages = villages.filter(kind=query["kind"])
        ordering = query.get("ordering", "code")
        sort = ordering.lstrip("-")
        keys = query.get("keys") or list(REGISTRY)
        computed = keys + ([sort] if sort in REGISTRY and sort not in keys else [])
        results = indicators_by_village(villages=villages, period=query["period"], keys=computed)
        rows = dashboard_selectors.ranking(
            villages=dashboard_selectors.village_rows(villages=villages),
            results=results,
            reported={},
            sort=sort,
            descending=ordering.startswith("-"),
        )
        page = self.paginate_queryset(rows)
        data = [
            {
                "village": {"id": row.village["pk"], "code": row.village["code"], "name": row.village["name"]},
                "results": [part_data(row.results[key]) for key in keys],
            }
            for row in page
        ]
        response = self.get_paginated_response(VillageIndicatorsSerializer(data, many=True).data)
        return _etag_response(request, response.data)
