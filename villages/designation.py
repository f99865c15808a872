"""The programme's own bar as data: what a village must reach to carry its name.

BPJS Ketenagakerjaan designated villages "Desa Sadar Jaminan Sosial Ketenagakerjaan"
once all their apparatus were registered, and gave the 2019 national award to villages
with more than 80 % of their workers covered. The thresholds are rows here, edited in the
admin, because the branch holds villages to the programme's bar and the bar may move.
"All apparatus" needs to know how many apparatus a village has: that headcount (from its
organisation chart, SOTK) is data too, with its source. `indicators.designation` measures
each village against the criteria.

These models live in their own module to keep `villages/models.py` readable; it imports
them so Django registers them.
"""

from __future__ import annotations

from decimal import Decimal

from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from core.formatting import format_decimal
from villages.models import Village, year_validators


class DesignationCriterion(models.Model):
    class Measure(models.TextChoices):
        APPARATUS = "perangkat", _("Perangkat nagari/desa terlindungi")
        WORKERS = "pekerja", _("Pekerja terlindungi (cakupan kepesertaan)")

    name = models.CharField(_("nama"), max_length=150)
    measure = models.CharField(_("ukuran"), max_length=10, choices=Measure.choices)
    threshold = models.DecimalField(
        _("ambang (%)"),
        max_digits=5,
        decimal_places=2,
        validators=[MinValueValidator(Decimal(0)), MaxValueValidator(Decimal(100))],
    )
    strictly_above = models.BooleanField(
        _("harus melebihi ambang"),
        default=False,
        help_text=_("Centang untuk «lebih dari», kosongkan untuk «paling sedikit»."),
    )
    source = models.CharField(_("sumber"), max_length=250, blank=True)
    order = models.PositiveSmallIntegerField(_("urutan"), default=0)
    history = HistoricalRecords()

    class Meta:
        ordering = ["order", "pk"]
        verbose_name = _("syarat Desa Sadar")
        verbose_name_plural = _("syarat Desa Sadar")
        constraints = [
            models.CheckConstraint(
                condition=Q(threshold__gte=0) & Q(threshold__lte=100), name="designation_threshold_percent"
            ),
            models.CheckConstraint(
                condition=Q(strictly_above=False) | Q(threshold__lt=100), name="designation_reachable"
            ),
        ]

    def __str__(self) -> str:
        return self.name

    @property
    def bar_text(self) -> str:
        """ "> 80 %" or "≥ 100 %"."""
        return f"{'>' if self.strictly_above else '≥'} {format_decimal(self.threshold, places=None)} %"

    def clean(self) -> None:
        if self.strictly_above and self.threshold is not None and self.threshold >= 100:
            raise ValidationError(
                gettext("Lebih dari 100 % tidak mungkin dicapai; hilangkan centang «harus melebihi».")
            )


class ApparatusHeadcount(models.Model):
    """How many apparatus (perangkat) a village has, so "all apparatus registered" can be checked."""

    village = models.OneToOneField(
        Village, on_delete=models.CASCADE, related_name="apparatus_headcount", verbose_name=_("desa/nagari")
    )
    count = models.PositiveSmallIntegerField(_("jumlah perangkat"), validators=[MinValueValidator(1)])
    source = models.CharField(_("sumber data"), max_length=200)
    year = models.PositiveSmallIntegerField(_("tahun data"), validators=year_validators())
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("jumlah perangkat desa")
        verbose_name_plural = _("jumlah perangkat desa")
        constraints = [models.CheckConstraint(condition=Q(count__gte=1), name="apparatus_headcount_positive")]

    def __str__(self) -> str:
        return f"{self.village}: {self.count}"
