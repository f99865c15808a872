"""A large extract's preview and matching through the real queue: sent to Redis, run by a Celery worker in another
process, followed on the progress page (`.ci/run` starts the worker; skipped locally without one)."""

from __future__ import annotations

import os

import pytest
from django.urls import reverse

from core.models import Job
from participants.models import Contribution
from reconciliation.models import Extract, FindingKind
from tests.core.test_jobs_worker import follow
from tests.reconciliation.conftest import PAYMENT_HEADERS, xlsx
from tests.reconciliation.test_views import upload

pytestmark = [pytest.mark.worker, pytest.mark.django_db(transaction=True, serialized_rollback=True)]


@pytest.fixture(autouse=True)
def _shared_files(settings, job_worker):
    """The worker reads the uploaded file: both processes use the MEDIA_ROOT of the environment."""
    settings.MEDIA_ROOT = os.environ.get("MEDIA_ROOT") or settings.BASE_DIR / "media"
    settings.JOB_INLINE_MAX_ROWS = 5


def test_a_large_extract_through_the_worker(client, branch, staff_user):
    client.force_login(staff_user)
    contributions = Contribution.objects.count()
    response = upload(client, xlsx(PAYMENT_HEADERS, branch.rows))
    extract = Extract.objects.get()
    preview = Job.objects.get(kind="reconciliation.extract_preview")
    assert response["Location"] == preview.get_absolute_url()
    went_to, _ = follow(client, preview)
    assert went_to == reverse("reconciliation:preview", args=[extract.pk])
    page = client.get(went_to)
    assert page.status_code == 200 and f'data-testid="count-new">{len(branch.rows)}<' in page.text
    response = client.post(went_to)
    matching = Job.objects.get(kind="reconciliation.extract_confirm")
    assert response["Location"] == matching.get_absolute_url()
    went_to, _ = follow(client, matching)
    assert went_to == reverse("reconciliation:result", args=[extract.pk])
    extract.refresh_from_db()
    assert extract.status == Extract.Status.MATCHED
    assert extract.findings.filter(kind=FindingKind.MISSING_HERE).count() == 1
    assert Contribution.objects.count() == contributions  # matching writes nothing of the villages' data
