"""The three-yearly analisa evaluasi (anev): cycles, rubric, village evaluations, action plans."""

from __future__ import annotations

import datetime
from decimal import Decimal

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from indicators import REGISTRY, Pillar
from villages.models import Village


def indicator_choices() -> list[tuple[str, str]]:
    """The indicators a rubric may score: every key of the one registry."""
    return [(key, f"{indicator.label} ({key})") for key, indicator in REGISTRY.items()]


SCORE_VALIDATORS = [MinValueValidator(Decimal(1)), MaxValueValidator(Decimal(5))]


class Rubric(models.Model):
    name = models.CharField(_("nama"), max_length=100, unique=True)
    description = models.TextField(_("keterangan"), blank=True)

    class Meta:
        ordering = ["name"]
        verbose_name = _("rubrik penilaian")
        verbose_name_plural = _("rubrik penilaian")

    def __str__(self) -> str:
        return self.name


class RubricItem(models.Model):
    """One indicator of the rubric: the thresholds at which it scores 2, 3, 4 and 5 (else 1)."""

    rubric = models.ForeignKey(Rubric, on_delete=models.CASCADE, related_name="items", verbose_name=_("rubrik"))
    indicator = models.CharField(_("indikator"), max_length=50, choices=indicator_choices)
    pillar = models.CharField(_("pilar"), max_length=15, choices=Pillar.choices)
    weight = models.DecimalField(_("bobot"), max_digits=5, decimal_places=2, validators=[MinValueValidator(Decimal(0))])
    higher_is_better = models.BooleanField(_("makin tinggi makin baik"), default=True)
    threshold_2 = models.DecimalField(_("ambang skor 2"), max_digits=12, decimal_places=4)
    threshold_3 = models.DecimalField(_("ambang skor 3"), max_digits=12, decimal_places=4)
    threshold_4 = models.DecimalField(_("ambang skor 4"), max_digits=12, decimal_places=4)
    threshold_5 = models.DecimalField(_("ambang skor 5"), max_digits=12, decimal_places=4)

    class Meta:
        ordering = ["rubric", "pillar", "indicator"]
        verbose_name = _("butir rubrik")
        verbose_name_plural = _("butir rubrik")
        constraints = [
            models.UniqueConstraint(fields=["rubric", "indicator"], name="unique_rubric_indicator"),
            models.CheckConstraint(condition=Q(weight__gte=0), name="rubric_weight_non_negative"),
        ]

    def __str__(self) -> str:
        return f"{self.rubric}: {self.indicator}"

    @property
    def thresholds(self) -> tuple[Decimal, Decimal, Decimal, Decimal]:
        return (self.threshold_2, self.threshold_3, self.threshold_4, self.threshold_5)

    def clean(self) -> None:
        if None in self.thresholds:
            return
        pairs = zip(self.thresholds, self.thresholds[1:], strict=False)
        if self.higher_is_better and any(low > high for low, high in pairs):
            raise ValidationError(
                _("Makin tinggi makin baik: ambang skor 2 ≤ ambang skor 3 ≤ ambang skor 4 ≤ ambang skor 5.")
            )
        if not self.higher_is_better and any(low < high for low, high in pairs):
            raise ValidationError(
                _("Makin rendah makin baik: ambang skor 2 ≥ ambang skor 3 ≥ ambang skor 4 ≥ ambang skor 5.")
            )


class Category(models.Model):
    """A category given to an overall score of at least `min_score` (e.g. Mandiri ≥ 4)."""

    rubric = models.ForeignKey(Rubric, on_delete=models.CASCADE, related_name="categories", verbose_name=_("rubrik"))
    name = models.CharField(_("nama"), max_length=50)
    min_score = models.DecimalField(_("skor minimum"), max_digits=3, decimal_places=2)
    description = models.CharField(_("keterangan"), max_length=200, blank=True)

    class Meta:
        ordering = ["rubric", "-min_score"]
        verbose_name = _("kategori")
        verbose_name_plural = _("kategori")
        constraints = [models.UniqueConstraint(fields=["rubric", "name"], name="unique_category_name")]

    def __str__(self) -> str:
        return f"{self.name} (≥ {self.min_score})"


class EvaluationCycle(models.Model):
    class Status(models.TextChoices):
        OPEN = "dibuka", _("Dibuka")
        CLOSED = "ditutup", _("Ditutup")

    name = models.CharField(_("nama"), max_length=100, unique=True)
    start_month = models.DateField(_("bulan awal"))
    end_month = models.DateField(_("bulan akhir"))
    baseline_date = models.DateField(_("tanggal baseline"))
    rubric = models.ForeignKey(Rubric, on_delete=models.PROTECT, related_name="cycles", verbose_name=_("rubrik"))
    status = models.CharField(_("status"), max_length=10, choices=Status.choices, default=Status.OPEN)
    previous = models.ForeignKey(
        "self", on_delete=models.SET_NULL, null=True, blank=True, related_name="+", verbose_name=_("siklus sebelumnya")
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-start_month"]
        verbose_name = _("siklus anev")
        verbose_name_plural = _("siklus anev")
        constraints = [
            models.CheckConstraint(
                condition=Q(end_month__gte=models.F("start_month")),
                name="cycle_end_after_start",
                violation_error_message=_("Bulan akhir harus sesudah bulan awal."),
            ),
            models.CheckConstraint(
                condition=Q(start_month__day=1) & Q(end_month__day=1),
                name="cycle_months_first_day",
                violation_error_message=_("Bulan awal dan bulan akhir harus tanggal 1."),
            ),
        ]

    def __str__(self) -> str:
        return self.name


class VillageEvaluationQuerySet(models.QuerySet):
    def for_user(self, user) -> VillageEvaluationQuerySet:
        return self.filter(village__in=Village.objects.for_user(user))


class VillageEvaluation(models.Model):
    class Status(models.TextChoices):
        DRAFT = "draf", _("Draf")
        SUBMITTED = "diajukan", _("Diajukan")
        RETURNED = "dikembalikan", _("Dikembalikan")
        APPROVED = "disetujui", _("Disetujui")

    cycle = models.ForeignKey(
        EvaluationCycle, on_delete=models.PROTECT, related_name="evaluations", verbose_name=_("siklus")
    )
    village = models.ForeignKey(Village, on_delete=models.PROTECT, related_name="evaluations", verbose_name=_("desa"))
    status = models.CharField(_("status"), max_length=15, choices=Status.choices, default=Status.DRAFT)
    # Indicator results frozen at evaluation time: {key: {value, numerator, denominator, period}}.
    values = models.JSONField(_("nilai indikator"), default=dict, blank=True)
    baseline_values = models.JSONField(_("nilai baseline"), default=dict, blank=True)
    overall_score = models.DecimalField(
        _("skor total"), max_digits=3, decimal_places=2, null=True, blank=True, validators=SCORE_VALIDATORS
    )
    category = models.CharField(_("kategori"), max_length=50, blank=True)
    findings = models.TextField(_("temuan"), blank=True)
    recommendations = models.TextField(_("rekomendasi"), blank=True)
    computed_at = models.DateTimeField(_("dihitung"), null=True, blank=True)
    history = HistoricalRecords()

    objects = VillageEvaluationQuerySet.as_manager()

    class Meta:
        ordering = ["cycle", "village__code"]
        verbose_name = _("evaluasi desa")
        verbose_name_plural = _("evaluasi desa")
        permissions = [("approve_villageevaluation", _("Dapat menyetujui atau mengembalikan evaluasi desa"))]
        constraints = [
            models.UniqueConstraint(fields=["cycle", "village"], name="unique_evaluation_per_cycle"),
        ]

    def __str__(self) -> str:
        return f"{self.cycle} — {self.village}"

    @property
    def is_locked(self) -> bool:
        return self.status == self.Status.APPROVED

    @property
    def is_editable(self) -> bool:
        """Staff may change values, scores, notes and the plan only in draft or after a return."""
        return (
            self.status in (self.Status.DRAFT, self.Status.RETURNED)
            and self.cycle.status == EvaluationCycle.Status.OPEN
        )


class PillarScoreQuerySet(models.QuerySet):
    def for_user(self, user) -> PillarScoreQuerySet:
        return self.filter(evaluation__village__in=Village.objects.for_user(user))


class PillarScore(models.Model):
    evaluation = models.ForeignKey(
        VillageEvaluation, on_delete=models.CASCADE, related_name="pillar_scores", verbose_name=_("evaluasi")
    )
    pillar = models.CharField(_("pilar"), max_length=15, choices=Pillar.choices)
    computed_score = models.DecimalField(
        _("skor hitungan"), max_digits=3, decimal_places=2, null=True, blank=True, validators=SCORE_VALIDATORS
    )
    baseline_score = models.DecimalField(
        _("skor baseline"), max_digits=3, decimal_places=2, null=True, blank=True, validators=SCORE_VALIDATORS
    )
    adjusted_score = models.DecimalField(
        _("skor disesuaikan"), max_digits=3, decimal_places=2, null=True, blank=True, validators=SCORE_VALIDATORS
    )
    justification = models.TextField(_("alasan penyesuaian"), blank=True)
    history = HistoricalRecords()

    objects = PillarScoreQuerySet.as_manager()

    class Meta:
        ordering = ["evaluation", "pillar"]
        verbose_name = _("skor pilar")
        verbose_name_plural = _("skor pilar")
        constraints = [
            models.UniqueConstraint(fields=["evaluation", "pillar"], name="unique_pillar_score"),
            models.CheckConstraint(
                condition=Q(adjusted_score__isnull=True) | ~Q(justification=""),
                name="adjusted_score_needs_justification",
                violation_error_message=_("Tuliskan alasan penyesuaian skor pilar."),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_pillar_display()}: {self.score}"

    @property
    def score(self) -> Decimal | None:
        return self.adjusted_score if self.adjusted_score is not None else self.computed_score


class EvaluationStep(models.Model):
    """One step of the approval flow, with who and when."""

    class Action(models.TextChoices):
        CREATED = "dibuat", _("Dibuat")
        SUBMITTED = "diajukan", _("Diajukan")
        RETURNED = "dikembalikan", _("Dikembalikan")
        APPROVED = "disetujui", _("Disetujui")

    evaluation = models.ForeignKey(
        VillageEvaluation, on_delete=models.CASCADE, related_name="steps", verbose_name=_("evaluasi")
    )
    action = models.CharField(_("langkah"), max_length=15, choices=Action.choices)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, related_name="+", verbose_name=_("oleh")
    )
    at = models.DateTimeField(_("waktu"), auto_now_add=True)
    comment = models.TextField(_("komentar"), blank=True)

    class Meta:
        ordering = ["evaluation", "at", "id"]
        verbose_name = _("langkah persetujuan")
        verbose_name_plural = _("langkah persetujuan")

    def __str__(self) -> str:
        return f"{self.get_action_display()} {self.at:%d/%m/%Y %H:%M}"

    @property
    def by(self) -> str:
        """Who took the step, as shown in the trail and the signature block ("sistem" for the seed)."""
        if self.user is None:
            return "sistem"
        return self.user.get_full_name() or self.user.username


class ActionItemQuerySet(models.QuerySet):
    def for_user(self, user) -> ActionItemQuerySet:
        return self.filter(evaluation__village__in=Village.objects.for_user(user))

    def open(self) -> ActionItemQuerySet:
        return self.filter(status__in=[ActionItem.Status.PLANNED, ActionItem.Status.IN_PROGRESS])

    def overdue(self, *, today: datetime.date) -> ActionItemQuerySet:
        """Not done nor cancelled, and past the due date."""
        return self.open().filter(due_date__lt=today)


class ActionItem(models.Model):
    """One action of a village's revitalisation plan."""

    class Status(models.TextChoices):
        PLANNED = "rencana", _("Direncanakan")
        IN_PROGRESS = "berjalan", _("Berjalan")
        DONE = "selesai", _("Selesai")
        CANCELLED = "batal", _("Dibatalkan")

    evaluation = models.ForeignKey(
        VillageEvaluation, on_delete=models.CASCADE, related_name="action_items", verbose_name=_("evaluasi")
    )
    action = models.CharField(_("aksi"), max_length=300)
    pillar = models.CharField(_("pilar"), max_length=15, choices=Pillar.choices)
    owner = models.CharField(_("penanggung jawab"), max_length=100)
    due_date = models.DateField(_("tenggat"))
    status = models.CharField(_("status"), max_length=10, choices=Status.choices, default=Status.PLANNED)
    history = HistoricalRecords()

    objects = ActionItemQuerySet.as_manager()

    class Meta:
        ordering = ["due_date", "id"]
        verbose_name = _("rencana aksi")
        verbose_name_plural = _("rencana aksi")

    def __str__(self) -> str:
        return self.action

    def is_overdue(self, *, today: datetime.date) -> bool:
        return self.status in (self.Status.PLANNED, self.Status.IN_PROGRESS) and self.due_date < today
