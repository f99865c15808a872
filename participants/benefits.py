"""Benefits fixed by regulation (JKM's lump sum), as data: the amount a claim of that programme is held to."""

from __future__ import annotations

import datetime

from django.core.validators import MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from core.formatting import format_rupiah
from participants.models import Programme


class Benefit(models.Model):
    """A lump-sum benefit fixed by regulation from an event month on (JKM's santunan: Rp 24.000.000 under
    PP 44/2015, Rp 42.000.000 under PP 82/2019). Claims of that programme are recorded at this amount
    unless branch staff write why not (`claims.claim_record`)."""

    programme = models.CharField(_("program"), max_length=3, choices=Programme.choices)
    valid_from = models.DateField(_("berlaku untuk kejadian mulai"))
    amount = models.PositiveBigIntegerField(_("manfaat (Rp)"), validators=[MinValueValidator(1)])
    regulation = models.CharField(_("dasar hukum"), max_length=200, blank=True)
    history = HistoricalRecords()

    class Meta:
        ordering = ["programme", "-valid_from"]
        verbose_name = _("manfaat tetap")
        verbose_name_plural = _("manfaat tetap")
        constraints = [
            models.UniqueConstraint(fields=["programme", "valid_from"], name="benefit_programme_from_unique"),
            models.CheckConstraint(condition=Q(amount__gt=0), name="benefit_amount_positive"),
        ]

    def __str__(self) -> str:
        return f"{self.get_programme_display()} {format_rupiah(self.amount)} ({self.valid_from:%d/%m/%Y})"


def jkm_benefit(*, day: datetime.date) -> int | None:
    """The JKM benefit for an event on `day` (None when the data set none)."""
    return (
        Benefit.objects.filter(programme=Programme.JKM, valid_from__lte=day)
        .order_by("-valid_from")
        .values_list("amount", flat=True)
        .first()
    )
