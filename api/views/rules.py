"""GET /api/v1/contribution-rules/: what the payment form needs to price months and check a NIK offline."""

from __future__ import annotations

from drf_spectacular.utils import extend_schema
from rest_framework.generics import GenericAPIView
from rest_framework.response import Response

from api import selectors
from api.serializers.rules import ContributionRulesSerializer
from api.views.base import ApiViewMixin


class ContributionRulesView(ApiViewMixin, GenericAPIView):
    filter_backends = []
    pagination_class = None
    serializer_class = ContributionRulesSerializer

    @extend_schema(summary="Aturan iuran (tarif, keringanan, sektor pekerjaan) dan kode provinsi NIK, untuk luring")
    def get(self, request):
        data = ContributionRulesSerializer(selectors.contribution_rules()).data
        return Response(data, headers={"Cache-Control": "private, no-cache"})
