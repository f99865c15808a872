"""`Idempotency-Key` on every write: the same key and body twice writes once and answers the first result.

The key is per user. The record is inserted in the same transaction as the write:
a second request with the key waits on the unique index until the first commits,
then answers the stored result (PostgreSQL; SQLite serialises writers anyway). A
write that fails (a 4xx) rolls back with its record, so the corrected request can
be sent again under the same key: only a successful write is remembered. The same
key with another method, path or body is refused with a 422.
"""

from __future__ import annotations

import hashlib
import json
import re
from collections.abc import Callable

from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _
from rest_framework.exceptions import ValidationError
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.utils.encoders import JSONEncoder

from api.exceptions import IdempotencyKeyReused
from api.history import history_marked
from api.models import IdempotencyRecord

HEADER = "Idempotency-Key"
KEY_FORMAT = re.compile(r"^[\x21-\x7e]{1,200}$")  # printable ASCII without spaces, as UUIDs and ULIDs are
REPLAYED_HEADER = "Idempotent-Replayed"


def _canonical(data) -> str:
    return json.dumps(data, sort_keys=True, separators=(",", ":"), cls=JSONEncoder, ensure_ascii=True)


def request_fingerprint(request: Request) -> str:
    text = f"{request.method} {request.path}\n{_canonical(request.data)}"
    return hashlib.sha256(text.encode()).hexdigest()


def idempotency_key(request: Request) -> str | None:
    key = request.headers.get(HEADER)
    if key is None:
        return None
    if not KEY_FORMAT.match(key):
        raise ValidationError(
            {HEADER: [_("Idempotency-Key harus 1–200 karakter ASCII tanpa spasi, misalnya sebuah UUID.")]}
        )
    return key


def idempotent(request: Request, write: Callable[[], Response]) -> Response:
    """Run `write` once per (user, Idempotency-Key); replay its answer for the same request again. The history
    records it writes say they came through the API (`api.history`)."""
    key = idempotency_key(request)
    if key is None:
        with transaction.atomic(), history_marked(request.user):
            return write()
    fingerprint = request_fingerprint(request)
    with transaction.atomic():
        try:
            with transaction.atomic():
                record = IdempotencyRecord.objects.create(user=request.user, key=key, fingerprint=fingerprint)
        except IntegrityError:
            return _replay(IdempotencyRecord.objects.get(user=request.user, key=key), fingerprint)
        with history_marked(request.user):
            response = write()
        record.status_code = response.status_code
        record.body = json.loads(_canonical(response.data))
        record.save(update_fields=["status_code", "body"])
    return response


def _replay(record: IdempotencyRecord, fingerprint: str) -> Response:
    if record.fingerprint != fingerprint:
        raise IdempotencyKeyReused(
            _("Idempotency-Key ini sudah dipakai untuk permintaan lain; kirim permintaan baru dengan kunci baru.")
        )
    return Response(record.body, status=record.status_code, headers={REPLAYED_HEADER: "true"})
