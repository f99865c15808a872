"""A village's own resident list (OpenSID export): the real denominators and the workers still to reach.

Residents who are not participants did not ask to be here (UU PDP No. 27/2022), so only what the
denominators and the prospect list need is kept (NIK, name, sex, birth date, jorong, occupation,
status), and a village has one list: the next import replaces it, deleting the rows of the last
(no history of residents). The figures drawn from a list (`Denominator`) are kept per import with
their source and date, since the coverage shown on an earlier day was divided by them.

Occupations are Dukcapil's codes 1–89 as OpenSID stores them (`pekerjaan_id`); whether a code counts
as working and as informal (a BPU worker: not a formal employee, civil servant, army or police) is
data, shipped by a migration with a documented default and editable in the admin.
"""

from __future__ import annotations

import datetime

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from core.formatting import mask_nik
from villages.models import Village

WORKING_AGE = 15
# Village apparatus come first in the prospect list (Inpres 2/2021): perangkat desa, kepala desa.
APPARATUS_CODES = (85, 86)


class ResidentStatus(models.IntegerChoices):
    """OpenSID's `status_dasar`."""

    ALIVE = 1, _("hidup")
    DEAD = 2, _("mati")
    MOVED = 3, _("pindah")
    MISSING = 4, _("hilang")
    GONE = 6, _("pergi")
    INVALID = 9, _("tidak valid")


class OccupationCode(models.Model):
    """One of Dukcapil's occupation codes, with how it counts in the denominators."""

    code = models.PositiveSmallIntegerField(_("kode"), primary_key=True)
    name = models.CharField(_("nama"), max_length=60)
    working = models.BooleanField(
        _("bekerja"), help_text=_("Tidak: belum/tidak bekerja, mengurus rumah tangga, pelajar, pensiunan.")
    )
    informal = models.BooleanField(
        _("pekerja informal (BPU)"),
        help_text=_("Bukan pekerja penerima upah, ASN, TNI atau Polri: sasaran program BPU."),
    )

    class Meta:
        ordering = ["code"]
        verbose_name = _("kode pekerjaan Dukcapil")
        verbose_name_plural = _("kode pekerjaan Dukcapil")

    def __str__(self) -> str:
        return f"{self.code} {self.name}"


class ResidentListQuerySet(models.QuerySet):
    def for_user(self, user) -> ResidentListQuerySet:
        return self.filter(village__in=Village.objects.for_user(user))


class ResidentList(models.Model):
    """The current resident list of a village: who uploaded it and when."""

    village = models.OneToOneField(
        Village, on_delete=models.CASCADE, related_name="resident_list", verbose_name=_("desa")
    )
    imported_at = models.DateTimeField(_("diimpor"))
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", verbose_name=_("pengunggah")
    )

    objects = ResidentListQuerySet.as_manager()

    class Meta:
        verbose_name = _("data penduduk")
        verbose_name_plural = _("data penduduk")

    def __str__(self) -> str:
        return f"{self.village} ({self.imported_at:%d/%m/%Y})"

    def is_stale(self, *, today: datetime.date) -> bool:
        return stale(timezone.localtime(self.imported_at).date(), today=today)

    @property
    def stale_now(self) -> bool:
        """For templates: older than RESIDENT_LIST_STALE_MONTHS today."""
        return self.is_stale(today=timezone.localdate())


def stale(on: datetime.date, *, today: datetime.date) -> bool:
    """Whether figures dated `on` are older than RESIDENT_LIST_STALE_MONTHS."""
    months = (today.year - on.year) * 12 + today.month - on.month - (today.day < on.day)
    return months >= settings.RESIDENT_LIST_STALE_MONTHS


class ResidentQuerySet(models.QuerySet):
    def for_user(self, user) -> ResidentQuerySet:
        return self.filter(village__in=Village.objects.for_user(user))


class Resident(models.Model):
    village = models.ForeignKey(Village, on_delete=models.CASCADE, related_name="+", verbose_name=_("desa"))
    resident_list = models.ForeignKey(
        ResidentList, on_delete=models.CASCADE, related_name="residents", verbose_name=_("data penduduk")
    )
    nik = models.CharField(_("NIK"), max_length=16)
    name = models.CharField(_("nama"), max_length=200)
    sex = models.CharField(_("jenis kelamin"), max_length=1)
    birth_date = models.DateField(_("tanggal lahir"))
    hamlet = models.CharField(_("jorong/dusun"), max_length=100, blank=True)
    occupation = models.ForeignKey(
        OccupationCode, on_delete=models.PROTECT, related_name="+", verbose_name=_("pekerjaan")
    )
    status = models.PositiveSmallIntegerField(_("status dasar"), choices=ResidentStatus.choices)
    # A finding of the import: the NIK was then an active participant of this other village. Branch staff
    # see which village; an official only that it is another one ("hubungi kantor cabang").
    participant_village = models.ForeignKey(
        Village,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("peserta di desa lain"),
    )

    objects = ResidentQuerySet.as_manager()

    class Meta:
        ordering = ["hamlet", "name"]
        verbose_name = _("penduduk")
        verbose_name_plural = _("penduduk")
        constraints = [models.UniqueConstraint(fields=["village", "nik"], name="resident_unique_nik_per_village")]
        indexes = [models.Index(fields=["nik"])]

    def __str__(self) -> str:
        return f"{self.name} ({self.masked_nik})"

    @property
    def masked_nik(self) -> str:
        return mask_nik(self.nik, birth_date=self.birth_date)


class DenominatorQuerySet(models.QuerySet):
    def for_user(self, user) -> DenominatorQuerySet:
        return self.filter(village__in=Village.objects.for_user(user))


class Denominator(models.Model):
    """The figures of one import for a village's jorong (`hamlet`), or the whole village (hamlet "")."""

    village = models.ForeignKey(Village, on_delete=models.CASCADE, related_name="denominators", verbose_name=_("desa"))
    hamlet = models.CharField(_("jorong/dusun"), max_length=100, blank=True)
    as_of = models.DateField(_("tanggal data"))
    source = models.CharField(_("sumber"), max_length=100)
    alive = models.PositiveIntegerField(_("penduduk hidup"))
    aged_15 = models.PositiveIntegerField(_("usia 15+"))
    working = models.PositiveIntegerField(_("bekerja"))
    informal = models.PositiveIntegerField(_("pekerja informal"))
    created_at = models.DateTimeField(_("dicatat"), auto_now_add=True)

    objects = DenominatorQuerySet.as_manager()

    class Meta:
        ordering = ["village", "-created_at", "hamlet"]
        verbose_name = _("penyebut cakupan")
        verbose_name_plural = _("penyebut cakupan")
        indexes = [models.Index(fields=["village", "-created_at"])]

    def __str__(self) -> str:
        return f"{self.village} {self.hamlet or 'desa'} {self.as_of:%d/%m/%Y}"

    @property
    def label(self) -> str:
        return f"sumber: {self.source} {self.as_of:%d/%m/%Y}"
