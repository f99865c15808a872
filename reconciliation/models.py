"""A core-system extract and what its reconciliation found (docs/reconciliation.md).

An `Extract` is one spreadsheet the branch exported from BPJS Ketenagakerjaan's core system, uploaded
through the import pipeline (its `ImportBatch` keeps the file and the preview). Confirming it keeps its
accepted rows (`ExtractRow`) and the `Finding`s of matching them against the participants and paid
months recorded here; `VillageResult` holds each village's counts and its data-quality figure. Nothing
here changes a participant or a contribution: that is `applying.extract_apply`, a separate step.
"""

from __future__ import annotations

import datetime
import uuid

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from participants.models import ImportBatch, Participant
from villages.models import Village


class Shape(models.TextChoices):
    PARTICIPANTS = "peserta", _("Daftar peserta")
    PAYMENTS = "iuran", _("Daftar pembayaran")


class ExtractQuerySet(models.QuerySet):
    def for_user(self, user) -> ExtractQuerySet:
        """Branch users see every extract; an official those with a result for one of their villages."""
        from villages.access import is_branch_user

        if is_branch_user(user):
            return self
        return self.filter(
            status__in=[Extract.Status.MATCHED, Extract.Status.APPLIED],
            village_results__village__in=Village.objects.for_user(user),
        ).distinct()


class Extract(models.Model):
    class Status(models.TextChoices):
        PREVIEW = "pratinjau", _("Pratinjau")
        MATCHED = "dicocokkan", _("Dicocokkan")
        APPLIED = "diterapkan", _("Diterapkan")

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    batch = models.OneToOneField(ImportBatch, on_delete=models.PROTECT, related_name="extract")
    shape = models.CharField(_("bentuk"), max_length=10, choices=Shape.choices)
    extract_date = models.DateField(_("tanggal ekstrak"))
    # File header → column key, as read (the pipeline's header matching, with the user's corrections).
    mapping = models.JSONField(_("pemetaan kolom"), default=dict, blank=True)
    # The file's headers in its own order (PostgreSQL's jsonb keeps no key order of `mapping`).
    headers = models.JSONField(_("judul kolom"), default=list, blank=True)
    status = models.CharField(_("status"), max_length=12, choices=Status.choices, default=Status.PREVIEW)
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", verbose_name=_("pengunggah")
    )
    uploaded_at = models.DateTimeField(_("diunggah"), auto_now_add=True)
    matched_at = models.DateTimeField(_("dicocokkan"), null=True, blank=True)
    first_month = models.DateField(_("bulan pertama"), null=True, blank=True)
    last_month = models.DateField(_("bulan terakhir"), null=True, blank=True)
    # The branch's counts by finding kind, and what each application wrote.
    summary = models.JSONField(_("ringkasan"), default=dict, blank=True)
    applications = models.JSONField(_("penerapan"), default=list, blank=True)

    objects = ExtractQuerySet.as_manager()

    class Meta:
        ordering = ["-uploaded_at"]
        verbose_name = _("ekstrak sistem inti")
        verbose_name_plural = _("ekstrak sistem inti")

    def __str__(self) -> str:
        return f"{self.get_shape_display()} {self.extract_date:%d/%m/%Y}"

    @property
    def mapping_items(self) -> list[tuple[str, str]]:
        """Each header of the file, in its order, with the column it is read as ("" ignored)."""
        return [(header, self.mapping.get(header, "")) for header in self.headers or self.mapping]

    @property
    def reference(self) -> datetime.date:
        """The month the extract's figures are read for: its latest month (a payment list's last month, a
        participant list's latest last-paid month), else the month of its date."""
        return self.last_month or self.extract_date.replace(day=1)

    @property
    def period_first(self) -> datetime.date:
        """The first month of the period a payment list covers (a participant list: its reference month)."""
        return (self.first_month if self.shape == Shape.PAYMENTS else None) or self.reference

    @property
    def reading_rows(self) -> list:
        """The branch's indicators in both readings (`readings.reading_rows`)."""
        from reconciliation.readings import reading_rows

        return reading_rows(self.summary.get("readings", {}), extract=self)

    @property
    def source_label(self) -> str:
        """How the audit history names what came from this extract."""
        return f"ekstrak sistem inti {self.extract_date:%d/%m/%Y}"


class ExtractRow(models.Model):
    """One accepted row of the extract: a participant (participant list) or one paid month (payment list)."""

    extract = models.ForeignKey(Extract, on_delete=models.CASCADE, related_name="rows")
    row = models.PositiveIntegerField(_("baris"))
    nik = models.CharField(_("NIK"), max_length=16, blank=True)
    kpj = models.CharField(_("nomor KPJ"), max_length=11, blank=True)
    name = models.CharField(_("nama"), max_length=100, blank=True)
    birth_date = models.DateField(_("tanggal lahir"), null=True, blank=True)
    sex = models.CharField(_("jenis kelamin"), max_length=1, blank=True)
    registered_on = models.DateField(_("tanggal daftar"), null=True, blank=True)
    has_jht = models.BooleanField(_("ikut JHT"), default=False)
    core_status = models.CharField(_("status"), max_length=30, blank=True)
    village = models.ForeignKey(Village, on_delete=models.SET_NULL, null=True, blank=True, related_name="+")
    village_text = models.CharField(_("desa menurut ekstrak"), max_length=100, blank=True)
    # The paid month (payment list) or the last paid month (participant list).
    month = models.DateField(_("bulan"), null=True, blank=True)
    amount = models.PositiveIntegerField(_("jumlah (Rp)"), null=True, blank=True)
    paid_on = models.DateField(_("tanggal bayar"), null=True, blank=True)
    channel = models.CharField(_("saluran"), max_length=15, blank=True)

    class Meta:
        ordering = ["row"]
        indexes = [models.Index(fields=["extract", "nik"]), models.Index(fields=["extract", "kpj"])]

    def __str__(self) -> str:
        return f"{self.extract_id} baris {self.row}"

    @property
    def masked_nik(self) -> str:
        return f"{self.nik[:6]}******{self.nik[-4:]}" if self.nik else ""


class FindingKind(models.TextChoices):
    AGREE = "sesuai", _("Sesuai")
    CORE_ONLY = "hanya_inti", _("Di sistem inti, belum terdaftar di sini")
    HERE_ONLY = "hanya_sini", _("Terdaftar di sini, tidak ada di sistem inti")
    MISSING_HERE = "bulan_kurang", _("Bulan dibayar di sistem inti, belum tercatat di sini")
    UNPAID_IN_CORE = "bulan_lebih", _("Bulan tercatat di sini, tidak dibayar di sistem inti")
    CONFLICT = "konflik", _("Konflik data")
    OTHER_VILLAGE = "beda_desa", _("Desa berbeda")
    KPJ_MISSING = "kpj_kosong", _("Nomor KPJ belum diisi di sini")
    AMOUNT = "jumlah", _("Jumlah berbeda dari aturan iuran")


# The kinds that say the two records disagree about a person (the data-quality figure's numerator excludes them).
PERSON_DISAGREEMENTS = (
    FindingKind.CORE_ONLY,
    FindingKind.HERE_ONLY,
    FindingKind.MISSING_HERE,
    FindingKind.UNPAID_IN_CORE,
    FindingKind.CONFLICT,
    FindingKind.OTHER_VILLAGE,
    FindingKind.KPJ_MISSING,
)


class FindingQuerySet(models.QuerySet):
    def for_user(self, user) -> FindingQuerySet:
        """A finding belongs to its village; the unplaced ones (no village) are the branch's only."""
        from villages.access import is_branch_user

        if is_branch_user(user):
            return self
        return self.filter(village__in=Village.objects.for_user(user))


class Finding(models.Model):
    extract = models.ForeignKey(Extract, on_delete=models.CASCADE, related_name="findings")
    kind = models.CharField(_("temuan"), max_length=12, choices=FindingKind.choices)
    # The village here (the participant's); for a worker only in the core system, the extract's village if it
    # names one we know, else none: "belum ditempatkan".
    village = models.ForeignKey(Village, on_delete=models.CASCADE, null=True, blank=True, related_name="+")
    participant = models.ForeignKey(
        Participant, on_delete=models.SET_NULL, null=True, blank=True, related_name="+", verbose_name=_("peserta")
    )
    row = models.ForeignKey(ExtractRow, on_delete=models.SET_NULL, null=True, blank=True, related_name="+")
    nik = models.CharField(_("NIK"), max_length=16, blank=True)
    kpj = models.CharField(_("nomor KPJ"), max_length=11, blank=True)
    name = models.CharField(_("nama"), max_length=100, blank=True)
    month = models.DateField(_("bulan"), null=True, blank=True)
    detail = models.CharField(_("keterangan"), max_length=300, blank=True)
    applied_at = models.DateTimeField(_("diterapkan"), null=True, blank=True)

    objects = FindingQuerySet.as_manager()

    class Meta:
        ordering = ["kind", "name", "month", "id"]
        indexes = [models.Index(fields=["extract", "kind", "village"])]

    def __str__(self) -> str:
        return f"{self.get_kind_display()}: {self.name}"

    @property
    def masked_nik(self) -> str:
        return f"{self.nik[:6]}******{self.nik[-4:]}" if self.nik else ""


class VillageResult(models.Model):
    """One village's outcome of one extract (village none: the workers the extract placed nowhere we know)."""

    extract = models.ForeignKey(Extract, on_delete=models.CASCADE, related_name="village_results")
    village = models.ForeignKey(Village, on_delete=models.CASCADE, null=True, blank=True, related_name="+")
    counts = models.JSONField(_("jumlah per temuan"), default=dict)
    # Persons agreeing ÷ persons compared, in percent (None when no one was compared): docs/reconciliation.md.
    quality = models.DecimalField(_("kualitas data (%)"), max_digits=5, decimal_places=1, null=True, blank=True)
    persons = models.PositiveIntegerField(_("orang dibandingkan"), default=0)
    # The indicators the extract can speak to, as reported here and as confirmed by the core system: the counts
    # each is built from (`reconciliation.readings`), a figure the extract cannot give being None.
    readings = models.JSONField(_("bacaan indikator"), default=dict, blank=True)

    class Meta:
        ordering = ["village__code"]
        constraints = [models.UniqueConstraint(fields=["extract", "village"], name="unique_extract_village_result")]

    def __str__(self) -> str:
        return f"{self.extract_id} {self.village_id}"

    @property
    def reading_rows(self) -> list:
        """The village's indicators in both readings (`readings.reading_rows`)."""
        from reconciliation.readings import reading_rows

        return reading_rows(self.readings, extract=self.extract)


class HeaderChoice(models.Model):
    """A header a user mapped by hand to a column of an extract shape: remembered for the next upload."""

    kind = models.CharField(_("jenis impor"), max_length=10)
    header = models.CharField(_("judul kolom (bentuk dibandingkan)"), max_length=100)
    column = models.CharField(_("kolom"), max_length=30, blank=True)
    chosen_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+")
    chosen_at = models.DateTimeField(auto_now=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["kind", "header"], name="unique_header_choice")]

    def __str__(self) -> str:
        return f"{self.kind} {self.header} → {self.column or '—'}"
