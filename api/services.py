"""Writes of the API's own data: tokens created, used and revoked by their user.

A token is `dsj_` followed by 43 random URL-safe characters (256 bits). Only its
SHA-256 digest is stored: a random secret of that length needs no slow hash, and
a lookup by digest is one indexed query.
"""

from __future__ import annotations

import datetime
import hashlib
import secrets

from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from api.models import ApiToken

TOKEN_PREFIX = "dsj_"  # noqa: S105 - a public marker of the format, not a secret
MAX_ACTIVE_TOKENS = 10
# The last-used time is written at most this often per token, not on every request.
LAST_USED_RESOLUTION = datetime.timedelta(minutes=1)


def token_digest(raw: str) -> str:
    return hashlib.sha256(raw.encode()).hexdigest()


@transaction.atomic
def token_create(*, user, name: str) -> tuple[ApiToken, str]:
    """A new token for `user`, and its secret: the only time the secret exists outside the user's hands."""
    name = name.strip()
    if not name:
        raise ValidationError({"name": _("Beri nama token, misalnya nama aplikasi yang memakainya.")})
    # Lock the user's row so two submits at once cannot pass the limit together.
    get_user_model().objects.select_for_update().filter(pk=user.pk).first()
    if ApiToken.objects.filter(user=user).active().count() >= MAX_ACTIVE_TOKENS:
        raise ValidationError(
            _("Paling banyak %(count)s token aktif; cabut token yang tidak dipakai lagi.")
            % {"count": MAX_ACTIVE_TOKENS}
        )
    raw = TOKEN_PREFIX + secrets.token_urlsafe(32)
    token = ApiToken(user=user, name=name, prefix=raw[: len(TOKEN_PREFIX) + 6], digest=token_digest(raw))
    token.full_clean()
    token.save()
    return token, raw


@transaction.atomic
def token_revoke(*, user, token: ApiToken) -> ApiToken:
    """Revoke one of the user's own tokens; it stays listed as revoked."""
    if token.user_id != user.pk:
        raise ValidationError(_("Token ini bukan milik Anda."))
    if token.revoked_at is None:
        token.revoked_at = timezone.now()
        token.save(update_fields=["revoked_at"])
    return token


def token_authenticate(*, raw: str) -> ApiToken | None:
    """The active token whose secret is `raw`, with its user, noting when it was last used; None otherwise."""
    if not raw.startswith(TOKEN_PREFIX):
        return None
    token = ApiToken.objects.active().select_related("user").filter(digest=token_digest(raw)).first()
    if token is None or not token.user.is_active:
        return None
    now = timezone.now()
    if token.last_used_at is None or now - token.last_used_at >= LAST_USED_RESOLUTION:
        ApiToken.objects.filter(pk=token.pk).update(last_used_at=now)
        token.last_used_at = now
    return token
