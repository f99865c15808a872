"""Participants (informal workers and village apparatus), their contributions and claims.

A participant lives in one village; everything here is scoped through
`Village.objects.for_user`, so a village official reaches only their villages.
"""

from __future__ import annotations

import datetime
import uuid

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import RegexValidator
from django.db import models, transaction
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords
from stdnum.exceptions import ValidationError as StdnumValidationError
from stdnum.id import nik as stdnum_nik

from core.formatting import mask_nik
from participants.months import add_months, month_start
from villages.models import Village

NIK_FORMAT = RegexValidator(r"^\d{16}$", _("NIK harus 16 angka."))
KPJ_FORMAT = RegexValidator(r"^\d{11}$", _("Nomor KPJ harus 11 angka."))


class Sex(models.TextChoices):
    MALE = "L", _("Laki-laki")
    FEMALE = "P", _("Perempuan")


class FundingSource(models.TextChoices):
    SELF = "mandiri", _("Mandiri")
    VILLAGE_BUDGET = "apbdes", _("APB Nagari/Desa")
    REGIONAL_BUDGET = "apbd", _("APBD Pemda")
    CSR = "csr", _("CSR")
    OTHER = "lainnya", _("Lainnya")


class Programme(models.TextChoices):
    JKK = "JKK", _("Jaminan Kecelakaan Kerja (JKK)")
    JKM = "JKM", _("Jaminan Kematian (JKM)")
    JHT = "JHT", _("Jaminan Hari Tua (JHT)")


def nik_problems(nik: str, *, birth_date: datetime.date | None, sex: str | None) -> list[str]:
    """Indonesian messages for everything wrong with a NIK, empty when it is fine.

    The NIK encodes DDMMYY of birth, with 40 added to the day for women.
    """
    try:
        stdnum_nik.validate(nik)
    except StdnumValidationError:
        return [str(_("NIK tidak valid: harus 16 angka dengan kode wilayah dan tanggal lahir yang benar."))]
    problems = []
    day = int(nik[6:8])
    encoded_sex = Sex.FEMALE if day > 40 else Sex.MALE
    if sex and sex != encoded_sex:
        problems.append(
            str(
                _("Jenis kelamin tidak cocok dengan NIK (NIK ini milik seorang %(sex)s).")
                % {"sex": encoded_sex.label.lower()}
            )
        )
    if birth_date:
        encoded = (day - 40 if day > 40 else day, int(nik[8:10]), int(nik[10:12]))
        if encoded != (birth_date.day, birth_date.month, birth_date.year % 100):
            problems.append(
                str(
                    _("Tanggal lahir tidak cocok dengan NIK (NIK menyebut %(d)02d/%(m)02d/..%(y)02d).")
                    % {"d": encoded[0], "m": encoded[1], "y": encoded[2]}
                )
            )
    return problems


class Occupation(models.TextChoices):
    FARMER = "petani", _("Petani")
    PLANTER = "pekebun", _("Pekebun")
    LIVESTOCK = "peternak", _("Peternak")
    FISHER = "nelayan", _("Nelayan")
    TRADER = "pedagang", _("Pedagang")
    DAY_LABOURER = "buruh_harian_lepas", _("Buruh harian lepas")
    CONSTRUCTION = "pekerja_konstruksi", _("Pekerja konstruksi")
    DRIVER = "pengemudi_ojek", _("Pengemudi/ojek")
    APPARATUS = "perangkat", _("Perangkat nagari/desa")
    CADRE = "kader", _("Kader")
    OTHER = "lainnya", _("Lainnya")


class ParticipantQuerySet(models.QuerySet):
    def for_user(self, user) -> ParticipantQuerySet:
        return self.filter(village__in=Village.objects.for_user(user))

    def enrolled_in(self, month: datetime.date) -> ParticipantQuerySet:
        """Registered by the end of `month` and not exited before it began."""
        return self.filter(enrolled_on__lt=add_months(month, 1)).filter(
            Q(exit_date__isnull=True) | Q(exit_date__gte=month)
        )


class SavedWithItsStatistics(models.Model):
    """A save and the difference it makes to the statistics in one transaction, also when the caller opened
    none: `participants.signals` locks the participant's row before the save and applies the difference
    after it (a lock outside a transaction is refused by PostgreSQL)."""

    class Meta:
        abstract = True

    def save(self, *args, **kwargs) -> None:
        with transaction.atomic(using=kwargs.get("using"), savepoint=False):
            super().save(*args, **kwargs)


class Participant(SavedWithItsStatistics):
    class ExitReason(models.TextChoices):
        DIED = "meninggal", _("Meninggal")
        MOVED = "pindah", _("Pindah")
        STOPPED = "berhenti", _("Berhenti")

    village = models.ForeignKey(
        Village, on_delete=models.PROTECT, related_name="participants", verbose_name=_("desa/nagari")
    )
    nik = models.CharField(_("NIK"), max_length=16, unique=True, validators=[NIK_FORMAT])
    kpj = models.CharField(_("nomor KPJ"), max_length=11, null=True, blank=True, unique=True, validators=[KPJ_FORMAT])
    name = models.CharField(_("nama"), max_length=100)
    sex = models.CharField(_("jenis kelamin"), max_length=1, choices=Sex.choices)
    birth_date = models.DateField(_("tanggal lahir"))
    phone = models.CharField(_("nomor HP"), max_length=20, blank=True)
    hamlet = models.CharField(_("jorong/dusun"), max_length=100, blank=True)
    occupation = models.CharField(_("pekerjaan"), max_length=20, choices=Occupation.choices)
    monthly_income = models.PositiveIntegerField(_("penghasilan per bulan (Rp)"))
    has_jht = models.BooleanField(_("ikut JHT"), default=False, help_text=_("JKK dan JKM selalu diikuti."))
    funding_source = models.CharField(_("sumber dana"), max_length=10, choices=FundingSource.choices)
    enrolled_on = models.DateField(_("tanggal daftar"))
    exit_date = models.DateField(_("tanggal keluar"), null=True, blank=True)
    exit_reason = models.CharField(_("alasan keluar"), max_length=10, choices=ExitReason.choices, blank=True)
    # Derived, like the statistics: the last month paid from the enrolment month on, kept by every write
    # (`participants.stats_delta`) and by `refresh_stats`; the follow-up list reads it instead of each
    # participant's payments. Not a change of the person: left out of the history.
    last_paid_month = models.DateField(_("bulan terakhir dibayar"), null=True, blank=True, editable=False)
    created_at = models.DateTimeField(_("dibuat"), auto_now_add=True)
    updated_at = models.DateTimeField(_("diubah"), auto_now=True)
    history = HistoricalRecords(excluded_fields=["last_paid_month"])

    objects = ParticipantQuerySet.as_manager()

    class Meta:
        ordering = ["name", "id"]
        verbose_name = _("peserta")
        verbose_name_plural = _("peserta")
        indexes = [
            models.Index(fields=["village", "enrolled_on"]),
            models.Index(fields=["village", "name"]),
            # The list's default order, branch-wide (the name search's trigram index is in migration 0009).
            models.Index(fields=["name", "id"], name="participant_name_id"),
            # The follow-up list: a village's participants unpaid since a month, without reading the others.
            models.Index(fields=["village", "last_paid_month"], name="participant_village_last_paid"),
        ]
        constraints = [
            models.CheckConstraint(condition=Q(nik__regex=r"^\d{16}$"), name="participant_nik_16_digits"),
            models.CheckConstraint(
                condition=Q(kpj__isnull=True) | Q(kpj__regex=r"^\d{11}$"), name="participant_kpj_11_digits"
            ),
            models.CheckConstraint(condition=Q(monthly_income__gte=0), name="participant_income_non_negative"),
            models.CheckConstraint(
                condition=(Q(exit_date__isnull=True) & Q(exit_reason=""))
                | (Q(exit_date__isnull=False) & ~Q(exit_reason="")),
                name="participant_exit_date_with_reason",
            ),
            models.CheckConstraint(
                condition=Q(exit_date__isnull=True) | Q(exit_date__gte=models.F("enrolled_on")),
                name="participant_exit_after_enrolment",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.name} ({self.masked_nik})"

    @property
    def masked_nik(self) -> str:
        """The NIK as lists and exports show it (`core.formatting.mask_nik`: birth date hidden, KPJ tail)."""
        return mask_nik(self.nik, kpj=self.kpj, birth_date=self.birth_date)

    @property
    def is_apparatus(self) -> bool:
        return self.occupation == Occupation.APPARATUS

    @property
    def programmes(self) -> list[str]:
        return [Programme.JKK, Programme.JKM] + ([Programme.JHT] if self.has_jht else [])

    def clean(self) -> None:
        errors: dict[str, list[str]] = {}
        if self.nik:
            for problem in nik_problems(self.nik, birth_date=self.birth_date, sex=self.sex):
                errors.setdefault("nik", []).append(problem)
        if self.kpj == "":
            self.kpj = None
        if self.exit_date and not self.exit_reason:
            errors.setdefault("exit_reason", []).append(_("Pilih alasan keluar."))
        if self.exit_reason and not self.exit_date:
            errors.setdefault("exit_date", []).append(_("Isi tanggal keluar."))
        if self.exit_date and self.enrolled_on and self.exit_date < self.enrolled_on:
            errors.setdefault("exit_date", []).append(_("Tanggal keluar tidak boleh sebelum tanggal daftar."))
        if self.birth_date and self.enrolled_on and self.birth_date >= self.enrolled_on:
            errors.setdefault("birth_date", []).append(_("Tanggal lahir harus sebelum tanggal daftar."))
        if errors:
            raise ValidationError(errors)

    def validate_unique(self, exclude=None) -> None:
        """A second registration of a NIK says where the first one lives."""
        if self.nik and (exclude is None or "nik" not in exclude):
            existing = Participant.objects.filter(nik=self.nik).exclude(pk=self.pk).select_related("village").first()
            if existing:
                raise ValidationError(
                    {
                        "nik": _("NIK ini sudah terdaftar atas nama %(name)s di %(village)s.")
                        % {"name": existing.name, "village": existing.village}
                    }
                )
            exclude = set(exclude or ()) | {"nik"}
        super().validate_unique(exclude=exclude)


class ContributionQuerySet(models.QuerySet):
    def for_user(self, user) -> ContributionQuerySet:
        return self.filter(participant__village__in=Village.objects.for_user(user))


class Contribution(SavedWithItsStatistics):
    """One paid month of one participant (iuran)."""

    class Channel(models.TextChoices):
        AGENT = "agen_perisai", _("Agen PERISAI")
        BANK = "bank_pos", _("Bank/kantor pos")
        ONLINE = "online", _("Online")
        TREASURER = "bendahara", _("Bendahara nagari/desa")

    participant = models.ForeignKey(
        Participant, on_delete=models.CASCADE, related_name="contributions", verbose_name=_("peserta")
    )
    month = models.DateField(_("bulan iuran"), help_text=_("Tanggal 1 bulan yang dibayar."))
    amount = models.PositiveIntegerField(_("jumlah (Rp)"))
    paid_on = models.DateField(_("tanggal bayar"))
    channel = models.CharField(_("saluran bayar"), max_length=15, choices=Channel.choices)
    funding_source = models.CharField(_("sumber dana"), max_length=10, choices=FundingSource.choices)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(_("dicatat"), auto_now_add=True)
    history = HistoricalRecords()

    objects = ContributionQuerySet.as_manager()

    class Meta:
        ordering = ["-month"]
        verbose_name = _("iuran")
        verbose_name_plural = _("iuran")
        indexes = [models.Index(fields=["month", "participant"])]
        constraints = [
            models.UniqueConstraint(fields=["participant", "month"], name="unique_contribution_month"),
            models.CheckConstraint(condition=Q(amount__gte=0), name="contribution_amount_non_negative"),
            models.CheckConstraint(condition=Q(month__day=1), name="contribution_month_first_day"),
        ]

    def __str__(self) -> str:
        return f"{self.participant.name} {self.month:%m/%Y}"

    def clean(self) -> None:
        if self.month and self.month.day != 1:
            self.month = month_start(self.month)


class ClaimQuerySet(models.QuerySet):
    def for_user(self, user) -> ClaimQuerySet:
        return self.filter(participant__village__in=Village.objects.for_user(user))


class Claim(models.Model):
    """A benefit paid (klaim/santunan): the strongest proof of benefit in a village."""

    participant = models.ForeignKey(
        Participant, on_delete=models.PROTECT, related_name="claims", verbose_name=_("peserta")
    )
    programme = models.CharField(_("program"), max_length=3, choices=Programme.choices)
    event_date = models.DateField(_("tanggal kejadian"))
    paid_on = models.DateField(_("tanggal dibayar"), null=True, blank=True)
    amount = models.PositiveBigIntegerField(_("jumlah manfaat (Rp)"))
    notes = models.TextField(_("keterangan"), blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    history = HistoricalRecords()

    objects = ClaimQuerySet.as_manager()

    class Meta:
        ordering = ["-event_date"]
        verbose_name = _("klaim")
        verbose_name_plural = _("klaim")
        constraints = [
            models.CheckConstraint(condition=Q(amount__gte=0), name="claim_amount_non_negative"),
            models.CheckConstraint(
                condition=Q(paid_on__isnull=True) | Q(paid_on__gte=models.F("event_date")),
                name="claim_paid_after_event",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_programme_display()} {self.participant.name}"


class ImportBatch(models.Model):
    """An uploaded spreadsheet waiting for confirmation; nothing is written before that."""

    class Kind(models.TextChoices):
        PARTICIPANTS = "peserta", _("Peserta")
        CONTRIBUTIONS = "iuran", _("Iuran")
        RESIDENTS = "penduduk", _("Data penduduk")
        CORE_PARTICIPANTS = "inti_pst", _("Ekstrak sistem inti: peserta")
        CORE_PAYMENTS = "inti_iuran", _("Ekstrak sistem inti: iuran")

    class Status(models.TextChoices):
        PREVIEW = "pratinjau", _("Pratinjau")
        CONFIRMED = "dikonfirmasi", _("Dikonfirmasi")

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    kind = models.CharField(_("jenis"), max_length=10, choices=Kind.choices)
    status = models.CharField(_("status"), max_length=15, choices=Status.choices, default=Status.PREVIEW)
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="import_batches", verbose_name=_("pengunggah")
    )
    village = models.ForeignKey(
        Village, on_delete=models.CASCADE, null=True, blank=True, related_name="+", verbose_name=_("desa bawaan")
    )
    file = models.FileField(_("berkas"), upload_to="imports/%Y/%m/")
    original_name = models.CharField(_("nama berkas"), max_length=255)
    summary = models.JSONField(_("ringkasan"), default=dict, blank=True)
    created_at = models.DateTimeField(_("diunggah"), auto_now_add=True)
    confirmed_at = models.DateTimeField(_("dikonfirmasi"), null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("impor berkas")
        verbose_name_plural = _("impor berkas")

    def __str__(self) -> str:
        return f"{self.original_name} ({self.get_status_display()})"


class VillageMonthStat(models.Model):
    """Per-village monthly counts, derived from participants and contributions.

    Like DHIS2's analytics tables: dashboards read these rows instead of scanning
    every contribution. Every write adds the difference it makes (`participants.stats_delta`);
    `manage.py refresh_stats` rebuilds them. Plain integers, not positive ones: a difference is added
    with one upsert whose inserted values may be negative (the sums never are).
    """

    village = models.ForeignKey(Village, on_delete=models.CASCADE, related_name="month_stats")
    month = models.DateField()
    enrolled = models.IntegerField(default=0)
    active = models.IntegerField(default=0)
    arrears = models.IntegerField(default=0)
    inactive = models.IntegerField(default=0)
    new_enrolments = models.IntegerField(default=0)
    new_self_funded = models.IntegerField(default=0)
    exits = models.IntegerField(default=0)
    lapsed = models.IntegerField(default=0)
    apparatus_registered = models.IntegerField(default=0)
    apparatus_active = models.IntegerField(default=0)
    active_self_funded = models.IntegerField(default=0)
    active_village_budget = models.IntegerField(default=0)
    active_regional_budget = models.IntegerField(default=0)
    active_csr = models.IntegerField(default=0)
    active_other_funding = models.IntegerField(default=0)
    contribution_amount = models.BigIntegerField(default=0)
    cohort_active_3 = models.IntegerField(default=0)
    cohort_active_6 = models.IntegerField(default=0)
    cohort_active_12 = models.IntegerField(default=0)
    # Participants aktif in this month and also k months earlier (retention over k-month periods).
    retained_1 = models.IntegerField(default=0)
    retained_3 = models.IntegerField(default=0)
    retained_6 = models.IntegerField(default=0)
    retained_12 = models.IntegerField(default=0)
    # Registered and never paid (belum aktif) in this month, and the months since registration they add up to.
    awaiting_first_payment = models.IntegerField(default=0)
    awaiting_months = models.IntegerField(default=0)
    # Lapses of participants whose previous lapse was d months earlier: a period's lapses, once per person, are
    # `lapsed` less these repeats (`participants.coverage.LAPSE_GAPS`, `indicators.facts`).
    lapsed_again_2 = models.IntegerField(default=0)
    lapsed_again_3 = models.IntegerField(default=0)
    lapsed_again_4 = models.IntegerField(default=0)
    lapsed_again_5 = models.IntegerField(default=0)
    lapsed_again_6 = models.IntegerField(default=0)
    lapsed_again_7 = models.IntegerField(default=0)
    lapsed_again_8 = models.IntegerField(default=0)
    lapsed_again_9 = models.IntegerField(default=0)
    lapsed_again_10 = models.IntegerField(default=0)
    lapsed_again_11 = models.IntegerField(default=0)

    class Meta:
        verbose_name = _("statistik bulanan desa")
        verbose_name_plural = _("statistik bulanan desa")
        constraints = [models.UniqueConstraint(fields=["village", "month"], name="unique_village_month_stat")]
        indexes = [models.Index(fields=["month", "village"])]

    def __str__(self) -> str:
        return f"{self.village_id} {self.month:%m/%Y}"


class HamletMonthStat(models.Model):
    """Per jorong of a village, per month: participants enrolled and those aktif (the month paid), for the
    village page's heat map. Kept as `VillageMonthStat` is: each write adds its difference
    (`participants.stats_delta`), `refresh_stats` rebuilds it. `hamlet` is the participants' jorong as entered
    ("" when none)."""

    village = models.ForeignKey(Village, on_delete=models.CASCADE, related_name="hamlet_month_stats")
    hamlet = models.CharField(_("jorong/dusun"), max_length=100, blank=True)
    month = models.DateField()
    enrolled = models.IntegerField(default=0)
    active = models.IntegerField(default=0)

    class Meta:
        verbose_name = _("statistik bulanan jorong")
        verbose_name_plural = _("statistik bulanan jorong")
        constraints = [models.UniqueConstraint(fields=["village", "hamlet", "month"], name="unique_hamlet_month_stat")]

    def __str__(self) -> str:
        return f"{self.village_id} {self.hamlet or '-'} {self.month:%m/%Y}"


class CoverageRule(models.Model):
    """The grace of the coverage rule as rules data: how many unpaid months in a row after a paid month a
    participant stays menunggak (and may still pay) before becoming nonaktif.

    The rule of a month is the latest one valid from that month or earlier; the earliest rule also governs
    the months before it. Applied by `participants.coverage`; saving or deleting one rebuilds the statistics
    from its month (`participants.signals`).
    """

    valid_from = models.DateField(_("berlaku mulai bulan"), unique=True, help_text=_("Tanggal 1 bulan pertama."))
    grace_months = models.PositiveSmallIntegerField(
        _("batas tunggakan (bulan)"),
        help_text=_("Bulan tanpa iuran berturut-turut setelah bulan terbayar sebelum kepesertaan menjadi nonaktif."),
    )
    regulation = models.CharField(_("dasar hukum"), max_length=200)
    history = HistoricalRecords()

    class Meta:
        ordering = ["-valid_from"]
        verbose_name = _("aturan masa tunggakan")
        verbose_name_plural = _("aturan masa tunggakan")
        constraints = [
            models.CheckConstraint(
                condition=Q(valid_from__day=1),
                name="coverage_rule_first_of_month",
                violation_error_message=_("Bulan berlaku ditulis sebagai tanggal 1."),
            ),
            models.CheckConstraint(
                condition=Q(grace_months__lte=24),
                name="coverage_rule_grace_at_most_24",
                violation_error_message=_("Batas tunggakan paling lama 24 bulan."),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.grace_months} bulan sejak {self.valid_from:%m/%Y}"


# The contribution rules (rates, reliefs, sectors) live in their own module; importing them here registers them.
from participants.benefits import Benefit  # noqa: E402, F401
from participants.rules import (  # noqa: E402, F401
    ContributionAdjustment,
    ContributionRate,
    OccupationSector,
    Sector,
)
