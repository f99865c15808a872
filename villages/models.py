"""Regions of the branch area, villages in the programme and the access scope of users.

The region hierarchy follows Kemendagri: regency/city (13.02) → kecamatan (13.02.07)
→ village (13.02.07.2006). Everything a user may see hangs off a village, so the
access scope is defined here once (`Village.objects.for_user`).
"""

from __future__ import annotations

import datetime

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator, RegexValidator
from django.db import models
from django.db.models import Case, Exists, OuterRef, Q, Value, When
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from core.dates import PROGRAMME_START_YEAR  # noqa: F401 (re-exported; the one definition is in core)
from villages.access import is_branch_user

REGENCY_CODE = RegexValidator(r"^\d{2}\.\d{2}$", _("Kode kabupaten/kota harus berbentuk 13.02."))
DISTRICT_CODE = RegexValidator(r"^\d{2}\.\d{2}\.\d{2}$", _("Kode kecamatan harus berbentuk 13.02.07."))
VILLAGE_CODE = RegexValidator(r"^\d{2}\.\d{2}\.\d{2}\.\d{4}$", _("Kode desa harus berbentuk 13.02.07.2006."))


def year_validators() -> list:
    return [MinValueValidator(2000), MaxValueValidator(2100)]


class Regency(models.Model):
    class Kind(models.TextChoices):
        KABUPATEN = "kabupaten", _("Kabupaten")
        KOTA = "kota", _("Kota")

    code = models.CharField(_("kode"), max_length=5, unique=True, validators=[REGENCY_CODE])
    name = models.CharField(_("nama"), max_length=100)
    kind = models.CharField(_("jenis"), max_length=10, choices=Kind.choices)
    population = models.PositiveIntegerField(_("jumlah penduduk"), null=True, blank=True)
    population_source = models.CharField(_("sumber data penduduk"), max_length=200, blank=True)
    population_year = models.PositiveSmallIntegerField(
        _("tahun data penduduk"), null=True, blank=True, validators=year_validators()
    )

    class Meta:
        ordering = ["code"]
        verbose_name = _("kabupaten/kota")
        verbose_name_plural = _("kabupaten/kota")
        constraints = [
            models.CheckConstraint(condition=Q(code__regex=r"^\d{2}\.\d{2}$"), name="regency_code_format"),
        ]

    def __str__(self) -> str:
        return self.name


class District(models.Model):
    code = models.CharField(_("kode"), max_length=8, unique=True, validators=[DISTRICT_CODE])
    name = models.CharField(_("nama"), max_length=100)
    regency = models.ForeignKey(
        Regency, on_delete=models.PROTECT, related_name="districts", verbose_name=_("kabupaten/kota")
    )

    class Meta:
        ordering = ["code"]
        verbose_name = _("kecamatan")
        verbose_name_plural = _("kecamatan")
        constraints = [
            models.CheckConstraint(condition=Q(code__regex=r"^\d{2}\.\d{2}\.\d{2}$"), name="district_code_format"),
        ]

    def __str__(self) -> str:
        return f"Kec. {self.name}"


class VillageQuerySet(models.QuerySet):
    def for_user(self, user) -> VillageQuerySet:
        """The villages `user` may see. Fails closed: no role, no assignment → nothing."""
        if user is None or not user.is_authenticated or not user.is_active:
            return self.none()
        if is_branch_user(user):
            return self.all()
        return self.filter(assignments__user=user).distinct()

    def in_programme(self) -> VillageQuerySet:
        return self.filter(joined_on__isnull=False)


class Village(models.Model):
    class Kind(models.TextChoices):
        NAGARI = "nagari", _("Nagari")
        DESA = "desa", _("Desa")
        KELURAHAN = "kelurahan", _("Kelurahan")

    code = models.CharField(_("kode"), max_length=13, unique=True, validators=[VILLAGE_CODE])
    name = models.CharField(_("nama"), max_length=100)
    kind = models.CharField(_("jenis"), max_length=10, choices=Kind.choices)
    district = models.ForeignKey(
        District, on_delete=models.PROTECT, related_name="villages", verbose_name=_("kecamatan")
    )
    population = models.PositiveIntegerField(_("jumlah penduduk"), null=True, blank=True)
    population_source = models.CharField(_("sumber data penduduk"), max_length=200, blank=True)
    population_year = models.PositiveSmallIntegerField(
        _("tahun data penduduk"), null=True, blank=True, validators=year_validators()
    )
    working_age_population = models.PositiveIntegerField(
        _("penduduk usia kerja"),
        null=True,
        blank=True,
        help_text=_("Penyebut cakupan kepesertaan."),
    )
    working_age_source = models.CharField(_("sumber data usia kerja"), max_length=200, blank=True)
    working_age_year = models.PositiveSmallIntegerField(
        _("tahun data usia kerja"), null=True, blank=True, validators=year_validators()
    )
    joined_on = models.DateField(
        _("bergabung Desa Sadar"),
        null=True,
        blank=True,
        help_text=_("Tanggal desa bergabung dalam program Desa Sadar Jamsostek; kosong bila belum."),
    )
    head_name = models.CharField(_("nama wali nagari/kepala desa/lurah"), max_length=100, blank=True)
    phone = models.CharField(_("telepon kantor"), max_length=20, blank=True)
    history = HistoricalRecords()

    objects = VillageQuerySet.as_manager()

    class Meta:
        ordering = ["code"]
        verbose_name = _("desa/nagari/kelurahan")
        verbose_name_plural = _("desa/nagari/kelurahan")
        constraints = [
            models.CheckConstraint(
                condition=Q(code__regex=r"^\d{2}\.\d{2}\.\d{2}\.\d{4}$"), name="village_code_format"
            ),
            models.CheckConstraint(
                condition=Q(working_age_population__isnull=True)
                | Q(population__isnull=True)
                | Q(working_age_population__lte=models.F("population")),
                name="village_working_age_within_population",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.name}"

    @property
    def regency(self) -> Regency:
        return self.district.regency

    def commitment_score(self, *, on: datetime.date) -> int:
        """0–4: regulation in force, agreement signed, budget this year, active agent."""
        return sum(
            [
                self.commitments.in_force(on=on).filter(kind=Commitment.Kind.REGULATION).exists(),
                self.commitments.in_force(on=on).filter(kind=Commitment.Kind.AGREEMENT).exists(),
                self.budgets.filter(year=on.year, amount__gt=0).exists(),
                self.agents.active(on=on).exists(),
            ]
        )


class Assignment(models.Model):
    """A village official's access to one village (managed in the admin)."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="village_assignments",
        verbose_name=_("pengguna"),
    )
    village = models.ForeignKey(
        Village, on_delete=models.CASCADE, related_name="assignments", verbose_name=_("desa/nagari")
    )

    class Meta:
        verbose_name = _("penugasan desa")
        verbose_name_plural = _("penugasan desa")
        constraints = [models.UniqueConstraint(fields=["user", "village"], name="unique_assignment")]

    def __str__(self) -> str:
        return f"{self.user} → {self.village}"


# A regulation or agreement that ends within this many days is flagged for renewal.
COMMITMENT_NOTICE_DAYS = 90


class CommitmentState(models.TextChoices):
    """Where a commitment stands today; only the lapsed and the lapsing ones need the branch's attention."""

    IN_FORCE = "berlaku", _("Berlaku")
    LAPSING = "segera_berakhir", _("Segera berakhir")
    LAPSED = "berakhir", _("Sudah berakhir")
    RENEWED = "diperbarui", _("Sudah diperbarui")


class CommitmentQuerySet(models.QuerySet):
    def for_user(self, user) -> CommitmentQuerySet:
        return self.filter(village__in=Village.objects.for_user(user))

    def in_force(self, *, on: datetime.date) -> CommitmentQuerySet:
        return self.filter(signed_on__lte=on).filter(Q(valid_until__isnull=True) | Q(valid_until__gte=on))

    def with_state(self, *, today: datetime.date) -> CommitmentQuerySet:
        """Annotate `state` (a CommitmentState) and `renewed`.

        A commitment with an end date is renewed when a later one of the same village and kind
        runs longer (or without end); otherwise it has lapsed once its end date is past, and is
        lapsing when that date is at most COMMITMENT_NOTICE_DAYS away.
        """
        later = (
            Commitment.objects.filter(
                village=OuterRef("village"), kind=OuterRef("kind"), signed_on__gte=OuterRef("signed_on")
            )
            .exclude(pk=OuterRef("pk"))
            .filter(Q(valid_until__isnull=True) | Q(valid_until__gt=OuterRef("valid_until")))
        )
        notice_until = today + datetime.timedelta(days=COMMITMENT_NOTICE_DAYS)
        return self.annotate(renewed=Exists(later)).annotate(
            state=Case(
                When(valid_until__isnull=True, then=Value(CommitmentState.IN_FORCE)),
                When(renewed=True, then=Value(CommitmentState.RENEWED)),
                When(valid_until__lt=today, then=Value(CommitmentState.LAPSED)),
                When(valid_until__lte=notice_until, then=Value(CommitmentState.LAPSING)),
                default=Value(CommitmentState.IN_FORCE),
                output_field=models.CharField(),
            )
        )

    def needing_renewal(self, *, today: datetime.date) -> CommitmentQuerySet:
        """Lapsed or lapsing, and not renewed."""
        return self.with_state(today=today).filter(state__in=[CommitmentState.LAPSED, CommitmentState.LAPSING])


class Commitment(models.Model):
    """A village's written commitment: a Peraturan Nagari/Desa or a cooperation agreement."""

    class Kind(models.TextChoices):
        REGULATION = "peraturan", _("Peraturan Nagari/Desa tentang jaminan sosial")
        AGREEMENT = "perjanjian", _("Perjanjian kerja sama")

    village = models.ForeignKey(Village, on_delete=models.CASCADE, related_name="commitments", verbose_name=_("desa"))
    kind = models.CharField(_("jenis"), max_length=12, choices=Kind.choices)
    number = models.CharField(_("nomor"), max_length=100, blank=True)
    title = models.CharField(_("judul"), max_length=200, blank=True)
    signed_on = models.DateField(_("tanggal ditetapkan/ditandatangani"))
    valid_until = models.DateField(_("berlaku sampai"), null=True, blank=True)

    objects = CommitmentQuerySet.as_manager()

    class Meta:
        ordering = ["village", "-signed_on"]
        verbose_name = _("komitmen")
        verbose_name_plural = _("komitmen")
        constraints = [
            models.CheckConstraint(
                condition=Q(valid_until__isnull=True) | Q(valid_until__gte=models.F("signed_on")),
                name="commitment_valid_after_signed",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.number}".strip()


class Budget(models.Model):
    """APB Nagari/Desa money set aside for contributions in one year."""

    village = models.ForeignKey(Village, on_delete=models.CASCADE, related_name="budgets", verbose_name=_("desa"))
    year = models.PositiveSmallIntegerField(_("tahun"), validators=year_validators())
    amount = models.PositiveBigIntegerField(_("anggaran iuran (Rp)"))

    class Meta:
        ordering = ["village", "-year"]
        verbose_name = _("anggaran APB Nagari/Desa")
        verbose_name_plural = _("anggaran APB Nagari/Desa")
        constraints = [
            models.UniqueConstraint(fields=["village", "year"], name="unique_budget_year"),
            models.CheckConstraint(condition=Q(amount__gte=0), name="budget_amount_non_negative"),
        ]

    def __str__(self) -> str:
        return f"{self.village} {self.year}"


class AgentQuerySet(models.QuerySet):
    def active(self, *, on: datetime.date) -> AgentQuerySet:
        return self.filter(active_since__lte=on).filter(Q(active_until__isnull=True) | Q(active_until__gte=on))


class Agent(models.Model):
    class Role(models.TextChoices):
        PERISAI = "perisai", _("Agen PERISAI")
        KADER = "kader", _("Kader")
        COMPLIANCE = "tim_kepatuhan", _("Tim kepatuhan")

    village = models.ForeignKey(Village, on_delete=models.CASCADE, related_name="agents", verbose_name=_("desa"))
    name = models.CharField(_("nama"), max_length=100)
    role = models.CharField(_("peran"), max_length=15, choices=Role.choices)
    phone = models.CharField(_("nomor HP"), max_length=20, blank=True)
    active_since = models.DateField(_("aktif sejak"))
    active_until = models.DateField(_("aktif sampai"), null=True, blank=True)

    objects = AgentQuerySet.as_manager()

    class Meta:
        ordering = ["village", "role", "name"]
        verbose_name = _("agen/kader")
        verbose_name_plural = _("agen/kader")
        constraints = [
            models.CheckConstraint(
                condition=Q(active_until__isnull=True) | Q(active_until__gte=models.F("active_since")),
                name="agent_active_until_after_since",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.name} ({self.get_role_display()})"


class Award(models.Model):
    class Level(models.TextChoices):
        NATIONAL = "nasional", _("Nasional")
        PROVINCE = "provinsi", _("Provinsi")
        REGENCY = "kabupaten", _("Kabupaten/Kota")
        BRANCH = "cabang", _("Cabang")

    class Rank(models.TextChoices):
        FIRST = "juara_1", _("Juara 1")
        SECOND = "juara_2", _("Juara 2")
        THIRD = "juara_3", _("Juara 3")
        HONOURABLE_1 = "harapan_1", _("Harapan 1")
        HONOURABLE_2 = "harapan_2", _("Harapan 2")
        HONOURABLE_3 = "harapan_3", _("Harapan 3")

    village = models.ForeignKey(Village, on_delete=models.CASCADE, related_name="awards", verbose_name=_("desa"))
    year = models.PositiveSmallIntegerField(_("tahun"), validators=year_validators())
    level = models.CharField(_("tingkat"), max_length=10, choices=Level.choices)
    rank = models.CharField(_("peringkat"), max_length=10, choices=Rank.choices)
    title = models.CharField(_("nama penghargaan"), max_length=200, default="Desa Sadar Jaminan Sosial Ketenagakerjaan")

    class Meta:
        ordering = ["village", "-year"]
        verbose_name = _("penghargaan")
        verbose_name_plural = _("penghargaan")
        constraints = [
            models.UniqueConstraint(fields=["village", "year", "level"], name="unique_award_per_level_year"),
        ]

    def __str__(self) -> str:
        return f"{self.get_rank_display()} {self.get_level_display()} {self.year}"


class Target(models.Model):
    """The yearly target of active participants of a village."""

    village = models.ForeignKey(Village, on_delete=models.CASCADE, related_name="targets", verbose_name=_("desa"))
    year = models.PositiveSmallIntegerField(_("tahun"), validators=year_validators())
    active_participants = models.PositiveIntegerField(_("target peserta aktif"))

    class Meta:
        ordering = ["village", "-year"]
        verbose_name = _("target tahunan")
        verbose_name_plural = _("target tahunan")
        constraints = [models.UniqueConstraint(fields=["village", "year"], name="unique_target_year")]

    def __str__(self) -> str:
        return f"{self.village} {self.year}: {self.active_participants}"


class ActivityQuerySet(models.QuerySet):
    def for_user(self, user) -> ActivityQuerySet:
        return self.filter(village__in=Village.objects.for_user(user))


class Activity(models.Model):
    """An engagement activity held in a village."""

    class Kind(models.TextChoices):
        SOCIALISATION = "sosialisasi", _("Sosialisasi")
        TRAINING = "pelatihan", _("Pelatihan")
        BENEFIT_HANDOVER = "serah_manfaat", _("Penyerahan manfaat/santunan")
        COORDINATION = "rapat_koordinasi", _("Rapat koordinasi")
        DOOR_TO_DOOR = "door_to_door", _("Kunjungan door to door")

    village = models.ForeignKey(Village, on_delete=models.PROTECT, related_name="activities", verbose_name=_("desa"))
    date = models.DateField(_("tanggal"))
    kind = models.CharField(_("jenis kegiatan"), max_length=20, choices=Kind.choices)
    title = models.CharField(_("judul"), max_length=200, blank=True)
    attendees = models.PositiveIntegerField(_("jumlah peserta hadir"), default=0)
    enrolled_on_spot = models.PositiveIntegerField(_("peserta terdaftar di tempat"), default=0)
    notes = models.TextField(_("catatan"), blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("dicatat oleh"),
    )
    history = HistoricalRecords()

    objects = ActivityQuerySet.as_manager()

    class Meta:
        ordering = ["-date", "-id"]
        verbose_name = _("kegiatan")
        verbose_name_plural = _("kegiatan")
        indexes = [models.Index(fields=["village", "date"])]
        constraints = [
            models.CheckConstraint(
                condition=Q(enrolled_on_spot__lte=models.F("attendees")),
                name="activity_enrolled_within_attendees",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.date:%d/%m/%Y}"


class ExportLog(models.Model):
    """Who exported what, and when: exports can carry personal data (UU PDP No. 27/2022)."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", verbose_name=_("pengguna")
    )
    created_at = models.DateTimeField(_("waktu"), auto_now_add=True)
    what = models.CharField(_("data"), max_length=200)
    file_format = models.CharField(_("format"), max_length=10)
    filters = models.JSONField(_("filter"), default=dict, blank=True)
    rows = models.PositiveIntegerField(_("jumlah baris"), default=0)
    personal_data = models.BooleanField(_("memuat data pribadi"), default=False)

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("catatan ekspor")
        verbose_name_plural = _("catatan ekspor")

    def __str__(self) -> str:
        return f"{self.user} {self.what} {self.created_at:%d/%m/%Y %H:%M}"


# The programme's bar (designation criteria, apparatus headcounts) lives in its own module; importing it registers it.
from villages.designation import ApparatusHeadcount, DesignationCriterion  # noqa: E402, F401

# A village's resident list (OpenSID) and the denominators drawn from it.
from villages.residents import Denominator, OccupationCode, Resident, ResidentList  # noqa: E402, F401
