"""The OpenAPI description of the API, generated from the code by drf-spectacular.

Two additions to what drf-spectacular infers: every operation documents the errors
it can answer (one `Error` shape: `detail` and, for validation, `errors` per field),
and every write documents the `Idempotency-Key` header. The token scheme is an
HTTP bearer scheme.
"""

from __future__ import annotations

from drf_spectacular.extensions import OpenApiAuthenticationExtension
from drf_spectacular.openapi import AutoSchema as SpectacularAutoSchema
from drf_spectacular.utils import OpenApiParameter
from rest_framework import serializers

from api.fields import MAX_ID
from api.idempotency import HEADER

WRITE_METHODS = ("POST", "PUT", "PATCH", "DELETE")


class ErrorSerializer(serializers.Serializer):
    detail = serializers.CharField(help_text="Apa yang salah, dalam satu kalimat.")
    errors = serializers.DictField(
        child=serializers.ListField(child=serializers.JSONField()),
        required=False,
        help_text="Kesalahan validasi per kolom; non_field_errors untuk yang tidak terkait satu kolom.",
    )


ERRORS = {
    "400": "Data atau parameter tidak valid.",
    "401": "Tanpa token atau sesi, atau token tidak dikenal/dicabut.",
    "403": "Peran pengguna tidak berhak.",
    "404": "Tidak ditemukan, atau di luar wilayah pengguna.",
    "413": "Isi permintaan terlalu besar.",
    "415": "Isi permintaan bukan JSON.",
    "422": "Idempotency-Key sudah dipakai untuk permintaan lain.",
    "429": "Terlalu banyak permintaan dengan token ini.",
}
READ_ERRORS = ("400", "401", "403", "404", "429")


class AutoSchema(SpectacularAutoSchema):
    def _resolve_path_parameters(self, variables) -> list[dict]:
        parameters = super()._resolve_path_parameters(variables)
        for parameter in parameters:
            if parameter["name"] == "id":
                # Ids are matched loosely in the URL (a wrong one is a JSON 404) but documented as what they are.
                parameter["schema"] = {"type": "integer", "minimum": 1, "maximum": MAX_ID}
        return parameters

    def get_override_parameters(self) -> list:
        parameters = super().get_override_parameters()
        if self.method in WRITE_METHODS:
            parameters = [
                *parameters,
                OpenApiParameter(
                    HEADER,
                    str,
                    OpenApiParameter.HEADER,
                    description="Kunci unik per penulisan (misalnya UUID): dikirim ulang dengan isi yang sama, "
                    "data ditulis sekali dan jawaban pertama diulang; dengan isi lain: 422.",
                    pattern=r"^[\x21-\x7e]{1,200}$",
                ),
            ]
        return parameters

    def _get_response_bodies(self, direction="response") -> dict:
        responses = super()._get_response_bodies(direction=direction)
        codes = ERRORS if self.method in WRITE_METHODS else READ_ERRORS
        for code in codes:
            if code not in responses:
                response = self._get_response_for_code(ErrorSerializer, code, direction=direction)
                response["description"] = ERRORS[code]
                responses[code] = response
        return responses


class BearerTokenScheme(OpenApiAuthenticationExtension):
    target_class = "api.authentication.BearerTokenAuthentication"
    name = "tokenAPI"

    def get_security_definition(self, auto_schema) -> dict:
        return {
            "type": "http",
            "scheme": "bearer",
            "description": "Token API pribadi dari halaman Token API (menu pengguna): Authorization: Bearer dsj_…",
        }
