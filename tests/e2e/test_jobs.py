"""A large import through the real queue, in Chromium: an official uploads a file of more rows than
JOB_INLINE_MAX_ROWS, watches the progress page (htmx polls it) while a Celery worker previews it, lands on
the preview, saves, watches again and lands on the saved result. Runs with the worker that .ci/run starts."""

from __future__ import annotations

import os
import re

import pytest
from playwright.sync_api import expect

from core.models import Job
from participants.models import Participant
from tests.core.test_jobs_imports import LIMIT, participants_xlsx
from tests.e2e.conftest import login

pytestmark = pytest.mark.worker
JOB_PAGE = re.compile(r"/jobs/[0-9a-f-]{36}/$")
PREVIEW_PAGE = re.compile(r"/participants/import/[0-9a-f-]{36}/$")
# Enough rows that the worker is still previewing when the upload's answer arrives (a file just over the limit
# was previewed before it); the confirmation, faster, may be done by then.
ROWS = 3_000
SHOWN = "3.000"


@pytest.fixture(autouse=True)
def _shared_files(settings, job_worker):
    """The worker reads the uploaded file: the live server and the worker use the MEDIA_ROOT of the environment."""
    settings.MEDIA_ROOT = os.environ.get("MEDIA_ROOT") or settings.BASE_DIR / "media"
    settings.JOB_INLINE_MAX_ROWS = LIMIT


def test_a_queued_import_from_upload_to_the_saved_result(page, official, batang_barus, tmp_path):
    path = tmp_path / "daftar-besar.xlsx"
    path.write_bytes(participants_xlsx(ROWS))
    login(page, official.username)
    page.goto("/participants/import/")
    page.set_input_files("input[name=file]", str(path))
    with page.expect_navigation():
        page.get_by_role("button", name="Unggah dan periksa").click()
    # The progress page, polled every second, until the worker has the preview ready.
    assert JOB_PAGE.search(page.url), page.url
    expect(page.get_by_test_id("job-progress")).to_be_visible()
    assert "Pratinjau impor daftar-besar.xlsx" in page.locator("h1").inner_text()
    page.wait_for_url(PREVIEW_PAGE, timeout=120_000)
    assert page.get_by_test_id("count-new").inner_text() == SHOWN
    assert not Participant.objects.exists()

    with page.expect_navigation():
        page.get_by_role("button", name=f"Simpan {SHOWN} baru").click()
    # Its progress page, or straight back to the batch when the worker finished before the redirect.
    assert JOB_PAGE.search(page.url) or PREVIEW_PAGE.search(page.url), page.url
    page.wait_for_url(PREVIEW_PAGE, timeout=120_000)
    expect(page.get_by_test_id("written")).to_contain_text(f"{SHOWN} baru")
    assert Participant.objects.filter(village=batang_barus).count() == ROWS
    assert set(Job.objects.values_list("status", flat=True)) == {Job.Status.DONE}

    # Both jobs are on "Pekerjaan saya", reached from the menu.
    page.goto("/jobs/")
    listed = page.get_by_test_id("job-list").inner_text()
    assert "Pratinjau impor daftar-besar.xlsx" in listed and "Simpan impor daftar-besar.xlsx" in listed
