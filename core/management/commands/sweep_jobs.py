"""Mark background jobs that lost their process as failed and delete old job files (beat runs it too)."""

from __future__ import annotations

from django.conf import settings
from django.core.management.base import BaseCommand

from core.jobs import jobs_sweep


class Command(BaseCommand):
    help = (
        "Tandai gagal pekerjaan latar yang terhenti (tanpa kabar lebih dari JOB_STALE_MINUTES menit, atau antre "
        "lebih dari JOB_QUEUED_MAX_HOURS jam) dan hapus berkas hasil pekerjaan yang lebih tua dari "
        "JOB_FILES_KEEP_DAYS hari."
    )

    def handle(self, *args, **options) -> None:
        stale, removed = jobs_sweep()
        self.stdout.write(
            f"{stale} pekerjaan terhenti ditandai gagal; {removed} berkas hasil yang lebih tua dari "
            f"{settings.JOB_FILES_KEEP_DAYS} hari dihapus."
        )
