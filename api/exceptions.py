"""Every error of the API as JSON: `{"detail": "...", "errors": {"field": ["..."]}}`, in Indonesian.

`detail` says what went wrong in one sentence; `errors` (validation only) lists the
problems by field, with the texts of the models and services, the same as the forms
show. Problems not tied to one field are under `non_field_errors`. A service's
Django `ValidationError` becomes a 400 like any other validation error.
"""

from __future__ import annotations

from django.core.exceptions import PermissionDenied as DjangoPermissionDenied
from django.core.exceptions import ValidationError as DjangoValidationError
from django.http import Http404
from django.utils.translation import gettext as _
from rest_framework import exceptions, status
from rest_framework.serializers import as_serializer_error
from rest_framework.views import exception_handler as rest_exception_handler

NON_FIELD_ERRORS = "non_field_errors"


class IdempotencyKeyReused(exceptions.APIException):
    status_code = status.HTTP_422_UNPROCESSABLE_ENTITY
    default_code = "idempotency_key_reused"


def _message(exc: exceptions.APIException, request) -> str:
    """One Indonesian sentence per kind of error (the REST framework's own texts are partly English)."""
    if isinstance(exc, exceptions.ValidationError):
        return _("Data tidak valid; lihat daftar kesalahan per kolom.")
    if isinstance(exc, exceptions.ParseError):
        return _("Isi permintaan bukan JSON yang valid.")
    if isinstance(exc, exceptions.NotAuthenticated):
        return _("Belum masuk: kirim token API (Authorization: Bearer <token>) atau masuk lewat halaman login.")
    if isinstance(exc, exceptions.MethodNotAllowed):
        return _("Metode %(method)s tidak dipakai di alamat ini.") % {"method": request.method if request else ""}
    if isinstance(exc, exceptions.NotAcceptable):
        return _("Jawaban hanya tersedia sebagai JSON (Accept: application/json).")
    if isinstance(exc, exceptions.UnsupportedMediaType):
        return _("Kirim data sebagai JSON (Content-Type: application/json).")
    if isinstance(exc, exceptions.Throttled):
        return _("Terlalu banyak permintaan dengan token ini; coba lagi dalam %(seconds)s detik.") % {
            "seconds": int(exc.wait or 1)
        }
    if isinstance(exc, exceptions.PermissionDenied) and str(exc.detail) == str(
        exceptions.PermissionDenied.default_detail
    ):
        return _("Peran Anda tidak berhak melakukan tindakan ini.")
    if isinstance(exc, exceptions.NotFound) and str(exc.detail) == str(exceptions.NotFound.default_detail):
        return _("Data tidak ditemukan.")
    return str(exc.detail)


def _field_errors(detail) -> dict:
    if isinstance(detail, dict):
        return {(NON_FIELD_ERRORS if name == "__all__" else name): problems for name, problems in detail.items()}
    return {NON_FIELD_ERRORS: detail if isinstance(detail, list) else [detail]}


def exception_handler(exc, context):
    request = context.get("request")
    if isinstance(exc, DjangoValidationError):
        exc = exceptions.ValidationError(detail=as_serializer_error(exc))
    elif isinstance(exc, Http404):
        # Django's own text names the model in English; "not yours" and "not found" read the same.
        exc = exceptions.NotFound()
    elif isinstance(exc, DjangoPermissionDenied):
        exc = exceptions.PermissionDenied(*exc.args)
    response = rest_exception_handler(exc, context)
    if response is None:
        return None
    body = {"detail": _message(exc, request)}
    if isinstance(exc, exceptions.ValidationError):
        body["errors"] = _field_errors(exc.detail)
    response.data = body
    return response
