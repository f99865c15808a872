"""A background job (`core.jobs`): what runs, for whom, how far it got and where to go when it is done; and the
monthly routines' record of the last month each ran for (`core.monthly`)."""

from __future__ import annotations

import uuid

from django.conf import settings
from django.db import models
from django.urls import reverse
from django.utils.translation import gettext_lazy as _


class Job(models.Model):
    """One run of a registered job kind (`core.jobs.job_kind`), started by `core.jobs.job_start`.

    Its owner follows it at `get_absolute_url()`; `result` holds where to go when it is done
    ({"url": ...}), `file` what it produced for download (a report)."""

    class Status(models.TextChoices):
        QUEUED = "antri", _("Antri")
        RUNNING = "berjalan", _("Berjalan")
        DONE = "selesai", _("Selesai")
        FAILED = "gagal", _("Gagal")

    FINISHED = (Status.DONE, Status.FAILED)

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    kind = models.CharField(_("jenis"), max_length=80)
    title = models.CharField(_("judul"), max_length=200, blank=True)
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="jobs", verbose_name=_("pemilik")
    )
    params = models.JSONField(_("parameter"), default=dict, blank=True)
    status = models.CharField(_("status"), max_length=10, choices=Status.choices, default=Status.QUEUED)
    done = models.PositiveIntegerField(_("selesai"), default=0)
    total = models.PositiveIntegerField(_("jumlah"), default=0)
    message = models.CharField(_("pesan"), max_length=300, blank=True)
    result = models.JSONField(_("hasil"), default=dict, blank=True)
    error = models.TextField(_("kesalahan"), blank=True)
    file = models.FileField(_("berkas hasil"), upload_to="jobs/%Y/%m/", blank=True)
    created_at = models.DateTimeField(_("dibuat"), auto_now_add=True)
    started_at = models.DateTimeField(_("mulai"), null=True, blank=True)
    # Saved with its progress while it runs: a running job silent for longer than JOB_STALE_MINUTES has lost its
    # process (`core.jobs.jobs_sweep`).
    heartbeat_at = models.DateTimeField(_("kabar terakhir"), null=True, blank=True)
    finished_at = models.DateTimeField(_("selesai pada"), null=True, blank=True)
    # When its file was deleted after JOB_FILES_KEEP_DAYS (`core.jobs.jobs_sweep`); its page says so.
    file_removed_at = models.DateTimeField(_("berkas dihapus"), null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]
        indexes = [models.Index(fields=["owner", "-created_at"], name="core_job_owner_recent")]
        verbose_name = _("pekerjaan latar")
        verbose_name_plural = _("pekerjaan latar")

    def __str__(self) -> str:
        return f"{self.kind} ({self.get_status_display()})"

    def get_absolute_url(self) -> str:
        return reverse("jobs:detail", kwargs={"pk": self.pk})

    @property
    def finished(self) -> bool:
        return self.status in self.FINISHED

    @property
    def percent(self) -> int | None:
        """How far it got, 0–100; None while the total is unknown."""
        if self.status == self.Status.DONE:
            return 100
        if not self.total:
            return None
        return min(100, self.done * 100 // self.total)

    def report(self, *, done: int | None = None, total: int | None = None, message: str | None = None) -> None:
        """Progress, saved at most every `core.jobs.REPORT_EVERY` seconds (see `core.jobs.job_report`)."""
        from core.jobs import job_report

        job_report(job=self, done=done, total=total, message=message)

    def attach(self, *, name: str, content: bytes) -> None:
        """Keep `content` as the job's file (a report to download); the progress page links to it when done."""
        from core.jobs import job_attach

        job_attach(job=self, name=name, content=content)


class MonthlyRun(models.Model):
    """A monthly routine (`core.monthly.monthly_routine`): the last month it ran for, and who runs it now.

    `claimed_at` is set by the process that runs it (a lease: another takes over once it is older than
    JOB_STALE_MINUTES, when that process died), and cleared when it ends."""

    name = models.CharField(_("nama"), max_length=80, primary_key=True)
    month = models.DateField(_("bulan terakhir"))
    claimed_at = models.DateTimeField(_("sedang dijalankan sejak"), null=True, blank=True)
    finished_at = models.DateTimeField(_("selesai pada"), null=True, blank=True)

    class Meta:
        verbose_name = _("rutinitas bulanan")
        verbose_name_plural = _("rutinitas bulanan")

    def __str__(self) -> str:
        return f"{self.name} ({self.month:%m/%Y})"
