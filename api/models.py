"""API tokens and idempotency records: what the API itself keeps.

A token is shown to its user once and stored only as a SHA-256 digest; it carries
its user's role and villages (the request runs as that user) and nothing more.
An idempotency record keeps the first answer to a write sent with an
`Idempotency-Key`, so a phone that retries after a lost connection writes once.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class ApiTokenQuerySet(models.QuerySet):
    def active(self) -> ApiTokenQuerySet:
        return self.filter(revoked_at__isnull=True)


class ApiToken(models.Model):
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="api_tokens", verbose_name=_("pengguna")
    )
    name = models.CharField(_("nama"), max_length=100)
    # The first characters of the token, shown in the list so the user can tell their tokens apart.
    prefix = models.CharField(_("awalan"), max_length=12)
    digest = models.CharField(_("sidik SHA-256"), max_length=64, unique=True)
    created_at = models.DateTimeField(_("dibuat"), auto_now_add=True)
    last_used_at = models.DateTimeField(_("terakhir dipakai"), null=True, blank=True)
    revoked_at = models.DateTimeField(_("dicabut"), null=True, blank=True)

    objects = ApiTokenQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("token API")
        verbose_name_plural = _("token API")

    def __str__(self) -> str:
        return f"{self.name} ({self.prefix}…)"

    @property
    def is_active(self) -> bool:
        return self.revoked_at is None


class IdempotencyRecord(models.Model):
    """The first successful answer to a write sent with an Idempotency-Key, per user and key."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+", verbose_name=_("pengguna")
    )
    key = models.CharField(_("kunci"), max_length=200)
    # SHA-256 of the method, the path and the canonical JSON body: another request under the same key differs.
    fingerprint = models.CharField(_("sidik permintaan"), max_length=64)
    status_code = models.PositiveSmallIntegerField(_("kode status"), null=True, blank=True)
    body = models.JSONField(_("jawaban"), null=True, blank=True)
    created_at = models.DateTimeField(_("dibuat"), auto_now_add=True)

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("catatan idempotensi")
        verbose_name_plural = _("catatan idempotensi")
        constraints = [models.UniqueConstraint(fields=["user", "key"], name="unique_idempotency_key_per_user")]

    def __str__(self) -> str:
        return f"{self.user_id} {self.key}"
